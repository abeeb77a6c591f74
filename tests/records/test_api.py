import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from organisations.models import ApiToken
from records.models import CreditRecord, IngestStat, RecordVersion
from subjects.models import CreditSubject
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item

pytestmark = pytest.mark.django_db


def push(client, items):
    return client.post("/api/v1/records/", data=json.dumps(items), content_type="application/json")


BROKEN = {
    "missing-required": lambda n: xzcf_item(n, CF_WFXW=None),
    "invalid-uscc": lambda n: xzcf_item(n, CF_XDR_SHXYM=company_uscc(n)[:-1] + "0"),
    "bad-date": lambda n: xzcf_item(n, CF_JDRQ="2026-02-30"),
    "unknown-enum": lambda n: xzcf_item(n, CF_CFLB="打板子"),
    "wrong-type": lambda n: {**xzcf_item(n), "record_type": "xzcfx"},
}
EXPECTED_ERROR_KEY = {
    "missing-required": "CF_WFXW",
    "invalid-uscc": "CF_XDR_SHXYM",
    "bad-date": "CF_JDRQ",
    "unknown-enum": "CF_CFLB",
    "wrong-type": "record_type",
}


def mixed_push(count=1000):
    items, broken_at = [], {}
    kinds = list(BROKEN)
    for n in range(count):
        if n % 100 == 7:
            kind = kinds[(n // 100) % len(kinds)]
            items.append(BROKEN[kind](n))
            broken_at[n] = kind
        else:
            items.append(xzcf_item(n) if n % 2 else xzxk_item(n))
    return items, broken_at


def test_push_stores_valid_items_and_reports_broken_ones_by_field_code(api):
    items, broken_at = mixed_push()
    if company_uscc(7)[-1] == "0":  # the invalid-uscc case must really be invalid
        pytest.skip("generated code already ends in 0")
    response = push(api, items)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["index"] for r in results] == list(range(1000))
    for n, result in enumerate(results):
        if n in broken_at:
            assert result["status"] == "rejected", (n, result)
            assert EXPECTED_ERROR_KEY[broken_at[n]] in result["errors"], (n, result)
            assert result["record_id"] is None
        else:
            assert result["status"] == "created", (n, result)
            assert result["errors"] == {}
    assert CreditRecord.objects.count() == 1000 - len(broken_at)
    assert RecordVersion.objects.count() == 1000 - len(broken_at)
    # No subject was created for a rejected item.
    assert not CreditSubject.objects.filter(uscc=company_uscc(7)).exists()


def test_same_push_again_is_unchanged_and_writes_nothing(api):
    items, broken_at = mixed_push(300)
    push(api, items)
    counts = (CreditRecord.objects.count(), RecordVersion.objects.count(), AuditEvent.objects.count())
    again = push(api, items).json()["results"]
    assert {r["status"] for n, r in enumerate(again) if n not in broken_at} == {"unchanged"}
    assert counts == (CreditRecord.objects.count(), RecordVersion.objects.count(), AuditEvent.objects.count())


def test_changed_item_makes_a_new_version(api):
    push(api, [xzcf_item(1)])
    result = push(api, [xzcf_item(1, CF_NR_FK="8")]).json()["results"][0]
    assert result["status"] == "updated"
    detail = api.get(f"/api/v1/records/{result['record_id']}/").json()
    assert detail["version"] == 2
    assert [v["version"] for v in detail["versions"]] == [1, 2]
    assert [v["data"]["CF_NR_FK"] for v in detail["versions"]] == ["5", "8"]


def test_record_gets_severity_and_disclosure_window_from_the_rules(api):
    record_id = push(api, [xzcf_item(2, CF_CFLB="罚款;吊销许可证件")]).json()["results"][0]["record_id"]
    record = CreditRecord.objects.get(pk=record_id)
    assert record.severity == "severe"
    assert record.regime == "ndrc-2025-36"
    assert (record.disclosure_start, record.disclosure_end) == (datetime.date(2026, 6, 1), datetime.date(2029, 5, 31))
    assert record.repair_eligible_on == datetime.date(2027, 6, 1)


def test_department_severity_overrides_the_rule(api):
    item = {**xzcf_item(3), "severity": "serious"}
    record_id = push(api, [item]).json()["results"][0]["record_id"]
    assert CreditRecord.objects.get(pk=record_id).severity == "serious"


def test_natural_person_id_is_stored_masked(api):
    from subjects import identifiers as ids

    citizen_id = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1985, 3, 9), sequence=17)
    item = xzcf_item(
        4, CF_XDR_MC="张三", CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=citizen_id
    )
    result = push(api, [item]).json()["results"][0]
    assert result["status"] == "created", result
    record = CreditRecord.objects.get(pk=result["record_id"])
    assert record.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(citizen_id)
    assert record.subject.kind == "natural_person"
    assert citizen_id not in json.dumps(list(RecordVersion.objects.values_list("data", flat=True)))


def test_natural_person_needs_id_fields(api):
    item = xzcf_item(5, CF_XDR_LB="自然人", CF_XDR_SHXYM=None)
    errors = push(api, [item]).json()["results"][0]["errors"]
    assert set(errors) == {"CF_XDR_ZJLX", "CF_XDR_ZJHM"}


