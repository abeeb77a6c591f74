import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from audit.services import Actor
from organisations.services import staff_create
from records.models import CreditRecord
from tests.records.helpers import company_uscc, xzcf_item

pytestmark = pytest.mark.django_db
PASSWORD = "Pass-12345-x"


@pytest.fixture
def staff(department, other_department):
    with transaction.atomic():
        for username, role, dept in [
            ("clerk", "clerk", department.code),
            ("reviewer", "reviewer", department.code),
            ("reviewer2", "reviewer", department.code),
            ("deptadmin", "dept_admin", department.code),
            ("otherclerk", "clerk", other_department.code),
            ("centre", "credit_admin", ""),
        ]:
            staff_create(username=username, password=PASSWORD, role=role, department_code=dept, actor=Actor.system())


def login(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def enter_penalty(client, n=1, **overrides):
    data = xzcf_item(n, **overrides)["data"]
    return client.post("/workbench/records/new/xzcf/", data)


def test_clerk_entry_waits_for_a_reviewer_who_approves_it(client, staff):
    login(client, "clerk")
    response = enter_penalty(client)
    assert response.status_code == 302
    record = CreditRecord.objects.get()
    assert (record.status, record.channel, record.submitted_by.username) == ("pending_review", "form", "clerk")
    login(client, "reviewer")
    assert "长市监罚〔2026〕1号" in client.get("/workbench/review/").text
    client.post(f"/workbench/records/{record.pk}/review/", {"decision": "approve", "note": ""})
    record.refresh_from_db()
    assert (record.status, record.reviewed_by.username, record.version) == ("active", "reviewer", 2)


def test_entry_errors_are_shown_in_chinese_on_the_field(client, staff):
    login(client, "clerk")
    response = enter_penalty(client, CF_XDR_SHXYM="91220104MA0000000X", CF_JDRQ="2026-13-01")
    assert response.status_code == 200
    assert response.text.count('class="field-error"') == 2
    assert "统一社会信用代码第" in response.text
    assert "不是有效日期" in response.text
    assert not CreditRecord.objects.exists()


def test_reject_needs_a_reason_and_nobody_reviews_their_own_entry(client, staff):
    login(client, "clerk")
    enter_penalty(client)
    record = CreditRecord.objects.get()
    login(client, "reviewer")
    client.post(f"/workbench/records/{record.pk}/review/", {"decision": "reject", "note": ""})
    record.refresh_from_db()
    assert record.status == "pending_review"
    client.post(f"/workbench/records/{record.pk}/review/", {"decision": "reject", "note": "文书号有误"})
    record.refresh_from_db()
    assert (record.status, record.review_note) == ("rejected", "文书号有误")


def test_reviewer_cannot_approve_own_entry(client, staff, department):
    from django.contrib.auth import get_user_model

    from records.services import RecordError, RecordInput, record_approve, records_ingest

    reviewer = get_user_model().objects.get(username="reviewer")
    [result] = records_ingest(
        department=department,
        items=[RecordInput(**xzcf_item(1))],
        channel="form",
        actor=Actor.system(),
        user=reviewer,
        review=True,
    )
    record = CreditRecord.objects.get(pk=result.record_id)
    with pytest.raises(RecordError, match="本人"):
        record_approve(record=record, reviewer=reviewer, actor=Actor.system())


def test_other_department_sees_nothing(client, staff):
    login(client, "clerk")
    enter_penalty(client)
    record = CreditRecord.objects.get()
    login(client, "otherclerk")
    assert client.get(f"/workbench/records/{record.pk}/").status_code == 404
    assert "长市监罚" not in client.get("/workbench/records/").text
    login(client, "centre")
    assert client.get(f"/workbench/records/{record.pk}/").status_code == 200


def test_clerk_cannot_review_or_revoke(client, staff):
    login(client, "clerk")
    enter_penalty(client)
    record = CreditRecord.objects.get()
    assert client.post(f"/workbench/records/{record.pk}/review/", {"decision": "approve"}).status_code == 403
    assert client.post(f"/workbench/records/{record.pk}/revoke/", {"reason": "x"}).status_code == 403
    assert client.get("/workbench/tokens/").status_code == 403


def test_revoke_from_the_workbench(client, staff):
    login(client, "clerk")
    enter_penalty(client)
    record = CreditRecord.objects.get()
    login(client, "deptadmin")
    client.post(f"/workbench/records/{record.pk}/revoke/", {"reason": "录入错误"})
    record.refresh_from_db()
    assert (record.status, record.revoked_reason) == ("revoked", "录入错误")


def test_upload_page_validates_then_imports(client, staff, django_capture_on_commit_callbacks):
    from tests.records.test_batches import csv_bytes

    login(client, "clerk")
    content = csv_bytes([xzcf_item(1), xzcf_item(2, CF_CFLB="乱填")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/workbench/uploads/", {"record_type": "xzcf", "file": SimpleUploadedFile("p.csv", content)}
        )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert "有效 <strong>1</strong> 行" in detail.text
    errors = client.get(response["Location"] + "errors.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert "处罚类别" in sheet.cell(row=2, column=2).value
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"] + "import/")
    assert CreditRecord.objects.get().status == "pending_review"


def test_wrong_header_gets_a_message_on_the_upload_page(client, staff, django_capture_on_commit_callbacks):
    """The header is read in the worker: the upload's page shows the failed batch and its message."""
    login(client, "clerk")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/workbench/uploads/",
            {"record_type": "xzcf", "file": SimpleUploadedFile("p.csv", "甲,乙\n1,2\n".encode("gbk"))},
        )
    detail = client.get(response["Location"])
    assert "失败" in detail.text
    assert "表头无法识别" in detail.text


def test_template_download_is_xlsx(client, staff):
    login(client, "clerk")
    response = client.get("/workbench/templates/xzcf.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_department_admin_issues_and_revokes_tokens(client, staff):
    login(client, "deptadmin")
    expires_on = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        "/workbench/tokens/", {"name": "处罚系统", "scopes": ["records:read"], "expires_on": expires_on}, follow=True
    )
    raw = response.context["new_token"]
    assert raw.startswith("cpt_")
    api = client.__class__(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/records/").status_code == 200
    token_id = response.context["tokens"][0].pk
    client.post(f"/workbench/tokens/{token_id}/revoke/")
    assert api.get("/api/v1/records/").status_code == 401


def test_credit_admin_matches_an_unmatched_record(client, staff, department):
    from records.services import RecordInput, records_ingest
    from tests.factories import CreditSubjectFactory

    item = xzcf_item(9, CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E1234567")
    records_ingest(department=department, items=[RecordInput(**item)], channel="api", actor=Actor.system())
    record = CreditRecord.objects.get()
    subject = CreditSubjectFactory(uscc=company_uscc(9))
    login(client, "centre")
    assert record.source_id in client.get("/workbench/unmatched/").text
    client.post(f"/workbench/unmatched/{record.pk}/match/", {"code": subject.uscc, "reason": "核对护照"})
    record.refresh_from_db()
    assert (record.status, record.subject) == ("active", subject)


def test_quality_page_for_department_and_centre(client, staff):
    login(client, "clerk")
    assert client.get("/workbench/quality/").status_code == 200
    login(client, "centre")
    assert client.get("/workbench/quality/").status_code == 200
