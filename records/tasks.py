"""Celery tasks of the records app: thin, ids in, safe to run twice."""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from audit.services import Actor

from .batches import batch_run, batches_expire, batches_watch
from .bulk_review import bulk_review_run, bulk_reviews_watch
from .notifications import calendar_gaps_notify, review_notices_send
from .quality import default_period, quality_reports_compute
from .redecisions import redecision_run, redecisions_watch

# Every task here retries a database away; the chunked runs (batches, recomputations, bulk reviews) with backoff
# and up to five times, resuming from their last committed chunk.
RETRIED = {"autoretry_for": (OperationalError, InterfaceError), "retry_backoff": True}
CHUNKED = {**RETRIED, "acks_late": True, "max_retries": 5}
PERIODIC = {**RETRIED, "acks_late": True, "max_retries": 3}


@shared_task(
    **CHUNKED,
    soft_time_limit=50 * 60,
    time_limit=55 * 60,
)
def batch_process_task(batch_id: int) -> str:
    """Validate or import a batch from where it stopped; a finished batch is left as it is."""
    return batch_run(batch_id).state


@shared_task(
    **CHUNKED,
    soft_time_limit=3 * 60 * 60,
    time_limit=3 * 60 * 60 + 300,
)
def redecision_task(redecision_id: int) -> str:
    """Recompute stored publication decisions after a policy change, from the last committed chunk."""
    return redecision_run(redecision_id).state


@shared_task(
    **CHUNKED,
    soft_time_limit=50 * 60,
    time_limit=55 * 60,
)
def bulk_review_task(bulk_review_id: int) -> str:
    """Decide the entries of a bulk review from the last committed chunk."""
    return bulk_review_run(bulk_review_id).state


@shared_task(
    **RETRIED,
    acks_late=False,  # longer than the broker's visibility timeout (5 min); lost with a killed worker, it runs nightly
    max_retries=3,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def quality_reports_compute_task(
    period_start: str | None = None, period_end: str | None = None, requested_by: dict | None = None
) -> int:
    """Recompute the data-quality reports (nightly for the last 30 days, or for a given ISO period).

    ``requested_by`` is the requesting person's actor as JSON (``dataclasses.asdict(actor)``): a recompute
    asked for in the workbench is audited as that person, the nightly run as the system."""
    start, end = default_period()
    if period_start and period_end:
        start, end = datetime.date.fromisoformat(period_start), datetime.date.fromisoformat(period_end)
    actor = Actor(**requested_by) if requested_by else Actor.system("数据质量统计")
    return len(quality_reports_compute(period_start=start, period_end=end, actor=actor))


@shared_task(**PERIODIC)
def batches_expire_task() -> int:
    """Nightly: close uploads validated but never imported, and delete their files."""
    return batches_expire(actor=Actor.system("批量导入到期处理"))


@shared_task(**PERIODIC)
def redecisions_watchdog_task() -> int:
    """Every ten minutes: queue again the policy recomputations that stopped moving."""
    return redecisions_watch(actor=Actor.system("公示决定重算看护"))


@shared_task(**PERIODIC)
def bulk_reviews_watchdog_task() -> int:
    """Every ten minutes: queue again the bulk reviews that stopped moving."""
    return bulk_reviews_watch(actor=Actor.system("批量审核看护"))


@shared_task(**PERIODIC)
def batches_watchdog_task() -> dict:
    """Every ten minutes: queue again, once, the batches that stopped moving; fail those that stop again."""
    return batches_watch(actor=Actor.system("批量导入看护"))


@shared_task(**PERIODIC)
def review_notices_task() -> int:
    """Hourly: record a notice for the reviewers of departments with new entries waiting (one e-mail an hour at
    most, sent through the outbox after the commit)."""
    return review_notices_send()


@shared_task(**PERIODIC)
def calendar_gaps_task() -> int:
    """Daily: remind the credit centre to enter the coming year's holidays (``records.workdays.calendar_gaps``)."""
    return calendar_gaps_notify()
