import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from audit.services import Actor
from organisations.services import staff_create
from records.models import CreditRecord
from rights.models import Application
from tests.accounts.helpers import account_client, acting_account
from tests.rights.test_applications import PDF, at

pytestmark = pytest.mark.django_db
PASSWORD = "Pass-12345-x"


def applicant(record) -> Client:
    """A browser signed in as an account acting for the record's subject (verified by the credit centre):
    objections, repairs and commitments come from the subject's own account (issue 14)."""
    return account_client(Client(), acting_account(record.subject))


def objection_form(**extra):
    return {
        "submission_key": "k-1",
        "ground": "wrong",
        "explanation": "罚款金额应为3万元",
        "applicant_name": "王经理",
        "applicant_phone": "13800000000",
        "pledge": "on",
        **extra,
    }


def test_public_objection_form_gives_a_receipt_and_code_and_status(client, penalty):
    with at(2026, 7, 1):
        response = applicant(penalty).post(
            f"/records/{penalty.pk}/objection/", {**objection_form(), "files": SimpleUploadedFile("证明.pdf", PDF)}
        )
    assert response.status_code == 200
    application = Application.objects.get()
    assert application.receipt_number in response.text
    code = response.context["code"]
    assert code in response.text
    with at(2026, 7, 1):
        status = client.get("/applications/status/", {"receipt_number": application.receipt_number, "code": code})
        wrong = client.get("/applications/status/", {"receipt_number": application.receipt_number, "code": "XXXXXXXX"})
    assert "已提交" in status.text
    assert wrong.status_code == 400
    assert "受理编号或查询码不正确" in wrong.text
    assert "application-state" not in wrong.text


def test_a_renamed_executable_keeps_the_rest_of_the_form(client, penalty):
    with at(2026, 7, 1):
        response = applicant(penalty).post(
            f"/records/{penalty.pk}/objection/",
            {**objection_form(), "files": SimpleUploadedFile("证明.pdf", b"MZ\x90\x00")},
        )
    assert response.status_code == 200
    assert "不是有效的 PDF" in response.text
    assert "罚款金额应为3万元" in response.text
    assert not Application.objects.exists()


def test_repair_page_says_when_it_becomes_possible(client, penalty):
    severe = CreditRecord.objects.get(source_id="长市监罚〔2026〕2号")
    with at(2027, 1, 5):
        page = applicant(severe).get(f"/records/{severe.pk}/repair/")
    assert "2027-06-01 起可申请信用修复" in page.text
    assert "提交申请" not in page.text


def correction(record, **changed) -> dict:
    """The correction form as the browser sends it: every shown field with its stored value, some changed."""
    from rights.forms import CorrectionForm

    form = CorrectionForm(record)
    return {form.add_prefix(code): changed.get(code, field.initial) for code, field in form.fields.items()}


def test_centre_accepts_and_department_corrects_in_the_workbench(client, penalty):
    with transaction.atomic():
        staff_create(username="centre", password=PASSWORD, role="credit_admin", actor=Actor.system())
        staff_create(
            username="rev", password=PASSWORD, role="reviewer", department_code="jl-scjg", actor=Actor.system()
        )
    with at(2026, 7, 1):
        applicant(penalty).post(f"/records/{penalty.pk}/objection/", objection_form())
        application = Application.objects.get()
        client.login(username="centre", password=PASSWORD)
        client.post(f"/workbench/applications/{application.pk}/", {"action": "accept"})
        client.logout()
        client.login(username="rev", password=PASSWORD)
        assert application.receipt_number in client.get("/workbench/applications/").text
        client.post(
            f"/workbench/applications/{application.pk}/",
            {"action": "answer", "outcome": "correct", "note": "核实后更正", **correction(penalty, CF_NR_FK="3")},
        )
    application.refresh_from_db()
    penalty.refresh_from_db()
    assert (application.state, application.outcome) == ("decided", "correct")
    assert penalty.data["CF_NR_FK"] == "3"


def test_department_sees_only_its_routed_cases(client, penalty):
    from tests.factories import DepartmentFactory

    other = DepartmentFactory()
    with transaction.atomic():
        staff_create(
            username="otherrev", password=PASSWORD, role="reviewer", department_code=other.code, actor=Actor.system()
        )
    with at(2026, 7, 1):
        applicant(penalty).post(f"/records/{penalty.pk}/objection/", objection_form())
    application = Application.objects.get()
    client.login(username="otherrev", password=PASSWORD)
    assert client.get(f"/workbench/applications/{application.pk}/").status_code == 404


