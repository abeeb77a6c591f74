"""The workbench and public pages: a department plans, draws and enters results for its own plans only; another
department cannot see, draw or enter results on them; bad input shows a Chinese error and changes nothing; the
public sees every plan from its draw (results so far, 检查中 for the rest) with inspectors' names masked, and anyone
can verify a draw."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from disclosure.addresses import subject_url
from evaluation.selectors import current_result
from organisations.services import staff_create
from records.models import CreditRecord
from subjects.choices import SubjectKind
from subjects.models import CreditSubject
from supervision.choices import PlanState
from supervision.models import InspectionPlan, InspectionTarget
from tests.conftest import StaffClient
from tests.evaluation.helpers import TODAY

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db
PASSWORD = "Supervision-pass-2026"


def staff_client(username, role, department) -> StaffClient:
    with transaction.atomic():
        user = staff_create(
            username=username, password=PASSWORD, role=role, department_code=department.code, actor=SYSTEM
        )
    client = StaffClient()
    client.force_login(user)
    return client


@pytest.fixture
def admin_a(market):
    return staff_client("sup-admin-a", "dept_admin", market)


@pytest.fixture
def clerk_a(market):
    return staff_client("sup-clerk-a", "clerk", market)


@pytest.fixture
def admin_b(other_department):
    return staff_client("sup-admin-b", "dept_admin", other_department)


@pytest.fixture
def clerk_b(other_department):
    return staff_client("sup-clerk-b", "clerk", other_department)


def plan_form(models, **overrides) -> dict:
    return {
        "title": "2026年第二批双随机抽查",
        "basis": "《中华人民共和国食品安全法》第一百一十条",
        "scope": "食品经营许可事项",
        "model": models["general"].pk,
        "rule_A": "",
        "rule_B": "100%",
        "rule_C": "",
        "rule_D": "",
        "rule_none": "",
        "inspectors_per_subject": "2",
    } | overrides


def compact(html: str) -> str:
    return re.sub(r">\s+<", "><", html)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_ratio_over_100_is_shown_in_chinese_and_no_plan_is_made(admin_a, evaluation_models):
    response = admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models, rule_B="120%"))
    assert response.status_code == 200
    assert "B 类的抽取比例不能超过100%。" in response.text
    assert not InspectionPlan.objects.exists()


def test_the_department_plans_draws_enters_results_and_the_public_sees_them(
    graded, pool, admin_a, clerk_a, client, evaluation_models, django_capture_on_commit_callbacks
):
    response = admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models))
    plan = InspectionPlan.objects.get()
    assert response["Location"] == f"/workbench/inspections/{plan.pk}/"
    assert "B 类" in admin_a.get(response["Location"]).text
    admin_a.post(f"/workbench/inspections/{plan.pk}/draw/")
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAWN
    # The workbench says where the draw is verified; the public page is the public site's to link.
    assert "任何人可按随机种子重新抽取核验" in admin_a.get(f"/workbench/inspections/{plan.pk}/").text
    # A second draw is refused, saying so.
    again = admin_a.post(f"/workbench/inspections/{plan.pk}/draw/", follow=True)
    assert any("不能重新生成" in m for m in messages_of(again))
    targets = list(plan.targets.order_by("position"))
    assert len(targets) == 3
    # The form preselects no result: submitting it untouched publishes nothing.
    form_page = clerk_a.get(f"/workbench/inspections/targets/{targets[0].pk}/result/").text
    assert '<option value="" selected>请选择检查结果</option>' in form_page
    untouched = clerk_a.post(f"/workbench/inspections/targets/{targets[0].pk}/result/", {"inspected_on": TODAY})
    assert "请选择检查结果。" in untouched.text
    # Bad input: a problem found without saying which.
    bad = clerk_a.post(
        f"/workbench/inspections/targets/{targets[0].pk}/result/", {"result": "不合格", "inspected_on": TODAY}
    )
    assert "发现问题的，请填写发现的问题。" in bad.text
    assert not CreditRecord.objects.filter(record_type__code="ccjc").exists()
    for target, result in zip(targets, ["不合格", "未发现问题", "合格"], strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            clerk_a.post(
                f"/workbench/inspections/targets/{target.pk}/result/",
                {"result": result, "inspected_on": TODAY, "findings": "超范围经营" if result == "不合格" else ""},
            )
    plan.refresh_from_db()
    assert plan.state == PlanState.DONE
    # The record's commit re-graded its subject through the outbox: B → C.
    assert current_result(targets[0].subject_id, "general").grade == "C"
    listing = client.get("/inspections/").text
    assert plan.title in listing
    page = client.get(f"/inspections/{plan.pk}/").text
    assert "不合格" in page
    assert "张*" in page or "李*" in page or "王*" in page
    assert not any(name in page for name in ("张三", "李四", "王五"))
    assert "JC00" not in page  # no staff numbers
    assert "核验通过" in client.get(f"/inspections/{plan.pk}/verify/").text


def test_another_department_cannot_see_draw_or_enter_results(
    graded, pool, admin_a, admin_b, clerk_b, market, evaluation_models
):
    admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models))
    plan = InspectionPlan.objects.get()
    assert admin_b.get(f"/workbench/inspections/{plan.pk}/").status_code == 404
    assert admin_b.post(f"/workbench/inspections/{plan.pk}/draw/").status_code == 404
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert plan.title not in admin_b.get("/workbench/inspections/").text
    admin_a.post(f"/workbench/inspections/{plan.pk}/draw/")
    target = plan.targets.first()
    response = clerk_b.post(
        f"/workbench/inspections/targets/{target.pk}/result/", {"result": "合格", "inspected_on": TODAY}
    )
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.result == ""
    assert not CreditRecord.objects.filter(record_type__code="ccjc").exists()
    # Nor manage A's inspector pool.
    inspector = pool[0]
    assert admin_b.post(f"/workbench/inspectors/{inspector.pk}/active/", {"active": "0"}).status_code == 404
    inspector.refresh_from_db()
    assert inspector.is_active


def test_a_clerk_cannot_draw(graded, pool, admin_a, clerk_a, evaluation_models):
    admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models))
    plan = InspectionPlan.objects.get()
    response = clerk_a.post(f"/workbench/inspections/{plan.pk}/draw/", follow=True)
    assert any("无权" in m for m in messages_of(response))
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_a_draw_with_an_empty_pool_says_so_and_draws_nothing(graded, admin_a, evaluation_models):
    admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models))
    plan = InspectionPlan.objects.get()
    response = admin_a.post(f"/workbench/inspections/{plan.pk}/draw/", follow=True)
    assert any("没有在册的检查人员" in m for m in messages_of(response))
    plan.refresh_from_db()
    assert (plan.state, plan.targets.count()) == (PlanState.DRAFT, 0)


def test_the_department_admin_keeps_the_pool(admin_a, market):
    admin_a.post("/workbench/inspectors/", {"name": "赵六", "staff_number": "JC100"})
    duplicate = admin_a.post("/workbench/inspectors/", {"name": "钱七", "staff_number": "JC100"})
    assert "本部门已有执法证号/工号为“JC100”的检查人员。" in duplicate.text
    page = admin_a.get("/workbench/inspectors/").text
    assert "赵六" in page
    assert "钱七" not in page


def test_a_draft_is_not_public_and_a_drawn_plan_is_public_from_its_draw(
    graded, pool, admin_a, clerk_a, client, evaluation_models
):
    """一公开 from the draw: a plan left unfinished is as visible as a finished one (a copy drawn again to get other
    subjects cannot hide the first draw), its pending subjects shown as 检查中."""
    admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models))
    plan = InspectionPlan.objects.get()
    assert client.get(f"/inspections/{plan.pk}/").status_code == 404
    assert client.get(f"/inspections/{plan.pk}/verify/").status_code == 404  # a draft has no draw to verify
    assert f"/inspections/{plan.pk}/" not in client.get("/inspections/").text
    admin_a.post(f"/workbench/inspections/{plan.pk}/draw/")
    targets = list(plan.targets.order_by("position"))
    page = client.get(f"/inspections/{plan.pk}/").text
    assert page.count("<td>检查中</td>") == len(targets) == 3
    assert all(t.uscc in page for t in targets)
    assert not any(name in page for name in ("张三", "李四", "王五"))
    assert "JC00" not in page
    assert "核验通过" in client.get(f"/inspections/{plan.pk}/verify/").text
    clerk_a.post(
        f"/workbench/inspections/targets/{targets[0].pk}/result/",
        {"result": "不合格", "inspected_on": TODAY, "findings": "超范围经营"},
    )
    page = client.get(f"/inspections/{plan.pk}/").text
    assert page.count("<td>检查中</td>") == 2
    assert "<td>不合格</td>" in page
    listing = compact(client.get("/inspections/").text)
    assert f"/inspections/{plan.pk}/" in listing
    assert "<td>检查中</td><td>3</td><td>1</td><td>1</td><td>1</td>" in listing  # drawn, inspected, problems, draws


def test_the_public_sees_how_often_a_department_drew_the_same_matter_in_a_year(
    graded, pool, admin_a, client, evaluation_models
):
    for title in ("第一次抽取", "第二次抽取"):
        admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models, title=title))
    admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models, title="另一事项", scope="广告发布"))
    first, second, other = InspectionPlan.objects.order_by("pk")
    for plan in (first, second, other):
        admin_a.post(f"/workbench/inspections/{plan.pk}/draw/")
    listing = compact(client.get("/inspections/").text)
    rows = {plan.pk: listing.split(f"/inspections/{plan.pk}/")[1].split("</tr>")[0] for plan in (first, second, other)}
    assert rows[first.pk].endswith("<td>2</td>")
    assert rows[second.pk].endswith("<td>2</td>")
    assert rows[other.pk].endswith("<td>1</td>")
    page = client.get(f"/inspections/{second.pk}/").text
    assert "本部门本年同一检查事项的其他抽取" in page
    assert f"/inspections/{first.pk}/" in page
    assert f"/inspections/{other.pk}/" not in page


def test_a_count_stored_before_counts_were_bounded_does_not_break_the_plan_pages(
    graded, pool, admin_a, client, evaluation_models
):
    response = admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models, rule_B="", rule_D="1e5000"))
    assert response.status_code == 200
    assert "D 类的抽取规则“1e5000”无效" in response.text
    assert not InspectionPlan.objects.exists()
    admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models, rule_B="", rule_D="1"))
    plan = InspectionPlan.objects.get()
    InspectionPlan.objects.filter(pk=plan.pk).update(rules={"D": {"kind": "count", "value": "1E+5000"}})
    assert admin_a.get(f"/workbench/inspections/{plan.pk}/").status_code == 200
    admin_a.post(f"/workbench/inspections/{plan.pk}/draw/")
    plan.refresh_from_db()
    assert (plan.state, plan.targets.count()) == (PlanState.DRAWN, 1)  # everyone of D: the one subject
    assert "D 类：1E+5000" in client.get(f"/inspections/{plan.pk}/").text


def test_a_plan_of_many_subjects_is_shown_by_pages(graded, pool, admin_a, client, evaluation_models, monkeypatch):
    import disclosure.inspection_views
    import supervision.views

    monkeypatch.setattr(supervision.views, "TARGETS_PAGE_SIZE", 2)  # the workbench's page
    monkeypatch.setattr(disclosure.inspection_views, "TARGETS_PAGE_SIZE", 2)  # the public page
    admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models))
    plan = InspectionPlan.objects.get()
    admin_a.post(f"/workbench/inspections/{plan.pk}/draw/")
    first, last = plan.targets.order_by("position").first(), plan.targets.order_by("position").last()
    for page in (admin_a.get(f"/workbench/inspections/{plan.pk}/").text, client.get(f"/inspections/{plan.pk}/").text):
        assert first.uscc in page
        assert last.uscc not in page
        assert "第 1 / 2 页" in page
    assert last.uscc in client.get(f"/inspections/{plan.pk}/?page=2").text


def test_each_drawn_subject_links_to_its_public_address(graded, pool, admin_a, client, evaluation_models):
    """The public page links a subject through ``subject_url``, the one definition of a subject's public address: a
    natural person (were one ever drawn) by a signed token, never by an identifier, and named masked."""
    admin_a.post("/workbench/inspections/new/", plan_form(evaluation_models))
    plan = InspectionPlan.objects.get()
    admin_a.post(f"/workbench/inspections/{plan.pk}/draw/")
    target = plan.targets.order_by("position").first()
    person = CreditSubject.objects.create(
        kind=SubjectKind.NATURAL_PERSON,
        name="欧阳娜娜",
        citizen_id_hash="f" * 64,
        citizen_id_masked="220104********771X",
    )
    InspectionTarget.objects.filter(pk=target.pk).update(subject=person)
    page = client.get(f"/inspections/{plan.pk}/").text
    targets = list(plan.targets.select_related("subject").order_by("position"))
    assert targets[0].subject == person
    for t in targets:
        assert f'<a href="{subject_url(t.subject)}">' in page
    assert subject_url(person).startswith("/persons/")  # the token address
    assert f'href="/subjects/{target.uscc}/"' not in page  # not addressed by the code stored on its row
    assert "欧阳**" in page
    assert "欧阳娜娜" not in page
