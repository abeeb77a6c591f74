"""Reads of grants, of the records a query may return, and of special queries, for pages and the API."""

from __future__ import annotations

import datetime
from collections import Counter
from statistics import median

from django.db.models import Q, QuerySet
from django.utils import timezone

from disclosure.selectors import public_record_data
from organisations.models import Department
from records.choices import DisclosureLevel, RecordStatus
from records.models import CreditRecord, RecordType
from records.selectors import calendar_overrides
from records.workdays import workdays_between
from sanctions.selectors import bars
from subjects.models import CreditSubject

from . import rules
from .choices import SpecialQueryState
from .models import QueryGrant, SpecialQuery, SpecialQueryEvent


def grants_of(department: Department) -> QuerySet[QueryGrant]:
    """Every grant the department holds or held (in force or not), for its query page."""
    return QueryGrant.objects.filter(department=department).select_related("record_type").order_by("pk")


def restricted_types() -> QuerySet[RecordType]:
    """The record types only departments may read (政务共享, 授权查询)."""
    return RecordType.objects.exclude(disclosure_level=DisclosureLevel.PUBLIC).order_by("code")


def readable_types(department: Department, as_of: datetime.date) -> dict[RecordType, tuple[int, ...]]:
    """The restricted types of other departments that ``department`` may read on ``as_of``, each with the ids
    of the grants that open it (``rules.readable_types``). Two queries."""
    grants = [
        rules.GrantFacts(
            pk=grant.pk,
            record_type_id=grant.record_type_id,
            category=grant.category,
            expires_on=grant.expires_on,
            is_active=grant.is_active,
        )
        for grant in QueryGrant.objects.filter(department=department)
    ]
    if not grants:
        return {}
    types = {record_type.pk: record_type for record_type in restricted_types()}
    facts = [
        rules.TypeFacts(pk=t.pk, code=t.code, category=t.category, disclosure_level=t.disclosure_level)
        for t in types.values()
    ]
    return {types[pk]: grant_ids for pk, grant_ids in rules.readable_types(grants, facts, as_of).items()}


def restricted_records_readable(
    *, department: Department, subject: CreditSubject, type_ids: set[int]
) -> QuerySet[CreditRecord]:
    """The subject's restricted records in force that ``department`` may read: its own, whatever their type,
    and other departments' of ``type_ids`` (the types its grants open). Public records are the public site's;
    revoked and repaired records are shared with nobody (a repair "停止共享", NDRC Order 36 of 2025). Served by
    ``record_subject_facts_idx`` (subject, status, type)."""
    return (
        CreditRecord.objects.filter(subject=subject, status=RecordStatus.ACTIVE)
        .exclude(record_type__disclosure_level=DisclosureLevel.PUBLIC)
        .filter(Q(department=department) | Q(record_type_id__in=sorted(type_ids)))
        .select_related("record_type", "department")
        .prefetch_related("record_type__fields")
        .order_by("-decided_on", "-id")
    )


def record_rows(record: CreditRecord) -> list[tuple[str, str, str]]:
    """(label, field code, value) of each reported field of a record, in the catalog's order, as records are
    served outside the department that holds them: a natural person's name and document numbers masked
    (``disclosure.selectors.public_record_data``; the page, the API and the special-query result alike)."""
    labels = {field.code: field.label for field in record.record_type.fields.all()}
    return [(labels.get(code, code), code, value) for code, value in public_record_data(record).items()]


# Special queries -------------------------------------------------------------------------------------------


def special_queries_visible_to(department: Department | None) -> QuerySet[SpecialQuery]:
    """A department's own applications; every application for the credit centre (``None``)."""
    queries = SpecialQuery.objects.select_related("department", "applicant").order_by("-id")
    return queries if department is None else queries.filter(department=department)


def special_query_candidates(query: SpecialQuery) -> list[int]:
    """The records an approved query covers at this moment: the named subjects' records in force of the
    approved types, from any department (what the result is issued with)."""
    return list(
        CreditRecord.objects.filter(
            subject__in=query.subjects.all(),
            record_type__in=query.record_types.all(),
            status=RecordStatus.ACTIVE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def special_query_result_records(query: SpecialQuery) -> list[CreditRecord]:
    """The issued result: the records it was issued with that are still in force (a record revoked or repaired
    since is shared no more)."""
    return list(
        CreditRecord.objects.filter(pk__in=query.result_record_ids, status=RecordStatus.ACTIVE)
        .select_related("record_type", "department", "subject")
        .prefetch_related("record_type__fields")
        .order_by("subject_id", "-decided_on", "-id")
    )


def special_queries_dashboard(*, today: datetime.date) -> dict:
    """For the credit centre: applications by state and department, decision time in working days, and the
    overdue ones (a decision or a result past its deadline), oldest deadline first."""
    queries = list(SpecialQuery.objects.select_related("department"))
    decided_on = {
        event.query_id: timezone.localtime(event.occurred_at).date()
        for event in SpecialQueryEvent.objects.filter(
            to_state__in=[SpecialQueryState.APPROVED, SpecialQueryState.REFUSED]
        )
    }
    overrides = calendar_overrides()
    durations = [workdays_between(q.submitted_on, decided_on[q.pk], overrides) for q in queries if q.pk in decided_on]
    overdue = sorted((q for q in queries if q.is_overdue(today)), key=lambda q: (q.due, q.pk))
    by_state = Counter(q.get_state_display() for q in queries)
    by_department = Counter(q.department.name for q in queries)
    return {
        "total": len(queries),
        "overdue": overdue,
        "median_days": median(durations) if durations else None,
        "by_state": bars([(k, n, "") for k, n in by_state.most_common()]),
        "by_department": bars([(k, n, "") for k, n in by_department.most_common(10)]),
    }


def workbench_todo_special_queries(staff, user, today: datetime.date) -> list:
    """The credit centre's lines for special-query applications waiting for its decision, the ones past their
    deadline apart (red) (``organisations.workbench``)."""
    from django.urls import reverse

    from organisations.workbench import todo_due_items

    if staff.department is not None or not staff.is_credit_admin:
        return []
    waiting = SpecialQuery.objects.filter(state=SpecialQueryState.SUBMITTED)
    url = reverse("queries:special-list")
    return todo_due_items("待审批的特殊查询申请", waiting, due_field="decide_due", url=url, today=today)
