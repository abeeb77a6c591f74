"""Everything the public site reads, through one definition of what is public (``public_records``).

The same querysets feed the pages, the CSV downloads and the credit reports, so there is no second path
to the data (issue 5). The SQL filter mirrors ``disclosure.rules.record_visibility``; a test checks them
against each other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    Func,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Concat, Left, RowNumber
from django.utils import timezone

from organisations.models import Department
from records.choices import DisclosureLevel, ObjectionState, Polarity, RecordStatus, Severity, SubjectTab
from records.models import CreditRecord, IngestStat, QualityReport, RecordType
from records.rules import list_repair_date
from records.selectors import CatalogDisplay, DisplayItem, catalog_display
from sanctions.choices import Colour, MeasureKind, MembershipState, Scenario
from sanctions.models import ListType, Membership
from sanctions.selectors import measures_published, status_of
from subjects.choices import SubjectKind
from subjects.models import CreditSubject
from subjects.selectors import subjects_name_matching

from . import rules
from .paging import SeekPage

# Tabs of the subject page, as 信用中国 shows them (``records.choices.SubjectTab``): which record types each
# shows is catalog data (``RecordType.subject_tab``). The 守信激励 and 失信惩戒 tabs show the list memberships of
# their colour; the records of the types assigned to them are reached through the listing.
TABS = SubjectTab.choices
TAB_KEYS = SubjectTab.values
LIST_TABS = {SubjectTab.RED: Colour.RED, SubjectTab.BLACK: Colour.BLACK}
# The report section of the records shown through list memberships: counted in the report's digest, not printed.
LISTED = "listed"


def public_record_q(as_of: datetime.date) -> Q:
    """``rules.record_visibility`` in SQL, on stored columns only (the decision is made when a record is written)."""
    return Q(record_type__disclosure_level=DisclosureLevel.PUBLIC) & _public_record_own_q(as_of)


def _public_record_own_q(as_of: datetime.date) -> Q:
    """The part of ``public_record_q`` on the record's own columns (no join). ``status`` and ``publishable``
    come first: they are the condition of the partial index ``record_public_type_date_idx`` (records/models.py),
    which the planner uses only when the query carries the same terms."""
    return (
        Q(status=RecordStatus.ACTIVE, publishable=True, disclosure_start__lte=as_of)
        & (Q(disclosure_end__isnull=True) | Q(disclosure_end__gte=as_of))
        & ~Q(objection=ObjectionState.SUSPENDED)
    )


def public_records(as_of: datetime.date | None = None) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(public_record_q(as_of or timezone.localdate()))


def public_records_of_type(record_type: RecordType, as_of: datetime.date | None = None) -> QuerySet[CreditRecord]:
    """``public_records`` of one type, already looked up: the type's disclosure level is checked here once,
    so the query filters on ``record_type_id`` and stays on the (type, date, id) index instead of joining the
    type table by code (issue 12: the join made PostgreSQL scan and sort the whole records table)."""
    if record_type.disclosure_level != DisclosureLevel.PUBLIC:
        return CreditRecord.objects.none()
    own = _public_record_own_q(as_of or timezone.localdate())
    return CreditRecord.objects.filter(own, record_type_id=record_type.pk)


def public_record_data(record: CreditRecord) -> dict[str, str]:
    """The record's data as the public may see it (``rules.public_record_data``): the one path by which
    record data reaches a page, a report or an open-data file. Kept on the instance: a template asks for
    several fields of the same record. The type's document-number field is used when the type is loaded;
    otherwise the national ``*_ZJHM`` code names it without a query per row."""
    cached = getattr(record, "_public_data", None)
    if cached is None:
        record_type = record._state.fields_cache.get("record_type")
        field = record_type.citizen_id_field if record_type is not None else ""
        cached = record._public_data = rules.public_record_data(
            record.data, document_number_field=field, person_names=_person_names(record)
        )
    return cached


def shown(record: CreditRecord, items: tuple[DisplayItem, ...]) -> list[tuple[str, str]]:
    """The record's items as the public sees them (names and masked values), for the catalog's display spec
    of one place (``TypeDisplay.subject_page``, ``.report``, ``.list_columns``, ``.open_data``)."""
    data = public_record_data(record)
    return [(item.label, item.value(data)) for item in items]


# The national party fields: category (自然人 for a person) and name, e.g. CF_XDR_LB and CF_XDR_MC.
PARTY_CATEGORY_SUFFIX, PARTY_NAME_SUFFIX, NATURAL_PERSON_CATEGORY = "_XDR_LB", "_XDR_MC", "自然人"


def _person_names(record: CreditRecord) -> list[str]:
    """The names of a natural person a record is about, to be masked in its text: the subject's name when the
    subject is loaded (the callers load it: pages, reports and files) and the name the department reported.
    A record is a person's when its subject is one or, when the subject is not loaded, its data says so."""
    data = record.data if isinstance(record.data, dict) else {}
    subject = record._state.fields_cache.get("subject")
    if subject is not None:
        person = subject.is_natural_person
    else:
        person = any(
            code.endswith(PARTY_CATEGORY_SUFFIX) and value == NATURAL_PERSON_CATEGORY for code, value in data.items()
        )
    if not person:
        return []
    names = [value for code, value in data.items() if code.endswith(PARTY_NAME_SUFFIX) and isinstance(value, str)]
    return [subject.name, *names] if subject is not None else names


