"""Data quality (信用信息质量, seed 004 五(一)): per department and record type, what arrived, what was
accepted, what was refused and why, and timeliness — the share of 双公示 records received within 7 working
days of the decision (seed 002 item 67). Recomputed nightly by Celery beat and on demand.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record

from .models import CreditRecord, IngestStat, QualityReport, RecordType
from .selectors import calendar_overrides
from .workdays import add_workdays

DEFAULT_PERIOD_DAYS = 30


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 30 days including today (today's figures move until the next run)."""
    end = today or timezone.localdate()
    return end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), end


def _empty_total() -> dict:
    return {"received": 0, "accepted": 0, "rejected": 0, "reasons": Counter()}


@transaction.atomic
def quality_reports_compute(
    *, period_start: datetime.date, period_end: datetime.date, actor: Actor
) -> list[QualityReport]:
    """Rebuild the reports of one period for every department and type that received anything in it."""
    totals: dict[tuple[int, int], dict] = defaultdict(
        lambda: {"received": 0, "accepted": 0, "rejected": 0, "reasons": Counter()}
    )
    for stat in IngestStat.objects.filter(day__range=(period_start, period_end)):
        total = totals[(stat.department_id, stat.record_type_id)]
        total["received"] += stat.received
        total["accepted"] += stat.created + stat.updated + stat.unchanged
        total["rejected"] += stat.rejected
        total["reasons"].update(stat.rejected_by_reason)

    deadline_days = dict(RecordType.objects.filter(timeliness_days__isnull=False).values_list("pk", "timeliness_days"))
    overrides = calendar_overrides()
    timely: Counter = Counter()
    base: Counter = Counter()
    tz = timezone.get_current_timezone()
    start_at = datetime.datetime.combine(period_start, datetime.time.min, tzinfo=tz)
    end_at = datetime.datetime.combine(period_end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    received = CreditRecord.objects.filter(
        record_type__in=list(deadline_days), received_at__gte=start_at, received_at__lt=end_at
    ).values_list("department_id", "record_type_id", "decided_on", "received_at")
    deadlines: dict[tuple[datetime.date, int], datetime.date] = {}
    for department_id, type_id, decided_on, received_at in received.iterator(chunk_size=5000):
        key = (department_id, type_id)
        days = deadline_days[type_id]
        deadline = deadlines.get((decided_on, days))
        if deadline is None:
            deadline = deadlines[(decided_on, days)] = add_workdays(decided_on, days, overrides)
        base[key] += 1
        timely[key] += timezone.localtime(received_at).date() <= deadline
        totals.setdefault(key, _empty_total())  # records without ingest stats (older data) still get a report

    # Reports are derived figures, rebuilt whole from IngestStat and the records; nothing original is lost.
    QualityReport.objects.filter(period_start=period_start, period_end=period_end).delete()
    reports = QualityReport.objects.bulk_create(
        [
            QualityReport(
                department_id=department_id,
                record_type_id=type_id,
                period_start=period_start,
                period_end=period_end,
                received=total["received"],
                accepted=total["accepted"],
                rejected=total["rejected"],
                rejected_by_reason=dict(total["reasons"]),
                timely=timely[(department_id, type_id)],
                timeliness_base=base[(department_id, type_id)],
            )
            for (department_id, type_id), total in sorted(totals.items())
        ]
    )
    audit_event_record(
        actor=actor,
        action="quality.compute",
        object_type="records.qualityreport",
        object_id=f"{period_start}..{period_end}",
        after={"reports": len(reports)},
    )
    return reports
