"""State changes of the sanctions app: evaluating subjects (memberships and status), checks and feedback."""

from __future__ import annotations

import datetime
import multiprocessing
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import reduce
from itertools import repeat
from operator import or_

from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core import bulk
from core.errors import DomainError
from organisations.models import Department
from outbox.services import outbox_add
from subjects import identifiers as ids
from subjects.models import CreditSubject
from subjects.selectors import subjects_by_codes

from . import rules, selectors
from .choices import FeedbackResult, MembershipChangeKind, MembershipState, Scenario
from .models import Check, CreditStatus, Feedback, ListType, Measure, Membership, MembershipChange
from .signals import SUBJECTS_LISTS_CHANGED

EVALUATION_CHUNK = 1000


def _facts_json(records: list[rules.RecordFact], as_of: datetime.date) -> dict:
    return {
        "as_of": as_of.isoformat(),
        "records": [
            {
                "id": r.id,
                "type": r.record_type,
                "status": r.status,
                "severity": r.severity,
                "decided_on": r.decided_on.isoformat(),
                "end": r.end.isoformat() if r.end else None,
                **r.fields,
            }
            for r in records
        ],
    }


def _change_kind(old_state: str, new_state: str) -> str:
    if old_state != new_state:
        return (
            MembershipChangeKind.SUSPENDED if new_state == MembershipState.SUSPENDED else MembershipChangeKind.RESUMED
        )
    return MembershipChangeKind.UPDATED


@dataclass(frozen=True)
class EvaluationPlan:
    """One subject's stored lists and status beside what the rules decide now: the compute step of an
    evaluation, which writes nothing (``subjects_evaluate`` writes it; ``status_drift`` only compares)."""

    subject_id: int
    records: list[rules.RecordFact]
    current: list[selectors.CurrentMembership]
    status: CreditStatus | None
    decision: rules.Decision

    @property
    def stored_status(self) -> str:
        return self.status.status if self.status is not None else rules.STATUS_NORMAL

    def changes_anything(self) -> bool:
        """Whether writing the decision would change a membership or the stored status (or its reason)."""
        decision = self.decision
        if decision.open or decision.update or decision.end:
            return True
        if self.status is None:
            return decision.status != rules.STATUS_NORMAL
        return (self.status.status, self.status.reason) != (decision.status, decision.status_reason)


def evaluation_plans(
    subject_ids: list[int], rule_set: tuple[rules.ListRule, ...], as_of: datetime.date
) -> list[EvaluationPlan]:
    """Load the subjects' facts, memberships not ended and stored statuses (four queries), and run the rules."""
    current = selectors.current_memberships(subject_ids)
    sources = [record_id for listed in current.values() for c in listed for record_id in c.record_ids]
    facts = selectors.record_facts(subject_ids, rule_set, also=sources)
    statuses = selectors.statuses(subject_ids)
    plans = []
    for subject_id in subject_ids:
        records = facts.get(subject_id, [])
        subject_memberships = current.get(subject_id, [])
        decision = rules.evaluate(
            records=records, memberships=[c.fact() for c in subject_memberships], rules=rule_set, as_of=as_of
        )
        plans.append(EvaluationPlan(subject_id, records, subject_memberships, statuses.get(subject_id), decision))
    return plans


@transaction.atomic
def subjects_evaluate(
    *,
    subject_ids: list[int],
    actor: Actor,
    as_of: datetime.date | None = None,
    changed_records: list[int] | None = None,
) -> dict[int, str]:
    """Re-evaluate subjects: open, update, suspend, resume and end their memberships, and set their status.

    Safe to run twice: on unchanged facts the engine keeps everything and nothing is written. The subject
    rows are locked in primary-key order first, so two evaluations of overlapping subjects (a record
    pushed while the nightly task runs) wait for each other instead of opening the same membership twice.

    ``changed_records``: the records whose change asks for this evaluation. Then only the subjects the
    change can alter are evaluated (``selectors.subjects_affected``), decided once the subjects are locked:
    an evaluation of the same subjects that was still running when the change committed has committed
    by then, and the memberships it opened count.

    Returns the status of each subject evaluated.
    """
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    subject_ids = sorted(set(subject_ids))
    # no_key: inserting a record that points at a subject takes FOR KEY SHARE on it; a plain FOR UPDATE here
    # would deadlock with a concurrent push (seen in the ingestion benchmark).
    list(
        CreditSubject.objects.select_for_update(no_key=True).filter(pk__in=subject_ids).order_by("pk").values_list("pk")
    )
    rule_set = selectors.list_rules()
    if changed_records is not None:
        subject_ids = selectors.subjects_affected(changed_records, subject_ids, rule_set)
        if not subject_ids:
            return {}
    list_types = {lt.code: lt for lt in ListType.objects.all()}
    writes = _EvaluationWrites(actor, after_records=changed_records is not None)
    result = {}
    for plan in evaluation_plans(subject_ids, rule_set, as_of):
        writes.stage(plan, list_types=list_types, as_of=as_of, now=now)
        result[plan.subject_id] = plan.decision.status
    writes.write(subject_ids)
    return result


