"""Reads of the sanctions app: the rule configuration, a subject's facts, current memberships and status."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from records.models import CreditRecord

from . import rules
from .choices import MembershipState
from .models import Check, CreditStatus, Feedback, ListSource, ListType, Membership


def list_rules() -> tuple[rules.ListRule, ...]:
    """The active list types as rules for the engine (two queries)."""
    types = ListType.objects.filter(is_active=True).prefetch_related(
        Prefetch("sources", queryset=ListSource.objects.select_related("record_type").order_by("id"))
    )
    return tuple(
        rules.ListRule(
            code=list_type.code,
            colour=list_type.colour,
            duration_months=list_type.duration_months,
            sources=tuple(
                rules.SourceRule(
                    record_type=source.record_type.code,
                    field_code=source.field_code,
                    field_value=source.field_value,
                    severities=frozenset(source.severities or ()),
                    use_record_end=source.use_record_end,
                )
                for source in list_type.sources.all()
            ),
        )
        for list_type in types.order_by("code")
    )


def record_facts(subject_ids: list[int], rule_set: tuple[rules.ListRule, ...]) -> dict[int, list[rules.RecordFact]]:
    """The records that can matter to the rules, per subject, in one query: the source types' records and
    every severe record (which suspends red lists)."""
    source_types = {source.record_type for rule in rule_set for source in rule.sources}
    condition_fields = {source.field_code for rule in rule_set for source in rule.sources if source.field_code}
    rows = CreditRecord.objects.filter(subject_id__in=subject_ids).filter(
        record_type__code__in=source_types
    ) | CreditRecord.objects.filter(subject_id__in=subject_ids, severity=rules.SEVERE)
    facts: dict[int, list[rules.RecordFact]] = defaultdict(list)
    for pk, subject_id, type_code, status, severity, decided_on, end, data in rows.values_list(
        "pk", "subject_id", "record_type__code", "status", "severity", "decided_on", "disclosure_end", "data"
    ).order_by("pk"):
        facts[subject_id].append(
            rules.RecordFact(
                id=pk,
                record_type=type_code,
                status=status,
                severity=severity,
                decided_on=decided_on,
                end=end,
                fields={code: data[code] for code in condition_fields if code in data},
            )
        )
    return facts


def current_memberships(subject_ids: list[int]) -> dict[int, list[Membership]]:
    memberships: dict[int, list[Membership]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(subject_id__in=subject_ids)
        .exclude(state=MembershipState.ENDED)
        .select_related("list_type")
        .prefetch_related("records")
        .order_by("pk")
    ):
        memberships[membership.subject_id].append(membership)
    return memberships


def membership_fact(membership: Membership) -> rules.MembershipFact:
    return rules.MembershipFact(
        id=membership.pk,
        list_code=membership.list_type.code,
        started_on=membership.started_on,
        planned_end=membership.planned_end,
        state=membership.state,
        record_ids=frozenset(record.pk for record in membership.records.all()),
    )


def statuses(subject_ids: list[int]) -> dict[int, CreditStatus]:
    return {status.subject_id: status for status in CreditStatus.objects.filter(subject_id__in=subject_ids)}


def subjects_due_for_reevaluation(today: datetime.date) -> list[int]:
    """Subjects whose lists or records change by the mere passing of time: a membership past its planned end,
    or a suspended red membership (its suspension may have ended with a severe record's window)."""
    past_end = Membership.objects.exclude(state=MembershipState.ENDED).filter(planned_end__lt=today)
    suspended = Membership.objects.filter(state=MembershipState.SUSPENDED)
    ids = set(past_end.values_list("subject_id", flat=True)) | set(suspended.values_list("subject_id", flat=True))
    return sorted(ids)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    width: float  # 0–100, share of the largest bar
    note: str = ""


def bars(pairs: list[tuple[str, float, str]]) -> list[Bar]:
    top = max((value for _, value, _ in pairs), default=0) or 1
    return [Bar(label=label, value=value, width=round(100 * value / top, 1), note=note) for label, value, note in pairs]


def check_dashboard(*, since: datetime.date) -> dict:
    """For the credit centre: checks per department and per month, feedback rate, measures applied."""
    checks = list(Check.objects.filter(created_at__date__gte=since).select_related("department").order_by("created_at"))
    per_department: Counter = Counter()
    per_month: Counter = Counter()
    measure_items: Counter = Counter()
    for check in checks:
        per_department[check.department.name] += 1
        per_month[timezone.localtime(check.created_at).strftime("%Y-%m")] += 1
        measure_items[check.department.name] += sum(len(r.get("measures", [])) for r in check.results)
    feedback = Feedback.objects.filter(check_ref__in=checks).select_related("measure", "check_ref__department")
    answered: Counter = Counter()
    applied: Counter = Counter()
    for item in feedback:
        answered[item.check_ref.department.name] += 1
        if item.result == "applied":
            applied[item.measure.name] += 1
    rates = [
        (name, round(100 * answered[name] / items, 1), f"{answered[name]}/{items}")
        for name, items in sorted(measure_items.items())
        if items
    ]
    return {
        "total_checks": len(checks),
        "total_items": sum(measure_items.values()),
        "total_feedback": sum(answered.values()),
        "by_department": bars([(name, n, "") for name, n in per_department.most_common()]),
        "by_month": bars([(month, n, "") for month, n in sorted(per_month.items())]),
        "feedback_rate": bars(rates),
        "applied": bars([(name, n, "") for name, n in applied.most_common(10)]),
    }