# Lists the public site shows. A ``notice`` list (一般失信) only tells departments which warning measures apply
# (信用提醒、警示约谈: seed 004 四（三）); even 较重 dishonesty is published only "in a limited scope" there.
PUBLISHED_COLOURS = (Colour.RED, Colour.BLACK, Colour.WATCH)


def public_list_types() -> QuerySet[ListType]:
    return ListType.objects.filter(is_active=True, colour__in=PUBLISHED_COLOURS)


def public_memberships(colour: str | None = None) -> QuerySet[Membership]:
    """Current entries of published lists (suspended red entries are not shown as rewards)."""
    memberships = Membership.objects.filter(
        state=MembershipState.ACTIVE, list_type__colour__in=PUBLISHED_COLOURS
    ).select_related("list_type", "subject")
    return memberships.filter(list_type__colour=colour) if colour else memberships


HOME_COUNTS_KEY = "home-counts"


def home_counts_refresh(as_of: datetime.date) -> dict:
    """Count the home page's totals and keep them for a day (a late or failed run shows slightly old totals).
    Counting millions of public records takes seconds, past the public pages' statement budget: this runs in
    ``home_counts_task`` in the background."""
    counts = home_counts_compute(as_of)
    cache.set(HOME_COUNTS_KEY, counts, timeout=24 * 3600)
    return counts


def home_counts_compute(as_of: datetime.date) -> dict:
    return {
        "as_of": as_of.isoformat(),
        "subjects": CreditSubject.objects.exclude(kind=SubjectKind.NATURAL_PERSON).count(),
        "records": public_records(as_of).count(),
        "red": public_memberships(Colour.RED).count(),
        "black": public_memberships(Colour.BLACK).count(),
    }


@dataclass
class Profile:
    subject: CreditSubject
    status: str
    registration_label: str
    former_names: list[str]
    counts: dict[str, int]
    tab: str
    page: SeekPage | None = None
    memberships: list[Membership] = field(default_factory=list)
    status_reasons: list[StatusReason] = field(default_factory=list)

    @property
    def records(self) -> list[CreditRecord]:
        return self.page.object_list if self.page is not None else []


# Records of a tab per page of the subject page; later pages are reached by a cursor (keyset on
# (decided_on, id)), so a subject with thousands of records is read page by page at any depth.
TAB_PAGE_SIZE = 50


ACTIVE_MEMBERSHIPS = Prefetch(
    "memberships",
    queryset=Membership.objects.filter(state=MembershipState.ACTIVE).select_related("list_type"),
    to_attr="active_memberships",
)