def test_centre_dashboard_counts_overdue_and_handling_time(client, penalty):
    from rights.services import application_accept, application_answer

    with transaction.atomic():
        staff_create(username="centre", password=PASSWORD, role="credit_admin", actor=Actor.system())
        reviewer = staff_create(
            username="rev", password=PASSWORD, role="reviewer", department_code="jl-scjg", actor=Actor.system()
        )
    with at(2026, 9, 30):
        applicant(penalty).post(f"/records/{penalty.pk}/objection/", objection_form())
        applicant(penalty).post(f"/records/{penalty.pk}/objection/", objection_form(submission_key="k-2"))
    first, _ = Application.objects.order_by("pk")
    with at(2026, 10, 8):
        first = application_accept(application=first, actor=Actor.system())
        application_answer(
            application=first, decided_by=reviewer, outcome="maintain", note="维持", actor=Actor.system()
        )
    client.login(username="centre", password=PASSWORD)
    with at(2026, 10, 12):
        page = client.get("/workbench/applications/dashboard/")
    assert page.status_code == 200
    assert 'data-testid="overdue">1<' in page.text  # the second was never accepted (due 10-09)
    assert "1 个工作日" in page.text  # 09-30 → 10-08 is one working day
    assert "<svg" in page.text


def test_tipoff_goes_to_the_chosen_department_and_hides_the_reporter(client, penalty):
    from tests.records.helpers import company_uscc

    with at(2026, 7, 1):
        response = client.post(
            "/tipoffs/new/",
            {
                "submission_key": "t-1",
                "code": company_uscc(1),
                "department": penalty.department.pk,
                "explanation": "该企业长期拖欠货款并转移资产",
                "applicant_name": "李举报",
                "applicant_phone": "13900000000",
            },
        )
    application = Application.objects.get(kind="tipoff")
    assert (application.department, application.record) == (penalty.department, None)
    code = response.context["code"]
    with at(2026, 7, 1):
        status = client.get("/applications/status/", {"receipt_number": application.receipt_number, "code": code})
        subject_page = client.get(f"/subjects/{company_uscc(1)}/")
    assert "失信举报" in status.text
    assert "李举报" not in status.text
    assert "李举报" not in subject_page.text


def test_commitment_is_confirmed_then_public_and_a_breach_becomes_a_record(
    client, penalty, django_capture_on_commit_callbacks
):
    from tests.records.helpers import company_uscc

    with transaction.atomic():
        staff_create(
            username="rev", password=PASSWORD, role="reviewer", department_code="jl-scjg", actor=Actor.system()
        )
    with at(2026, 7, 1):
        response = applicant(penalty).post(
            "/commitments/new/",
            {
                "subject": penalty.subject_id,
                "kind": "审批替代型",
                "matter": "食品经营许可",
                "department": penalty.department.pk,
                "signer": "张总",
                "phone": "13700000000",
                "sign": "on",
            },
        )
        assert response.status_code == 200, response.text
        application = Application.objects.get(kind="commitment")
        code = response.context["code"]
        assert application.receipt_number in response.text
        assert application.state == "with_department"
        commitment = application.record
        assert commitment.status == "pending_review"
        assert "食品经营许可" not in client.get(f"/subjects/{company_uscc(1)}/", {"tab": "xycn"}).text
        client.login(username="rev", password=PASSWORD)
        with django_capture_on_commit_callbacks(execute=True):  # the page cache is dropped after commit
            client.post(
                f"/workbench/applications/{application.pk}/",
                {"action": "answer", "outcome": "confirm", "note": "材料齐全，予以确认"},
            )
        commitment.refresh_from_db()
        assert commitment.status == "active"
        status = client.get("/applications/status/", {"receipt_number": application.receipt_number, "code": code})
        assert "已处理" in status.text
        client.logout()
        assert "食品经营许可" in client.get(f"/subjects/{company_uscc(1)}/", {"tab": "xycn"}).text
        client.login(username="rev", password=PASSWORD)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/workbench/commitments/{commitment.pk}/fulfilment/", {"kept": "no", "note": "逾期未补齐材料"})
        commitment.refresh_from_db()
        assert commitment.data["CN_LYQK"] == "违诺"
        breach = CreditRecord.objects.get(record_type__code="wncn")
        assert (breach.data["WN_CNBH"], breach.severity, breach.status) == (commitment.source_id, "general", "active")
        client.logout()
        other = client.get(f"/subjects/{company_uscc(1)}/", {"tab": "other"}).text
    assert "违背信用承诺" in other


