from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    name = "sanctions"
    verbose_name = "联合奖惩"

    def ready(self) -> None:
        import outbox
        from records.signals import RECORDS_CHANGED

        from .receivers import on_records_changed

        outbox.register(RECORDS_CHANGED, on_records_changed)
