"""Writing, delivering and sweeping outbox items.

At least once, never lost: ``outbox_add`` writes the item in the transaction of the change (a rollback takes
it away with the change) and, once committed, asks the broker for an ``outbox_deliver_task``; if the broker
is away that request is only logged, since the row is committed and the sweep (every minute) delivers what is
due. Retries are the item's own: ``attempts`` and ``next_attempt_at`` with a capped exponential backoff, kept
in PostgreSQL, so an outage of an hour (Redis or PostgreSQL) is outlived — Celery's in-memory retries are not
relied on. After ``GIVE_UP_AFTER`` of failures the item is ``failed``: shown in the admin and in ``/readyz``.

A delivery first claims the item (row locked with SKIP LOCKED, ``next_attempt_at`` moved a lease ahead, in
its own short transaction), then runs the handlers outside that transaction, then marks it done. Two
deliveries of one item at once (the task and a sweep, or a task redelivered by the broker) do not both run
it: the second finds it locked or not yet due. A worker killed mid-delivery leaves it pending: the sweep
takes it again once the lease has passed.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
from contextlib import nullcontext

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.utils import timezone

from . import registry
from .models import OutboxItem, OutboxState

logger = logging.getLogger("outbox")

FIRST_RETRY = datetime.timedelta(seconds=10)  # then 20 s, 40 s, ... up to MAX_RETRY
MAX_RETRY = datetime.timedelta(minutes=10)
# A claimed item is tried again after this if its delivery never ended (a killed worker): settings
# OUTBOX_LEASE_SECONDS, 10 minutes by default (longer than any handler runs; the fault tests shorten it).
LEASE = datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
GIVE_UP_AFTER = datetime.timedelta(hours=24)
CLOCK_SKEW_MARGIN = datetime.timedelta(minutes=5)
KEEP_DONE = datetime.timedelta(days=2)
SWEEP_SECONDS = 45  # one sweep delivers for at most this long: beat sends the next one a minute later
SWEEP_PAGE = 100
PURGE_PAGE = 5000
# Transient: the database or the broker away. One log line, no traceback (an outage would flood the log).
_TRANSIENT_NAMES = {"OperationalError", "InterfaceError", "ConnectionError", "TimeoutError", "ConnectionRefusedError"}


def outbox_add(*, topic: str, payload: dict) -> OutboxItem:
    """Write one item. Must run inside the transaction of the change whose consequence it is; after the
    commit the item is handed to the worker (eagerly, in this process, without a broker)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_add must be called inside the transaction of the change it follows")
    if not topic:
        raise ValueError("an outbox item needs a topic")
    item = OutboxItem.objects.create(
        topic=topic,
        payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
        # Due at once even for a worker whose clock is behind the web's (the claim compares with the worker's
        # clock): without the margin, a skew of a minute left the delivery after the commit finding the item
        # "not due yet" and the item waiting for the sweep.
        next_attempt_at=timezone.now() - CLOCK_SKEW_MARGIN,
    )
    item_id = item.pk
    # robust: the change is committed; a delivery that fails here (eager mode) is retried by the sweep.
    transaction.on_commit(lambda: _deliver_soon(item_id), robust=True)
    return item


def _deliver_soon(item_id: int) -> None:
    from kombu.exceptions import OperationalError as BrokerError

    from .tasks import outbox_deliver_task

    try:
        outbox_deliver_task.delay(item_id)
    except BrokerError as exc:  # nothing is lost: the row is committed and the sweep delivers it
        logger.warning("outbox item %s not queued (%s); the sweep delivers it", item_id, type(exc).__name__)


