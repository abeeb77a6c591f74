"""The special-query pages: a department's reviewer applies, the credit centre decides and issues, the department
reads the watermarked result (page and PDF); another department sees none of it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from queries.choices import SpecialQueryState
from queries.models import SpecialQuery
from records.models import RecordType
from subjects.models import SubjectAccess
from tests.records.helpers import company_uscc

TZ = datetime.timezone(datetime.timedelta(hours=8))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def application(qsxx, **overrides) -> dict:
    return {
        "subjects": f"{company_uscc(1)}\n",
        "record_types": [qsxx.pk],
        "purpose": "inspection",
        "purpose_note": "专项执法检查",
        "legal_basis": "《中华人民共和国税收征收管理法》第五十四条",
        "files": SimpleUploadedFile("公函.pdf", PDF, content_type="application/pdf"),
    } | overrides


@pytest.fixture
def flow(reader, arrears, qsxx, staff):
    """甲's reviewer applies, the credit centre approves and issues (on 2026-07-01)."""
    reviewer = staff("reviewer", reader)
    centre = staff("credit_admin")
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        response = reviewer.post("/workbench/special-queries/new/", application(qsxx))
        assert response.status_code == 302, response.content.decode()
        query = SpecialQuery.objects.get()
        detail = f"/workbench/special-queries/{query.pk}/"
        centre.post(detail, {"action": "approve", "valid_days": "10", "note": "同意"})
        centre.post(detail, {"action": "issue"})
    query.refresh_from_db()
    assert query.state == SpecialQueryState.ISSUED
    return reviewer, centre, query


def test_a_clerk_does_not_apply(reader, qsxx, staff):
    clerk = staff("clerk", reader)
    assert clerk.get("/workbench/special-queries/new/").status_code == 403
    assert clerk.post("/workbench/special-queries/new/", application(qsxx)).status_code == 403
    assert not SpecialQuery.objects.exists()


@pytest.mark.parametrize(("role", "offered"), [("clerk", False), ("reviewer", True), ("dept_admin", True)])
def test_the_query_page_links_the_application_only_for_those_who_may_apply(reader, staff, role, offered):
    page = staff(role, reader).get("/workbench/queries/").content.decode()
    assert ('href="/workbench/special-queries/new/"' in page) is offered
    assert ("可由本部门审核员或部门管理员提出特殊查询申请" in page) is not offered


def test_a_bad_application_shows_its_error_on_the_field(reader, arrears, qsxx, staff):
    reviewer = staff("reviewer", reader)
    response = reviewer.post("/workbench/special-queries/new/", application(qsxx, legal_basis=""))
    assert response.status_code == 200
    assert "请填写法律依据" in response.content.decode()
    assert not SpecialQuery.objects.exists()


def test_a_fresh_install_offers_the_catalogs_restricted_type(reader, staff):
    """records 0026: 欠税信息 (政务共享) is in the catalog, so the required 信息类型 has a choice."""
    page = staff("reviewer", reader).get("/workbench/special-queries/new/").content.decode()
    assert "欠税信息" in page
    assert "提交申请" in page


def test_without_a_restricted_type_the_page_says_so_instead_of_an_unsubmittable_form(reader, staff):
    RecordType.objects.filter(disclosure_level__in=["government", "restricted"]).update(disclosure_level="public")
    page = staff("reviewer", reader).get("/workbench/special-queries/new/").content.decode()
    assert "目前无法提出特殊查询申请" in page
    assert "提交申请" not in page


def test_a_missing_purpose_is_refused_in_words_without_codes(reader, arrears, qsxx, staff):
    response = staff("reviewer", reader).post("/workbench/special-queries/new/", application(qsxx, purpose=""))
    page = response.content.decode()
    assert "请选择查询事由。" in page
    assert "licensing（" not in page
    assert "可选：" not in page
    assert not SpecialQuery.objects.exists()


