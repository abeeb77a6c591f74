from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = "信用主体与部门"

    def ready(self) -> None:
        from . import receivers
        from .api import schema  # noqa: F401  (registers the OpenAPI extension)

        receivers.connect()
