from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "信息公开"

    def ready(self) -> None:
        from records.signals import records_changed
        from sanctions.signals import subjects_changed
        from subjects.signals import subject_changed

        from .page_cache import on_records_changed, on_subjects_changed

        records_changed.connect(on_records_changed, dispatch_uid="disclosure.page_cache.records")
        subjects_changed.connect(on_subjects_changed, dispatch_uid="disclosure.page_cache.subjects")
        # A subject's own facts (name, registration) changed: the same cached pages are stale.
        subject_changed.connect(on_subjects_changed, dispatch_uid="disclosure.page_cache.subject_facts")