def repair_facts(record: CreditRecord) -> rules.RepairFacts:
    """The facts the eligibility rule needs. A penalty carries its earliest repair date (from the disclosure
    regime); the lists a record keeps its subject on add theirs (``records.rules.list_repair_date``): repair
    ends a listing that rests only on repaired records, so it comes no earlier than every list's shortest
    listing period allows, and never for a list that only its authority ends (not repairable). A list with
    no shortest period (the watch list of a penalty, which follows its publication) adds no date; a listing
    record with no date of its own and none from its lists is not repairable."""
    memberships = getattr(record, "active_memberships", None)  # prefetched by a page (ACTIVE_MEMBERSHIPS)
    if memberships is None:
        memberships = ACTIVE_MEMBERSHIPS.queryset.filter(records=record)
    held_on = next((m.list_type.name for m in memberships if not m.list_type.repairable), "")
    dates = [
        list_repair_date(m.started_on, m.list_type.earliest_exit_months, m.list_type.repairable) for m in memberships
    ]
    days = [day for day in (record.repair_eligible_on, *dates) if day is not None]
    return rules.RepairFacts(
        polarity=record.record_type.polarity,
        status=record.status,
        repair_eligible_on=max(days, default=None),
        held_on=held_on,
    )


def public_profile_get(
    subject: CreditSubject, *, tab: str, as_of: datetime.date | None = None, cursor: str = ""
) -> Profile:
    """The subject page: status, basic facts, counts per tab, and one page of the open tab (six queries).

    Without ``cursor`` the tab's first ``TAB_PAGE_SIZE`` items (the page that is cached); with one, the page
    after (or before) the key it carries. Raises ``paging.BadCursor`` for a cursor this site did not make."""
    as_of = as_of or timezone.localdate()
    display = catalog_display()
    records = public_records(as_of).filter(subject=subject)
    counted = dict(records.values_list("record_type_id").annotate(n=Count("pk")).values_list("record_type_id", "n"))
    memberships = list(
        public_memberships()
        .filter(subject=subject)
        .prefetch_related(Prefetch("records", queryset=CreditRecord.objects.select_related("record_type")))
        .order_by("-started_on", "-pk")
    )
    counts = dict.fromkeys(TAB_KEYS, 0)
    for type_id, n in counted.items():
        counts[display.tab_of(type_id)] += n
    counts |= {key: sum(1 for m in memberships if m.list_type.colour == colour) for key, colour in LIST_TABS.items()}
    profile = Profile(
        subject=subject,
        status=status_of([subject.pk])[subject.pk],
        registration_label=subject.get_registration_status_display(),
        former_names=[former.name for former in subject.former_names.all()],
        counts=counts,
        tab=tab,
    )
    profile.status_reasons = status_reasons(profile.status, memberships, as_of)
    if tab in LIST_TABS:
        profile.memberships = [m for m in memberships if m.list_type.colour == LIST_TABS[tab]]
        if tab == "black":
            # The repair link follows the rule the repair service applies (repair_facts, repair_eligibility):
            # a listing may be left by repair only after the list's shortest period; before, its date is shown.
            records = [record for membership in profile.memberships for record in membership.records.all()]
            prefetch_related_objects(records, ACTIVE_MEMBERSHIPS)
            for record in records:
                record.repair = rules.repair_eligibility(repair_facts(record), as_of)
    else:
        tab_records = records.filter(record_type_id__in=display.type_ids_on(tab)).select_related(
            "record_type", "department"
        )
        profile.page = SeekPage.of(
            tab_records, {"cursor": cursor}, TAB_PAGE_SIZE, date_field="decided_on", scope=f"subject:{subject.pk}:{tab}"
        )
        negative = [r for r in profile.page.object_list if r.record_type.polarity == Polarity.NEGATIVE]
        prefetch_related_objects(negative, ACTIVE_MEMBERSHIPS)  # one query, none for a tab without them
        for record in profile.page.object_list:
            record.subject = subject  # known: no query, and the masking of a person's name in the text needs it
            record.shown = _shown_on(display, record, "subject_page")
            if record.record_type.polarity == Polarity.NEGATIVE:
                # The same rule as the repair service (repair_facts, repair_eligibility), lists included.
                record.repair = rules.repair_eligibility(repair_facts(record), as_of)
    return profile


