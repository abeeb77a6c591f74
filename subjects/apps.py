from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = "信用主体与部门"

    def ready(self) -> None:
        import outbox

        from . import receivers
        from .api import schema  # noqa: F401  (registers the OpenAPI extension)
        from .fragments import fragments_on_facts_changed
        from .signals import SUBJECTS_FACTS_CHANGED

        receivers.connect()
        # A rename changes which frequent name fragments list the subject.
        outbox.register(SUBJECTS_FACTS_CHANGED, fragments_on_facts_changed)
