"""What the sanctions app does when the records app reports a change (outbox topic ``records.changed``)."""

from audit.services import Actor

from .services import subjects_evaluate

CHUNK = 1000


def on_records_changed(payload: dict) -> None:
    """Records created, changed, revoked or repaired re-evaluate their subjects (now and before) as far as the
    change can alter their lists: ``subjects_evaluate`` decides which, under lock.

    Run by the outbox delivery in the worker, here and now, 1,000 subjects per transaction — not enqueued as
    further tasks, whose loss would lose the evaluation again. A chunk that fails raises: the item stays
    pending and is delivered again (the chunks already evaluated are evaluated again, which changes nothing)."""
    subject_ids, record_ids = payload["subject_ids"], payload.get("record_ids")
    actor = Actor.system("名单自动评估")
    for start in range(0, len(subject_ids), CHUNK):
        subjects_evaluate(subject_ids=subject_ids[start : start + CHUNK], actor=actor, changed_records=record_ids)
