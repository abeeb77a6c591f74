import datetime
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.services import Actor
from disclosure.selectors import public_records
from records.models import CreditRecord, RecordVersion
from rights.models import Application, ApplicationEvent, Evidence
from rights.services import (
    ApplicationError,
    application_accept,
    application_answer,
    application_close,
    application_lookup,
    application_refuse,
    application_submit,
)
from sanctions.selectors import status_of
from tests.accounts.helpers import acting_account
from tests.disclosure.conftest import TZ
from tests.factories import DepartmentFactory, api_token_issue

pytestmark = pytest.mark.django_db
CENTRE = Actor.system("信用中心")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def at(*args):
    return time_machine.travel(datetime.datetime(*args, 10, tzinfo=TZ), tick=False)


def staff(department, role="reviewer", username="rev"):
    """A staff account of ``department`` (the deciding reviewer unless said otherwise)."""
    from django.db import transaction

    from organisations.services import staff_create

    with transaction.atomic():
        return staff_create(
            username=username, password="Pass-12345-x", role=role, department_code=department.code, actor=CENTRE
        )


def submit(record, *, kind="objection", key="form-1", **extra):
    defaults = {
        "explanation": "处罚金额有误",
        "applicant_name": "王经理",
        "applicant_phone": "13800000000",
        "ground": "wrong" if kind == "objection" else "",
        "actor": Actor.public(client_ip="10.0.0.1"),
    }
    if kind != "tipoff":
        defaults["account"] = acting_account(record.subject)  # objections and repairs come from the subject's account
    return application_submit(kind=kind, record=record, submission_key=key, **{**defaults, **extra})


def test_objection_accepted_then_corrected_keeps_the_old_version(penalty, django_capture_on_commit_callbacks):
    with at(2026, 7, 1):
        application, code = submit(penalty)
        assert len(code) == 8
        application = application_accept(application=application, actor=CENTRE)
        penalty.refresh_from_db()
        assert penalty.objection == "pending"
        assert public_records().filter(pk=penalty.pk).exists()  # visible, with the mark
        with django_capture_on_commit_callbacks(execute=True):
            application = application_answer(
                application=application,
                decided_by=staff(penalty.department),
                outcome="correct",
                note="罚款金额更正为3万元",
                actor=Actor.system("部门"),
                corrected_data={"CF_NR": "罚款人民币叁万元", "CF_NR_FK": "3"},
            )
        application = application_close(application=application, actor=CENTRE)
    penalty.refresh_from_db()
    assert (penalty.data["CF_NR_FK"], penalty.objection, application.state) == ("3", "none", "closed")
    versions = list(RecordVersion.objects.filter(record=penalty).order_by("version").values_list("change", "data"))
    assert [change for change, _ in versions] == ["create", "objection", "correct"]
    assert versions[0][1]["CF_NR_FK"] == "5"
    assert [e.to_state for e in application.events.order_by("id")] == [
        "submitted",
        "with_department",
        "decided",
        "closed",
    ]


@pytest.mark.parametrize(
    ("outcome", "status", "objection"),
    [("maintain", "active", "none"), ("revoke", "revoked", "pending")],
    ids=["maintain", "revoke"],
)
def test_objection_outcomes(penalty, outcome, status, objection):
    with at(2026, 7, 1):
        application = application_accept(application=submit(penalty)[0], actor=CENTRE)
        application_answer(
            application=application,
            decided_by=staff(penalty.department),
            outcome=outcome,
            note="核实",
            actor=Actor.system("部门"),
        )
    penalty.refresh_from_db()
    assert (penalty.status, penalty.objection) == (status, objection)


