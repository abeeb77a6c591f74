"""Handlers of the records app's own outbox topics."""


def on_batch_process(payload: dict) -> None:
    """A committed batch gets its task: published here, and a broker that refuses it raises, so the outbox
    item stays pending and is tried again (never a batch row left without its task). Publishing twice is
    harmless: a batch advances chunk by chunk under a lock and a finished batch is left alone (batch_run)."""
    from .tasks import batch_process_task

    batch_process_task.delay(payload["batch_id"])
