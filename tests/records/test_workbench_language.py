"""Chinese in what the workbench shows (issue 16), and a 文书号 repeated within one file as a row error."""

import datetime
import io

import pytest
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from audit.services import Actor
from organisations.services import api_token_create
from records.batches import batch_create, batch_import
from records.choices import Channel
from records.models import BatchRowError, CreditRecord
from tests.records.helpers import xzcf_item
from tests.records.test_batches import csv_bytes, upload
from tests.records.test_workbench import login, staff  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("测试")


def test_the_template_instructions_are_in_chinese(client, staff):  # noqa: F811
    login(client, "clerk")
    workbook = load_workbook(io.BytesIO(client.get("/workbench/templates/xzcf.xlsx").content))
    notes = list(workbook["填写说明"].iter_rows(values_only=True))
    assert notes[0] == ("字段代码", "字段名称", "类型", "是否必填", "可选值", "说明")
    by_code = {row[0]: row for row in notes[1:]}
    assert by_code["CF_XDR_SHXYM"][2:4] == ("代码（统一社会信用代码）", "法人及非法人组织、个体工商户必填")
    assert by_code["CF_XDR_LB"][2:4] == ("枚举", "必填")
    assert by_code["CF_JDRQ"][2] == "日期"
    raw = {"text", "enum", "identifier", "date", "decimal", "optional", "always", "organisation", "natural_person"}
    assert not raw & {cell for row in notes[1:] for cell in row[2:4]}


def test_the_import_summary_names_outcomes_in_chinese(client, staff, django_capture_on_commit_callbacks):  # noqa: F811
    login(client, "clerk")
    items = [xzcf_item(1), xzcf_item(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/workbench/uploads/", {"record_type": "xzcf", "file": upload("a.csv", csv_bytes(items, encoding="utf-8"))}
        )
    detail = response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail + "import/")
    page = client.get(detail).text
    assert "导入完成：新增2条。" in page
    assert "created" not in page


def test_a_repeated_document_number_in_one_file_is_a_row_error(department, django_capture_on_commit_callbacks):
    items = [xzcf_item(1), xzcf_item(2), xzcf_item(1, CF_NR_FK="8"), xzcf_item(3)]
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=upload("u.csv", csv_bytes(items, encoding="utf-8")),
            record_type_code="xzcf",
            channel=Channel.UPLOAD,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    assert batch.valid_rows == 3
    [error] = BatchRowError.objects.filter(batch=batch)
    assert error.row_number == 4
    assert error.errors == {
        "CF_WSH": ["与第2行的记录编号（文书号）重复：同一文件中每条记录只能出现一次，请删除或合并重复的行。"]
    }
    with django_capture_on_commit_callbacks(execute=True):
        batch_import(batch=batch, actor=ACTOR)
    batch.refresh_from_db()
    assert batch.counts == {"created": 3}
    assert CreditRecord.objects.get(source_id="长市监罚〔2026〕1号").data["CF_NR_FK"] == "5"  # the first row's


def test_an_api_batch_reports_the_repeat_too(department, django_capture_on_commit_callbacks, monkeypatch):
    from records import batches

    monkeypatch.setattr(batches, "CHUNK_SIZE", 2)  # the repeat lies in a later chunk than its first row
    items = [xzcf_item(1), xzcf_item(2), xzcf_item(3), xzcf_item(1)]
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=upload("u.csv", csv_bytes(items, encoding="utf-8")),
            record_type_code="xzcf",
            channel=Channel.BATCH,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    assert batch.counts == {"created": 3, "rejected": 1}
    assert BatchRowError.objects.get(batch=batch).row_number == 5


def test_token_scopes_in_the_audit_trail_are_labelled(admin_client, department):
    with transaction.atomic():
        api_token_create(
            department=department,
            name="业务系统",
            scopes=["records:read"],
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
            actor=ACTOR,
            by_credit_centre=True,
        )
    event = AuditEvent.objects.get(action="api_token.create")
    page = admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/").text
    assert "查询本部门信用记录（records:read）" in page
    assert "申请或签发接口令牌（api_token.create）" in page
