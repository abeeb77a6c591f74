"""Red team, issue 15 (moved from tests/redteam15/test_supervision_attacks.py once fixed): the random inspections
(双随机、一公开) — bad rule input, re-rolling a draw by copying the plan, verification of a tampered draw, and an
entered result changed afterwards through an ordinary push."""

from __future__ import annotations

import pytest
from django.db import transaction

from records.models import CreditRecord
from records.services import RecordInput, records_ingest
from supervision.choices import PlanState
from supervision.models import InspectionPlan, Inspector
from supervision.services import inspection_result_enter, plan_create, plan_draw, plan_verify
from tests.evaluation.helpers import TODAY

from .conftest import SYSTEM
from .test_views import plan_form, staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_a(market):
    return staff_client("rt-admin-a", "dept_admin", market)


def create(department, models, title="2026年红队抽查", rule_texts=None):
    with transaction.atomic():
        return plan_create(
            department=department,
            title=title,
            basis="《中华人民共和国食品安全法》第一百一十条",
            scope="食品经营许可事项",
            model=models["general"],
            rule_texts=rule_texts or {"B": "1"},
            inspectors_per_subject=1,
            actor=SYSTEM,
        )


def draw(plan, seed=None):
    with transaction.atomic():
        return plan_draw(plan=plan, actor=SYSTEM, seed=seed)


def test_an_absurd_fixed_count_is_refused_or_the_plan_page_still_opens(graded, pool, admin_a, evaluation_models):
    """A count of "1e5000" passes ``rule_parse`` (finite, integral, not negative) and fits the form's 16 characters;
    the plan is saved, and its page then fails with ``ValueError: Exceeds the limit (4300 digits) for integer
    string conversion`` (``ClassRule.as_text``: ``str(int(value))``). ("1e999999999" would make the draw build a
    billion-digit integer.)"""
    response = admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models, rule_B="", rule_D="1e5000"))
    plan = InspectionPlan.objects.first()
    if plan is None:
        assert response.status_code == 200  # refused in Chinese on the form: fine
        return
    assert admin_a.get(f"/workbench/inspections/{plan.pk}/").status_code == 200


def test_a_draw_left_unfinished_is_still_public_so_a_copy_cannot_reroll_it_silently(
    graded,
    pool,
    market,
    evaluation_models,
    client,
):
    """``plan_draw`` refuses a second draw of one plan, but nothing stops the department from making the same plan
    again and drawing that one: the first draw, never completed, appears nowhere public (/inspections/ lists only
    finished plans), so the department keeps the draw it likes and the public never learns of the other."""
    first = draw(create(market, evaluation_models, title="第一次抽取"), seed="a" * 64)
    second = draw(create(market, evaluation_models, title="第二次抽取（同一范围、同一规则）"), seed="b" * 64)
    assert first.state == second.state == PlanState.DRAWN
    [t1] = first.targets.all()
    [t2] = second.targets.all()
    assert t1.uscc != t2.uscc  # a different subject drawn by the copy
    for target in second.targets.all():
        with transaction.atomic():
            inspection_result_enter(target=target, result="合格", inspected_on=TODAY, actor=SYSTEM)
    listing = client.get("/inspections/").text
    assert f"/inspections/{second.pk}/" in listing
    # The draw that was thrown away must be as visible as the one kept.
    assert f"/inspections/{first.pk}/" in listing


def test_verification_notices_inspectors_swapped_after_the_draw(graded, pool, market, evaluation_models, client):
    """The public page names a target's inspectors from ``InspectionTarget.inspectors`` (the M2M); verification
    compares the redraw with ``inspector_numbers`` only, and the audited draw with the seed and population hash
    only. Swapping the inspectors actually sent (the M2M) leaves the verification page saying 核验通过."""
    with transaction.atomic():
        outsider = Inspector.objects.create(department=market, name="赵六", staff_number="JC999")
    plan = draw(create(market, evaluation_models, rule_texts={"B": "100%"}), seed="c" * 64)
    target = plan.targets.order_by("position").first()
    target.inspectors.set([outsider])  # who goes is no longer who was drawn
    for t in plan.targets.all():
        with transaction.atomic():
            inspection_result_enter(target=t, result="合格", inspected_on=TODAY, actor=SYSTEM)
    assert "赵*" in client.get(f"/inspections/{plan.pk}/").text
    assert not plan_verify(InspectionPlan.objects.get(pk=plan.pk)).ok


def test_verification_compares_the_pool_and_rules_with_the_audited_draw(graded, pool, market, evaluation_models):
    """The audit event of the draw records the pool and the subjects drawn; verification checks only the seed and
    the population hash against it. Replacing a drawn inspector in both the plan's pool snapshot and the target
    (same sort position, so the redraw agrees) passes verification."""
    plan = draw(create(market, evaluation_models, rule_texts={"B": "100%"}), seed="d" * 64)
    drawn_numbers = {n for t in plan.targets.all() for n in t.inspector_numbers}
    victim = sorted(drawn_numbers)[0]
    forged = victim + "X"  # sorts right after the original and before the next one (JC001X < JC002)
    plan.pool = [forged if n == victim else n for n in plan.pool]
    plan.save(update_fields=["pool"])
    for target in plan.targets.all():
        target.inspector_numbers = [forged if n == victim else n for n in target.inspector_numbers]
        target.save(update_fields=["inspector_numbers"])
    assert not plan_verify(InspectionPlan.objects.get(pk=plan.pk)).ok


def test_an_entered_result_cannot_be_changed_by_pushing_the_same_inspection_number(
    graded,
    pool,
    market,
    evaluation_models,
):
    """The result record's business key is ``CCJC-{plan}-{USCC}``, predictable; the department's ordinary push of a
    ccjc record with that number overwrites the entered result (不合格 → 合格), bypassing "不能重复录入", while the
    plan (and /inspections/) still says 不合格."""
    plan = draw(create(market, evaluation_models, rule_texts={"B": "1"}), seed="e" * 64)
    target = plan.targets.get()
    with transaction.atomic():
        inspection_result_enter(target=target, result="不合格", inspected_on=TODAY, findings="超范围经营", actor=SYSTEM)
    record = CreditRecord.objects.get(pk=InspectionPlan.objects.get(pk=plan.pk).targets.get().record_id)
    data = dict(record.data) | {"CC_JCJG": "合格"}
    data.pop("CC_WTMS", None)
    with transaction.atomic():
        records_ingest(
            department=market, items=[RecordInput(record_type="ccjc", data=data)], channel="api", actor=SYSTEM
        )
    target.refresh_from_db()
    active = CreditRecord.objects.filter(record_type__code="ccjc", subject_id=target.subject_id, status="active")
    assert [r.data["CC_JCJG"] for r in active] == [target.result]