@dataclass
class _EvaluationWrites:
    """What an evaluation changes, subject by subject — memberships opened, updated and ended, the records they
    rest on, their change rows and the statuses — written together by ``write``: a push of 1,000 general
    penalties updates 1,000 一般失信 memberships in a handful of statements, not four each."""

    actor: Actor
    after_records: bool = False  # asked for by a change of records (their ``records.changed`` item)
    changes: list[MembershipChange] = field(default_factory=list)
    opened: list[tuple[Membership, frozenset[int]]] = field(default_factory=list)
    updated: list[Membership] = field(default_factory=list)
    ended: list[Membership] = field(default_factory=list)
    links_added: list[tuple[int, int]] = field(default_factory=list)  # (membership id, record id)
    links_removed: list[tuple[int, int]] = field(default_factory=list)
    new_statuses: list[CreditStatus] = field(default_factory=list)
    changed_statuses: list[CreditStatus] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)

    def _change(self, membership, kind, state, planned_end, reason) -> None:
        self.changes.append(
            MembershipChange(
                membership=membership,
                kind=kind,
                state=state,
                planned_end=planned_end,
                reason=reason,
                actor_label=self.actor.label,
            )
        )

    def stage(self, plan: EvaluationPlan, *, list_types: dict, as_of: datetime.date, now) -> None:
        subject_id, decision = plan.subject_id, plan.decision
        memberships = {c.membership.pk: c.membership for c in plan.current}
        links = {c.membership.pk: c.record_ids for c in plan.current}
        touched = bool(decision.open or decision.update or decision.end)
        facts_json = _facts_json(plan.records, as_of) if touched else {}
        for wanted in decision.open:
            membership = Membership(
                subject_id=subject_id,
                list_type=list_types[wanted.list_code],
                state=wanted.state,
                started_on=wanted.started_on,
                planned_end=wanted.planned_end,
                reason=wanted.reason,
                rule_version=decision.rule_version,
                facts=facts_json,
            )
            self.opened.append((membership, wanted.record_ids))
            self._change(membership, MembershipChangeKind.OPENED, wanted.state, wanted.planned_end, wanted.reason)
        for membership_id, wanted in decision.update:
            membership = memberships[membership_id]
            kind = _change_kind(membership.state, wanted.state)
            membership.state, membership.planned_end = wanted.state, wanted.planned_end
            membership.started_on, membership.reason = wanted.started_on, wanted.reason
            membership.rule_version, membership.facts = decision.rule_version, facts_json
            self.updated.append(membership)
            self.links_added += [(membership_id, r) for r in sorted(wanted.record_ids - links[membership_id])]
            self.links_removed += [(membership_id, r) for r in sorted(links[membership_id] - wanted.record_ids)]
            self._change(membership, kind, wanted.state, wanted.planned_end, wanted.reason)
        for ending in decision.end:
            membership = memberships[ending.membership_id]
            membership.state, membership.ended_on, membership.end_reason = MembershipState.ENDED, as_of, ending.reason
            self.ended.append(membership)
            ended = MembershipState.ENDED
            self._change(membership, MembershipChangeKind.ENDED, ended, membership.planned_end, ending.note)
        status = plan.status
        if status is None and decision.status != rules.STATUS_NORMAL:
            # Subjects with nothing on record have no row: "normal" is the default (see status_of).
            self.new_statuses.append(
                CreditStatus(
                    subject_id=subject_id,
                    status=decision.status,
                    reason=decision.status_reason,
                    rule_version=decision.rule_version,
                    since=now,
                    evaluated_at=now,
                )
            )
        elif status is not None and (status.status, status.reason) != (decision.status, decision.status_reason):
            if status.status != decision.status:
                status.since = now
            status.status, status.reason = decision.status, decision.status_reason
            status.rule_version, status.evaluated_at = decision.rule_version, now
            self.changed_statuses.append(status)
            touched = True
        if touched:
            self.changed_ids.append(subject_id)

    def write(self, subject_ids: list[int]) -> None:
        """New rows in one COPY per table (a full recompute opens thousands at once), one audit event, and one
        ``subjects.lists_changed`` outbox item."""
        bulk.insert(Membership, [membership for membership, _ in self.opened])
        bulk.insert(
            Membership.records.through,
            [
                Membership.records.through(membership_id=membership.pk, creditrecord_id=record_id)
                for membership, record_ids in self.opened
                for record_id in sorted(record_ids)
            ],
        )
        bulk.update(
            Membership,
            self.updated,
            ["state", "planned_end", "started_on", "reason", "rule_version", "facts", "updated_at"],
        )
        bulk.update(Membership, self.ended, ["state", "ended_on", "end_reason", "updated_at"])
        through = Membership.records.through
        for start in range(0, len(self.links_removed), 500):
            pairs = self.links_removed[start : start + 500]
            through.objects.filter(reduce(or_, (Q(membership_id=m, creditrecord_id=r) for m, r in pairs))).delete()
        bulk.insert(through, [through(membership_id=m, creditrecord_id=r) for m, r in self.links_added])
        for change in self.changes:
            change.membership_id = change.membership.pk  # set after the bulk insert gave the new ones their ids
        bulk.insert(MembershipChange, self.changes)
        bulk.insert(CreditStatus, self.new_statuses)
        bulk.update(CreditStatus, self.changed_statuses, ["status", "reason", "rule_version", "since", "evaluated_at"])
        if self.changes or self.changed_statuses or self.new_statuses:
            audit_event_record(
                actor=self.actor,
                action="sanctions.evaluate",
                object_type="subjects.creditsubject",
                object_id=str(subject_ids[0]) if len(subject_ids) == 1 else f"{len(subject_ids)} subjects",
                after={
                    "membership_changes": len(self.changes),
                    "status_changes": len(self.changed_statuses),
                    "subjects_changed": len(self.changed_ids),
                    "rule_version": rules.RULE_VERSION,
                },
            )
        if self.changed_ids:
            payload = {"subject_ids": self.changed_ids, **({"after_records": True} if self.after_records else {})}
            outbox_add(topic=SUBJECTS_LISTS_CHANGED, payload=payload)