def _shown_on(display: CatalogDisplay, record: CreditRecord, place: str) -> list[tuple[str, str]]:
    """The record's items of one place of the display spec ([] for a type the spec does not know yet)."""
    type_display = display.types.get(record.record_type.code)
    return shown(record, getattr(type_display, place)) if type_display is not None else []


# A credit report prints a section in full up to REPORT_SECTION_CAP records. A larger section (a subject with
# thousands of licences) prints its REPORT_RECENT most recent records and, after them, its most recent
# serious and severe ones (较重/严重: what a bank or a bid evaluator reads a report for) up to the cap; the
# rest are counted with their date range and referenced by the subject page tab, where they can be read.
# 50 per section keeps the worst case (five record sections full) to about 250 printed records: a few seconds
# of rendering where 5,000 records took over a minute and 700 pages (issue 12).
REPORT_SECTION_CAP = 50
REPORT_RECENT = 20
GRAVE = (Severity.SERIOUS, Severity.SEVERE)


@dataclass(frozen=True)
class Section:
    """One section of a credit report: its items in full, and for a large one, what was left out."""

    key: str
    label: str
    records: list[CreditRecord]
    memberships: list[Membership]
    total: int | None = None  # public records of the section; None: exactly ``records``
    omitted_first: datetime.date | None = None
    omitted_last: datetime.date | None = None

    @property
    def count(self) -> int:
        return (len(self.records) if self.total is None else self.total) + len(self.memberships)

    @property
    def omitted(self) -> int:
        return self.count - len(self.records) - len(self.memberships)


@dataclass(frozen=True)
class ReportBody:
    """The sections of a credit report and ``digest``: per section of ALL the subject's public records (also
    those not printed and those shown through list memberships), their count, sum and maximum of ids, and sum
    of versions. A correction makes a new version of the same row (the sum of versions grows); a revocation,
    repair, suspension or the end of a disclosure period takes a record out (the count falls); a new record
    comes in (count and ids). Any of them changes the digest, hence the report's fingerprint."""

    sections: list[Section]
    digest: list[tuple]

    @property
    def omitted(self) -> int:
        return sum(s.omitted for s in self.sections)


def _section_key(display: CatalogDisplay) -> Case:
    """The report section of a record: its type's tab (``listed`` for the tabs of list memberships)."""
    whens = [
        When(record_type_id__in=ids, then=Value(LISTED if key in LIST_TABS else key))
        for key in TAB_KEYS
        if key != SubjectTab.OTHER and (ids := display.type_ids_on(key))
    ]
    return Case(*whens, default=Value(SubjectTab.OTHER), output_field=CharField())


def public_report_body(subject: CreditSubject, *, as_of: datetime.date | None = None) -> ReportBody:
    """The body of the public credit report: the subject's public records and published list entries."""
    as_of = as_of or timezone.localdate()
    return report_body(
        subject,
        records=public_records(as_of).filter(subject=subject),
        memberships=public_memberships().filter(subject=subject),
    )


