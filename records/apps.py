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
        }
    }

    def ready(self) -> None:
        import outbox

        from .outbox_handlers import on_batch_process
        from .signals import BATCH_PROCESS

        outbox.register(BATCH_PROCESS, on_batch_process)
