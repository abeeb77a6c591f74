"""The department's decisions in the workbench (issue 16): an objection corrected through a form of the record's
own catalog fields, a repair decided without a preselected outcome, and a flash message after every step."""

import pytest
from django.db import transaction

from audit.services import Actor
from organisations.services import staff_create
from records.models import RecordVersion
from rights.models import Application
from rights.services import application_accept, application_submit
from tests.accounts.helpers import acting_account
from tests.conftest import StaffClient
from tests.factories import DepartmentFactory
from tests.rights.test_applications import at
from tests.rights.test_rights_pages import PASSWORD, correction

pytestmark = pytest.mark.django_db


def signed_in(username: str, role: str, department_code: str | None = "jl-scjg") -> StaffClient:
    with transaction.atomic():
        user = staff_create(
            username=username, password=PASSWORD, role=role, department_code=department_code, actor=Actor.system()
        )
    client = StaffClient()  # past the second factor the credit centre's admin needs
    client.force_login(user)
    return client


def routed(record, kind="objection") -> Application:
    """An application of ``kind`` about ``record``, accepted by the centre and now with the department."""
    application, _ = application_submit(
        kind=kind,
        record=record,
        submission_key=f"key-{kind}",
        explanation="处罚金额有误" if kind == "objection" else "已缴清罚款并整改",
        applicant_name="王经理",
        applicant_phone="13800000000",
        ground="wrong" if kind == "objection" else "",
        commitment_signed=kind == "repair",
        obligations_fulfilled=kind == "repair",
        account=acting_account(record.subject),
        actor=Actor.public(client_ip="10.0.0.1"),
    )
    return application_accept(application=application, actor=Actor.system("信用中心"))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_correction_form_shows_the_records_own_fields_prefilled(penalty):
    reviewer = signed_in("rev", "reviewer")
    with at(2026, 7, 1):
        application = routed(penalty)
        page = reviewer.get(f"/workbench/applications/{application.pk}/")
    form = page.context["correction_form"]
    assert form["CF_NR_FK"].value() == "5"
    assert form["CF_NR"].value() == "罚款人民币伍万元"
    assert form["CF_CFLB"].value() == ["罚款"]
    assert "罚款金额（万元）（CF_NR_FK）" in page.text
    # Who the record is about and its document number are not correctable here.
    assert not {"CF_XDR_MC", "CF_XDR_SHXYM", "CF_WSH", "severity"} & set(form.fields)
    assert "CF_NR_FK=3" not in page.text  # the old textarea of code=value lines is gone


def test_a_correction_through_the_form_makes_a_new_version_with_only_the_changed_field(penalty):
    reviewer = signed_in("rev", "reviewer")
    with at(2026, 7, 1):
        application = routed(penalty)
        response = reviewer.post(
            f"/workbench/applications/{application.pk}/",
            {"action": "answer", "outcome": "correct", "note": "核实后更正", **correction(penalty, CF_NR_FK="3")},
            follow=True,
        )
    penalty.refresh_from_db()
    application.refresh_from_db()
    assert (application.state, application.outcome) == ("decided", "correct")
    first, *_, last = RecordVersion.objects.filter(record=penalty).order_by("version")
    assert last.change == "correct"
    changed = {code for code in {*first.data, *last.data} if first.data.get(code) != last.data.get(code)}
    assert changed == {"CF_NR_FK"}
    assert (penalty.data["CF_NR_FK"], penalty.objection) == ("3", "none")
    assert messages_of(response) == [
        "已作出处理决定：更正。记录已生成新版本，更正了 1 项数据（罚款金额（万元）（CF_NR_FK））。"
    ]


@pytest.mark.parametrize(
    ("changed", "field", "error"),
    [
        ({"CF_NR_FK": "三万"}, "CF_NR_FK", "罚款金额（万元）"),
        ({"CF_JDRQ": "2026-13-45"}, "CF_JDRQ", "不是有效日期"),
        ({"CF_NR": ""}, "CF_NR", "处罚内容"),
    ],
    ids=["amount-not-a-number", "impossible-date", "required-cleared"],
)
def test_an_invalid_correction_shows_a_chinese_error_at_its_field_and_changes_nothing(penalty, changed, field, error):
    reviewer = signed_in("rev", "reviewer")
    with at(2026, 7, 1):
        application = routed(penalty)
        versions = RecordVersion.objects.filter(record=penalty).count()
        response = reviewer.post(
            f"/workbench/applications/{application.pk}/",
            {"action": "answer", "outcome": "correct", "note": "核实后更正", **correction(penalty, **changed)},
        )
    assert response.status_code == 200
    errors = response.context["correction_form"].errors[field]
    assert any(error in message for message in errors), errors
    assert "处理结果未保存" in messages_of(response)[0]
    application.refresh_from_db()
    penalty.refresh_from_db()
    assert (application.state, penalty.data["CF_NR_FK"], penalty.objection) == ("with_department", "5", "pending")
    assert RecordVersion.objects.filter(record=penalty).count() == versions


