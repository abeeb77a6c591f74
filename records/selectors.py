"""Reads of the catalog and of records that services, pages and the API reuse."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from organisations.choices import StaffRoleName, TokenState
from organisations.models import ApiToken, Department

from . import workdays
from .choices import BatchState, CalendarDayKind, Channel, FieldType, Polarity, RecordStatus, SubjectTab
from .models import CalendarDay, CreditRecord, DisclosureRegime, IngestBatch, RecordField, RecordType, RecordVersion
from .rules import PeriodSpec, RegimeSpec, SeverityRuleSpec, TypePolicy
from .validation import FieldSpec, TypeSpec


@dataclass(frozen=True)
class CatalogEntry:
    """A record type with everything ingestion needs, loaded once per call."""

    record_type: RecordType
    spec: TypeSpec
    severity_rules: tuple[SeverityRuleSpec, ...]
    policy: TypePolicy


def _type_spec(record_type: RecordType) -> TypeSpec:
    fields = tuple(
        FieldSpec(
            code=field.code,
            label=field.label,
            type=field.type,
            requirement=field.requirement,
            enum_values=tuple(field.enum_values or ()),
            multiple=field.multiple,
            max_length=field.max_length,
            identifier_scheme=field.identifier_scheme,
        )
        for field in record_type.fields.all()
    )
    return TypeSpec(
        code=record_type.code,
        fields=fields,
        subject_name_field=record_type.subject_name_field,
        subject_kind_field=record_type.subject_kind_field,
        uscc_field=record_type.uscc_field,
        citizen_id_type_field=record_type.citizen_id_type_field,
        citizen_id_field=record_type.citizen_id_field,
        registration_number_field=record_type.registration_number_field,
        organization_code_field=record_type.organization_code_field,
        record_id_fields=tuple(record_type.record_id_fields),
        decided_on_field=record_type.decided_on_field,
        end_date_field=record_type.end_date_field,
    )


def catalog_entries(*, active_only: bool = True) -> dict[str, CatalogEntry]:
    """Every record type with its fields and severity rules, keyed by code (three queries)."""
    types = RecordType.objects.prefetch_related(
        Prefetch("fields", queryset=RecordField.objects.order_by("position", "id")), "severity_rules"
    ).order_by("code")
    if active_only:
        types = types.filter(is_active=True)
    return {
        record_type.code: CatalogEntry(
            record_type=record_type,
            spec=_type_spec(record_type),
            severity_rules=tuple(
                SeverityRuleSpec(field_code=rule.field_code, value=rule.value, severity=rule.severity, note=rule.note)
                for rule in record_type.severity_rules.all()
            ),
            policy=TypePolicy(
                name=record_type.name,
                negative=record_type.polarity == Polarity.NEGATIVE,
                disclosure_rule=record_type.disclosure_rule,
                disclosure_months=record_type.disclosure_months,
                default_severity=record_type.default_severity,
            ),
        )
        for record_type in types
    }


# --- What the public sees of each record type: catalog data, read by the public site ---------------------------


@dataclass(frozen=True)
class DisplayItem:
    """One item shown of a record: its name and the fields whose public values it joins (two dates read as a
    period, "起 至 止"; other values are joined by a space), or ``default`` when none of them has a value."""

    label: str
    codes: tuple[str, ...]
    joiner: str = " "
    default: str = ""

    def value(self, data: Mapping[str, str]) -> str:
        values = [data.get(code, "") for code in self.codes]
        return self.joiner.join(values) if any(values) else self.default


@dataclass(frozen=True)
class TypeDisplay:
    """Where a record type shows publicly (``RecordType.subject_tab``) and which of its fields, in what order:
    the 双公示 list's columns, the subject page, the credit report and the open-data files."""

    record_type: RecordType
    tab: str
    list_columns: tuple[DisplayItem, ...] = ()
    subject_page: tuple[DisplayItem, ...] = ()
    report: tuple[DisplayItem, ...] = ()
    open_data: tuple[DisplayItem, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # enum fields' values, for filters
    labels: dict[str, str] = field(default_factory=dict)  # every field's name by code, in the catalog's order


@dataclass(frozen=True)
class CatalogDisplay:
    """The display of every record type, by code; ``version`` changes whenever the catalog does."""

    version: str
    types: dict[str, TypeDisplay]

    def type_ids_on(self, tab: str) -> list[int]:
        return sorted(display.record_type.pk for display in self.types.values() if display.tab == tab)

    def tab_of(self, type_id: int) -> str:
        for display in self.types.values():
            if display.record_type.pk == type_id:
                return display.tab
        return SubjectTab.OTHER


CATALOG_DISPLAY_VERSION_KEY = "catalog-display-version"
CATALOG_DISPLAY_TIMEOUT = 24 * 3600


def _display_items(fields: list[RecordField], position: str, *, grouped: bool = True) -> tuple[DisplayItem, ...]:
    """The fields with a ``position`` (an attribute such as ``subject_page_order``), in its order; next to
    each other, fields of the same public name form one item."""
    shown = sorted((f for f in fields if getattr(f, position) is not None), key=lambda f: (getattr(f, position), f.pk))
    groups: list[tuple[str, list[RecordField]]] = []
    for f in shown:
        label = (f.public_label or f.label) if grouped else f.label
        if grouped and groups and groups[-1][0] == label:
            groups[-1][1].append(f)
        else:
            groups.append((label, [f]))
    items = []
    for label, members in groups:
        period = len(members) == 2 and all(m.type == FieldType.DATE for m in members)
        default = next((m.public_default for m in members if m.public_default), "")
        items.append(DisplayItem(label, tuple(m.code for m in members), " 至 " if period else " ", default))
    return tuple(items)


def _catalog_display_build(version: str) -> CatalogDisplay:
    """One query: every field with its type (a type without fields has no records to show)."""
    by_type: dict[int, list[RecordField]] = {}
    types: dict[int, RecordType] = {}
    for f in RecordField.objects.select_related("record_type").order_by("record_type_id", "position", "pk"):
        types[f.record_type_id] = f.record_type
        by_type.setdefault(f.record_type_id, []).append(f)
    displays = {}
    for type_id, record_type in types.items():
        fields = by_type[type_id]
        displays[record_type.code] = TypeDisplay(
            record_type=record_type,
            tab=record_type.subject_tab,
            list_columns=_display_items(fields, "list_column"),
            subject_page=_display_items(fields, "subject_page_order"),
            report=_display_items(fields, "report_order"),
            open_data=_display_items(fields, "open_data_column", grouped=False),
            choices={f.code: tuple(f.enum_values or ()) for f in fields if f.type == FieldType.ENUM},
            labels={f.code: f.public_label or f.label for f in fields},
        )
    return CatalogDisplay(version=version, types=displays)


def catalog_display_version() -> str:
    return cache.get(CATALOG_DISPLAY_VERSION_KEY) or "0"


def catalog_display() -> CatalogDisplay:
    """What the public sees of each record type (``TypeDisplay``), kept in the cache under the catalog's
    version: a page asks the cache, not the database (one query when the cache has none)."""
    version = catalog_display_version()
    key = f"catalog-display:2:{version}"  # ":2": TypeDisplay has ``labels`` (objects cached before have not)
    display = cache.get(key)
    if display is None:
        display = _catalog_display_build(version)
        cache.set(key, display, timeout=CATALOG_DISPLAY_TIMEOUT)
    return display


def catalog_display_changed() -> None:
    """A new catalog version (after a change of a record type or field, or a migration): the display is read
    again, and the public pages and reports cached with the old one are not served again."""
    cache.set(CATALOG_DISPLAY_VERSION_KEY, uuid.uuid4().hex[:12], timeout=None)


def disclosure_regimes() -> tuple[RegimeSpec, ...]:
    return tuple(
        RegimeSpec(
            code=regime.code,
            basis=regime.basis,
            effective_from=regime.effective_from,
            effective_to=regime.effective_to,
            periods={
                period.severity: PeriodSpec(
                    severity=period.severity,
                    published=period.published,
                    min_months=period.min_months,
                    max_months=period.max_months,
                )
                for period in regime.periods.all()
            },
        )
        for regime in DisclosureRegime.objects.prefetch_related("periods")
    )


def records_by_source_id(department: Department, keys: set[tuple[int, str]]) -> dict[tuple[int, str], CreditRecord]:
    """The department's records with these (record type id, source id) keys, without their ``data``.

    On PostgreSQL each key is one probe of the unique index on all three columns (a LATERAL subquery per
    key), whatever the planner's statistics say. The plain ``source_id IN (…)`` filter was planned on
    the index prefix (department, type) with the ids as a filter while the statistics did not yet show the
    department's records, which is the case for a new department's first large load until the next ANALYZE:
    267 ms for 1,000 keys once the department had 335,000 records (bench/ingest.py).
    """
    if not keys:
        return {}
    if connection.vendor == "postgresql":
        type_ids, source_ids = zip(*sorted(keys), strict=True)
        columns = ", ".join(
            connection.ops.quote_name(f.column) for f in CreditRecord._meta.concrete_fields if f.name != "data"
        )
        # LIMIT 1 (the key is unique) keeps the subquery from being flattened into a join that the planner
        # may then run as a hash join over all of the department's records.
        records = CreditRecord.objects.raw(
            f"SELECT r.* FROM unnest(%s::bigint[], %s::text[]) AS k (type_id, source_id) CROSS JOIN LATERAL "
            f"(SELECT {columns} FROM {connection.ops.quote_name(CreditRecord._meta.db_table)} "
            "WHERE department_id = %s AND record_type_id = k.type_id AND source_id = k.source_id LIMIT 1) r",
            [list(type_ids), list(source_ids), department.pk],
        )
    else:
        records = (
            CreditRecord.objects.order_by()
            .defer("data")
            .filter(
                department=department,
                record_type__in={type_id for type_id, _ in keys},
                source_id__in={source_id for _, source_id in keys},
            )
        )
    return {
        (record.record_type_id, record.source_id): record
        for record in records
        if (record.record_type_id, record.source_id) in keys
    }


def records_visible_to(department: Department | None) -> QuerySet[CreditRecord]:
    """The records a caller may see: its own department's, or all for the credit centre (``None``)."""
    records = CreditRecord.objects.select_related("record_type", "department", "subject")
    return records if department is None else records.filter(department=department)


def record_versions(record: CreditRecord) -> list[RecordVersion]:
    return list(record.versions.order_by("version"))


def batches_visible_to(department: Department | None) -> QuerySet[IngestBatch]:
    batches = IngestBatch.objects.select_related("record_type", "department")
    return batches if department is None else batches.filter(department=department)


def calendar_overrides() -> dict:
    """Admin-entered holidays and make-up workdays, by date."""
    return dict(CalendarDay.objects.values_list("day", "kind"))


def calendar_missing_years(today: datetime.date | None = None) -> list[int]:
    """The years due by ``today`` (``workdays.calendar_years_due``) whose holidays nobody knows: not in the
    built-in calendar, no holiday entered in the admin's ``CalendarDay`` table (``workdays.calendar_gaps``)."""
    years = workdays.calendar_years_due(today or timezone.localdate())
    entered = set(
        CalendarDay.objects.filter(
            kind=CalendarDayKind.HOLIDAY,
            day__gte=datetime.date(min(years), 1, 1),
            day__lte=datetime.date(max(years), 12, 31),
        )
        .values_list("day__year", flat=True)
        .distinct()
    )
    return workdays.calendar_gaps(years, entered)


def batch_oldest_running() -> dict | None:
    """The running batch (queued, validating, importing) that has not moved for the longest: its id, state and
    last progress, for the readiness endpoint; None when no batch is running."""
    return (
        IngestBatch.objects.filter(state__in=[BatchState.QUEUED, BatchState.VALIDATING, BatchState.IMPORTING])
        .order_by("updated_at", "pk")
        .values("pk", "state", "updated_at")
        .first()
    )


#: How long the workbench home lists the department's finished uploads.
RECENT_BATCH_DAYS = 7


def workbench_todo_records(staff, user, today: datetime.date) -> list:
    """The workbench home's lines for records (``organisations.workbench``): for a reviewer, the entries
    waiting for them (their own entries wait for someone else); for a clerk, their entries sent back and
    their checked uploads not yet imported; for the department, the uploads finished lately; for the
    credit centre, the records waiting to be matched to a subject."""
    from django.urls import reverse

    from organisations.workbench import TodoItem

    items: list[TodoItem] = []
    department = staff.department
    if department is None:
        if staff.is_credit_admin:
            unmatched = CreditRecord.objects.filter(status=RecordStatus.UNMATCHED).count()
            items.append(TodoItem("待匹配信用主体的记录", unmatched, reverse("records:unmatched")))
        return items
    records = CreditRecord.objects.filter(department=department)
    if staff.has(StaffRoleName.REVIEWER):
        waiting = records.filter(status=RecordStatus.PENDING_REVIEW).exclude(submitted_by=user)
        oldest = waiting.order_by("id").values_list("updated_at", flat=True).first()
        note = f"最早提交于 {oldest:%Y-%m-%d}" if oldest else ""
        items.append(TodoItem("待我审核的记录", waiting.count(), reverse("records:review-queue"), note=note))
    if staff.has(StaffRoleName.CLERK):
        sent_back = records.filter(status=RecordStatus.REJECTED, submitted_by=user).count()
        items.append(
            TodoItem("被退回、待修改后重新提交的记录", sent_back, reverse("records:record-list") + "?status=rejected")
        )
        checked = IngestBatch.objects.filter(department=department, created_by=user, state=BatchState.VALIDATED)
        items.append(TodoItem("校验完成、待导入的表格", checked.count(), reverse("records:uploads")))
    since = datetime.datetime.combine(today - datetime.timedelta(days=RECENT_BATCH_DAYS), datetime.time.min)
    finished = IngestBatch.objects.filter(
        department=department,
        channel=Channel.UPLOAD,
        state__in=[BatchState.DONE, BatchState.FAILED],
        updated_at__gte=timezone.make_aware(since),
    )
    failed = finished.filter(state=BatchState.FAILED).count()
    items.append(
        TodoItem(
            f"近{RECENT_BATCH_DAYS}天结束的表格导入",
            finished.count(),
            reverse("records:uploads"),
            note=f"其中失败 {failed} 个" if failed else "",
        )
    )
    return items


def unmatched_candidates(record: CreditRecord) -> list:
    """The subjects an unmatched record may be about, for the credit centre to pick from: by the codes the
    department sent (USCC, 工商注册号, 组织机构代码), then by the reported name among current and former names
    (``subjects.selectors.subject_candidates``). A natural person is never offered by name; the credit centre
    types the person's ID number instead."""
    from subjects.selectors import SearchQueryError, subject_candidates

    record_type = record.record_type
    codes = [
        record.data.get(name, "")
        for name in (record_type.uscc_field, record_type.registration_number_field, record_type.organization_code_field)
        if name
    ]
    found, seen = [], set()
    for query in [*filter(None, codes), record.reported_subject_name]:
        try:
            candidates = subject_candidates(query)
        except SearchQueryError:
            continue
        for candidate in candidates:
            if candidate.subject.pk not in seen:
                seen.add(candidate.subject.pk)
                found.append(candidate)
    return found


def workbench_todo_tokens(staff, user, today: datetime.date) -> list:
    """The credit centre's line for API tokens that may publish and wait for its approval
    (``organisations.workbench``; the tokens page is this app's)."""
    from django.urls import reverse

    from organisations.workbench import TodoItem

    if staff.department is not None or not staff.is_credit_admin:
        return []
    pending = ApiToken.objects.filter(state=TokenState.PENDING).count()
    return [TodoItem("待审批的接口令牌", pending, reverse("records:tokens"))]
