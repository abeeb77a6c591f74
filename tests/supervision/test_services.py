"""Plans, the draw and the results through the services: the draw stored with its seed and snapshot and audited,
reproducible from them and never re-rolled; results become public records that move the subject's grade; bad input
refused in Chinese with nothing changed."""

from __future__ import annotations

import pytest
from django.db import transaction

from audit.models import AuditEvent
from disclosure.selectors import public_record_q
from evaluation.selectors import current_result
from evaluation.services import subjects_grade
from records.models import CreditRecord, RecordType
from supervision import rules
from supervision.choices import PlanState
from supervision.models import InspectionPlan, InspectionTarget
from supervision.selectors import population
from supervision.services import (
    SupervisionError,
    inspection_result_enter,
    inspector_set_active,
    plan_create,
    plan_draw,
    plan_verify,
)
from tests.evaluation.helpers import TODAY

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db

RULES = {"A": "100%", "B": "2", "C": "50%", "D": "100%", "": "1"}


def create(department, models, **overrides):
    values = {
        "department": department,
        "title": "2026年食品经营者双随机抽查",
        "basis": "《中华人民共和国食品安全法》第一百一十条",
        "scope": "食品经营许可事项及经营条件",
        "model": models["general"],
        "rule_texts": RULES,
        "inspectors_per_subject": 2,
        "actor": SYSTEM,
    } | overrides
    with transaction.atomic():
        return plan_create(**values)


def draw(plan, **kwargs):
    with transaction.atomic():
        return plan_draw(plan=plan, actor=SYSTEM, **kwargs)


def test_the_population_is_the_departments_supervised_population_with_current_grades(graded, market, evaluation_models):
    plan = create(market, evaluation_models)
    rows = population(plan)
    assert [uscc for uscc, _, _ in rows] == sorted(s.uscc for s in graded.values())
    assert {uscc: grade for uscc, grade, _ in rows} == {
        s.uscc: current_result(s.pk, "general").grade for s in graded.values()
    }
    assert [grade for _, grade, _ in rows].count("B") == 3
    # Filters narrow it: a division elsewhere leaves nobody.
    assert population(create(market, evaluation_models, division_prefix="2202")) == []


def test_a_draw_is_stored_audited_and_reproducible_from_its_seed(graded, pool, market, evaluation_models):
    plan = draw(create(market, evaluation_models))
    assert plan.state == PlanState.DRAWN
    assert len(plan.seed) == 64
    assert plan.population_size == 6
    snapshot = [(uscc, grade) for uscc, grade, _ in population(plan)]
    assert plan.population_hash == rules.population_hash(snapshot)
    expected = rules.draw(
        seed=plan.seed,
        population=snapshot,
        rules=rules.rules_from_json(plan.rules),
        inspectors=["JC001", "JC002", "JC003"],
        per_subject=2,
    )
    targets = list(plan.targets.order_by("position"))
    assert [(t.uscc, t.grade, tuple(t.inspector_numbers)) for t in targets] == [
        (d.uscc, d.grade, d.inspectors) for d in expected
    ]
    # B: a count of 2 of 3; C: 50% of 2 = 1; D: 100% of 1.
    assert sorted(t.grade for t in targets) == ["B", "B", "C", "D"]
    assert all(sorted(i.staff_number for i in t.inspectors.all()) == t.inspector_numbers for t in targets)
    event = AuditEvent.objects.get(action="supervision.plan_draw", object_id=str(plan.pk))
    assert (event.after["seed"], event.after["population_hash"]) == (plan.seed, plan.population_hash)
    assert AuditEvent.objects.filter(action="supervision.plan_create", object_id=str(plan.pk)).exists()
    assert plan_verify(plan).ok


def test_the_same_seed_draws_the_same_subjects_again(graded, pool, market, evaluation_models):
    first = draw(create(market, evaluation_models), seed="ab" * 32)
    second = draw(create(market, evaluation_models), seed="ab" * 32)
    assert [(t.uscc, t.inspector_numbers) for t in first.targets.order_by("position")] == [
        (t.uscc, t.inspector_numbers) for t in second.targets.order_by("position")
    ]