def test_illegal_transitions_and_other_departments_are_refused(penalty):
    reviewer = staff(penalty.department)
    with at(2026, 7, 1):
        application, _ = submit(penalty)
        with pytest.raises(ApplicationError, match="不能办理"):
            application_answer(application=application, decided_by=reviewer, outcome="maintain", note="x", actor=CENTRE)
        application = application_accept(application=application, actor=CENTRE)
        with pytest.raises(ApplicationError, match="不能受理"):
            application_accept(application=application, actor=CENTRE)
        with pytest.raises(ApplicationError, match="转本部门"):
            application_answer(
                application=application,
                decided_by=staff(DepartmentFactory(), username="other"),
                outcome="maintain",
                note="x",
                actor=CENTRE,
            )
        with pytest.raises(ApplicationError, match="处理结果与申请类型不符"):
            application_answer(application=application, decided_by=reviewer, outcome="approve", note="x", actor=CENTRE)


def test_refusal_needs_a_reason(penalty):
    with at(2026, 7, 1):
        application, _ = submit(penalty)
        with pytest.raises(ApplicationError, match="理由"):
            application_refuse(application=application, actor=CENTRE, reason=" ")
        assert application_refuse(application=application, actor=CENTRE, reason="非本人申请").state == "refused"


def test_deadlines_skip_the_national_day_holiday(penalty):
    with at(2026, 9, 30):
        application, _ = submit(penalty)
    assert application.accept_due == datetime.date(2026, 10, 9)  # 10-08 and 10-09 are the two working days
    assert application.answer_due == datetime.date(2026, 10, 20)  # 10-10, a Saturday, is a make-up workday
    with at(2026, 10, 9):
        application = application_accept(application=application, actor=CENTRE)
    assert application.department_due == datetime.date(2026, 10, 22)


def test_severe_penalty_younger_than_a_year_cannot_be_repaired(penalty):
    severe = CreditRecord.objects.get(source_id="长市监罚〔2026〕2号")
    assert severe.severity == "severe"
    with at(2027, 5, 31), pytest.raises(ApplicationError, match="2027-06-01 起可申请"):
        submit(severe, kind="repair", commitment_signed=True, obligations_fulfilled=True)
    assert not Application.objects.exists()


def test_repair_approved_removes_the_record_from_the_public_and_recomputes_status(
    penalty, django_capture_on_commit_callbacks
):
    severe = CreditRecord.objects.get(source_id="长市监罚〔2026〕2号")
    assert status_of([severe.subject_id])[severe.subject_id] == "watch"
    with at(2027, 6, 2):
        with pytest.raises(ApplicationError, match="承诺书"):
            submit(severe, kind="repair", key="r0")
        application, _ = submit(severe, kind="repair", key="r1", commitment_signed=True, obligations_fulfilled=True)
        application = application_accept(application=application, actor=CENTRE)
        with django_capture_on_commit_callbacks(execute=True):
            application_answer(
                application=application,
                decided_by=staff(severe.department),
                outcome="approve",
                note="已缴清罚款并整改到位",
                actor=Actor.system("部门"),
            )
        assert not public_records().filter(pk=severe.pk).exists()
    severe.refresh_from_db()
    assert severe.status == "repaired"
    assert RecordVersion.objects.filter(record=severe, change="repair").exists()
    assert status_of([severe.subject_id])[severe.subject_id] == "normal"


def test_lookup_needs_receipt_and_code(penalty):
    with at(2026, 7, 1):
        application, code = submit(penalty)
    assert application_lookup(application.receipt_number, code.lower()) == application
    assert application_lookup(application.receipt_number, "WRONGCOD") is None
    assert application_lookup("YY2026070100000000", code) is None


def test_exe_renamed_pdf_is_refused_and_nothing_is_written(penalty):
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)
    with at(2026, 7, 1), pytest.raises(ApplicationError, match="不是有效的 PDF"):
        submit(penalty, uploads=[fake])
    assert not Application.objects.exists()
    good = SimpleUploadedFile("证明.pdf", PDF)
    with at(2026, 7, 1):
        application, _ = submit(penalty, uploads=[good])
    assert Evidence.objects.get(application=application).content_type == "application/pdf"


def test_the_same_form_twice_makes_one_application(penalty):
    with at(2026, 7, 1):
        first, _ = submit(penalty, key="same")
        second, again = submit(penalty, key="same")
    assert (first.pk, again) == (second.pk, None)
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == 1