def _evaluate_chunk(subject_ids: list[int], actor: Actor) -> tuple[int, float, Counter]:
    start = time.perf_counter()
    statuses = subjects_evaluate(subject_ids=subject_ids, actor=actor)
    return len(subject_ids), time.perf_counter() - start, Counter(statuses.values())


def subjects_recompute(
    subject_ids: list[int],
    *,
    actor: Actor,
    jobs: int = 1,
    on_chunk: Callable[[int, float, Counter], None] | None = None,
) -> Counter:
    """Evaluate many subjects in chunks of ``EVALUATION_CHUNK``, each chunk its own transaction, in ``jobs``
    processes (PostgreSQL only for more than one). Chunks hold disjoint subjects, so they never wait for each
    other. ``on_chunk(subjects, seconds, statuses)`` is called as each chunk is done. Returns the statuses.

    A chunk is half database work and half Python, so a second process on a two-core server keeps both
    busy (``bench/sanctions.py``: see docs/benchmarks.md)."""
    chunks = [subject_ids[start : start + EVALUATION_CHUNK] for start in range(0, len(subject_ids), EVALUATION_CHUNK)]
    total: Counter = Counter()
    with ExitStack() as stack:
        if jobs > 1 and connection.vendor == "postgresql":
            connections.close_all()  # each process opens its own; a connection must never cross a fork
            context = multiprocessing.get_context("fork")
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=jobs, mp_context=context))
            done = pool.map(_evaluate_chunk, chunks, repeat(actor))
        else:
            done = map(_evaluate_chunk, chunks, repeat(actor))
        for count, seconds, statuses in done:
            total.update(statuses)
            if on_chunk:
                on_chunk(count, seconds, statuses)
    return total


