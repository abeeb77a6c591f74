from django.apps import AppConfig

from core.vocabulary import ROLE_CREDIT_ADMIN


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "信息公开"
    # The admin permissions this app gives each global staff role (collected from every app's when a role's
    # group is set up).
    admin_grants = {ROLE_CREDIT_ADMIN: {"article": "view add change"}}

    def ready(self) -> None:
        import outbox
        from evaluation.signals import SUBJECTS_GRADES_CHANGED
        from records.signals import RECORDS_CHANGED
        from sanctions.services import check_certificate_issuer_register
        from sanctions.signals import SUBJECTS_LISTS_CHANGED
        from subjects.signals import SUBJECTS_FACTS_CHANGED

        from .outbox_handlers import opendata_refresh, pages_refresh
        from .reports import check_certificate_issue

        # A subject's records, lists or own facts (name, registration) changed: its cached pages are stale.
        outbox.register(RECORDS_CHANGED, pages_refresh)
        outbox.register(SUBJECTS_LISTS_CHANGED, pages_refresh)
        outbox.register(SUBJECTS_FACTS_CHANGED, pages_refresh)
        outbox.register(SUBJECTS_GRADES_CHANGED, pages_refresh)
        # Open-data files holding changed records are written again (opendata.opendata_regenerate_stale).
        outbox.register(RECORDS_CHANGED, opendata_refresh)
        # 联合奖惩核查: the check's certificate is numbered and verified with the credit reports.
        check_certificate_issuer_register(check_certificate_issue)