def test_applicant_centre_and_deciders_are_told_by_mail(
    penalty, mailoutbox, django_capture_on_commit_callbacks, settings
):
    from django.db import transaction

    settings.SITE_URL = "https://credit.example.gov.cn"

    from organisations.services import staff_create

    with transaction.atomic():
        for username, role, code in [
            ("rev", "reviewer", "jl-scjg"),
            ("deptadmin1", "dept_admin", "jl-scjg"),
            ("clerk1", "clerk", "jl-scjg"),
            ("centre", "credit_admin", ""),
        ]:
            staff_create(
                username=username,
                password="Pass-12345-x",
                role=role,
                department_code=code,
                email=f"{username}@credit.example.gov.cn",
                actor=CENTRE,
            )
    with django_capture_on_commit_callbacks(execute=True):
        acting_account(penalty.subject)
    mailoutbox.clear()  # the account was told its grant was verified
    with at(2026, 7, 1), django_capture_on_commit_callbacks(execute=True):
        application, _ = submit(penalty, applicant_email="wang@example.com")
    with at(2026, 7, 1), django_capture_on_commit_callbacks(execute=True):
        application_accept(application=application, actor=CENTRE)
    assert [m.to for m in mailoutbox] == [
        ["wang@example.com"],
        ["centre@credit.example.gov.cn"],  # a case waits for the centre's acceptance
        ["wang@example.com"],
        ["deptadmin1@credit.example.gov.cn", "rev@credit.example.gov.cn"],  # who decide; not the clerk
    ]
    assert application.receipt_number in mailoutbox[0].body
    assert "待受理" in mailoutbox[1].subject
    assert "已受理" in mailoutbox[2].subject
    # Sent by the worker, without a request: links at the portal's public address.
    case = f"https://credit.example.gov.cn/workbench/applications/{application.pk}/\n"
    for applicant in (mailoutbox[0], mailoutbox[2]):
        assert "https://credit.example.gov.cn/applications/status/\n" in applicant.body
        assert "/workbench/" not in applicant.body
    assert case in mailoutbox[1].body
    assert case in mailoutbox[3].body


@pytest.mark.parametrize("kind", ["objection", "repair"])
def test_a_clerk_cannot_decide_for_the_department(penalty, kind):
    """Separation of duties: the clerk enters data; the reviewer or the department admin decides."""
    severe = CreditRecord.objects.get(source_id="长市监罚〔2026〕2号")
    objection = kind == "objection"
    record, outcome, when = (penalty, "revoke", (2026, 7, 1)) if objection else (severe, "approve", (2027, 6, 2))
    clerk = staff(penalty.department, role="clerk", username="clerk1")
    with at(*when):
        application, _ = submit(record, kind=kind, commitment_signed=True, obligations_fulfilled=True)
        application = application_accept(application=application, actor=CENTRE)
        with pytest.raises(ApplicationError, match="审核员或部门管理员") as refused:
            application_answer(application=application, decided_by=clerk, outcome=outcome, note="x", actor=CENTRE)
        assert refused.value.code == "not_a_decider"
        application.refresh_from_db()
        record.refresh_from_db()
        assert (application.state, record.status) == ("with_department", "active")
        decided = application_answer(
            application=application,
            decided_by=staff(penalty.department, role="dept_admin", username="deptadmin1"),
            outcome=outcome,
            note="核实",
            actor=CENTRE,
        )
    assert decided.state == "decided"


def test_overdue_cases_are_escalated_to_the_centre(penalty, mailoutbox, settings):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from organisations.services import staff_create
    from rights.tasks import applications_overdue_task

    with transaction.atomic():
        admin = staff_create(username="centre", password="Pass-12345-x", role="credit_admin", actor=Actor.system())
    get_user_model().objects.filter(pk=admin.pk).update(email="centre@credit.example.gov.cn")
    settings.SITE_URL = "https://credit.example.gov.cn"
    with at(2026, 9, 30):
        application, _ = submit(penalty)
    with at(2026, 10, 9):
        assert applications_overdue_task() == 0  # the last day of the acceptance deadline
    with at(2026, 10, 12):
        assert applications_overdue_task() == 1
    assert mailoutbox[-1].to == ["centre@credit.example.gov.cn"]
    assert "超期" in mailoutbox[-1].subject
    assert f"https://credit.example.gov.cn/workbench/applications/{application.pk}/" in mailoutbox[-1].body


