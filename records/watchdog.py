"""The watchdog of the records app's chunked background runs (policy recomputations, bulk reviews): a run queued
or running that has not moved for ``REDECISION_STALL_MINUTES`` — its task lost with a worker, or its retries
spent in a long database outage — is queued again. Safe: a run resumes after its last committed chunk, and a
second delivery waits for the chunk's lock, then finds it done."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core.enqueue import enqueue

logger = logging.getLogger(__name__)


def stalled_runs_requeue(model: type[models.Model], *, states: tuple[str, ...], task, action: str, actor: Actor) -> int:
    """Queue again each run of ``model`` (with ``state``, ``processed``, ``progressed_at`` and ``created_at``) in
    ``states`` that has not moved for the stall time, with an audit event ``action``. Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.REDECISION_STALL_MINUTES)
    stalled = model.objects.filter(
        Q(progressed_at__lt=cutoff) | Q(progressed_at__isnull=True, created_at__lt=cutoff), state__in=states
    )
    requeued = 0
    for run in stalled.order_by("pk"):
        with transaction.atomic():
            model.objects.filter(pk=run.pk).update(progressed_at=timezone.now())
            audit_event_record(
                actor=actor,
                action=action,
                obj=run,
                reason=f"超过{settings.REDECISION_STALL_MINUTES}分钟没有进展，重新排队",
                after={"state": run.state, "processed": run.processed},
            )
            transaction.on_commit(lambda pk=run.pk: enqueue(task, pk))
        requeued += 1
    return requeued


def run_failed(model: type[models.Model], pk: int, *, state: str, message: str, what: str) -> models.Model:
    """In the ``except`` of a run's error that is not transient: log it with its traceback and mark the run
    ``state`` (failed) with ``message``. What its committed chunks did stays; the watchdog leaves a failed run
    to an operator, who resumes it once the cause is fixed. Returns the run as it is now."""
    logger.exception("%s #%s failed", what, pk)
    model.objects.filter(pk=pk).update(state=state, finished_at=timezone.now(), message=message)
    return model.objects.get(pk=pk)
