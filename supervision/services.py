"""State changes of supervision: the inspector pool, plans, the draw (once, never again), the results (which become
records through the records app's ingestion), and the verification of a draw. Every change is audited in its
transaction."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import Actor, audit_event_record
from core.errors import DomainError
from evaluation.models import EvaluationModel
from evaluation.selectors import visible_models
from records.choices import Channel, IngestOutcome
from records.services import RecordInput, records_ingest
from subjects.choices import SubjectKind

from . import rules, selectors
from .choices import CLEAN_RESULTS, INSPECTION_RESULTS, RESULT_RECORD_TYPE, PlanState
from .models import InspectionPlan, InspectionTarget, Inspector


class SupervisionError(DomainError):
    """A rule of supervision refused the request."""


# --- The inspector pool -------------------------------------------------------------------------------------


@transaction.atomic
def inspector_add(*, department, name: str, staff_number: str, actor: Actor) -> Inspector:
    """Add an inspector to a department's pool."""
    name, staff_number = name.strip(), staff_number.strip()
    if not name or not staff_number:
        raise SupervisionError("请填写检查人员的姓名和执法证号/工号。", code="inspector_incomplete", field="name")
    if Inspector.objects.filter(department=department, staff_number=staff_number).exists():
        raise SupervisionError(
            f"本部门已有执法证号/工号为“{staff_number}”的检查人员。", code="inspector_duplicate", field="staff_number"
        )
    inspector = Inspector.objects.create(department=department, name=name, staff_number=staff_number)
    audit_event_record(
        actor=actor,
        action="supervision.inspector_add",
        obj=inspector,
        after={"department": department.code, "name": name, "staff_number": staff_number},
    )
    return inspector


