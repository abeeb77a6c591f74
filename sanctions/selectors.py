"""Reads of the sanctions app: the rule configuration, a subject's facts, current memberships and status."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from core.vocabulary import DISCLOSURE_PUBLIC
from organisations.models import Department
from records.models import CreditRecord, RecordType
from subjects.selectors import name_searchable_subjects, subjects_by_former_names, subjects_name_matching

from . import rules
from .choices import Colour, CreditStatusValue, MeasureKind, MembershipState
from .models import Check, CreditStatus, Feedback, ListSource, ListType, Measure, Membership


def list_rules() -> tuple[rules.ListRule, ...]:
    """The active list types as rules for the engine (two queries)."""
    types = ListType.objects.filter(is_active=True).prefetch_related(
        Prefetch("sources", queryset=ListSource.objects.select_related("record_type").order_by("id"))
    )
    return tuple(
        rules.ListRule(
            code=list_type.code,
            name=list_type.name,
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


def relevant_records_q(rule_set: tuple[rules.ListRule, ...], type_ids: dict[str, int] | None = None) -> Q:
    """The records that can matter to the rules: of a source type within the source's severities (a penalty
    feeds the watch list only when 较重 or 严重), and every severe record (which suspends red lists).

    Field conditions (``YZ_MDDM`` = the list's code) are left to the engine; they only narrow a type down.
    ``type_ids``: record type ids by code, when the caller has them already."""
    if type_ids is None:
        type_ids = dict(RecordType.objects.values_list("code", "pk"))
    condition = Q(severity=rules.SEVERE)
    for code, allowed in sorted(rules.source_severities(rule_set).items()):
        if code not in type_ids:
            continue
        if allowed is None:
            condition |= Q(record_type_id=type_ids[code])
        else:
            condition |= Q(record_type_id=type_ids[code], severity__in=sorted(allowed))
    return condition


def record_facts(
    subject_ids: list[int], rule_set: tuple[rules.ListRule, ...], *, also: Iterable[int] = ()
) -> dict[int, list[rules.RecordFact]]:
    """The records that can matter to the rules, per subject, in one query, with only the fields the rules'
    conditions read (never the whole ``data``). ``also``: ids of records to include whatever they are now
    (those current memberships rest on, so an ending can say why: revoked, repaired...)."""
    condition_fields = sorted({source.field_code for rule in rule_set for source in rule.sources if source.field_code})
    types = list(RecordType.objects.values_list("code", "pk", "name", "disclosure_level"))
    type_ids = {code: pk for code, pk, _, _ in types}
    type_codes = {pk: code for code, pk, _, _ in types}
    type_names = {pk: name for _, pk, name, _ in types}
    public_types = {pk for _, pk, _, level in types if level == DISCLOSURE_PUBLIC}
    picks = {f"field_{index}": KT(f"data__{code}") for index, code in enumerate(condition_fields)}
    rows = (
        CreditRecord.objects.filter(
            (relevant_records_q(rule_set, type_ids) & Q(subject_id__in=subject_ids)) | Q(pk__in=sorted(set(also)))
        )
        .annotate(**picks)
        .order_by("pk")
        .values_list(
            "pk",
            "subject_id",
            "record_type_id",
            "status",
            "severity",
            "decided_on",
            "disclosure_end",
            "publishable",
            "source_id",
            *picks,
        )
    )
    facts: dict[int, list[rules.RecordFact]] = defaultdict(list)
    for pk, subject_id, type_id, status, severity, decided_on, end, publishable, source_id, *values in rows:
        facts[subject_id].append(
            rules.RecordFact(
                id=pk,
                record_type=type_codes[type_id],
                status=status,
                severity=severity,
                decided_on=decided_on,
                end=end,
                fields={code: value for code, value in zip(condition_fields, values, strict=True) if value is not None},
                publishable=publishable,
                # Reasons reach third parties and every department's feed: a document number only where the
                # record itself is public.
                label=rules.record_label(
                    type_names[type_id], source_id if type_id in public_types and publishable else ""
                ),
            )
        )
    return facts


def _could_be_listed(
    records: QuerySet[CreditRecord], subject_ids: list[int] | None, rule_set: tuple[rules.ListRule, ...]
) -> list[int]:
    """Subjects with one of ``records`` that can matter to the rules, a membership not ended, or a stored
    status (all of them, or those among ``subject_ids``)."""
    memberships = Membership.objects.exclude(state=MembershipState.ENDED)
    stored = CreditStatus.objects.all()
    if subject_ids is not None:
        memberships, stored = memberships.filter(subject_id__in=subject_ids), stored.filter(subject_id__in=subject_ids)
        # Only among them: the caller locked these subjects, and evaluating the other subjects of the records
        # (a chunk of a larger item) would evaluate them unlocked, and every chunk would evaluate them all.
        records = records.filter(subject_id__in=subject_ids)
    ids = set(
        records.filter(relevant_records_q(rule_set), subject__isnull=False)
        .order_by()
        .values_list("subject_id", flat=True)
        .distinct()
    )
    ids |= set(memberships.order_by().values_list("subject_id", flat=True))
    ids |= set(stored.order_by().values_list("subject_id", flat=True))
    return sorted(ids)


def subjects_to_evaluate() -> list[int]:
    """Every subject whose evaluation could give anything but "normal" with no lists, for a full recompute:
    those with a record that can matter to the rules, a membership not ended, or a stored status.

    Any other subject evaluates to "normal" with nothing to open or end, which is what it already is (no
    status row means normal), so skipping it changes nothing."""
    return _could_be_listed(CreditRecord.objects.all(), None, list_rules())


def subjects_affected(
    record_ids: list[int], subject_ids: list[int], rule_set: tuple[rules.ListRule, ...] | None = None
) -> list[int]:
    """Of the subjects whose records changed, those whose lists or status the change can alter: the subjects
    of changed records that can matter to the rules, and those already listed or with a stored status.

    A change to a record that no list reads (a licence, a general penalty) cannot alter a subject that has
    neither: its evaluation would find nothing to open, end or store. Skipping it keeps the evaluations after
    a department's push of 1,000 licences to the few subjects they can concern (the passing of time is the
    nightly task's). ``rule_set``: the list rules, when the caller has them already."""
    records = CreditRecord.objects.filter(pk__in=record_ids)
    return _could_be_listed(records, subject_ids, rule_set if rule_set is not None else list_rules())


@dataclass(frozen=True)
class CurrentMembership:
    """A membership that has not ended, with the ids of the records it rests on."""

    membership: Membership
    record_ids: frozenset[int]

    def fact(self) -> rules.MembershipFact:
        return rules.MembershipFact(
            id=self.membership.pk,
            list_code=self.membership.list_type.code,
            started_on=self.membership.started_on,
            planned_end=self.membership.planned_end,
            state=self.membership.state,
            record_ids=self.record_ids,
        )


def current_memberships(subject_ids: list[int]) -> dict[int, list[CurrentMembership]]:
    """Memberships not ended, per subject (without the stored facts, which evaluation replaces, not reads)."""
    memberships = list(
        Membership.objects.filter(subject_id__in=subject_ids)
        .exclude(state=MembershipState.ENDED)
        .select_related("list_type")
        .defer("facts")
        .order_by("pk")
    )
    record_ids: dict[int, set[int]] = defaultdict(set)
    links = Membership.records.through.objects.filter(membership_id__in=[m.pk for m in memberships])
    for membership_id, record_id in links.values_list("membership_id", "creditrecord_id"):
        record_ids[membership_id].add(record_id)
    current: dict[int, list[CurrentMembership]] = defaultdict(list)
    for membership in memberships:
        current[membership.subject_id].append(CurrentMembership(membership, frozenset(record_ids[membership.pk])))
    return current


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


def memberships_overdue_count(today: datetime.date) -> int:
    """Memberships not ended whose planned end has passed: work the nightly task has not done yet."""
    return Membership.objects.exclude(state=MembershipState.ENDED).filter(planned_end__lt=today).count()


def status_of(subject_ids: list[int]) -> dict[int, str]:
    """Stored statuses; subjects never evaluated are ``normal`` (they have nothing that could list them)."""
    stored = dict(CreditStatus.objects.filter(subject_id__in=subject_ids).values_list("subject_id", "status"))
    return {pk: stored.get(pk, rules.STATUS_NORMAL) for pk in subject_ids}


def applicable_measures(department: Department, scenario: str) -> list[Measure]:
    """The measures this department implements in this scenario: those of its sector, those naming it, and
    those every department doing the scenario's business implements (no sector: e.g. every purchaser in
    政府采购, 财库〔2016〕125号)."""
    named = set(Measure.departments.through.objects.filter(department=department).values_list("measure_id", flat=True))
    measures = Measure.objects.filter(is_active=True).prefetch_related("list_types").order_by("kind", "code")
    return [
        m
        for m in measures
        if scenario in m.scenarios and (not m.sectors or department.sector in m.sectors or m.pk in named)
    ]


def check_results_shown(check: Check) -> list[dict]:
    """A check's kept answer as people read it (the check page and its certificate): each code with its
    Chinese label beside it — the credit status, the lists' kinds and the measures' kinds."""
    statuses = dict(CreditStatusValue.choices)
    colours = dict(Colour.choices)
    kinds = dict(MeasureKind.choices)
    shown = []
    for result in check.results:
        if not result.get("found"):
            shown.append(result)
            continue
        shown.append(
            {
                **result,
                "status_label": statuses.get(result["status"], result["status"]),
                "memberships": [
                    {**m, "colour_label": colours.get(m["colour"], m["colour"])} for m in result["memberships"]
                ],
                "measures": [{**m, "kind_label": kinds.get(m["kind"], m["kind"])} for m in result["measures"]],
            }
        )
    return shown


# Subjects named in a check list (issue 16) ------------------------------------------------------------------

#: What a list's header row may say in its first column (a spreadsheet exported with its headings).
CHECK_LIST_HEADERS = frozenset(
    {
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "代码",
        "主体代码",
        "主体名称",
        "名称",
        "企业名称",
        "单位名称",
        "供应商名称",
        "投标人名称",
        "身份证号",
        "身份证号码",
        "证件号码",
        "序号",
        "name",
        "code",
        "uscc",
        "id",
    }
)
#: Subjects offered for a name that is not an exact registered name.
NAME_CANDIDATES = 10


def check_entry_is_name(entry: str) -> bool:
    """Whether an entry of a check list is a name: anything but letters, digits and hyphens (a code, valid or
    not, is answered by the code's own message)."""
    compact = "".join(entry.split()).replace("-", "")
    return not (compact.isascii() and compact.isalnum())


@dataclass(frozen=True)
class NameMatch:
    """The subjects a name typed in a check list may mean: the registered names equal to it and the subjects
    that once bore it (曾用名, ``former``: their ids), else those containing it. Natural persons are never found by
    name (seed 002 item 77): a person is checked by ID."""

    given: str
    subjects: tuple  # CreditSubject, ordered by name
    exact: bool
    former: frozenset = frozenset()  # ids of the subjects found by ``given`` as their former name

    @property
    def single(self):
        """The one subject an exact name names, shown for confirmation; None when there is a choice to make."""
        return self.subjects[0] if self.exact and len(self.subjects) == 1 else None

    @property
    def single_by_former_name(self) -> bool:
        """Whether ``single`` was found by its former name (the confirmation then shows both names)."""
        return self.single is not None and self.single.pk in self.former

    @property
    def choices(self) -> list[tuple]:
        """(subject, whether found by its former name), for the confirmation page."""
        return [(subject, subject.pk in self.former) for subject in self.subjects]


def check_names_match(names: list[str]) -> list[NameMatch]:
    """For each name, the subjects it may mean: exact current names (one query, on the name index) and exact
    former names (one query), then one query for each name that is neither."""
    exact: dict[str, list] = defaultdict(list)
    checkable = name_searchable_subjects().filter(uscc__isnull=False)  # a check names its subjects by USCC
    for subject in checkable.filter(name__in=set(names)).order_by("name", "pk"):
        exact[subject.name].append(subject)
    former = {
        name: [subject for subject in subjects if subject.uscc]
        for name, subjects in subjects_by_former_names(names).items()
    }
    matches = []
    for name in names:
        current = exact.get(name, [])
        known = {subject.pk for subject in current}
        formerly = [subject for subject in former.get(name, []) if subject.pk not in known]
        if current or formerly:
            found = tuple([*current, *formerly][:NAME_CANDIDATES])
            matches.append(NameMatch(name, found, exact=True, former=frozenset(s.pk for s in formerly)))
            continue
        similar = (
            ()
            if len(name) < 2
            else tuple(subjects_name_matching(name).filter(uscc__isnull=False).order_by("name", "pk")[:NAME_CANDIDATES])
        )
        matches.append(NameMatch(name, similar, exact=False))
    return matches


def measures_published() -> list[Measure]:
    """The measure catalog as the public reads it (联合奖惩措施清单): active measures, rewards then punishments,
    each with the lists it applies to (two queries)."""
    return list(
        Measure.objects.filter(is_active=True)
        .prefetch_related(Prefetch("list_types", queryset=ListType.objects.filter(is_active=True).order_by("code")))
        .order_by("kind", "code")
    )