def results_analyze() -> None:
    """Refresh the planner's statistics of the tables a full recompute fills (PostgreSQL).

    Until autovacuum next passes, a freshly filled table has none, and the reads of memberships by later
    evaluations are planned as if the table were empty (seen in the sanctions benchmark: 40 % of the time of
    a recompute that ran before the tables were analysed)."""
    if connection.vendor != "postgresql":
        return
    tables = [Membership._meta.db_table, Membership.records.through._meta.db_table]
    tables += [MembershipChange._meta.db_table, CreditStatus._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(table) for table in tables)}")


# Checks and feedback (核查与反馈) ---------------------------------------------------------------------------

MAX_CHECK_SUBJECTS = 1000
# Further parts of a check's answer given by the apps above (the evaluation app: the subjects' published grades),
# registered in their ``AppConfig.ready``: (key, function of the subject ids → {subject id: JSON value}). Each
# is one read for the whole check; sanctions never imports them.
CHECK_ANSWER_PARTS: dict[str, Callable[[list[int]], dict]] = {}


def check_answer_part_register(key: str, part: Callable[[list[int]], dict]) -> None:
    CHECK_ANSWER_PARTS[key] = part


# The check's certificate (核查结果单) is numbered and verified like a credit report, by the app that keeps
# reports and their verification page (disclosure, above this one): it registers its issuer in its
# ``AppConfig.ready`` — a function (check, actor, base_url) → the issued document, with ``number`` and ``file``.
CHECK_CERTIFICATE_ISSUER: dict[str, Callable] = {}


def check_certificate_issuer_register(issuer: Callable) -> None:
    CHECK_CERTIFICATE_ISSUER["issuer"] = issuer


def check_certificate(*, check: Check, actor: Actor, base_url: str):
    """The check's certificate, issued at its first download (the same file afterwards)."""
    issuer = CHECK_CERTIFICATE_ISSUER.get("issuer")
    if issuer is None:
        raise SanctionsError("核查结果单暂不可用。", code="certificate_unavailable")
    return issuer(check=check, actor=actor, base_url=base_url)


class SanctionsError(DomainError):
    """A rule of lists, checks or measures refused the request."""


def _shown_code(code: str) -> str:
    """How an unmatched code is kept in the answer: a citizen ID only masked (it is never stored in clear)."""
    compact = code.strip().upper()
    try:
        return ids.mask_citizen_id(ids.normalize_citizen_id(compact))
    except ids.IdentifierError:
        pass
    if len(compact) in (15, 18) and compact[:17].isdigit():
        return compact[:6] + "*" * (len(compact) - 10) + compact[-4:]
    return compact[:40]


def _name_unresolved(match: selectors.NameMatch) -> dict:
    """The result of a name that is not exactly one subject's registered name: what it may mean, to be asked
    again by code (a check is never made of a guess)."""
    candidates = [{"subject": s.uscc, "name": s.name} for s in match.subjects]
    if match.exact:
        error = f"名称“{match.given}”对应{len(candidates)}个主体，请改用统一社会信用代码核查。"
    elif candidates:
        error = f"未找到名称为“{match.given}”的主体；名称相近的主体见候选，请改用统一社会信用代码核查。"
    else:
        error = f"未找到名称为“{match.given}”的主体。"
    return {"subject": match.given[:100], "found": False, "error": error, "candidates": candidates}


