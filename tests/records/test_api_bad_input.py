"""Bad input on the authenticated API: a clear 4xx naming what is wrong, and nothing stored (issue 10).

Each case answered 500 before: PostgreSQL refuses NUL in text, encoders refuse lone surrogates, Python's
JSON parser recurses once per level, odd UTC offsets overflow, a non-numeric id reached an integer lookup,
and the subject constraint refused a revoked record that never had a subject.
"""

import io
import json
from urllib.parse import quote

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from credit_portal.parsers import MAX_JSON_DEPTH
from records.models import CreditRecord, IngestBatch, RecordVersion
from tests.factories import api_token_issue
from tests.records.helpers import xzcf_item

pytestmark = pytest.mark.django_db


def push_raw(client, body: str):
    return client.post("/api/v1/records/", data=body, content_type="application/json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("CF_WFXW", "销售\x00不合格食品"),
        ("CF_XDR_MC", "长春\ud800测试商贸有限公司"),
        ("CF_NR", "罚款\x07五万元"),
    ],
    ids=["nul", "lone-surrogate", "control-character"],
)
def test_unsafe_characters_in_record_data_are_a_field_error(api, field, value):
    # json.dumps escapes both as \u0000 and \ud800: the body is valid JSON, the decoded text is not storable.
    response = push_raw(api, json.dumps([xzcf_item(1, **{field: value})]))
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["status"] == "rejected"
    assert set(result["errors"]) == {field}
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("CF_WFXW", ["销售", "不合格食品"]),
        ("CF_WFXW", {"text": "销售不合格食品"}),
        ("CF_WFXW", True),
        ("CF_NR_FK", False),
        ("CF_NR_FK", [5]),
    ],
    ids=["list-for-text", "object-for-text", "bool-for-text", "bool-for-amount", "list-for-amount"],
)
def test_values_of_the_wrong_json_type_are_field_errors(api, field, value):
    result = push_raw(api, json.dumps([xzcf_item(1, **{field: value})])).json()["results"][0]
    assert result["status"] == "rejected"
    assert set(result["errors"]) == {field}
    assert not CreditRecord.objects.exists()


def test_numbers_are_accepted_where_text_or_amounts_are_expected(api):
    item = xzcf_item(1, CF_NR_FK=5.5, CF_WFXW=12345)
    result = push_raw(api, json.dumps([item])).json()["results"][0]
    assert result["status"] == "created", result
    record = CreditRecord.objects.get()
    assert (record.data["CF_NR_FK"], record.data["CF_WFXW"]) == ("5.5", "12345")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("CF_NR_FK", "100000000.5"),
        ("CF_NR_FK", 1e300),
        ("CF_NR_FK", "0.1234567"),
        ("CF_NR_FK", "NaN"),
        ("CF_NR_FK", "Infinity"),
        ("CF_JDRQ", "1949-09-30"),
        ("CF_JDRQ", "0001-01-01"),
        ("CF_GSJZQ", "2100-01-01"),
        ("CF_YXQ", "9999-12-31"),
    ],
    ids=[
        "over-1e8",
        "huge-float",
        "seven-decimals",
        "nan",
        "infinity",
        "before-1949",
        "year-1",
        "deadline-2100",
        "9999",
    ],
)
def test_absurd_amounts_and_dates_are_field_errors(api, field, value):
    result = push_raw(api, json.dumps([xzcf_item(1, **{field: value})])).json()["results"][0]
    assert result["status"] == "rejected", result
    assert set(result["errors"]) == {field}
    assert not CreditRecord.objects.exists()


