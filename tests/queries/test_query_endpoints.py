"""The graded query as department systems call it (``POST /api/v1/queries/``, scope ``records:query``) and as
staff use it in the workbench (部门信用查询): the same refusals, with codes and fields."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from audit.models import AuditEvent
from organisations.choices import TokenScope
from subjects.models import SubjectAccess
from tests.factories import api_token_issue
from tests.queries.conftest import ingest
from tests.queries.helpers import restricted_item
from tests.records.helpers import company_uscc

URL = "/api/v1/queries/"
PAGE = "/workbench/queries/"


def token_client(department, scopes=None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(department, scopes=scopes)[1]}")


def post(client, body: dict):
    return client.post(URL, json.dumps(body), content_type="application/json")


def body(**overrides) -> dict:
    return {"subject": company_uscc(1), "purpose": "supervision", "purpose_note": "双随机抽查 2026-07"} | overrides


def test_api_query_answers_the_granted_records_and_logs_the_read(reader, arrears, qsxx, grant):
    grant(reader, qsxx)
    response = post(token_client(reader, [TokenScope.RECORDS_QUERY]), body())
    assert response.status_code == 200, response.content
    data = response.json()
    assert [r["id"] for r in data["records"]] == [arrears.pk]
    record = data["records"][0]
    assert (record["record_type"], record["disclosure_level"], record["department"]) == ("qsxx", "government", "jl-sw")
    assert record["data"]["QS_QSJE"] == "12.5"
    assert (data["purpose"], data["purpose_label"], data["record_types"]) == ("supervision", "日常监管", ["qsxx"])
    access = SubjectAccess.objects.get(pk=data["access_id"])
    assert (access.accessor, access.purpose) == (reader.name, "日常监管：双随机抽查 2026-07")
    event = AuditEvent.objects.get(action="subject.access")
    assert event.actor_type == "token"


def test_api_refuses_without_a_grant_with_its_code(reader, arrears):
    response = post(token_client(reader, [TokenScope.RECORDS_QUERY]), body())
    assert response.status_code == 403
    assert response.json()["code"] == "no_grant"
    assert "查询权限" in response.json()["detail"]
    assert not SubjectAccess.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"purpose": ""}, "purpose_required", "purpose"),
        ({"purpose": "无"}, "purpose_required", "purpose"),
        ({"purpose": "other", "purpose_note": ""}, "purpose_note_required", "purpose_note"),
        ({"subject": company_uscc(99)}, "unknown_subject", "subject"),
    ],
    ids=["no-purpose", "unknown-purpose", "other-without-note", "unknown-subject"],
)
def test_api_refuses_bad_input_on_its_field(reader, arrears, qsxx, grant, overrides, code, field):
    grant(reader, qsxx)
    response = post(token_client(reader, [TokenScope.RECORDS_QUERY]), body(**overrides))
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not SubjectAccess.objects.exists()


def test_api_needs_the_query_scope(reader, arrears, qsxx, grant):
    grant(reader, qsxx)
    others = [scope for scope in TokenScope.values if scope != TokenScope.RECORDS_QUERY]
    assert post(token_client(reader, others), body()).status_code == 403
    assert not SubjectAccess.objects.exists()


def test_staff_sessions_query_in_the_workbench_not_through_the_api(reader, arrears, qsxx, grant, staff):
    grant(reader, qsxx)
    assert post(staff("reviewer", reader), body()).status_code == 403
    assert not SubjectAccess.objects.exists()


def test_workbench_query_shows_the_granted_record(reader, arrears, qsxx, grant, staff):
    grant(reader, qsxx)
    clerk = staff("clerk", reader)
    page = clerk.get(PAGE)
    assert page.status_code == 200
    assert "欠税信息（政务共享）" in page.content.decode()  # the department's grants
    response = clerk.post(PAGE, {"subject": company_uscc(1), "purpose": "licensing", "purpose_note": ""})
    assert response.status_code == 200
    text = response.content.decode()
    assert arrears.source_id in text
    assert "12.5" in text
    assert response["Cache-Control"].startswith("max-age=0")
    access = SubjectAccess.objects.get()
    assert (access.accessor, access.purpose) == (reader.name, "行政许可审查")
    assert AuditEvent.objects.get(action="subject.access").actor_label == clerk.user.username


def test_workbench_refuses_without_a_grant_and_without_a_purpose(reader, arrears, qsxx, grant, staff):
    clerk = staff("clerk", reader)
    response = clerk.post(PAGE, {"subject": company_uscc(1), "purpose": "licensing"})
    assert response.status_code == 403
    assert "没有查询其他部门政务共享、授权查询类信息的权限" in response.content.decode()
    assert arrears.source_id not in response.content.decode()
    grant(reader, qsxx)
    response = clerk.post(PAGE, {"subject": company_uscc(1), "purpose": ""})
    assert response.status_code == 400
    assert "请选择查询事由" in response.content.decode()
    assert arrears.source_id not in response.content.decode()
    assert not SubjectAccess.objects.exists()


def test_the_query_page_is_for_department_staff(reader, staff, client):
    assert staff("credit_admin").get(PAGE).status_code == 403
    assert staff("auditor").get(PAGE).status_code == 403
    assert client.get(PAGE).status_code == 302  # to the login page


def test_the_page_reads_in_a_fixed_number_of_queries(reader, owner, arrears, qsxx, grant, staff):
    """Whatever the number of records: the grants, the types, the subject, the records and their fields."""
    grant(reader, qsxx)
    clerk = staff("clerk", reader)

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = clerk.post(PAGE, {"subject": company_uscc(1), "purpose": "licensing"})
        assert response.status_code == 200
        return len(captured.captured_queries)

    one = queries()
    ingest(owner, restricted_item(1, number="吉税欠〔2026〕2号"), restricted_item(1, number="吉税欠〔2026〕3号"))
    assert queries() == one