@transaction.atomic
def check_perform(
    *, department: Department, scenario: str, reference: str, codes: list[str], actor: Actor, token=None
) -> Check:
    """Answer what applies to each subject for this department in this scenario, and keep the answer.

    Unknown or invalid codes are reported in their own result, never as an error of the whole check. The
    answer is a snapshot: what was known at that moment, whatever changes later.

    ``codes`` may hold registered names too (issue 16): a name that is exactly one subject's (not a natural
    person's) is checked as that subject, its result saying the name given; any other name gets a result
    naming its candidates. The check page confirms names with the department before it calls this.
    """
    if scenario not in Scenario.values:
        raise SanctionsError(
            f"业务场景“{scenario}”无效（可选：{'、'.join(Scenario.values)}）。", code="invalid_scenario"
        )
    if not codes or len(codes) > MAX_CHECK_SUBJECTS:
        raise SanctionsError(f"每次核查 1 至 {MAX_CHECK_SUBJECTS} 个主体。", code="invalid_subjects")
    if not reference.strip():
        raise SanctionsError("请填写业务编号（如招标项目编号、审批事项编号）。", code="reference_required")
    names = [given for given in codes if selectors.check_entry_is_name(given)]
    named = {match.given: match for match in selectors.check_names_match(names)} if names else {}
    found, errors = subjects_by_codes([given for given in codes if given not in named])
    found |= {given: match.single for given, match in named.items() if match.single is not None}
    subject_ids = [s.pk for s in found.values()]
    statuses = selectors.status_of(subject_ids)
    memberships: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(subject_id__in=subject_ids, state=MembershipState.ACTIVE)
        .select_related("list_type")
        .order_by("started_on", "pk")
    ):
        memberships.setdefault(membership.subject_id, []).append(membership)
    measures = selectors.applicable_measures(department, scenario)
    measure_lists = {m.pk: {lt.pk for lt in m.list_types.all()} for m in measures}
    parts = {key: part(subject_ids) for key, part in sorted(CHECK_ANSWER_PARTS.items())}

    results = []
    for code in codes:
        subject = found.get(code)
        if subject is None and code in named:
            results.append(_name_unresolved(named[code]))
            continue
        if subject is None:
            results.append({"subject": _shown_code(code), "found": False, "error": errors.get(code, "未找到该主体。")})
            continue
        on_lists = memberships.get(subject.pk, [])
        list_ids = {m.list_type_id for m in on_lists}
        results.append(
            {
                "subject": subject.public_code,
                "found": True,
                "name": ids.mask_person_name(subject.name) if subject.is_natural_person else subject.name,
                "status": statuses[subject.pk],
                "memberships": [
                    {
                        "list": m.list_type.code,
                        "list_name": m.list_type.name,
                        "colour": m.list_type.colour,
                        "since": m.started_on.isoformat(),
                        "until": m.planned_end.isoformat() if m.planned_end else None,
                    }
                    for m in on_lists
                ],
                "measures": [
                    {"code": m.code, "name": m.name, "kind": m.kind, "basis": m.legal_basis}
                    for m in measures
                    if measure_lists[m.pk] & list_ids
                ],
                **{key: values.get(subject.pk, []) for key, values in parts.items()},
                **({"given": code} if code in named else {}),
            }
        )
    check = Check.objects.create(
        department=department,
        scenario=scenario,
        reference=reference.strip()[:100],
        subject_count=len(codes),
        results=results,
        actor_label=actor.label,
        token=token,
    )
    audit_event_record(
        actor=actor,
        action="check.perform",
        obj=check,
        reason=f"{Scenario(scenario).label} {check.reference}",
        after={
            "subjects": len(codes),
            "found": len(found),
            "with_measures": sum(1 for r in results if r.get("measures")),
        },
    )
    return check


@transaction.atomic
def check_feedback(*, check: Check, department: Department, items: list[dict], actor: Actor) -> list[Feedback]:
    """Record what the department did with each measure of its check (反馈). Correcting a feedback updates it."""
    if check.department_id != department.pk:
        raise SanctionsError("只能对本部门的核查进行反馈。", code="not_your_check")
    answered = {
        (result["subject"], measure["code"])
        for result in check.results
        if result.get("found")
        for measure in result["measures"]
    }
    measures = {m.code: m for m in Measure.objects.filter(code__in={item["measure"] for item in items})}
    problems = [
        f"第{index + 1}项：{item['subject']} 的核查结果中没有措施“{item['measure']}”"
        for index, item in enumerate(items)
        if (item["subject"], item["measure"]) not in answered or item["measure"] not in measures
    ]
    if problems:
        raise SanctionsError("；".join(problems), code="measure_not_in_check")
    saved = []
    for item in items:
        result = FeedbackResult.APPLIED if item["applied"] else FeedbackResult.NOT_APPLIED
        feedback, _ = Feedback.objects.update_or_create(
            check_ref=check,
            subject_code=item["subject"],
            measure=measures[item["measure"]],
            defaults={"result": result, "note": item.get("note", "")[:500], "actor_label": actor.label},
        )
        saved.append(feedback)
    audit_event_record(
        actor=actor,
        action="check.feedback",
        obj=check,
        after={"items": [{**item, "applied": bool(item["applied"])} for item in items]},
    )
    return saved