@transaction.atomic
def inspector_set_active(*, inspector: Inspector, active: bool, actor: Actor) -> Inspector:
    """Put an inspector on or off the pool's active list (never deleted: past draws name them)."""
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    if inspector.is_active == active:
        return inspector
    inspector.is_active = active
    inspector.save(update_fields=["is_active"])
    audit_event_record(
        actor=actor,
        action="supervision.inspector_active",
        obj=inspector,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return inspector


# --- Plans --------------------------------------------------------------------------------------------------


def class_rules_parse(texts: dict[str, str]) -> dict[str, rules.ClassRule]:
    """The rules per class as typed (``{"A": "3%", "B": "5", "": ""}``), checked; at least one class drawn."""
    parsed = {grade: rules.rule_parse(texts.get(grade, ""), grade) for grade in rules.CLASSES}
    parsed = {grade: rule for grade, rule in parsed.items() if rule is not None}
    if not parsed or not any(rule.value > 0 for rule in parsed.values()):
        raise SupervisionError("请至少为一个类别填写大于零的抽取比例或数量。", code="rules_empty", field="A")
    return parsed


@transaction.atomic
def plan_create(
    *,
    department,
    title: str,
    basis: str,
    scope: str,
    model: EvaluationModel,
    rule_texts: dict[str, str],
    inspectors_per_subject: int,
    actor: Actor,
    subject_kinds: list[str] | None = None,
    division_prefix: str = "",
    industry: str = "",
) -> InspectionPlan:
    """A department's new plan (草稿), its rules checked; nothing is drawn yet."""
    if department is None:
        raise SupervisionError("抽查任务由实施检查的部门制定。", code="no_department")
    title, basis, scope = title.strip(), basis.strip(), scope.strip()
    for value, name, label in (
        (title, "title", "任务名称"),
        (basis, "basis", "检查依据"),
        (scope, "scope", "检查事项"),
    ):
        if not value:
            raise SupervisionError(f"请填写{label}。", code="required", field=name)
    if not visible_models(department).filter(pk=model.pk).exists():
        raise SupervisionError("本部门不能使用该评价模型。", code="model_not_visible", field="model")
    if isinstance(inspectors_per_subject, bool) or not 1 <= inspectors_per_subject <= rules.MAX_INSPECTORS:
        raise SupervisionError(
            f"每户检查人员数须在1至{rules.MAX_INSPECTORS}名之间。",
            code="inspectors_invalid",
            field="inspectors_per_subject",
        )
    kinds = sorted(set(subject_kinds or []))
    unknown = sorted(set(kinds) - set(SubjectKind.values))
    if unknown:
        raise SupervisionError(f"主体类型“{'、'.join(unknown)}”无效。", code="kind_invalid", field="subject_kinds")
    division_prefix = division_prefix.strip()
    if division_prefix and (not division_prefix.isdigit() or len(division_prefix) > 6):
        raise SupervisionError("区划代码须为1至6位数字。", code="division_invalid", field="division_prefix")
    try:
        class_rules = class_rules_parse(rule_texts)
    except rules.DrawError as error:
        raise SupervisionError(error.message, code=error.code, field=error.field or "A") from None
    plan = InspectionPlan.objects.create(
        department=department,
        title=title,
        basis=basis,
        scope=scope,
        model=model,
        subject_kinds=kinds,
        division_prefix=division_prefix,
        industry=industry.strip(),
        rules=rules.rules_to_json(class_rules),
        inspectors_per_subject=inspectors_per_subject,
        created_by=actor.label,
    )
    audit_event_record(actor=actor, action="supervision.plan_create", obj=plan, after=_plan_json(plan))
    return plan


def _plan_json(plan: InspectionPlan) -> dict:
    return {
        "department": plan.department.code,
        "title": plan.title,
        "model": plan.model.code,
        "subject_kinds": plan.subject_kinds,
        "division_prefix": plan.division_prefix,
        "industry": plan.industry,
        "rules": plan.rules,
        "inspectors_per_subject": plan.inspectors_per_subject,
    }


@transaction.atomic
def plan_draw(*, plan: InspectionPlan, actor: Actor, seed: str | None = None) -> InspectionPlan:
    """Draw the plan's subjects and inspectors, once. The seed (``secrets``, 256 bits, unless a test passes one),
    the population snapshot with its SHA-256, the pool's snapshot, the rules and the subjects and inspectors drawn
    are stored and audited, so the draw can be repeated by anyone (``plan_verify``, which also compares the stored
    draw with the audited one) and cannot be repeated by the department: a drawn plan refuses a second draw, and
    is public from this moment (``selectors.public_plans``), so a copy of the plan drawn again to get other
    subjects leaves the first draw in view. A refusal (nobody to draw, a pool too small) changes nothing."""
    plan = InspectionPlan.objects.select_for_update().select_related("department", "model").get(pk=plan.pk)
    if plan.state != PlanState.DRAFT:
        drawn_at = timezone.localtime(plan.drawn_at).strftime("%Y-%m-%d %H:%M")
        raise SupervisionError(f"该任务已于{drawn_at}抽取，抽取结果不能重新生成。", code="already_drawn", field="plan")
    members = selectors.population(plan)
    pool = selectors.active_pool(plan.department)
    if not pool:
        raise SupervisionError(
            "本部门检查人员名录中没有在册的检查人员，不能抽取：请先添加检查人员。", code="pool_empty"
        )
    seed = seed or secrets.token_hex(32)
    snapshot = [(uscc, grade) for uscc, grade, _ in members]
    try:
        drawn = rules.draw(
            seed=seed,
            population=snapshot,
            rules=rules.rules_from_json(plan.rules),
            inspectors=[i.staff_number for i in pool],
            per_subject=plan.inspectors_per_subject,
        )
    except rules.DrawError as error:
        raise SupervisionError(error.message, code=error.code) from None
    if not drawn:
        raise SupervisionError(
            f"抽取范围内共{len(members)}户，按抽取规则未抽中任何主体：请检查筛选条件和抽取规则。", code="nothing_drawn"
        )
    subject_ids = {uscc: pk for uscc, _, pk in members}
    inspectors = {i.staff_number: i for i in pool}
    # In bulk: a provincial population drawn at a few per cent is tens of thousands of subjects.
    targets = InspectionTarget.objects.bulk_create(
        [
            InspectionTarget(
                plan=plan,
                position=position,
                subject_id=subject_ids[item.uscc],
                uscc=item.uscc,
                grade=item.grade,
                inspector_numbers=list(item.inspectors),
            )
            for position, item in enumerate(drawn, start=1)
        ],
        batch_size=2000,
    )
    Assignment = InspectionTarget.inspectors.through
    Assignment.objects.bulk_create(
        [
            Assignment(inspectiontarget_id=target.pk, inspector_id=inspectors[number].pk)
            for target, item in zip(targets, drawn, strict=True)
            for number in item.inspectors
        ],
        batch_size=5000,
    )
    plan.state, plan.seed = PlanState.DRAWN, seed
    plan.population = [list(pair) for pair in snapshot]
    plan.population_hash, plan.population_size = rules.population_hash(snapshot), len(snapshot)
    plan.pool = sorted(inspectors)
    plan.drawn_by, plan.drawn_at = actor.label, timezone.now()
    plan.save()
    audit_event_record(
        actor=actor,
        action="supervision.plan_draw",
        obj=plan,
        before={"state": PlanState.DRAFT},
        after={
            "state": plan.state,
            "seed": seed,
            "population_hash": plan.population_hash,
            "population_size": plan.population_size,
            "rules": plan.rules,
            "inspectors_per_subject": plan.inspectors_per_subject,
            "pool": plan.pool,
            "drawn": [[d.uscc, d.grade, list(d.inspectors)] for d in drawn],
        },
    )
    return plan


# --- Results ------------------------------------------------------------------------------------------------


@transaction.atomic
def inspection_result_enter(
    *,
    target: InspectionTarget,
    result: str,
    inspected_on: datetime.date,
    findings: str = "",
    handling: str = "",
    actor: Actor,
    user=None,
) -> InspectionTarget:
    """Enter the result of one drawn subject's inspection: it becomes a record of the catalog's 抽查检查结果 type,
    pushed by the plan's department through ``records.services.records_ingest`` on the one channel the catalog
    allows for the type (``Channel.SUPERVISION``: no push, form or spreadsheet writes or overwrites it). It is
    active at once, without the reviewer's four-eyes step of a clerk's entry (seed 004 九(一)): it is the finding
    the drawn inspectors signed, not data a clerk keyed in (a decision of issue 15, noted there). The catalog's
    ``timeliness_days`` says how soon it must be public, 20 working days by default. The public site shows it and
    the evaluation reads it. The plan is 已完成 once every subject has its result. A refusal changes nothing."""
    target = InspectionTarget.objects.select_for_update().select_related("plan", "subject").get(pk=target.pk)
    plan = InspectionPlan.objects.select_for_update().select_related("department").get(pk=target.plan_id)
    if plan.state == PlanState.DRAFT:
        raise SupervisionError("该任务尚未抽取。", code="not_drawn")
    if target.result:
        raise SupervisionError("该主体的检查结果已录入，不能重复录入。", code="result_entered", field="result")
    if result not in INSPECTION_RESULTS:
        raise SupervisionError(
            f"检查结果“{result}”无效（可选：{'、'.join(INSPECTION_RESULTS)}）。", code="result_invalid", field="result"
        )
    today = timezone.localdate()
    if inspected_on > today:
        raise SupervisionError("检查日期不能晚于今天。", code="date_future", field="inspected_on")
    if inspected_on < timezone.localdate(plan.drawn_at):
        raise SupervisionError("检查日期不能早于任务的抽取日期。", code="date_before_draw", field="inspected_on")
    findings, handling = findings.strip(), handling.strip()
    if result not in CLEAN_RESULTS and not findings:
        raise SupervisionError("发现问题的，请填写发现的问题。", code="findings_required", field="findings")
    data = {
        "CC_XDR_MC": target.subject.name,
        "CC_XDR_SHXYM": target.uscc,
        "CC_JCBH": f"CCJC-{plan.pk}-{target.uscc}",
        "CC_RWMC": plan.title,
        "CC_JCLX": "双随机抽查",
        "CC_JCSX": plan.scope,
        "CC_JCJG": result,
        "CC_WTMS": findings,
        "CC_CLQK": handling,
        "CC_JCRQ": inspected_on.isoformat(),
        "CC_JCJGMC": plan.department.name,
    }
    data = {code: value for code, value in data.items() if value}
    [outcome] = records_ingest(
        department=plan.department,
        items=[RecordInput(record_type=RESULT_RECORD_TYPE, data=data)],
        channel=Channel.SUPERVISION,
        actor=actor,
        user=user,
    )
    if outcome.status not in (IngestOutcome.CREATED, IngestOutcome.UPDATED):
        problems = "；".join(p for messages in outcome.errors.values() for p in messages) or outcome.status
        raise SupervisionError(f"检查结果未能形成信用记录：{problems}", code="record_refused")
    target.result, target.inspected_on, target.findings, target.handling = result, inspected_on, findings, handling
    target.record_id, target.entered_by, target.entered_at = outcome.record_id, user, timezone.now()
    target.save()
    audit_event_record(
        actor=actor,
        action="supervision.result_enter",
        obj=target,
        after={"plan": plan.pk, "uscc": target.uscc, "result": result, "record": outcome.record_id},
    )
    if not plan.targets.filter(result="").exists():
        plan.state, plan.finished_at = PlanState.DONE, timezone.now()
        plan.save(update_fields=["state", "finished_at"])
        audit_event_record(
            actor=actor,
            action="supervision.plan_done",
            obj=plan,
            before={"state": PlanState.DRAWN},
            after={"state": plan.state},
        )
    return target


# --- Verification -------------------------------------------------------------------------------------------


@dataclass
class Verification:
    """What re-drawing a plan from its stored seed and snapshots found (``ok``: everything agrees)."""

    plan: InspectionPlan
    checks: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(passed for _, passed in self.checks)


def _audited(plan: InspectionPlan, action: str) -> dict:
    """What the first audit event of ``action`` on the plan recorded after the change ({} when there is none)."""
    event = (
        AuditEvent.objects.filter(action=action, object_type=plan._meta.label_lower, object_id=str(plan.pk))
        .order_by("pk")
        .first()
    )
    return (event.after or {}) if event else {}


def plan_verify(plan: InspectionPlan) -> Verification:
    """Draw the plan again from its stored seed, population snapshot, rules and pool snapshot, and compare with
    what was stored and with what the audit trail recorded at the draw (append-only, so the department cannot
    rewrite it): the snapshot's SHA-256, the seed, the rules, the pool, the subjects drawn with their classes and
    inspectors; and the inspectors actually sent to each subject (named on the public page) with those drawn. A
    change of any stored part after the draw — even one made consistently in the plan and its targets, so that
    the redraw still agrees — fails one of the checks."""
    verification = Verification(plan)
    if plan.state == PlanState.DRAFT:
        return verification
    check = verification.checks.append
    snapshot = [(uscc, grade) for uscc, grade in plan.population]
    check(("抽取范围快照与记录的 SHA-256 一致", rules.population_hash(snapshot) == plan.population_hash))
    audited = _audited(plan, "supervision.plan_draw")
    check(
        (
            "随机种子、快照摘要与审计日志中抽取时的记录一致",
            audited.get("seed") == plan.seed and audited.get("population_hash") == plan.population_hash,
        )
    )
    if "rules" not in audited:  # drawn before the draw's event recorded the rules: they were fixed at creation
        audited = _audited(plan, "supervision.plan_create") | audited
    check(
        (
            "抽取规则、每户检查人员数与审计日志中的记录一致",
            audited.get("rules") == plan.rules and audited.get("inspectors_per_subject") == plan.inspectors_per_subject,
        )
    )
    check(("检查人员名录快照与审计日志中抽取时的记录一致", audited.get("pool") == plan.pool))
    targets = list(plan.targets.prefetch_related("inspectors").order_by("position"))
    stored = [(t.uscc, t.grade, tuple(t.inspector_numbers)) for t in targets]
    drawn_audited = [(uscc, grade, tuple(numbers)) for uscc, grade, numbers in audited.get("drawn") or []]
    check(("抽中主体、类别和检查人员与审计日志中抽取时的记录一致", drawn_audited == stored))
    try:
        again = rules.draw(
            seed=plan.seed,
            population=snapshot,
            rules=rules.rules_from_json(plan.rules),
            inspectors=plan.pool,
            per_subject=plan.inspectors_per_subject,
        )
    except rules.DrawError:
        again = []
    check(
        ("按种子重新抽取的主体、类别和检查人员与记录一致", [(d.uscc, d.grade, d.inspectors) for d in again] == stored)
    )
    sent = [
        sorted((i.department_id, i.staff_number) for i in t.inspectors.all())
        == [(plan.department_id, number) for number in sorted(t.inspector_numbers)]
        for t in targets
    ]
    check(("选派的检查人员与抽取结果一致", all(sent)))
    return verification