def test_a_draw_takes_as_many_statements_for_many_subjects_as_for_few(graded, pool, market, evaluation_models):
    """A provincial population drawn at a few per cent is tens of thousands of subjects: the targets and their
    inspectors are written in bulk, not a statement or three per subject drawn."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for rule in ("1", "100%"):
        plan = create(market, evaluation_models, rule_texts=dict.fromkeys(RULES, rule))
        with CaptureQueriesContext(connection) as statements:
            draw(plan)
        counts[plan.targets.count()] = len(statements)
    assert sorted(counts) == [3, 6]  # one of each class present (B, C, D) against all six
    assert counts[3] == counts[6]


def test_a_drawn_plan_cannot_be_drawn_again(graded, pool, market, evaluation_models):
    plan = draw(create(market, evaluation_models))
    before = [(t.uscc, t.inspector_numbers) for t in plan.targets.order_by("position")]
    with pytest.raises(SupervisionError, match="抽取结果不能重新生成") as refused:
        draw(plan)
    assert refused.value.code == "already_drawn"
    plan.refresh_from_db()
    assert [(t.uscc, t.inspector_numbers) for t in plan.targets.order_by("position")] == before
    assert AuditEvent.objects.filter(action="supervision.plan_draw", object_id=str(plan.pk)).count() == 1


def failed_checks(plan) -> list[str]:
    return [label for label, passed in plan_verify(InspectionPlan.objects.get(pk=plan.pk)).checks if not passed]


def test_verification_notices_a_changed_draw(graded, pool, market, evaluation_models):
    plan = draw(create(market, evaluation_models))
    assert len(plan_verify(plan).checks) == 7
    assert failed_checks(plan) == []
    target = plan.targets.order_by("position").first()
    InspectionTarget.objects.filter(pk=target.pk).update(inspector_numbers=["JC009", "JC010"])
    assert failed_checks(plan) == [
        "抽中主体、类别和检查人员与审计日志中抽取时的记录一致",
        "按种子重新抽取的主体、类别和检查人员与记录一致",
        "选派的检查人员与抽取结果一致",
    ]
    InspectionPlan.objects.filter(pk=plan.pk).update(population_hash="0" * 64)
    assert failed_checks(plan)[:2] == [
        "抽取范围快照与记录的 SHA-256 一致",
        "随机种子、快照摘要与审计日志中抽取时的记录一致",
    ]


def test_verification_compares_the_rules_with_those_audited_at_the_draw(graded, pool, market, evaluation_models):
    """Rules changed after the draw, with the targets left as drawn: the redraw may still agree (a count above a
    class's size), the audited rules do not."""
    plan = draw(create(market, evaluation_models, rule_texts={"B": "100%"}))
    event = AuditEvent.objects.get(action="supervision.plan_draw", object_id=str(plan.pk))
    assert (event.after["rules"], event.after["inspectors_per_subject"]) == (plan.rules, 2)
    InspectionPlan.objects.filter(pk=plan.pk).update(rules=rules.rules_to_json({"B": rules.rule_parse("50", "B")}))
    assert failed_checks(plan) == ["抽取规则、每户检查人员数与审计日志中的记录一致"]


def test_a_draw_audited_without_its_rules_is_checked_against_the_plans_creation(
    graded, pool, market, evaluation_models
):
    """Draws audited before the draw's event recorded the rules (and inspectors per subject) are compared with
    the plan's creation event, which always recorded them: the rules cannot change between creation and draw."""
    from audit.services import audit_event_record

    first = draw(create(market, evaluation_models), seed="ab" * 32)
    old_shape = {
        key: value
        for key, value in AuditEvent.objects.get(action="supervision.plan_draw", object_id=str(first.pk)).after.items()
        if key not in ("rules", "inspectors_per_subject")
    }
    plan = create(market, evaluation_models)
    with transaction.atomic():  # the event as the draw wrote it before: it comes first, the new draw's after it
        audit_event_record(actor=SYSTEM, action="supervision.plan_draw", obj=plan, after=old_shape)
    plan = draw(plan, seed="ab" * 32)
    assert failed_checks(plan) == []
    InspectionPlan.objects.filter(pk=plan.pk).update(inspectors_per_subject=3)
    assert "抽取规则、每户检查人员数与审计日志中的记录一致" in failed_checks(plan)


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"rule_texts": {"A": "120%"}}, "A 类的抽取比例不能超过100%。", "A"),
        ({"rule_texts": {"C": "-2"}}, "C 类的抽取数量不能为负数。", "C"),
        ({"rule_texts": {"": "0", "B": ""}}, "请至少为一个类别填写大于零的抽取比例或数量。", "A"),
        ({"inspectors_per_subject": 0}, "每户检查人员数须在1至10名之间。", "inspectors_per_subject"),
        ({"title": " "}, "请填写任务名称。", "title"),
        ({"division_prefix": "22a"}, "区划代码须为1至6位数字。", "division_prefix"),
    ],
    ids=["ratio-over-100", "negative-count", "nothing-drawn", "no-inspectors", "no-title", "bad-division"],
)
def test_bad_plans_are_refused_in_chinese_and_nothing_is_written(market, evaluation_models, overrides, message, field):
    events = AuditEvent.objects.count()
    with pytest.raises(SupervisionError) as refused:
        create(market, evaluation_models, **overrides)
    assert (refused.value.message, refused.value.field) == (message, field)
    assert not InspectionPlan.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_professional_model_of_another_sector_is_refused(other_department, evaluation_models):
    with pytest.raises(SupervisionError, match="本部门不能使用该评价模型"):
        create(other_department, evaluation_models, model=evaluation_models["food_risk"])