@pytest.mark.parametrize(
    ("outcome", "changed", "error"),
    [("correct", {}, "请修改需要更正的数据项"), ("maintain", {"CF_NR_FK": "3"}, "处理结果不是“更正”")],
    ids=["correct-without-a-change", "change-without-correct"],
)
def test_outcome_and_changed_fields_must_agree(penalty, outcome, changed, error):
    reviewer = signed_in("rev", "reviewer")
    with at(2026, 7, 1):
        application = routed(penalty)
        response = reviewer.post(
            f"/workbench/applications/{application.pk}/",
            {"action": "answer", "outcome": outcome, "note": "核实", **correction(penalty, **changed)},
        )
    assert error in str(response.context["correction_form"].non_field_errors())
    application.refresh_from_db()
    assert application.state == "with_department"


def test_another_department_cannot_decide_or_correct(penalty):
    other = DepartmentFactory()
    outsider = signed_in("rev_b", "reviewer", other.code)
    with at(2026, 7, 1):
        application = routed(penalty)
        response = outsider.post(
            f"/workbench/applications/{application.pk}/",
            {"action": "answer", "outcome": "correct", "note": "越权更正", **correction(penalty, CF_NR_FK="0.1")},
        )
    assert response.status_code == 404
    application.refresh_from_db()
    penalty.refresh_from_db()
    assert (application.state, penalty.data["CF_NR_FK"]) == ("with_department", "5")


def test_a_repair_decision_has_no_default_and_no_correction_fields(penalty):
    reviewer = signed_in("rev", "reviewer")
    with at(2026, 9, 2):  # the general penalty's three months are served
        application = routed(penalty, kind="repair")
        page = reviewer.get(f"/workbench/applications/{application.pk}/")
        assert page.context["correction_form"] is None
        assert "更正后的数据项" not in page.text
        assert 'value="approve"' in page.text
        assert 'value="reject"' in page.text
        assert " checked" not in page.text.split('data-testid="decision-form"')[1].split("</form>")[0]
        # Submitting without choosing decides nothing.
        response = reviewer.post(f"/workbench/applications/{application.pk}/", {"action": "answer", "note": "已整改"})
        assert "请选择处理结果。" in response.context["answer_form"].errors["outcome"]
        application.refresh_from_db()
        assert application.state == "with_department"
        response = reviewer.post(
            f"/workbench/applications/{application.pk}/",
            {"action": "answer", "outcome": "approve", "note": "已整改到位"},
            follow=True,
        )
    penalty.refresh_from_db()
    assert penalty.status == "repaired"
    assert messages_of(response) == ["已作出处理决定：同意修复。记录已修复，停止公示，据此实施的惩戒相应解除。"]


def test_the_centres_steps_say_what_happened(penalty):
    centre = signed_in("centre", "credit_admin", None)
    with at(2026, 7, 1):
        application, _ = application_submit(
            kind="objection",
            record=penalty,
            submission_key="k-1",
            explanation="金额有误",
            applicant_name="王经理",
            applicant_phone="13800000000",
            ground="wrong",
            account=acting_account(penalty.subject),
            actor=Actor.public(client_ip="10.0.0.1"),
        )
        url = f"/workbench/applications/{application.pk}/"
        accepted = centre.post(url, {"action": "accept"}, follow=True)
        assert messages_of(accepted) == ["已受理，已转数据提供单位核查。"]
        reviewer = signed_in("rev", "reviewer")
        decided = reviewer.post(url, {"action": "answer", "outcome": "maintain", "note": "核实无误"}, follow=True)
        assert messages_of(decided) == ["已作出处理决定：维持。记录维持不变，已取消“异议处理中”标注。"]
        closed = centre.post(url, {"action": "close"}, follow=True)
        assert messages_of(closed) == ["已办结，已告知申请人。"]
