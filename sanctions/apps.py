from django.apps import AppConfig

from core.vocabulary import ROLE_CREDIT_ADMIN


class SanctionsConfig(AppConfig):
    name = "sanctions"
    verbose_name = "联合奖惩"
    # The admin permissions this app gives each global staff role (collected from every app's when a role's
    # group is set up): the credit centre maintains the list types and the measure catalog; memberships and
    # checks it reads.
    admin_grants = {
        ROLE_CREDIT_ADMIN: {
            "listtype": "view add change",
            "listsource": "view add change delete",
            "measure": "view add change",
            "membership": "view",
            "membershipchange": "view",
            "creditstatus": "view",
            "check": "view",
            "feedback": "view",
        }
    }

    def ready(self) -> None:
        import outbox
        from records.signals import RECORDS_CHANGED

        from .receivers import on_records_changed

        outbox.register(RECORDS_CHANGED, on_records_changed)