def test_an_empty_pool_or_a_pool_too_small_refuses_the_draw_and_changes_nothing(
    graded, pool, market, evaluation_models
):
    plan = create(market, evaluation_models, inspectors_per_subject=3)
    with transaction.atomic():
        inspector_set_active(inspector=pool[0], active=False, actor=SYSTEM)
    with pytest.raises(SupervisionError, match="在册的检查人员只有2名，每户需要3名"):
        draw(plan)
    for inspector in pool[1:]:
        with transaction.atomic():
            inspector_set_active(inspector=inspector, active=False, actor=SYSTEM)
    with pytest.raises(SupervisionError, match="没有在册的检查人员") as refused:
        draw(plan)
    assert refused.value.code == "pool_empty"
    plan.refresh_from_db()
    assert (plan.state, plan.seed, plan.targets.count()) == (PlanState.DRAFT, "", 0)
    assert not AuditEvent.objects.filter(action="supervision.plan_draw").exists()


def test_a_plan_that_draws_nobody_is_refused(graded, pool, market, evaluation_models):
    plan = create(market, evaluation_models, rule_texts={"A": "100%"})  # nobody is graded A
    with pytest.raises(SupervisionError, match="共6户，按抽取规则未抽中任何主体"):
        draw(plan)
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def enter(target, result="未发现问题", findings="", **kwargs):
    with transaction.atomic():
        return inspection_result_enter(
            target=target, result=result, inspected_on=TODAY, findings=findings, actor=SYSTEM, **kwargs
        )


def test_a_result_becomes_a_public_record_that_moves_the_grade(graded, pool, market, evaluation_models, client):
    plan = draw(create(market, evaluation_models, rule_texts={"B": "100%"}))
    targets = list(plan.targets.order_by("position"))
    assert [t.grade for t in targets] == ["B", "B", "B"]
    failed = enter(targets[0], "不合格", findings="超范围经营", handling="责令改正")
    record = CreditRecord.objects.get(pk=failed.record_id)
    assert (record.record_type.code, record.department, record.subject_id) == ("ccjc", market, targets[0].subject_id)
    assert record.data["CC_JCJG"] == "不合格"
    assert record.decided_on == TODAY
    assert CreditRecord.objects.filter(public_record_q(TODAY), pk=record.pk).exists()
    page = client.get(f"/subjects/{targets[0].uscc}/?tab=other").text
    assert "抽查检查结果" in page
    assert "不合格" in page
    assert plan.title in page
    # The general model's version 2 counts it: 76 − 5 = 71, B → C.
    with transaction.atomic():
        subjects_grade(subject_ids=[targets[0].subject_id], actor=SYSTEM, as_of=TODAY)
    result = current_result(targets[0].subject_id, "general")
    assert (result.grade, result.previous_grade) == ("C", "B")
    counted = {item["code"]: item for item in result.explanation["indicators"]}
    assert counted["inspections_failed"]["records"] == [record.pk]
    # Nothing found counts nothing: the grade stays.
    enter(targets[1])
    with transaction.atomic():
        subjects_grade(subject_ids=[targets[1].subject_id], actor=SYSTEM, as_of=TODAY)
    assert current_result(targets[1].subject_id, "general").grade == "B"
    assert InspectionPlan.objects.get(pk=plan.pk).state == PlanState.DRAWN
    enter(targets[2])
    plan.refresh_from_db()
    assert plan.state == PlanState.DONE
    assert plan.finished_at is not None
    assert AuditEvent.objects.filter(action="supervision.result_enter").count() == 3


def test_the_catalog_type_is_public_and_due_within_20_working_days():
    record_type = RecordType.objects.get(code="ccjc")
    assert (record_type.name, record_type.disclosure_level, record_type.timeliness_days) == (
        "抽查检查结果",
        "public",
        20,
    )


@pytest.mark.parametrize(
    ("result", "findings", "when", "message"),
    [
        ("优秀", "", None, "检查结果“优秀”无效"),
        ("不合格", "", None, "发现问题的，请填写发现的问题。"),
        ("未发现问题", "", "future", "检查日期不能晚于今天。"),
    ],
    ids=["unknown-result", "no-findings", "future-date"],
)
def test_bad_results_are_refused_and_nothing_is_written(
    graded, pool, market, evaluation_models, result, findings, when, message
):
    import datetime

    plan = draw(create(market, evaluation_models))
    target = plan.targets.first()
    records = CreditRecord.objects.count()
    inspected_on = TODAY + datetime.timedelta(days=1) if when == "future" else TODAY
    with pytest.raises(SupervisionError, match=message), transaction.atomic():
        inspection_result_enter(
            target=target, result=result, inspected_on=inspected_on, findings=findings, actor=SYSTEM
        )
    target.refresh_from_db()
    assert (target.result, target.record_id, CreditRecord.objects.count()) == ("", None, records)


def test_a_result_is_entered_once(graded, pool, market, evaluation_models):
    plan = draw(create(market, evaluation_models))
    target = enter(plan.targets.first())
    with pytest.raises(SupervisionError, match="不能重复录入"):
        enter(target, "不合格", findings="x")
    assert CreditRecord.objects.filter(record_type__code="ccjc").count() == 1
