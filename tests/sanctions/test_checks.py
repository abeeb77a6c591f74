import datetime
import json

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from audit.models import AuditEvent
from sanctions.models import Check, Feedback
from tests.factories import DepartmentFactory, api_token_issue, uscc_for
from tests.records.helpers import company_uscc, hmd_item, yzsxmd_item

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def client_for(sector: str, code: str) -> Client:
    department = DepartmentFactory(code=code, sector=sector)
    with transaction.atomic():
        _, raw = api_token_issue(department)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def check(client, scenario, subjects, reference="JLCG-2026-0815"):
    return client.post(
        "/api/v1/checks/",
        data=json.dumps({"scenario": scenario, "reference": reference, "subjects": subjects}),
        content_type="application/json",
    )


@pytest.fixture
def black_subject(push):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        push(yzsxmd_item(1, until="2027-05-31"))
    return company_uscc(1)


@time_machine.travel(datetime.datetime(2026, 7, 2, 10, tzinfo=TZ), tick=False)
def test_finance_department_in_procurement_gets_the_procurement_ban(black_subject):
    finance = client_for("finance", "jl-czt")
    response = check(finance, "procurement", [black_subject.lower(), uscc_for(4242), "123"])
    assert response.status_code == 201, response.json()
    body = response.json()
    [found, unknown, invalid] = body["results"]
    assert found["status"] == "black"
    assert [m["list"] for m in found["memberships"]] == ["yzsx_scjg"]
    assert found["memberships"][0]["until"] == "2027-05-31"
    measures = {m["code"]: m for m in found["measures"]}
    assert measures["zfcg_xz"]["name"] == "限制参加政府采购活动"
    assert "政府采购法" in measures["zfcg_xz"]["basis"]
    assert unknown == {"subject": uscc_for(4242), "found": False, "error": "未找到该主体。"}
    assert invalid["found"] is False
    assert "18位" in invalid["error"]
    stored = Check.objects.get(pk=body["id"])
    assert stored.results == body["results"]
    assert AuditEvent.objects.filter(action="check.perform", object_id=str(stored.pk)).exists()


@time_machine.travel(datetime.datetime(2026, 7, 2, 10, tzinfo=TZ), tick=False)
def test_unrelated_department_and_scenario_get_no_measure(black_subject):
    environment = client_for("environment", "jl-sthj")
    [result] = check(environment, "land", [black_subject]).json()["results"]
    assert result["status"] == "black"
    assert result["measures"] == []


@time_machine.travel(datetime.datetime(2026, 7, 2, 10, tzinfo=TZ), tick=False)
def test_red_subject_gets_rewards(push):
    push(hmd_item(2))
    [result] = check(client_for("development", "jl-fgw"), "licensing", [company_uscc(2)]).json()["results"]
    assert result["status"] == "red"
    assert {"lstd", "rqsl"} <= {m["code"] for m in result["measures"]}
    assert all(m["kind"] == "reward" for m in result["measures"])


@time_machine.travel(datetime.datetime(2026, 7, 2, 10, tzinfo=TZ), tick=False)
def test_feedback_only_by_the_checking_department_and_only_for_answered_measures(black_subject):
    finance = client_for("finance", "jl-czt")
    check_id = check(finance, "procurement", [black_subject]).json()["id"]
    url = f"/api/v1/checks/{check_id}/feedback/"
    good = {"items": [{"subject": black_subject, "measure": "zfcg_xz", "applied": True, "note": "取消投标资格"}]}
    other = client_for("housing", "jl-zjt")
    assert other.post(url, data=json.dumps(good), content_type="application/json").status_code == 404
    wrong = {"items": [{"subject": black_subject, "measure": "lstd", "applied": True}]}
    response = finance.post(url, data=json.dumps(wrong), content_type="application/json")
    assert response.status_code == 400
    assert "没有措施" in response.json()["detail"]
    assert finance.post(url, data=json.dumps(good), content_type="application/json").status_code == 200
    feedback = Feedback.objects.get()
    assert (feedback.result, feedback.note) == ("applied", "取消投标资格")


def test_bad_check_requests_are_400():
    finance = client_for("finance", "jl-czt")
    assert check(finance, "lottery", [uscc_for(1)]).status_code == 400
    assert check(finance, "procurement", []).status_code == 400
    assert check(finance, "procurement", [uscc_for(1)] * 1001).status_code == 400
    assert not Check.objects.exists()


@time_machine.travel(datetime.datetime(2026, 7, 2, 10, tzinfo=TZ), tick=False)
def test_change_feed_lists_openings_in_order(black_subject, push):
    push(hmd_item(3))
    feed = client_for("finance", "jl-czt").get("/api/v1/memberships/changes/").json()
    assert [(c["list"], c["kind"]) for c in feed["results"]] == [("yzsx_scjg", "opened"), ("hmd_nsa", "opened")]
    assert feed["results"][0]["subject"] == black_subject


def test_unknown_citizen_ids_are_kept_masked_in_the_answer():
    from subjects import identifiers as ids

    citizen_id = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1990, 1, 1), sequence=7)
    finance = client_for("finance", "jl-czt")
    [result] = check(finance, "procurement", [citizen_id]).json()["results"]
    assert result == {"subject": ids.mask_citizen_id(citizen_id), "found": False, "error": "未找到该主体。"}
    assert citizen_id not in json.dumps(Check.objects.get().results)