def _claim(item_id: int, now: datetime.datetime) -> OutboxItem | None:
    with transaction.atomic():
        item = (
            OutboxItem.objects.select_for_update(skip_locked=True)
            .filter(pk=item_id, state=OutboxState.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if item is None:
            return None  # done, failed, being delivered, or not due yet
        item.attempts += 1
        item.next_attempt_at = now + LEASE
        item.save(update_fields=["attempts", "next_attempt_at"])
    return item


class NoHandler(LookupError):
    """No handler is registered for the item's topic in this process."""


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed try: 10 s, 20 s, 40 s, ... at most 10 minutes."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


def outbox_deliver(item_id: int) -> bool:
    """Run the handlers of a due pending item and mark it done. Returns whether it is done now.

    An item done, failed, not yet due or being delivered elsewhere is left as it is (idempotent)."""
    item = _claim(item_id, timezone.now())
    if item is None:
        return False
    handlers = registry.handlers(item.topic)
    if not handlers:
        # A topic nobody handles here (a worker still running the code before the topic existed, during a
        # deployment): marking it done would drop the consequence for good; it waits for a worker that knows it.
        _failed(item, None, NoHandler(item.topic))
        return False
    # Every handler runs, whatever another one does: a subject's lists failing must not keep its grade or its
    # pages from following the change (the item is tried again for the one that failed, and the handlers are
    # idempotent, so the others run again harmlessly). In eager mode the delivery runs inside the caller's
    # transaction (a test's): a savepoint per handler keeps a failing one from breaking it or undoing the others.
    # In the worker each handler commits its own work.
    failure = None
    eager = transaction.get_connection().in_atomic_block
    for handler in handlers:
        try:
            with transaction.atomic() if eager else nullcontext():
                handler(item.payload)
        except Exception as exc:
            failure = failure or (handler, exc)
    if failure is not None:
        _failed(item, *failure)
        return False
    OutboxItem.objects.filter(pk=item.pk, state=OutboxState.PENDING).update(
        state=OutboxState.DONE, done_at=timezone.now(), last_error=""
    )
    return True


def _failed(item: OutboxItem, handler, exc: BaseException) -> None:
    now = timezone.now()
    name = registry.handler_name(handler) if handler is not None else "no handler"
    error = f"{name}: {type(exc).__name__}"[:200]  # the class only: a message may quote personal data
    give_up = now - item.created_at >= GIVE_UP_AFTER
    wait = backoff(item.attempts)
    transient = type(exc).__name__ in _TRANSIENT_NAMES or isinstance(exc, DatabaseError)
    log = logger.error if give_up else logger.warning
    log(
        "outbox item %s (%s) attempt %d failed in %s: %s; %s",
        item.pk,
        item.topic,
        item.attempts,
        name,
        type(exc).__name__,
        "given up: state failed, see the admin" if give_up else f"next try in {int(wait.total_seconds())} s",
        exc_info=not transient,
    )
    try:
        OutboxItem.objects.filter(pk=item.pk, state=OutboxState.PENDING).update(
            state=OutboxState.FAILED if give_up else OutboxState.PENDING,
            next_attempt_at=now + wait,
            last_error=error,
        )
    except DatabaseError as db_error:  # the database is away too: the lease brings the item back
        logger.warning("outbox item %s: failure not recorded (%s)", item.pk, type(db_error).__name__)


def outbox_sweep(*, seconds: float = SWEEP_SECONDS) -> dict:
    """Deliver the pending items that are due, oldest first, for at most ``seconds``; delete done items
    older than ``KEEP_DONE``. Returns counts.

    The sweep delivers in its own process instead of enqueueing a task per item: it is the path that must
    work right after the broker was away (or lost its queue), and one beat message is all it needs; it does
    not pile up copies of tasks in a queue that already holds the ones sent after each commit. Sweeps that
    overlap (a slow one and the next minute's) share the work: an item is claimed by one of them."""
    started = time.monotonic()
    done = {"delivered": 0, "not_delivered": 0, "purged": 0}
    seen: set[int] = set()
    while time.monotonic() - started < seconds:
        due = [
            pk
            for pk in OutboxItem.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_PAGE]
            if pk not in seen
        ]
        if not due:
            break
        for pk in due:
            seen.add(pk)
            if time.monotonic() - started >= seconds:
                break
            done["delivered" if outbox_deliver(pk) else "not_delivered"] += 1
    cutoff = timezone.now() - KEEP_DONE
    old = list(
        OutboxItem.objects.filter(state=OutboxState.DONE, done_at__lt=cutoff).values_list("pk", flat=True)[:PURGE_PAGE]
    )
    if old:
        done["purged"], _ = OutboxItem.objects.filter(pk__in=old).delete()
    if done["delivered"] or done["not_delivered"]:
        logger.info("outbox sweep: %s", done)
    return done
