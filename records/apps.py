from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "信用记录"

    def ready(self) -> None:
        import outbox

        from .outbox_handlers import on_batch_process, on_redecide
        from .signals import BATCH_PROCESS, REDECIDE

        outbox.register(BATCH_PROCESS, on_batch_process)
        outbox.register(REDECIDE, on_redecide)
