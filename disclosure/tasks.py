"""Celery tasks of the disclosure app: thin, ids in, safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from .opendata import opendata_generate_day, opendata_generate_month, opendata_mark_ended, opendata_regenerate_stale


@shared_task(soft_time_limit=600, time_limit=660)
def home_counts_task() -> dict:
    """Every ten minutes (beat) and when the home page finds none: count the home page's totals (seconds on
    millions of records) and keep them for a day, so a late or failed run shows slightly old totals."""
    from .selectors import home_counts_refresh

    return home_counts_refresh(timezone.localdate())


# A month of records on a provincial database takes minutes, past the broker's 5-minute visibility timeout:
# acknowledged on receipt like the other nightly recomputes (a killed worker loses the run; the command or the
# next night writes it; a second copy would only rewrite the same file atomically).
OPENDATA_TASK = {"acks_late": False, "soft_time_limit": 3300, "time_limit": 3600}


@shared_task(**OPENDATA_TASK)
def opendata_daily_task(day: str | None = None) -> int:
    """Nightly: yesterday's 双公示 increments and each list's snapshot (``opendata.opendata_generate_day``)."""
    target = datetime.date.fromisoformat(day) if day else timezone.localdate() - datetime.timedelta(days=1)
    # Records whose disclosure period ended yesterday (or starts today) leave (or join) the files holding them.
    opendata_mark_ended(timezone.localdate())
    written = len(opendata_generate_day(target))
    return written + _regenerate_stale_once()


OPENDATA_STALE_RUNNING = "opendata-stale-running"


def _regenerate_stale_once() -> int:
    """``opendata_regenerate_stale`` unless another run (this task's or the nightly one's) is writing: a month of
    records can take longer than the interval, and a second run would write the same files."""
    from django.core.cache import cache

    if not cache.add(OPENDATA_STALE_RUNNING, 1, timeout=OPENDATA_TASK["time_limit"]):
        return 0
    try:
        return opendata_regenerate_stale()
    finally:
        cache.delete(OPENDATA_STALE_RUNNING)


@shared_task(**OPENDATA_TASK)
def opendata_stale_task() -> int:
    """Every few minutes: write again the files a record change made stale (``OpenDataFile.stale_since``)."""
    return _regenerate_stale_once()


@shared_task(**OPENDATA_TASK)
def opendata_monthly_task(month_day: str | None = None) -> int:
    """On the 1st: the previous month's full file per 双公示 type (``opendata.opendata_generate_month``)."""
    target = (
        datetime.date.fromisoformat(month_day)
        if month_day
        else timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    )
    return len(opendata_generate_month(target))
