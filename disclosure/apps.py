from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "信息公开"

    def ready(self) -> None:
        import outbox
        from evaluation.signals import SUBJECTS_GRADES_CHANGED
        from records.signals import RECORDS_CHANGED
        from sanctions.signals import SUBJECTS_LISTS_CHANGED
        from subjects.signals import SUBJECTS_FACTS_CHANGED

        from .outbox_handlers import APPLICATION_NOTIFY, application_notify_deliver, opendata_refresh, pages_refresh

        # A subject's records, lists or own facts (name, registration) changed: its cached pages are stale.
        outbox.register(RECORDS_CHANGED, pages_refresh)
        outbox.register(SUBJECTS_LISTS_CHANGED, pages_refresh)
        outbox.register(SUBJECTS_FACTS_CHANGED, pages_refresh)
        outbox.register(SUBJECTS_GRADES_CHANGED, pages_refresh)
        outbox.register(APPLICATION_NOTIFY, application_notify_deliver)
        # Open-data files holding changed records are written again (opendata.opendata_regenerate_stale).
        outbox.register(RECORDS_CHANGED, opendata_refresh)
