"""What the sanctions app does when the records app reports a change (outbox topic ``records.changed``)."""

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from audit.services import Actor
from core.chunks import in_chunks_then_one_by_one

from .services import subjects_evaluate

CHUNK = 1000
# Not a subject's fault: the database away, or the task out of time. They end the delivery at once.
NOT_SUBJECT_FAULTS = (OperationalError, InterfaceError, SoftTimeLimitExceeded)


class SubjectsNotEvaluated(RuntimeError):
    """Some subjects of the item could not be evaluated (their ids are in the message, no personal data):
    the item stays pending and is delivered again, while every other subject has been evaluated."""


def on_records_changed(payload: dict) -> None:
    """Records created, changed, revoked or repaired re-evaluate their subjects (now and before) as far as the
    change can alter their lists: ``subjects_evaluate`` decides which, under lock.

    Run by the outbox delivery in the worker, here and now, 1,000 subjects per transaction — not enqueued as
    further tasks, whose loss would lose the evaluation again. A chunk that fails is evaluated again subject
    by subject, so that one subject the rules cannot evaluate (bad data) does not hold back the 999 others
    nor the chunks after it; the item then raises, stays pending and is delivered again (what was evaluated
    is evaluated again, which changes nothing). The database away or the task's time limit is not a
    subject's fault: it raises at once."""
    subject_ids, record_ids = payload["subject_ids"], payload.get("record_ids")
    actor = Actor.system("名单自动评估")
    failed = in_chunks_then_one_by_one(
        subject_ids,
        lambda chunk: subjects_evaluate(subject_ids=chunk, actor=actor, changed_records=record_ids),
        size=CHUNK,
        faults=NOT_SUBJECT_FAULTS,
        what="evaluated",
    )
    if failed:
        raise SubjectsNotEvaluated(f"{len(failed)} subjects not evaluated: {failed[:20]}")
