"""Open data (数据开放): CSV files of the public lists and of 双公示 records, written in the background per kind
and period (``opendata_generate``) and served from disk; a request builds at most 31 days of records.

Built from the same selectors as the pages (``public_records``, ``public_memberships``), so nothing that is
not public can reach a file; natural persons appear masked, as on the pages. UTF-8 with a BOM, which the
spreadsheet programs used in government offices open correctly.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Iterator
from pathlib import Path

from django.db.models import Q

from core.csvfile import csv_file_write, csv_lines
from records.choices import Polarity
from records.selectors import TypeDisplay
from subjects.identifiers import mask_person_name

from .selectors import parse_date_param, shown

# The columns every 双公示 file starts with; the type's own columns are catalog data
# (``RecordField.open_data_column``), and a negative record's file ends with its disclosure end.
SUBJECT_COLUMNS = ["行政相对人名称", "统一社会信用代码/证件号码"]
DISCLOSURE_END_COLUMN = "公示截止日期"


def _name(subject) -> str:
    return mask_person_name(subject.name) if subject.is_natural_person else subject.name


def record_rows(records, display: TypeDisplay) -> Iterator[str]:
    """The CSV lines of one type's records: the subject, the type's open-data columns (masked as on the pages),
    and for a negative type the end of its disclosure."""
    with_end = display.record_type.polarity == Polarity.NEGATIVE
    header = [*SUBJECT_COLUMNS, *(item.label for item in display.open_data)]

    def rows():
        for record in records.iterator(chunk_size=2000):
            row = [_name(record.subject), record.subject.public_code]
            row += [value for _, value in shown(record, display.open_data)]
            if with_end:
                row.append(record.disclosure_end.isoformat() if record.disclosure_end else "")
            yield row

    return csv_lines([*header, DISCLOSURE_END_COLUMN] if with_end else header, rows())


def membership_rows(memberships) -> Iterator[str]:
    header = ["名称", "统一社会信用代码/证件号码", "名单", "认定机关", "列入日期", "有效期至"]
    rows = (
        [
            _name(m.subject),
            m.subject.public_code,
            m.list_type.name,
            m.list_type.authority,
            m.started_on.isoformat(),
            m.planned_end.isoformat() if m.planned_end else "",
        ]
        for m in memberships.iterator(chunk_size=2000)
    )
    return csv_lines(header, rows)


# --- Files generated in the background (issue 12) ------------------------------------------------------------
# A year of penalties built inside a request took 73 s and was cut by the worker timeout at 759k rows. The files
# are written by Celery tasks (``disclosure.tasks``) and the management command ``opendata_generate``, and served
# from disk by ``views.opendata_file``; a request only reads one ``OpenDataFile`` row.

RECORD_KINDS = ("xzcf", "xzxk")
# What the old date-range endpoint still builds in a request; longer ranges are in the monthly files.
MAX_REQUEST_RANGE = datetime.timedelta(days=31)


def opendata_root() -> Path:
    from django.conf import settings

    return Path(settings.OPENDATA_ROOT)


def _kind_rows(kind: str, period_start: datetime.date, period_end: datetime.date, scope: str) -> Iterator[str]:
    """The CSV lines of one file. 双公示 files hold the records public today whose decision date
    (``decided_on``, the date printed on the decision and the one the pages filter on) falls in the period;
    a list file is the list's public entries as of generation (a snapshot: entries end and are removed, so
    a list has no meaningful increment)."""
    from records.selectors import catalog_display

    from .models import OpenDataScope
    from .selectors import public_list_types, public_memberships, public_records_of_type

    if kind in RECORD_KINDS:
        display = catalog_display().types[kind]
        records = (
            public_records_of_type(display.record_type)
            .filter(decided_on__gte=period_start, decided_on__lte=period_end)
            .select_related("subject", "department")
            .order_by("decided_on", "pk")
        )
        return record_rows(records, display)
    if scope != OpenDataScope.SNAPSHOT:
        raise ValueError(f"list {kind!r}: only snapshot files")
    list_type = public_list_types().get(code=kind)
    memberships = public_memberships().filter(list_type=list_type).order_by("started_on", "pk")
    return membership_rows(memberships)


def opendata_generate(*, kind: str, period_start: datetime.date, period_end: datetime.date, scope: str):
    """Write one open-data file and record it: rows are streamed into a temporary file in the target folder
    while the SHA-256 is computed, then the file is moved into place with ``os.replace`` (atomic on one file
    system: a download never sees half a file) and the ``OpenDataFile`` row is created or updated. Idempotent:
    regenerating a period replaces its file and row. Returns the row."""
    from django.db import transaction
    from django.utils import timezone

    from audit.services import Actor, audit_event_record

    from .models import OpenDataFile, OpenDataScope

    root = opendata_root()
    relative = Path(kind) / OpenDataFile(kind=kind, scope=scope, period_start=period_start).filename
    written = csv_file_write(root / relative, _kind_rows(kind, period_start, period_end, scope), mode=0o644)
    with transaction.atomic():
        if scope == OpenDataScope.SNAPSHOT:
            _older_snapshots_drop(kind, period_start)
        row, _ = OpenDataFile.objects.update_or_create(
            kind=kind,
            scope=scope,
            period_start=period_start,
            defaults={
                "period_end": period_end,
                "generated_at": timezone.now(),
                "rows": written.rows,
                "bytes": written.bytes,
                "sha256": written.sha256,
                "path": str(relative),
            },
        )
        audit_event_record(
            actor=Actor.system("数据开放"),
            action="opendata.generate",
            obj=row,
            reason=f"{row.filename} rows={row.rows} sha256={row.sha256}",
        )
    return row


def _older_snapshots_drop(kind: str, period_start: datetime.date) -> None:
    """A list snapshot is the list as it is now: an older one would go on publishing entries that have since
    ended or been repaired (a repair stops publication), so only the newest is kept, on disk and listed."""
    from .models import OpenDataFile, OpenDataScope

    older = OpenDataFile.objects.filter(kind=kind, scope=OpenDataScope.SNAPSHOT, period_start__lt=period_start)
    for path in older.values_list("path", flat=True):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(opendata_root() / path)
    older.delete()


def _files_mark_stale(pairs, *, written_before: dict | None = None) -> int:
    """Mark the 双公示 files whose period holds one of ``pairs`` (type code, decision date) as stale; with
    ``written_before`` ({(type code, decision date): moment}), only files written before that moment (a file
    written after a record left or joined already shows it right)."""
    from django.utils import timezone

    from .models import OpenDataFile

    dates: dict[str, set[datetime.date]] = {}
    for kind, day in pairs:
        if kind in RECORD_KINDS and day is not None:
            dates.setdefault(kind, set()).add(day)
    stale = []
    for kind, days in dates.items():
        files = OpenDataFile.objects.filter(kind=kind, period_start__lte=max(days), period_end__gte=min(days))
        for pk, start, end, generated_at in files.values_list("pk", "period_start", "period_end", "generated_at"):
            held = [day for day in days if start <= day <= end]
            if written_before is not None:
                held = [day for day in held if generated_at < written_before[(kind, day)]]
            if held:
                stale.append(pk)
    # Always a new time, also on a file already stale: a regeneration that began before this change does not
    # clear the mark (``opendata_regenerate_stale`` clears only the time it read).
    return OpenDataFile.objects.filter(pk__in=stale).update(stale_since=timezone.now()) if stale else 0


def opendata_records_changed(payload: dict) -> int:
    """Outbox handler of ``records.changed``: the files holding these records' periods, under their decision
    date now and under the dates of their earlier versions (a correction may move a record to another
    period), are marked stale. Returns how many."""
    from django.db.models.fields.json import KT

    from records.models import CreditRecord, RecordVersion

    record_ids = payload.get("record_ids") or []
    if not record_ids:
        return 0
    records = CreditRecord.objects.filter(pk__in=record_ids, record_type__code__in=RECORD_KINDS)
    pairs = set(records.values_list("record_type__code", "decided_on"))
    earlier = (
        RecordVersion.objects.filter(record__in=records.filter(version__gt=1))
        .annotate(xzcf=KT("data__CF_JDRQ"), xzxk=KT("data__XK_JDRQ"))
        .values_list("record__record_type__code", "xzcf", "xzxk")
    )
    for kind, xzcf, xzxk in earlier:
        pairs.add((kind, parse_date_param(xzcf if kind == "xzcf" else xzxk)))
    return _files_mark_stale(pairs)


# How many days back the nightly run looks: a night missed (beat or worker down) is caught up on the next.
ENDED_LOOKBACK_DAYS = 7


def opendata_mark_ended(today: datetime.date) -> int:
    """Mark the files holding records that left or joined the public site by the calendar alone (no service
    call, so no ``records.changed``): a disclosure period that ended, or one that started, in the last
    ``ENDED_LOOKBACK_DAYS`` days, when the file was written before that day began."""
    from django.utils import timezone

    from records.models import CreditRecord

    first = today - datetime.timedelta(days=ENDED_LOOKBACK_DAYS)
    moved = CreditRecord.objects.filter(record_type__code__in=RECORD_KINDS).filter(
        Q(disclosure_end__gte=first - datetime.timedelta(days=1), disclosure_end__lt=today)
        | Q(disclosure_start__gt=first, disclosure_start__lte=today)
    )
    changed_on: dict[tuple[str, datetime.date], datetime.date] = {}
    rows = moved.values_list("record_type__code", "decided_on", "disclosure_start", "disclosure_end").distinct()
    for kind, decided_on, start, end in rows:
        days = [start] if start is not None and first < start <= today else []
        if end is not None and end < today:
            days.append(end + datetime.timedelta(days=1))  # public through its last day
        key = (kind, decided_on)
        changed_on[key] = max([*days, changed_on.get(key, datetime.date.min)])
    zone = timezone.get_current_timezone()
    written_before = {
        key: datetime.datetime.combine(day, datetime.time.min, tzinfo=zone) for key, day in changed_on.items()
    }
    return _files_mark_stale(set(changed_on), written_before=written_before)


def opendata_regenerate_stale() -> int:
    """Write every stale file again (oldest mark first); returns how many. A mark set while a file was being
    written is newer than the one read here, so that file stays stale for the next run."""
    from .models import OpenDataFile

    done = 0
    for row in OpenDataFile.objects.filter(stale_since__isnull=False).order_by("stale_since", "pk"):
        opendata_generate(kind=row.kind, period_start=row.period_start, period_end=row.period_end, scope=row.scope)
        OpenDataFile.objects.filter(pk=row.pk, stale_since=row.stale_since).update(stale_since=None)
        done += 1
    return done


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(day=1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following - datetime.timedelta(days=1)


def opendata_generate_day(day: datetime.date) -> list:
    """The nightly set: each 双公示 type's increment of ``day`` and each active list's current snapshot."""
    from .models import OpenDataScope
    from .selectors import public_list_types

    files = [
        opendata_generate(kind=kind, period_start=day, period_end=day, scope=OpenDataScope.INCREMENT)
        for kind in RECORD_KINDS
    ]
    for code in public_list_types().order_by("code").values_list("code", flat=True):
        files.append(opendata_generate(kind=code, period_start=day, period_end=day, scope=OpenDataScope.SNAPSHOT))
    return files


def opendata_generate_month(day: datetime.date, kinds=RECORD_KINDS) -> list:
    """The monthly full file of each 双公示 type for the month containing ``day``."""
    from .models import OpenDataScope

    start, end = month_bounds(day)
    return [opendata_generate(kind=k, period_start=start, period_end=end, scope=OpenDataScope.FULL) for k in kinds]
