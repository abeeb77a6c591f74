"""Enqueueing a task after a commit without turning a committed request into an error.

The change is committed by then; if the broker (Redis) cannot take the task, failing the request would tell
the caller that nothing happened when it did. So the failure is logged, one line at ERROR that names the task
and its arguments (the ids of the subjects, records or batch that were not handled), and the caller goes on.
Until the transactional outbox of issue 11 re-drives such work, ``status_check --fix`` (or
``recompute_status``) repairs lists left unevaluated (docs/operations.md, "Faults").

Here, in `core` beside ``bulk``, because every app enqueues and the helper knows no domain: the
lowest app (``audit``) is the audit trail and should not grow a task-queue helper.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("core.enqueue")


def enqueue(task, *args, **kwargs) -> bool:
    """``task.delay(*args, **kwargs)``; a broker error is logged (never raised). Returns whether it was queued.

    Call it where the work is already committed (a ``transaction.on_commit`` callback, a signal receiver
    run after commit). An error raised by the task itself (eager mode in tests and development) propagates."""
    from kombu.exceptions import OperationalError as BrokerError

    try:
        task.delay(*args, **kwargs)
    except BrokerError as exc:  # kombu raises it for any connection error while publishing
        logger.error(
            "task %s not queued (%s: %s); not done for args=%s kwargs=%s",
            task.name,
            type(exc).__name__,
            exc,
            list(args),
            kwargs,
        )
        return False
    return True
