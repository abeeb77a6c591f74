"""Celery tasks of the records app: thin, ids in, safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .batches import batch_run


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=50 * 60,
    time_limit=55 * 60,
)
def batch_process_task(batch_id: int) -> str:
    """Validate or import a batch from where it stopped; a finished batch is left as it is."""
    return batch_run(batch_id).state
