"""What ``/readyz`` checks: the services the site needs, the migrations, and the work waiting to be done.

The top layer of the project (``outbox → audit → subjects → records → sanctions → disclosure → operations``): it reads
every app's state, and only through their selectors. Each check is bounded in time (short socket timeouts)
and returns plain data with no personal information: counts, ids of batches, ages.

Only the database, Redis (when configured) and the migrations decide readiness: a web process that cannot
reach them cannot answer. The queue depth, the oldest running batch, the overdue memberships and the outbox
(pending and failed items, the oldest pending one's age) are reported for the operator (a backlog is not a
reason to take a web process out of rotation).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from outbox.selectors import outbox_figures
from records.selectors import batch_oldest_running
from sanctions.selectors import memberships_overdue_count

REDIS_TIMEOUT_SECONDS = 1.0
DEFAULT_QUEUE = "celery"  # Celery's default queue (no task routes are configured)

_migrations_applied = False  # once true for this process's code it stays true: no need to load them again


@dataclass
class Check:
    """One check: ``ok`` decides readiness when ``required``; ``detail`` is shown either way."""

    ok: bool
    required: bool = True
    detail: dict = field(default_factory=dict)


def _error(exc: BaseException) -> dict:
    return {"error": f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"}


def database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means not ready; the cause is shown
        return Check(ok=False, detail=_error(exc))
    return Check(ok=True)


def migrations() -> Check:
    global _migrations_applied
    if _migrations_applied:
        return Check(ok=True)
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return Check(ok=False, detail=_error(exc))
    if plan:
        return Check(ok=False, detail={"unapplied": len(plan)})
    _migrations_applied = True
    return Check(ok=True)


def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS)


def cache() -> Check | None:
    """Redis as the cache, pinged directly (the cache itself ignores its errors). None without Redis."""
    location = settings.CACHES["default"].get("LOCATION")
    if not settings.CACHES["default"]["BACKEND"].startswith("django_redis") or not location:
        return None
    try:
        _redis_client(location).ping()
    except Exception as exc:
        return Check(ok=False, detail=_error(exc))
    return Check(ok=True)


def queue() -> Check | None:
    """Tasks waiting in the default queue of a Redis broker (LLEN). None without a Redis broker."""
    url = settings.CELERY_BROKER_URL or ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    try:
        depth = _redis_client(url).llen(DEFAULT_QUEUE)
    except Exception as exc:
        return Check(ok=False, required=False, detail=_error(exc))
    return Check(ok=True, required=False, detail={"depth": depth})


def pending_work() -> Check:
    """Work that should have happened by now: the oldest running batch, memberships past their planned end."""
    now = timezone.now()
    try:
        oldest = batch_oldest_running()
        overdue = memberships_overdue_count(timezone.localdate())
    except Exception as exc:
        return Check(ok=False, required=False, detail=_error(exc))
    detail: dict = {"memberships_overdue": overdue, "oldest_running_batch": None}
    if oldest is not None:
        detail["oldest_running_batch"] = {
            "id": oldest["pk"],
            "state": oldest["state"],
            "idle_seconds": int((now - oldest["updated_at"]).total_seconds()),
        }
    return Check(ok=True, required=False, detail=detail)


def outbox() -> Check:
    """What follows commits and is not delivered yet: pending and failed items, the oldest pending one's age.
    Reported, never required: a backlog (the broker away a while) is drained by the sweep."""
    try:
        figures = outbox_figures()
    except Exception as exc:
        return Check(ok=False, required=False, detail=_error(exc))
    return Check(ok=not figures["failed"], required=False, detail=figures)


def readiness() -> tuple[bool, dict]:
    """Run every check; returns whether the process is ready and the JSON body."""
    started = time.monotonic()
    checks = {"database": database()}
    # Without the database the migrations and the pending work cannot be read: say so once.
    if checks["database"].ok:
        checks["migrations"] = migrations()
    for name, check in (("cache", cache()), ("queue", queue())):
        if check is not None:
            checks[name] = check
    if checks["database"].ok:
        checks["pending"] = pending_work()
        checks["outbox"] = outbox()
    ready = all(check.ok for check in checks.values() if check.required)
    body = {
        "status": "ready" if ready else "unavailable",
        "checks": {name: {"ok": c.ok, "required": c.required, **c.detail} for name, c in checks.items()},
        "seconds": round(time.monotonic() - started, 3),
    }
    if not ready:
        body["failing"] = sorted(name for name, c in checks.items() if c.required and not c.ok)
    return ready, body
