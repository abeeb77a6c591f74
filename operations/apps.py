from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Endpoints for the orchestrator: liveness and readiness (no models)."""

    name = "operations"
    verbose_name = "运行状态"