def test_nan_literal_in_the_body_is_a_400(api):
    body = json.dumps([xzcf_item(1)]).replace('"CF_NR_FK": "5"', '"CF_NR_FK": NaN')
    assert "NaN" in body
    response = push_raw(api, body)
    assert response.status_code == 400
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 200_000], ids=["just-over", "thousands", "stack"])
def test_deeply_nested_json_is_a_clear_400(api, depth):
    response = push_raw(api, "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]
    assert not CreditRecord.objects.exists()


def test_nesting_a_record_needs_is_accepted(api):
    assert push_raw(api, json.dumps([xzcf_item(1)])).json()["results"][0]["status"] == "created"


def test_deep_json_is_refused_on_every_endpoint(api):
    depth = 10_000
    response = api.post(
        "/api/v1/checks/", data="{" + '"a":{' * depth + "}" * (depth + 1), content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "value",
    [
        "1453-02-22T11:21:29+19:18",
        "0001-01-01T00:00:00+05:00",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59-05:00",
        "9999-12-31T23:59:59",
        "2026-07-01T08:00:00+23:59",
        "not-a-moment",
    ],
    ids=["1453-odd-offset", "year-1-offset", "year-1", "9999-offset", "9999", "offset-23h59", "text"],
)
def test_odd_received_since_is_a_400_naming_the_parameter(api, value):
    response = api.get("/api/v1/records/", {"received_since": value})
    assert response.status_code == 400
    assert "received_since" in response.json()


def test_a_real_received_since_still_filters(api):
    push_raw(api, json.dumps([xzcf_item(1)]))
    assert len(api.get("/api/v1/records/", {"received_since": "2020-01-01T00:00:00+08:00"}).json()["results"]) == 1
    assert api.get("/api/v1/records/", {"received_since": "2099-01-01T00:00:00Z"}).json()["results"] == []


@pytest.mark.parametrize(
    "query", ["source_id=a%00b", "record_type=%00", "subject=%ED%A0%80%00", "status=" + "x" * 5000]
)
def test_unsafe_query_parameters_are_a_json_400(api, query):
    response = api.get(f"/api/v1/records/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_query_parameter"


@pytest.mark.parametrize("check_id", ["AAA", "1e3", "99999999999999999999", "12345"])
def test_feedback_on_an_unknown_or_non_numeric_check_is_a_json_404(api, check_id):
    response = api.post(
        f"/api/v1/checks/{check_id}/feedback/", data=json.dumps({"items": []}), content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_unmatched_record_can_be_revoked_versioned_and_audited(api):
    item = xzcf_item(6, CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E12345678")
    record_id = push_raw(api, json.dumps([item])).json()["results"][0]["record_id"]
    assert CreditRecord.objects.get(pk=record_id).status == "unmatched"

    response = api.post(
        f"/api/v1/records/{record_id}/revoke/",
        data=json.dumps({"reason": "误报：当事人信息填错"}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    record = CreditRecord.objects.get(pk=record_id)
    assert (record.status, record.subject_id, record.revoked_reason) == ("revoked", None, "误报：当事人信息填错")
    latest = RecordVersion.objects.filter(record=record).order_by("-version").first()
    assert (latest.change, latest.status, latest.reason) == ("revoke", "revoked", "误报：当事人信息填错")
    event = AuditEvent.objects.get(action="record.revoke")
    assert event.before["status"] == "unmatched"
    assert event.after["status"] == "revoked"


def test_other_departments_cannot_revoke_an_unmatched_record(api, other_api):
    item = xzcf_item(6, CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E12345678")
    record_id = push_raw(api, json.dumps([item])).json()["results"][0]["record_id"]
    response = other_api.post(
        f"/api/v1/records/{record_id}/revoke/", data=json.dumps({"reason": "x"}), content_type="application/json"
    )
    assert response.status_code == 404
    assert CreditRecord.objects.get(pk=record_id).status == "unmatched"


def test_api_json_body_over_the_limit_is_refused_before_it_is_read(client, department, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    with transaction.atomic():
        _, raw = api_token_issue(department)
    body = json.dumps([xzcf_item(1)] * 20)
    assert len(body.encode()) > 1024
    response = client.post(
        "/api/v1/records/", data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/records/", [{"record_type": "xzcf\ud800", "data": {}}]),
        ("/api/v1/checks/", {"scenario": "\ud800", "reference": "r", "subjects": ["x"]}),
    ],
    ids=["record-type", "scenario"],
)
def test_a_lone_surrogate_echoed_in_an_answer_is_escaped_not_a_500(api, url, body):
    response = api.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400)
    assert "\ud800" in json.dumps(response.json(), ensure_ascii=False)
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize("key", ["CF_\ud800", "CF_\x00", "CF\x1b"], ids=["surrogate", "nul", "escape"])
def test_unsafe_characters_in_a_field_code_are_a_400(api, key):
    # PostgreSQL refuses these in jsonb (the day's rejection counts are keyed by field code): a 500 before.
    response = push_raw(api, json.dumps([{"record_type": "xzcf", "data": {**xzcf_item(1)["data"], key: "x"}}]))
    assert response.status_code == 400
    assert "键" in response.json()["detail"]
    assert not CreditRecord.objects.exists()


def test_batch_upload_over_the_limit_is_a_json_413(api, settings):
    settings.BATCH_MAX_BYTES = 1024
    settings.REQUEST_BODY_OVERHEAD_BYTES = 0
    upload = io.BytesIO(b"CF_XDR_MC\n" + "长春测试商贸有限公司\n".encode() * 200)
    upload.name = "records.csv"
    response = api.post("/api/v1/batches/", {"file": upload, "record_type": "xzcf"})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not IngestBatch.objects.exists()


# Property: arbitrary text in any filter or id of the API's reads never answers 500 ----------------------------

RECORD_FILTERS = [
    "record_type",
    "subject",
    "status",
    "decided_after",
    "decided_before",
    "received_since",
    "source_id",
    "cursor",
    "page_size",
]
API_NASTY = [
    "\x00",
    "\ud800",
    "99999999999999999999",
    "-1",
    "0001-01-01",
    "9999-12-31",
    "1453-02-22T11:21:29+19:18",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2026-02-30",
    "x" * 2000,
    "NaN",
]
API_TEXT = st.one_of(
    st.sampled_from(API_NASTY),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=30),
    st.integers().map(str),
)


def encode(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@hypothesis_settings(
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_arbitrary_text_in_api_reads_never_answers_500(api, data):
    kind = data.draw(st.sampled_from(["filters", "id"]))
    if kind == "filters":
        chosen = data.draw(st.lists(st.sampled_from(RECORD_FILTERS), min_size=1, max_size=3, unique=True))
        query = "&".join(f"{name}={encode(data.draw(API_TEXT, label=name))}" for name in chosen)
        url = f"/api/v1/records/?{query}"
    else:
        prefix = data.draw(st.sampled_from(["records", "batches", "checks", "subjects", "catalog"]))
        url = f"/api/v1/{prefix}/{encode(data.draw(API_TEXT, label='id')) or 'x'}/"
    sid = transaction.savepoint()
    response = api.get(url)
    transaction.savepoint_rollback(sid)
    assert response.status_code < 500, url[:200]
