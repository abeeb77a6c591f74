"""A catalog entry may reserve its record type to one channel (``RecordType.write_channel``): the results of random
inspections (``ccjc``) are written by the supervision service only. An API push, an API batch, a web form and a
spreadsheet upload of the type are refused in Chinese on ``record_type``, nothing written; the workbench does not
offer the type for entry or upload, and its records are not revoked behind the plan's back."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from audit.services import Actor
from organisations.services import staff_create
from records.batches import batch_create
from records.choices import BatchState, Channel, IngestOutcome
from records.models import CreditRecord, RecordType, RecordVersion
from records.services import RecordError, RecordInput, record_revoke, records_check, records_ingest
from tests.records.helpers import company_uscc

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("测试")
PASSWORD = "Reserved-pass-2026"
REFUSAL = "“抽查检查结果”只能通过双随机抽查结果录入写入"


def ccjc_item(n: int, result: str = "不合格") -> dict:
    data = {
        "CC_XDR_MC": f"长春测试{n}商贸有限公司",
        "CC_XDR_SHXYM": company_uscc(n),
        "CC_JCBH": f"CCJC-1-{company_uscc(n)}",
        "CC_RWMC": "2026年第二批双随机抽查",
        "CC_JCLX": "双随机抽查",
        "CC_JCSX": "食品经营许可事项",
        "CC_JCJG": result,
        "CC_WTMS": "超范围经营" if result == "不合格" else "",
        "CC_JCRQ": "2026-06-01",
        "CC_JCJGMC": "吉林省市场监督管理厅",
    }
    return {"record_type": "ccjc", "data": {k: v for k, v in data.items() if v}}


def ingest(department, channel, item, **kwargs):
    with transaction.atomic():
        [result] = records_ingest(
            department=department, items=[RecordInput(**item)], channel=channel, actor=ACTOR, **kwargs
        )
    return result


@pytest.fixture
def entered(department):
    """An inspection result as the supervision service writes it."""
    result = ingest(department, Channel.SUPERVISION, ccjc_item(1))
    assert result.status == IngestOutcome.CREATED
    return CreditRecord.objects.get(pk=result.record_id)


def test_the_migration_reserves_the_inspection_results_and_nothing_else():
    assert dict(RecordType.objects.exclude(write_channel="").values_list("code", "write_channel")) == {
        "ccjc": Channel.SUPERVISION
    }


@pytest.mark.parametrize("channel", [Channel.API, Channel.BATCH, Channel.FORM, Channel.UPLOAD])
def test_every_other_channel_is_refused_in_chinese_and_writes_nothing(department, entered, channel):
    versions = RecordVersion.objects.count()
    result = ingest(department, channel, ccjc_item(1, result="合格"), review=channel in (Channel.FORM, Channel.UPLOAD))
    assert result.status == IngestOutcome.REJECTED
    assert list(result.errors) == ["record_type"]
    assert result.errors["record_type"][0].startswith(REFUSAL)
    entered.refresh_from_db()
    assert (entered.data["CC_JCJG"], entered.version) == ("不合格", 1)
    assert RecordVersion.objects.count() == versions
    # Nor a new record of another number.
    assert ingest(department, channel, ccjc_item(2)).status == IngestOutcome.REJECTED
    assert CreditRecord.objects.filter(record_type__code="ccjc").count() == 1


def test_an_unreserved_type_is_not_touched_by_the_rule():
    for record_type in RecordType.objects.exclude(code="ccjc"):
        assert all(record_type.accepts(channel) for channel in Channel.values)
    ccjc = RecordType.objects.get(code="ccjc")
    assert [c for c in Channel.values if ccjc.accepts(c)] == [Channel.SUPERVISION]
    for channel in Channel.values:  # the rule in SQL says what the rule in Python says
        writable = set(RecordType.objects.filter(RecordType.writable_q(channel)).values_list("code", flat=True))
        assert writable == {t.code for t in RecordType.objects.all() if t.accepts(channel)}


def test_the_first_pass_over_an_upload_reports_the_refusal(department):
    [result] = records_check([RecordInput(**ccjc_item(1))], department=department)
    assert result.status == IngestOutcome.REJECTED
    assert result.errors["record_type"][0].startswith(REFUSAL)


def test_the_api_push_is_refused_on_record_type(api, department, entered):
    response = api.post("/api/v1/records/", [ccjc_item(1, result="合格")], content_type="application/json")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["status"] == "rejected"
    assert item["errors"]["record_type"][0].startswith(REFUSAL)
    entered.refresh_from_db()
    assert entered.data["CC_JCJG"] == "不合格"
    # The catalog tells systems which channel writes the type.
    assert api.get("/api/v1/catalog/ccjc/").json()["write_channel"] == "supervision"
    assert api.get("/api/v1/catalog/xzcf/").json()["write_channel"] == ""


def test_a_batch_of_the_type_is_refused_at_upload(api, department):
    content = b"CC_XDR_MC\n x\n"
    for channel in (Channel.BATCH, Channel.UPLOAD):
        with pytest.raises(RecordError) as refused, transaction.atomic():
            batch_create(
                department=department,
                upload=SimpleUploadedFile("ccjc.csv", content),
                record_type_code="ccjc",
                channel=channel,
                actor=ACTOR,
            )
        assert (refused.value.code, refused.value.field) == ("channel_reserved", "record_type")
        assert refused.value.message.startswith(REFUSAL)
    response = api.post("/api/v1/batches/", {"file": SimpleUploadedFile("ccjc.csv", content), "record_type": "ccjc"})
    assert response.status_code == 400
    assert response.json()["code"] == "channel_reserved"


def test_the_lines_of_the_type_in_a_jsonl_batch_are_refused(department, django_capture_on_commit_callbacks):
    lines = [json.dumps(ccjc_item(n), ensure_ascii=False) for n in (1, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=SimpleUploadedFile("a.jsonl", "\n".join(lines).encode()),
            record_type_code="",
            channel=Channel.BATCH,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    assert (batch.state, batch.counts) == (BatchState.DONE, {"rejected": 2})
    assert not CreditRecord.objects.exists()


def test_a_record_of_the_type_is_not_revoked_by_the_department(api, department, entered):
    with pytest.raises(RecordError) as refused, transaction.atomic():
        record_revoke(record=entered, actor=ACTOR, reason="结果有误")
    assert refused.value.code == "channel_reserved"
    response = api.post(f"/api/v1/records/{entered.pk}/revoke/", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 400
    entered.refresh_from_db()
    assert (entered.status, entered.version) == ("active", 1)


@pytest.fixture
def clerk(client, department):
    with transaction.atomic():
        user = staff_create(
            username="ccjc-clerk", password=PASSWORD, role="clerk", department_code=department.code, actor=ACTOR
        )
    client.force_login(user)
    return client


def test_the_workbench_offers_no_entry_upload_or_template_of_the_type(clerk, department):
    start = clerk.get("/workbench/records/new/").text
    assert "/workbench/records/new/xzcf/" in start
    assert "/workbench/records/new/ccjc/" not in start
    assert "抽查检查结果" not in start
    assert clerk.get("/workbench/records/new/ccjc/").status_code == 404
    response = clerk.post("/workbench/records/new/ccjc/", ccjc_item(1)["data"])
    assert response.status_code == 404
    assert clerk.get("/workbench/templates/ccjc.xlsx").status_code == 404
    assert clerk.get("/workbench/templates/xzcf.xlsx").status_code == 200
    uploads = clerk.get("/workbench/uploads/").text
    assert 'value="ccjc"' not in uploads
    response = clerk.post(
        "/workbench/uploads/", {"record_type": "ccjc", "file": SimpleUploadedFile("ccjc.csv", b"CC_XDR_MC\nx\n")}
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not CreditRecord.objects.exists()