def report_body(
    subject: CreditSubject, *, records: QuerySet[CreditRecord], memberships: QuerySet[Membership]
) -> ReportBody:
    """The body of a credit report of ``records`` and ``memberships`` (the subject's: the public ones for the
    public report, all of them for the subject's own report), bounded whatever the subject's size (four
    queries, five when a section is abridged): counts and the digest in one aggregate; one query that ranks
    each section's records in SQL (window functions) and returns the keys of at most REPORT_RECENT +
    REPORT_SECTION_CAP rows per section; the printed records by id; the date range of the left-out ones; and
    the memberships."""
    display = catalog_display()
    records = records.annotate(section=_section_key(display))
    stats = {
        row["section"]: row
        for row in records.values("section")
        .annotate(n=Count("pk"), ids=Sum("pk"), top=Max("pk"), versions=Sum("version"))
        .order_by("section")
    }
    # Sums of bigint columns come back as Decimal on PostgreSQL: ints, for the fingerprint's JSON.
    digest = [
        (key, *(int(row[name]) for name in ("n", "ids", "top", "versions"))) for key, row in sorted(stats.items())
    ]
    large = [key for key, row in stats.items() if row["n"] > REPORT_SECTION_CAP and key != LISTED]
    small = [key for key, row in stats.items() if row["n"] <= REPORT_SECTION_CAP and key != LISTED]
    newest = [F("decided_on").desc(), F("pk").desc()]
    grave = Case(When(severity__in=GRAVE, then=Value(True)), default=Value(False), output_field=BooleanField())
    ranked = records.annotate(
        grave=grave,
        recent_rank=Window(RowNumber(), partition_by=[F("section")], order_by=newest),
        grave_rank=Window(RowNumber(), partition_by=[F("section"), F("grave")], order_by=newest),
    ).filter(
        Q(section__in=small)
        | Q(section__in=large, recent_rank__lte=REPORT_RECENT)
        | Q(section__in=large, grave=True, grave_rank__lte=REPORT_SECTION_CAP)
    )
    # The ranking reads only keys; the full rows (with their data) are fetched for the chosen few.
    ranks: dict[str, list[tuple[int, int]]] = {key: [] for key in stats if key != LISTED}
    for pk, key, recent_rank in ranked.order_by("-decided_on", "-pk").values_list("pk", "section", "recent_rank"):
        ranks[key].append((pk, recent_rank))
    for key in large:  # the most recent first, then the serious/severe ones (newest first) up to the cap
        recent = [pk for pk, rank in ranks[key] if rank <= REPORT_RECENT]
        grave_ones = [pk for pk, rank in ranks[key] if rank > REPORT_RECENT]
        ranks[key] = [(pk, 0) for pk in recent + grave_ones[: REPORT_SECTION_CAP - len(recent)]]
    wanted = {pk: key for key, rows in ranks.items() for pk, _ in rows}
    chosen: dict[str, list[CreditRecord]] = {key: [] for key in ranks}
    full = CreditRecord.objects.filter(pk__in=wanted).select_related("record_type", "department")
    for record in full.order_by("-decided_on", "-pk"):
        record.subject = subject  # for the masking of a person's name in the text (``public_record_data``)
        record.shown = _shown_on(display, record, "report")
        chosen[wanted[record.pk]].append(record)
    omitted_range: dict[str, tuple] = {}
    if large:
        shown = [pk for pk, key in wanted.items() if key in large]
        omitted_range = {
            row["section"]: (row["first"], row["last"])
            for row in records.filter(section__in=large)
            .exclude(pk__in=shown)
            .values("section")
            .annotate(first=Min("decided_on"), last=Max("decided_on"))
            .order_by("section")
        }

    def section(key: str, label: str) -> Section:
        first, last = omitted_range.get(key, (None, None))
        total = stats[key]["n"] if key in stats else 0
        return Section(key, label, chosen.get(key, []), [], total, first, last)

    memberships = list(memberships.select_related("list_type").order_by("-started_on", "-pk"))
    sections = [
        Section(key, label, [], [m for m in memberships if m.list_type.colour == LIST_TABS[key]], 0)
        if key in LIST_TABS
        else section(key, label)
        for key, label in TABS
    ]
    return ReportBody(sections=sections, digest=digest)


# The public lists' filters, shared by the 双公示 and list pages and their CSV downloads ----------------------


