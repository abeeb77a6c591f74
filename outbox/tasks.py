"""Celery tasks of the outbox: no Celery retries of their own — the item's ``next_attempt_at`` and the sweep
are the retries (they outlast an outage; a task's in-memory retries would be spent in seconds)."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import outbox_deliver, outbox_sweep

logger = logging.getLogger("outbox")


@shared_task(acks_late=True, soft_time_limit=9 * 60, time_limit=10 * 60)
def outbox_deliver_task(item_id: int) -> bool:
    """Deliver one item (sent after the commit that wrote it); a done or claimed item is skipped."""
    try:
        return outbox_deliver(item_id)
    except (OperationalError, InterfaceError) as exc:  # the database is away: the sweep delivers it later
        logger.warning("outbox item %s not delivered (%s); the sweep delivers it", item_id, type(exc).__name__)
        return False


@shared_task(acks_late=False, soft_time_limit=5 * 60, time_limit=6 * 60)
def outbox_sweep_task() -> dict:
    """Every minute: deliver the pending items that are due, delete old done ones."""
    try:
        return outbox_sweep()
    except (OperationalError, InterfaceError) as exc:  # one line a minute while the database is away
        logger.warning("outbox sweep not run (%s); the next one tries again", type(exc).__name__)
        return {}
