"""What the sanctions app does when the records app reports a change."""

from credit_portal.enqueue import enqueue

from .tasks import subjects_evaluate_task


def on_records_changed(sender, *, record_ids: list[int], subject_ids: list[int], **kwargs) -> None:
    """A record created, changed, revoked or repaired re-evaluates its subjects (now and before) as far as the
    change can alter their lists: one task per 1,000 subjects, enqueued here, which already runs after the
    records' transaction has committed. The task decides which subjects the change can alter, under lock.

    A chunk the broker refuses is logged with its subject ids and skipped: the records are committed, and the
    other chunks (and the other receivers of the signal) still go."""
    for start in range(0, len(subject_ids), 1000):
        enqueue(subjects_evaluate_task, subject_ids[start : start + 1000], record_ids)