def division_prefix(code: str) -> str:
    """The prefix of a GB/T 2260 code that covers its area: 220000 → 22, 220100 → 2201, 220104 → 220104."""
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def parse_date_param(value: str) -> datetime.date | None:
    """A YYYY-MM-DD query parameter, or None when it is absent or not a date."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class FilterError(ValueError):
    """A list filter whose value is not what the field asks for; the message (Chinese) says which and how."""


_FILTER_HINT = "请检查筛选条件。"


def _date_filter(params, name: str, label: str) -> datetime.date | None:
    """A date filter: None when empty; ``FilterError`` when not a date (dropping it silently would show the
    unfiltered list as if it were the one asked for)."""
    value = (params.get(name) or "").strip()
    if not value:
        return None
    day = parse_date_param(value)
    if day is None:
        raise FilterError(f"{label}无效：应为 YYYY-MM-DD 格式的日期。{_FILTER_HINT}")
    return day


def _region_filter(params) -> str:
    """The region filter: a GB/T 2260 code or its prefix, 1 to 6 ASCII digits ("" when empty). ``str.isdigit``
    alone is not enough: superscripts and full-width digits are "digits" that ``int`` or the codes never match."""
    region = (params.get("region") or "").strip()
    if region and not (region.isascii() and region.isdigit() and len(region) <= 6):
        raise FilterError(f"地区代码无效：应为6位行政区划代码（如 220100）。{_FILTER_HINT}")
    return region


# A name fragment matching at most this many subjects is looked up by subject id (its records come from the
# subject index and are sorted, a few hundred rows at most); a commoner one is checked on each row read from
# the (type, date, id) index, where matches are dense enough to fill a page quickly.
NAME_MATCH_CAP = 2000


def _keyword_filter(keyword: str) -> Q:
    """The 双公示 keyword: a subject name fragment (trigram or bigram index on the subject name, see
    subjects.search) or the beginning of the record number (``record_source_id_idx``). The record number is
    matched by prefix only: a fragment in the middle has no index and would scan the table."""
    matches = subjects_name_matching(keyword)
    ids = list(matches.values_list("pk", flat=True)[: NAME_MATCH_CAP + 1])
    by_number = Q(source_id__startswith=keyword)
    if len(ids) <= NAME_MATCH_CAP:
        return Q(subject_id__in=ids) | by_number
    # Natural persons are never found by name (their rows show masked names only).
    return (Q(subject__name__contains=keyword) & ~Q(subject__kind=SubjectKind.NATURAL_PERSON)) | by_number


def _record_region_q(prefix: str) -> Q:
    """Records of subjects in a region, on the records' own ``division_code`` (indexes in records/models.py): a
    county exactly, a city by its first four digits (the expression ``record_public_city_date_idx`` holds),
    anything else (a province) as a range of codes."""
    if not prefix.isdigit():
        return Q(pk__in=[])
    if len(prefix) == 6:
        return Q(division_code=prefix)
    if len(prefix) == 4:
        return Q(division_city=prefix)
    # Digits of equal length sort the same under every collation: "22" <= "220104" < "23" ("99": no upper end).
    following = str(int(prefix) + 1).zfill(len(prefix))
    within = Q(division_code__gte=prefix)
    return within & Q(division_code__lt=following) if len(following) == len(prefix) else within


def shuanggongshi_filter(params, record_type: RecordType):
    """The 双公示 list of one type with the public's filters; shared by the page and the CSV download. Raises
    ``FilterError`` for a region or date that is not one.

    The type and the department are filtered by id (looked up once by the caller or here), never by a join on
    their codes, so the query stays on ``record_public_type_date_idx`` / ``record_public_dept_date_idx``."""
    records = (
        public_records_of_type(record_type)
        .select_related("subject", "department")
        .alias(division_city=Left("division_code", 4))
    )
    if department := params.get("department"):
        department_id = Department.objects.filter(code=department).values_list("pk", flat=True).first()
        records = records.filter(department_id=department_id) if department_id else records.none()
    if region := _region_filter(params):
        records = records.filter(_record_region_q(division_prefix(region)))
    if start := _date_filter(params, "from", "起始日期"):
        records = records.filter(decided_on__gte=start)
    if end := _date_filter(params, "to", "截止日期"):
        if start and start > end:  # not "no results": the range asked for is empty by how it was typed
            raise FilterError(f"开始日期不能晚于结束日期（{start.isoformat()} 晚于 {end.isoformat()}）。{_FILTER_HINT}")
        records = records.filter(decided_on__lte=end)
    if keyword := params.get("q", "").strip():
        records = records.filter(_keyword_filter(keyword))
    if kind := params.get("kind", "").strip():
        records = _penalty_kind_filter(records, kind)
    return records.order_by("-decided_on", "-pk")


def penalty_kinds_expression() -> Func:
    """A penalty's kinds as an array: ``string_to_array(data ->> 'CF_CFLB', ';')`` (stored ;-separated, see
    records.validation), the expression of the GIN index ``record_public_penalty_kind_gin`` (records 0014)."""
    return Func(KT("data__CF_CFLB"), Value(";"), function="string_to_array", output_field=ArrayField(TextField()))


def _penalty_kind_filter(records: QuerySet, kind: str) -> QuerySet:
    """Penalties of one kind (an element of the list, not a substring: 罚 is no kind). On PostgreSQL the array
    containment the GIN index serves; elsewhere (SQLite) the same match on the separated text."""
    if connection.vendor == "postgresql":
        return records.alias(penalty_kinds=penalty_kinds_expression()).filter(penalty_kinds__contains=[kind])
    # ";罚款;警告;" contains ";罚款;". (An exact match on KT would compare with the value read as JSON on SQLite.)
    padded = Concat(Value(";"), KT("data__CF_CFLB"), Value(";"), output_field=TextField())
    return records.alias(penalty_kinds=padded).filter(penalty_kinds__contains=f";{kind};")


def list_filter(params, list_type: ListType):
    """The public members of one list with the public's filters (``FilterError`` as ``shuanggongshi_filter``)."""
    memberships = public_memberships().filter(list_type=list_type)
    if keyword := params.get("q", "").strip():
        memberships = memberships.filter(subject__name__contains=keyword).exclude(
            subject__kind=SubjectKind.NATURAL_PERSON
        )
    if region := _region_filter(params):
        memberships = memberships.filter(subject__division_code__startswith=division_prefix(region))
    if start := _date_filter(params, "from", "起始日期"):
        memberships = memberships.filter(started_on__gte=start)
    return memberships.order_by("-started_on", "-pk")


