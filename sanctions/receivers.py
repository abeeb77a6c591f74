"""What the sanctions app does when the records app reports a change."""

from records.models import CreditRecord

from .tasks import subjects_evaluate_task


def on_records_changed(sender, *, record_ids: list[int], **kwargs) -> None:
    """A record created, changed, revoked or repaired re-evaluates its subject: one task per 1,000 subjects,
    enqueued here, which already runs after the records' transaction has committed."""
    subject_ids = sorted(
        set(CreditRecord.objects.filter(pk__in=record_ids, subject__isnull=False).values_list("subject_id", flat=True))
    )
    for start in range(0, len(subject_ids), 1000):
        subjects_evaluate_task.delay(subject_ids[start : start + 1000])