def test_the_department_reads_the_watermarked_result_each_view_logged(flow, reader, arrears):
    reviewer, _, query = flow
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=TZ), tick=False):
        page = reviewer.get(f"/workbench/special-queries/{query.pk}/result/")
        assert page.status_code == 200
        text = page.content.decode()
        assert arrears.source_id in text
        watermark = f"{reader.name} · {query.number} · 有效期至 2026-07-11 10:00 · {reviewer.user.username}"
        assert watermark in text
        assert text.count(watermark) > 10  # tiled over the page
        assert page["Cache-Control"].startswith("max-age=0")
        document = reviewer.get(f"/workbench/special-queries/{query.pk}/result.pdf")
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert document.content.startswith(b"%PDF-")
    assert list(SubjectAccess.objects.values_list("kind", "accessor")) == [("special", reader.name)] * 2


def test_after_expiry_the_result_is_refused(flow):
    reviewer, _, query = flow
    with time_machine.travel(datetime.datetime(2026, 7, 12, 9, tzinfo=TZ), tick=False):
        assert reviewer.get(f"/workbench/special-queries/{query.pk}/result/").status_code == 403
    assert not SubjectAccess.objects.exists()


def test_another_department_sees_nothing_of_it(flow, owner, staff):
    _, _, query = flow
    other = staff("dept_admin", owner)
    for path in ("", "result/", "result.pdf", f"files/{query.files.get().pk}/"):
        assert other.get(f"/workbench/special-queries/{query.pk}/{path}").status_code == 404, path
    assert query.number not in other.get("/workbench/special-queries/").content.decode()
    assert not SubjectAccess.objects.exists()


def test_only_the_credit_centre_decides(reader, arrears, qsxx, staff):
    reviewer = staff("reviewer", reader)
    reviewer.post("/workbench/special-queries/new/", application(qsxx))
    query = SpecialQuery.objects.get()
    response = reviewer.post(
        f"/workbench/special-queries/{query.pk}/", {"action": "approve", "valid_days": "30", "note": "自批"}
    )
    assert response.status_code == 302
    assert "您无权执行此操作。" in [str(m) for m in response.wsgi_request._messages]
    query.refresh_from_db()
    assert query.state == SpecialQueryState.SUBMITTED
    assert reviewer.get(f"/workbench/special-queries/{query.pk}/result/").status_code == 403


def test_the_credit_centre_reads_applications_and_files_not_results(flow):
    _, centre, query = flow
    assert centre.get(f"/workbench/special-queries/{query.pk}/").status_code == 200
    download = centre.get(f"/workbench/special-queries/{query.pk}/files/{query.files.get().pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert centre.get(f"/workbench/special-queries/{query.pk}/result/").status_code == 403


def test_the_dashboard_lists_overdue_applications(reader, arrears, qsxx, staff):
    reviewer = staff("reviewer", reader)
    with time_machine.travel(datetime.datetime(2026, 9, 29, 10, tzinfo=TZ), tick=False):
        reviewer.post("/workbench/special-queries/new/", application(qsxx))
    query = SpecialQuery.objects.get()
    centre = staff("credit_admin")
    with time_machine.travel(datetime.datetime(2026, 10, 13, 10, tzinfo=TZ), tick=False):
        page = centre.get("/workbench/special-queries/dashboard/").content.decode()
    assert 'data-testid="overdue">1<' in page
    assert query.number in page
    assert reviewer.get("/workbench/special-queries/dashboard/").status_code == 403


def test_the_credit_centres_workbench_lists_applications_waiting_for_its_decision(reader, arrears, qsxx, staff):
    staff("reviewer", reader).post("/workbench/special-queries/new/", application(qsxx))
    page = staff("credit_admin").get("/workbench/").content.decode()
    panel = page[page.index('data-testid="todo-panel"') :]
    assert '<a href="/workbench/special-queries/">待审批的特殊查询申请' in panel