# The statistics page (统计, issue 16) ------------------------------------------------------------------------

STATISTICS_KEY = "public-statistics"
STATISTICS_SECONDS = 3600
STATISTICS_MONTHS = 12


def _month_start(day: datetime.date, back: int) -> datetime.date:
    """The first day of the month ``back`` months before ``day``'s month."""
    months = day.year * 12 + day.month - 1 - back
    return datetime.date(months // 12, months % 12 + 1, 1)


def public_measures() -> list[tuple[str, list[tuple]]]:
    """联合奖惩措施清单 as the public reads it: (kind label, [(measure, its published lists, its scenarios' labels)])
    per kind of measure, rewards then punishments. The 一般失信 notice lists are departments' only (not shown)."""
    scenarios = dict(Scenario.choices)
    rows = [
        (
            measure,
            [t for t in measure.list_types.all() if t.colour in PUBLISHED_COLOURS],
            [scenarios.get(code, code) for code in measure.scenarios],
        )
        for measure in measures_published()
    ]
    return [(label, [row for row in rows if row[0].kind == kind]) for kind, label in MeasureKind.choices]


def public_statistics(as_of: datetime.date | None = None) -> dict:
    """The figures of the statistics page, kept for an hour (``STATISTICS_SECONDS``): records received per
    department and per month over the last twelve months (from the daily ingest counts, ``IngestStat``, a
    small table), the current size of each published list, and the timeliness of 双公示 per department (the
    latest nightly data-quality period, ``QualityReport``). Four queries when computed, none when cached."""
    as_of = as_of or timezone.localdate()
    key = f"{STATISTICS_KEY}:{as_of.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    since = _month_start(as_of, STATISTICS_MONTHS - 1)
    stats = IngestStat.objects.filter(day__gte=since, day__lte=as_of)
    per_department = list(
        stats.values("department__name").annotate(n=Sum("received")).order_by("-n", "department__name")
    )
    per_month: dict[str, int] = {
        _month_start(as_of, back).strftime("%Y-%m"): 0 for back in range(STATISTICS_MONTHS - 1, -1, -1)
    }
    for day, received in stats.values_list("day", "received").order_by():
        per_month[day.strftime("%Y-%m")] = per_month.get(day.strftime("%Y-%m"), 0) + received
    list_sizes = list(
        public_list_types()
        .annotate(n=Count("memberships", filter=Q(memberships__state=MembershipState.ACTIVE)))
        .order_by("colour", "code")
        .values_list("name", "colour", "n")
    )
    latest = QualityReport.objects.order_by("-period_end").values_list("period_start", "period_end").first()
    timeliness = []
    if latest is not None:
        rows = (
            QualityReport.objects.filter(period_start=latest[0], period_end=latest[1], timeliness_base__gt=0)
            .values("department__name")
            .annotate(timely=Sum("timely"), base=Sum("timeliness_base"))
            .order_by("department__name")
        )
        timeliness = [
            (row["department__name"], round(100 * row["timely"] / row["base"], 1), f"{row['timely']}/{row['base']}")
            for row in rows
        ]
    result = {
        "as_of": as_of,
        "since": since,
        "per_department": [(row["department__name"], int(row["n"] or 0), "") for row in per_department],
        "per_month": [(month, total, "") for month, total in per_month.items()],
        "list_sizes": [(name, n, "") for name, _colour, n in list_sizes],
        "timeliness": timeliness,
        "timeliness_period": latest,
    }
    cache.set(key, result, timeout=STATISTICS_SECONDS)
    return result


# Why a subject page shows a status badge (issue 16) ---------------------------------------------------------


@dataclass(frozen=True)
class StatusReason:
    """One published list entry behind a subject's status: which list, since when, until when, on which
    records (their document numbers, as the subject page shows them)."""

    list_name: str
    colour: str
    started_on: datetime.date
    planned_end: datetime.date | None
    source_ids: tuple[str, ...]


STATUS_COLOURS = {"black": Colour.BLACK, "watch": Colour.WATCH, "red": Colour.RED}


def loaded_record_visibility(record: CreditRecord, as_of: datetime.date) -> rules.Visibility:
    """``rules.record_visibility`` of a loaded record (its type loaded too): the status badge's reasons here, and
    the subject's own record page (``rights.selfquery``)."""
    view = rules.RecordView(
        disclosure_level=record.record_type.disclosure_level,
        status=record.status,
        publishable=record.publishable,
        start=record.disclosure_start,
        end=record.disclosure_end,
        objection=record.objection,
    )
    return rules.record_visibility(view, as_of)


def status_reasons(status: str, memberships: list[Membership], as_of: datetime.date) -> list[StatusReason]:
    """The entries of the subject's published memberships (already loaded, records and their types prefetched)
    that make its ``status`` badge: the lists of the badge's colour. Nothing for 正常. A list entry names only
    the records the public may see (``rules.record_visibility``): a listing may rest on a record that is not
    published (a restricted type, or one whose publication period ended before the listing's)."""
    colour = STATUS_COLOURS.get(status)
    if colour is None:
        return []
    return [
        StatusReason(
            list_name=m.list_type.name,
            colour=m.list_type.colour,
            started_on=m.started_on,
            planned_end=m.planned_end,
            source_ids=tuple(
                record.source_id for record in m.records.all() if loaded_record_visibility(record, as_of).public
            ),
        )
        for m in memberships
        if m.list_type.colour == colour
    ]
