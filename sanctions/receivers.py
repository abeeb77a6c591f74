"""What the sanctions app does when the records app reports a change."""

from .selectors import subjects_affected
from .tasks import subjects_evaluate_task


def on_records_changed(sender, *, record_ids: list[int], subject_ids: list[int], **kwargs) -> None:
    """A record created, changed, revoked or repaired re-evaluates its subjects (now and before) when the
    change can alter their lists: one task per 1,000 subjects, enqueued here, which already runs after the
    records' transaction has committed."""
    affected = subjects_affected(record_ids, subject_ids)
    for start in range(0, len(affected), 1000):
        subjects_evaluate_task.delay(affected[start : start + 1000])
