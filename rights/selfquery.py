"""What a subject may read of itself (本主体查询) and what it lets a third party read (授权查询): its whole record,
not only what the public sees — non-public types, records outside their disclosure window, repaired and revoked
ones — with why each is or is not public, every list membership with its reason and rule, and its own
objections, repairs and commitments with their outcomes (never a whistle-blowing report about it: the reporter
is protected). A third party reads only the records and memberships in force of the categories authorised: a
repaired record is shared with nobody ("停止共享", as for departments) and a revoked one was annulled. Seed 000
四(七) and seed 003 item 15 (graded query rights), seed 002 item 77.

The reads here are restricted: the pages that serve them record each one in the subject's access log
(``subjects.services.subject_access_record``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from core.vocabulary import MEMBERSHIP_ACTIVE
from disclosure import rules
from disclosure.selectors import (
    LIST_TABS,
    TABS,
    ReportBody,
    loaded_record_visibility,
    public_record_data,
    report_body,
    shown,
)
from records.choices import RecordStatus, SubjectTab
from records.models import CreditRecord
from records.selectors import TypeDisplay, catalog_display
from sanctions.models import ListType, Membership
from subjects.models import CreditSubject

from .choices import ApplicationKind
from .models import Application

#: The statuses of records on the subject's record: in force, revoked or repaired (entries waiting for a
#: department's review, refused or not yet matched to the subject are not the subject's record yet).
OWN_STATUSES = (RecordStatus.ACTIVE, RecordStatus.REVOKED, RecordStatus.REPAIRED)
#: What a third party reads of them: the records in force (``queries.selectors`` shares the same with departments).
SHARED_STATUSES = (RecordStatus.ACTIVE,)
#: Records shown per section on a page (the most recent first); the report and the counts cover all of them.
SECTION_CAP = 100
#: The categories a subject can authorise (the tabs of the subject page).
CATEGORIES = dict(TABS)


@dataclass(frozen=True)
class OwnRecord:
    record: CreditRecord
    visibility: rules.Visibility
    items: list[tuple[str, str]]


@dataclass(frozen=True)
class OwnSection:
    key: str
    label: str
    records: list[OwnRecord]
    total: int


@dataclass(frozen=True)
class OwnRecordView:
    subject: CreditSubject
    sections: list[OwnSection]
    memberships: list[Membership]
    applications: list[Application]


def own_records(subject: CreditSubject, categories: list[str] | None = None) -> QuerySet[CreditRecord]:
    """The subject's records on its record (categories None), or those a third party authorised for the given
    categories (tabs) reads: the ones in force."""
    records = CreditRecord.objects.filter(subject=subject, status__in=OWN_STATUSES)
    if categories is not None:
        records = records.filter(status__in=SHARED_STATUSES)
        display = catalog_display()
        type_ids = [pk for key in categories for pk in display.type_ids_on(key)]
        records = records.filter(record_type_id__in=type_ids)
    return records


def own_memberships(subject: CreditSubject, categories: list[str] | None = None) -> QuerySet[Membership]:
    """Every list membership of the subject, current and ended, published or not; for a third party only the
    current ones of the colours its categories name (守信激励: red lists, 失信惩戒: black lists)."""
    memberships = Membership.objects.filter(subject=subject)
    if categories is not None:
        memberships = memberships.filter(state=MEMBERSHIP_ACTIVE)
        colours = [LIST_TABS[key] for key in categories if key in LIST_TABS]
        memberships = memberships.filter(list_type__colour__in=colours)
    return memberships


def _items_by_field(
    record: CreditRecord, type_display: TypeDisplay | None, list_names: dict[str, str]
) -> list[tuple[str, str]]:
    """Every public value of a record whose type names none for the subject page, by the catalog's field names
    (never the field codes), a list's code shown as the list's name (HM_MDDM "hmd_nsa" → 名单代码 纳税信用A级纳税人)."""
    labels = type_display.labels if type_display else {}
    return [
        (labels.get(code, code), list_names.get(value, value) if isinstance(value, str) else value)
        for code, value in public_record_data(record).items()
    ]


def own_record_view(
    subject: CreditSubject, *, as_of: datetime.date, categories: list[str] | None = None, with_applications: bool
) -> OwnRecordView:
    """The subject's record by category, each record with whether the public sees it and why not; its
    memberships with reason and rule; and, for the subject itself, its applications (objections, repairs,
    commitments — whistle-blowing reports about it never)."""
    display = catalog_display()
    list_names = dict(ListType.objects.values_list("code", "name"))
    tab_of = {d.record_type.pk: d.tab for d in display.types.values()}
    keys = [key for key, _ in TABS if categories is None or key in categories]
    by_tab: dict[str, list[OwnRecord]] = {key: [] for key in keys}
    totals: dict[str, int] = dict.fromkeys(keys, 0)
    records = own_records(subject, categories).select_related("record_type", "department")
    for record in records.order_by("-decided_on", "-pk").iterator(chunk_size=500):
        key = tab_of.get(record.record_type_id, SubjectTab.OTHER)
        if key not in by_tab:
            key = SubjectTab.OTHER if SubjectTab.OTHER in by_tab else keys[0]
        totals[key] += 1
        if len(by_tab[key]) >= SECTION_CAP:
            continue
        record.subject = subject  # a person's name is masked in the text as elsewhere
        type_display = display.types.get(record.record_type.code)
        items = shown(record, type_display.subject_page) if type_display and type_display.subject_page else []
        if not items:
            items = _items_by_field(record, type_display, list_names)
        by_tab[key].append(OwnRecord(record, loaded_record_visibility(record, as_of), items))
    sections = [OwnSection(key, CATEGORIES[key], by_tab[key], totals[key]) for key in keys]
    memberships = list(
        own_memberships(subject, categories).select_related("list_type").order_by("-started_on", "-pk")[:SECTION_CAP]
    )
    applications = []
    if with_applications:
        applications = list(
            Application.objects.filter(subject=subject)
            .exclude(kind=ApplicationKind.TIPOFF)
            .select_related("record", "department")
            .order_by("-created_at", "-pk")[:SECTION_CAP]
        )
    return OwnRecordView(subject, sections, memberships, applications)


def own_report_body(subject: CreditSubject, categories: list[str] | None = None) -> ReportBody:
    """The body of the subject's own credit report (``disclosure.reports.SELF_REPORT``): its whole record."""
    return report_body(
        subject, records=own_records(subject, categories), memberships=own_memberships(subject, categories)
    )
