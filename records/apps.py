from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "信用记录"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        import outbox

        from .models import RecordField, RecordType
        from .outbox_handlers import on_batch_process, on_redecide
        from .receivers import catalog_changed, migrated
        from .signals import BATCH_PROCESS, REDECIDE

        outbox.register(BATCH_PROCESS, on_batch_process)
        outbox.register(REDECIDE, on_redecide)
        for model in (RecordType, RecordField):
            for signal in (post_save, post_delete):
                signal.connect(catalog_changed, sender=model, dispatch_uid=f"records.catalog_changed.{model.__name__}")
        post_migrate.connect(migrated, sender=self, dispatch_uid="records.migrated")
