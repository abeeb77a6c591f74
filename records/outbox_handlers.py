"""Handlers of the records app's own outbox topics (registered in records/apps.py). Its other topics are declared
in signals.py; the review e-mail's is declared here, beside its handler, as accounts and rights declare theirs.

``records.review_notice`` (``department_id``, ``pending``, ``uploads``, ``sent_at``): the e-mail telling a
department's reviewers that entries wait for them, recorded by ``notifications.review_notices_send``.
"""

REVIEW_NOTICE = "records.review_notice"


def on_batch_process(payload: dict) -> None:
    """A committed batch gets its task: published here, and a broker that refuses it raises, so the outbox
    item stays pending and is tried again (never a batch row left without its task). Publishing twice is
    harmless: a batch advances chunk by chunk under a lock and a finished batch is left alone (batch_run)."""
    from .tasks import batch_process_task

    batch_process_task.delay(payload["batch_id"])


def on_redecide(payload: dict) -> None:
    """A committed policy change gets its recomputation task (as ``on_batch_process``: a refused publish raises
    and the item is tried again; a second task for one redecision finds its chunks done)."""
    from .tasks import redecision_task

    redecision_task.delay(payload["redecision_id"])


def on_bulk_review(payload: dict) -> None:
    """A committed bulk review gets its task (as ``on_redecide``: a second task finds its chunks done)."""
    from .tasks import bulk_review_task

    bulk_review_task.delay(payload["bulk_review_id"])


def on_review_notice(payload: dict) -> None:
    """Mail a committed review notice (a mail server away raises: the item is tried again with backoff)."""
    from .notifications import review_notice_deliver

    review_notice_deliver(payload)