def test_black_list_exit_by_repair_after_the_shortest_listing_period(client, django_capture_on_commit_callbacks):
    from django.db import transaction

    from sanctions.models import Membership
    from tests.factories import DepartmentFactory
    from tests.records.helpers import yzsxmd_item

    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    with transaction.atomic():
        _, raw = api_token_issue(department)
    with at(2026, 6, 2), django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/api/v1/records/",
            data=json.dumps([yzsxmd_item(5, until="2029-05-31")]),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    listing = CreditRecord.objects.get(record_type__code="yzsxmd")
    assert status_of([listing.subject_id])[listing.subject_id] == "black"
    with at(2027, 5, 31), pytest.raises(ApplicationError, match="2027-06-01 起可申请"):
        submit(listing, kind="repair", commitment_signed=True, obligations_fulfilled=True)
    with at(2027, 6, 1):
        application, _ = submit(
            listing, kind="repair", key="r-list", commitment_signed=True, obligations_fulfilled=True
        )
        application = application_accept(application=application, actor=CENTRE)
        with django_capture_on_commit_callbacks(execute=True):
            application_answer(
                application=application,
                decided_by=staff(department),
                outcome="approve",
                note="已纠正失信行为",
                actor=Actor.system("部门"),
            )
    membership = Membership.objects.get(subject_id=listing.subject_id)
    assert (membership.state, membership.end_reason) == ("ended", "repaired")
    assert status_of([listing.subject_id])[listing.subject_id] == "normal"


def test_a_natural_persons_record_can_be_corrected(penalty, django_capture_on_commit_callbacks):
    from records.services import RecordError, RecordInput, record_correct, records_ingest
    from subjects import identifiers as ids
    from tests.records.helpers import xzcf_item

    citizen_id = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1988, 8, 8), sequence=3)
    item = xzcf_item(
        30,
        CF_XDR_MC="张三",
        CF_XDR_LB="自然人",
        CF_XDR_SHXYM=None,
        CF_XDR_ZJLX="身份证",
        CF_XDR_ZJHM=citizen_id,
        CF_WSH="长市监罚〔2026〕人30号",
        CF_CFLB="罚款",
    )
    with at(2026, 7, 1):
        [result] = records_ingest(
            department=penalty.department, items=[RecordInput(**item)], channel="api", actor=Actor.system()
        )
        record = CreditRecord.objects.get(pk=result.record_id)
        corrected = record_correct(
            record=record, data={"CF_CFLB": "吊销许可证件"}, actor=Actor.system(), reason="更正处罚类别"
        )
    assert corrected.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(citizen_id)
    assert (corrected.severity, corrected.disclosure_end) == ("severe", datetime.date(2029, 5, 31))
    with pytest.raises(RecordError, match="主体信息不能通过更正修改"):
        record_correct(record=corrected, data={"CF_XDR_MC": "李四"}, actor=Actor.system(), reason="x")


def test_a_receipt_number_drawn_twice_is_drawn_again_and_three_clashes_write_nothing(penalty, monkeypatch):
    from django.db import IntegrityError

    from rights import services
    from rights.models import Application

    first, _ = submit(penalty, key="form-1")
    drawn = iter([first.receipt_number, "YY20260601CLASH2"])
    monkeypatch.setattr(services, "_receipt_number", lambda kind: next(drawn))
    second, code = submit(penalty, key="form-2")
    assert (second.receipt_number, code is not None) == ("YY20260601CLASH2", True)

    monkeypatch.setattr(services, "_receipt_number", lambda kind: first.receipt_number)
    with pytest.raises(IntegrityError):
        submit(penalty, key="form-3")
    assert not Application.objects.filter(submission_key="form-3").exists()