def test_a_commitment_is_signed_only_for_a_subject_the_account_acts_for(client, penalty):
    """The form offers the account's own subjects; another subject's id, posted anyway, is refused, as is an
    account with no verified grant (it has nothing to choose) and a visitor (sent to sign in)."""
    form = {
        "kind": "主动型",
        "matter": "诚信经营",
        "department": penalty.department.pk,
        "signer": "某人",
        "phone": "13700000000",
        "sign": "on",
    }
    other = CreditRecord.objects.get(source_id="长市监罚〔2026〕2号").subject
    with at(2026, 7, 1):
        browser = applicant(penalty)
        assert penalty.subject.name in browser.get("/commitments/new/").text
        assert other.name not in browser.get("/commitments/new/").text
        refused = browser.post("/commitments/new/", {**form, "subject": other.pk})
        visitor = Client().post("/commitments/new/", {**form, "subject": penalty.subject_id})
    assert "选择一个有效的选项" in refused.text
    assert visitor["Location"].startswith("/account/login/")
    assert not Application.objects.exists()


def test_a_clerk_entry_waiting_for_review_does_not_rename_the_subject(penalty):
    from records.services import RecordInput, records_ingest
    from tests.records.helpers import company_uscc, xzcf_item

    item = xzcf_item(1, CF_WSH="长市监罚〔2026〕新1号", CF_XDR_MC="改名后有限公司")
    records_ingest(
        department=penalty.department, items=[RecordInput(**item)], channel="form", actor=Actor.system(), review=True
    )
    assert penalty.subject.__class__.objects.get(uscc=company_uscc(1)).name == "长春测试1商贸有限公司"


def test_a_clerk_sees_no_decision_form_and_cannot_post_one(client, penalty):
    from rights.services import application_accept

    with transaction.atomic():
        staff_create(
            username="clerk1", password=PASSWORD, role="clerk", department_code="jl-scjg", actor=Actor.system()
        )
    with at(2026, 7, 1):
        applicant(penalty).post(f"/records/{penalty.pk}/objection/", objection_form())
        application = application_accept(application=Application.objects.get(), actor=Actor.system())
        client.login(username="clerk1", password=PASSWORD)
        page = client.get(f"/workbench/applications/{application.pk}/")
        assert page.status_code == 200
        assert 'name="outcome"' not in page.text
        assert "处理决定由本部门审核员或部门管理员作出" in page.text
        response = client.post(
            f"/workbench/applications/{application.pk}/",
            {"action": "answer", "outcome": "revoke", "note": "填报员自行撤销"},
            follow=True,
        )
    assert "只有本部门的审核员或部门管理员可以作出处理决定" in response.text
    application.refresh_from_db()
    penalty.refresh_from_db()
    assert (application.state, penalty.status) == ("with_department", "active")


def test_a_tipoff_case_opens_in_the_workbench_and_is_decided(client, penalty):
    """A whistle-blowing report names a subject, not a record: its case page has no record link."""
    from rights.services import application_accept
    from tests.records.helpers import company_uscc

    with transaction.atomic():
        staff_create(username="centre", password=PASSWORD, role="credit_admin", actor=Actor.system())
        staff_create(
            username="rev", password=PASSWORD, role="reviewer", department_code="jl-scjg", actor=Actor.system()
        )
    with at(2026, 7, 1):
        client.post(
            "/tipoffs/new/",
            {
                "submission_key": "t-1",
                "code": company_uscc(1),
                "department": penalty.department.pk,
                "explanation": "该企业长期拖欠货款并转移资产",
                "applicant_name": "李举报",
                "applicant_phone": "13900000000",
            },
        )
        application = Application.objects.get(kind="tipoff")
        client.login(username="centre", password=PASSWORD)
        page = client.get(f"/workbench/applications/{application.pk}/")
        assert page.status_code == 200
        assert "长春测试1商贸有限公司" in page.text
        assert "李举报" in page.text
        assert client.get("/workbench/applications/").status_code == 200
        application_accept(application=application, actor=Actor.system())
        client.logout()
        client.login(username="rev", password=PASSWORD)
        assert client.get(f"/workbench/applications/{application.pk}/").status_code == 200
        client.post(
            f"/workbench/applications/{application.pk}/",
            {"action": "answer", "outcome": "unfounded", "note": "经核查，举报不属实"},
        )
    application.refresh_from_db()
    assert (application.state, application.outcome) == ("decided", "unfounded")
