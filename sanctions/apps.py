from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    name = "sanctions"
    verbose_name = "联合奖惩"

    def ready(self) -> None:
        from records.signals import records_changed

        from .receivers import on_records_changed

        records_changed.connect(on_records_changed, dispatch_uid="sanctions.on_records_changed")