def test_unidentifiable_subject_waits_in_the_matching_queue(api):
    item = xzcf_item(6, CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E12345678")
    result = push(api, [item]).json()["results"][0]
    assert result["status"] == "created"
    record = CreditRecord.objects.get(pk=result["record_id"])
    assert (record.status, record.subject) == ("unmatched", None)


@pytest.mark.parametrize(
    ("body", "status"),
    [("{not json", 400), (json.dumps({"record_type": "xzcf"}), 400), (json.dumps([]), 400)],
    ids=["malformed-json", "not-a-list", "empty-list"],
)
def test_malformed_bodies_are_400_and_change_nothing(api, body, status):
    response = api.post("/api/v1/records/", data=body, content_type="application/json")
    assert response.status_code == status
    assert not CreditRecord.objects.exists()


def test_more_than_1000_items_is_413(api):
    response = push(api, [xzcf_item(n) for n in range(1001)])
    assert response.status_code == 413
    assert "1000" in response.json()["detail"]
    assert not CreditRecord.objects.exists()


def test_item_that_is_not_an_object_is_rejected_alone(api):
    results = push(api, ["oops", xzcf_item(1)]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "created"]


def test_other_department_cannot_read_change_or_revoke(api, other_api):
    record_id = push(api, [xzcf_item(1)]).json()["results"][0]["record_id"]
    assert other_api.get(f"/api/v1/records/{record_id}/").status_code == 404
    response = other_api.post(f"/api/v1/records/{record_id}/revoke/", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 404
    assert other_api.get("/api/v1/records/").json()["results"] == []
    # The same document number from another department is that department's own record.
    other_result = push(other_api, [xzcf_item(1)]).json()["results"][0]
    assert other_result["status"] == "created"
    assert CreditRecord.objects.get(pk=record_id).status == "active"


def test_revoke_keeps_the_record_with_its_reason(api):
    record_id = push(api, [xzcf_item(1)]).json()["results"][0]["record_id"]
    assert api.post(f"/api/v1/records/{record_id}/revoke/", {}, content_type="application/json").status_code == 400
    response = api.post(f"/api/v1/records/{record_id}/revoke/", {"reason": "复议撤销"}, content_type="application/json")
    assert response.status_code == 200
    record = CreditRecord.objects.get(pk=record_id)
    assert (record.status, record.revoked_reason, record.version) == ("revoked", "复议撤销", 2)
    again = push(api, [xzcf_item(1, CF_NR_FK="9")]).json()["results"][0]
    assert again["status"] == "rejected"
    assert "已撤销" in again["errors"]["CF_WSH"][0]


def test_list_filters_and_cursor_pagination(api):
    push(api, [xzcf_item(n) for n in range(5)] + [xzxk_item(n) for n in range(3)])
    licences = api.get("/api/v1/records/", {"record_type": "xzxk"}).json()
    assert len(licences["results"]) == 3
    one_subject = api.get("/api/v1/records/", {"subject": company_uscc(2)}).json()["results"]
    assert {r["record_type"] for r in one_subject} == {"xzcf", "xzxk"}
    first = api.get("/api/v1/records/", {"page_size": 3}).json()
    second = api.get(first["next"]).json()
    ids_seen = [r["id"] for r in first["results"] + second["results"]]
    assert len(ids_seen) == len(set(ids_seen)) == 6
    assert ids_seen == sorted(ids_seen, reverse=True)


def test_ingest_statistics_count_outcomes_and_reasons(api, department):
    push(api, [xzcf_item(1), xzcf_item(2, CF_WFXW=None), xzcf_item(3, CF_WFXW=None, CF_JDRQ="x")])
    push(api, [xzcf_item(1)])
    stat = IngestStat.objects.get(department=department, record_type__code="xzcf")
    assert (stat.received, stat.created, stat.unchanged, stat.rejected) == (4, 1, 1, 2)
    assert stat.rejected_by_reason == {"CF_WFXW": 2, "CF_JDRQ": 1}


def test_requests_without_valid_token_are_refused(client, department, make_token):
    assert push(client, [xzcf_item(1)]).status_code in (401, 403)
    raw = make_token(department)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/records/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    expired = make_token(department, days=1)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        response = client.get("/api/v1/records/", HTTP_AUTHORIZATION=f"Bearer {expired}")
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]
    read_only = make_token(department, scopes=["records:read"])
    response = client.post(
        "/api/v1/records/",
        data=json.dumps([xzcf_item(1)]),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {read_only}",
    )
    assert response.status_code == 403
    assert not CreditRecord.objects.exists()


def test_subject_api_with_token(api):
    push(api, [xzcf_item(1)])
    body = api.get(f"/api/v1/subjects/{company_uscc(1)}/").json()
    assert body["name"] == "长春测试1商贸有限公司"


def test_catalog_lists_types_and_fields(client):
    body = client.get("/api/v1/catalog/").json()
    codes = {t["code"] for t in body}
    assert {"xzxk", "xzcf", "sxbzxr", "yzsxmd", "jyyc", "hmd", "xycn"} <= codes
    xzcf = client.get("/api/v1/catalog/xzcf/").json()
    required = {f["code"] for f in xzcf["fields"] if f["requirement"] == "always"}
    assert {
        "CF_XDR_MC",
        "CF_XDR_LB",
        "CF_WSH",
        "CF_WFXW",
        "CF_SY",
        "CF_YJ",
        "CF_CFLB",
        "CF_NR",
        "CF_JDRQ",
        "CF_CFJG",
        "CF_CFJGDM",
        "CF_SJLY",
        "CF_SJLYDM",
    } == required
