from django.apps import AppConfig

from core.vocabulary import ROLE_CREDIT_ADMIN


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "信用记录"
    # The admin permissions this app gives each global staff role (collected from every app's when a role's
    # group is set up): the catalog, disclosure regimes and holiday table are the credit centre's to maintain;
    # records it reads.
    admin_grants = {
        ROLE_CREDIT_ADMIN: {
            "recordtype": "view add change",
            "recordfield": "view add change",
            "severityrule": "view add change delete",
            "disclosureregime": "view add change",
            "regimeperiod": "view add change",
            "calendarday": "view add change delete",
            "creditrecord": "view",
            "recordversion": "view",
            "ingestbatch": "view",
            "qualityreport": "view",
            "redecision": "view",
        }
    }

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        import outbox

        from .models import RecordField, RecordType
        from .outbox_handlers import REVIEW_NOTICE, on_batch_process, on_bulk_review, on_redecide, on_review_notice
        from .receivers import catalog_changed, migrated
        from .signals import BATCH_PROCESS, BULK_REVIEW, REDECIDE

        outbox.register(BATCH_PROCESS, on_batch_process)
        outbox.register(REDECIDE, on_redecide)
        outbox.register(BULK_REVIEW, on_bulk_review)
        outbox.register(REVIEW_NOTICE, on_review_notice)
        for model in (RecordType, RecordField):
            for signal in (post_save, post_delete):
                signal.connect(catalog_changed, sender=model, dispatch_uid=f"records.catalog_changed.{model.__name__}")
        post_migrate.connect(migrated, sender=self, dispatch_uid="records.migrated")
