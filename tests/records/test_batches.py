import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from audit.services import Actor
from records import batches
from records.batches import batch_create, batch_import, batch_run
from records.choices import BatchState, Channel
from records.models import BatchRowError, CreditRecord, RecordVersion
from records.selectors import catalog_entries
from records.services import RecordError
from records.spreadsheets import template_workbook
from tests.records.helpers import xzcf_item

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("测试")


def csv_bytes(items, *, encoding="gb18030", header="label"):
    spec = catalog_entries()["xzcf"].spec
    codes = [field.code for field in spec.fields]
    labels = {field.code: field.label for field in spec.fields}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([labels[c] if header == "label" else c for c in codes])
    for item in items:
        writer.writerow([item["data"].get(code, "") for code in codes])
    return buffer.getvalue().encode(encoding)


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_api_batch_of_a_gbk_csv_with_chinese_headers_imports(department, django_capture_on_commit_callbacks):
    items = [xzcf_item(n) for n in range(30)] + [xzcf_item(99, CF_JDRQ="昨天")]
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=upload("处罚.csv", csv_bytes(items)),
            record_type_code="xzcf",
            channel=Channel.BATCH,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE
    assert (batch.total_rows, batch.processed_rows) == (31, 31)
    assert batch.counts == {"created": 30, "rejected": 1}
    assert CreditRecord.objects.filter(status="active").count() == 30
    error = BatchRowError.objects.get(batch=batch)
    assert error.row_number == 32
    assert "CF_JDRQ" in error.errors


def test_the_file_is_deleted_once_imported_and_kept_while_waiting_for_import(
    department, django_capture_on_commit_callbacks
):
    """Uploaded files hold citizen IDs in clear; once imported, what they gave is kept masked elsewhere."""
    from django.core.files.storage import default_storage

    items = [xzcf_item(n) for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=upload("u.csv", csv_bytes(items, encoding="utf-8")),
            record_type_code="xzcf",
            channel=Channel.UPLOAD,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    stored = batch.file.name
    assert batch.state == BatchState.VALIDATED
    assert default_storage.exists(stored)  # needed for the import
    with django_capture_on_commit_callbacks(execute=True):
        batch_import(batch=batch, actor=ACTOR)
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE
    assert not batch.file
    assert not default_storage.exists(stored)
    assert batch_run(batch.pk).state == BatchState.DONE  # a redelivered task finds nothing left to do
    assert CreditRecord.objects.count() == 3


def test_a_batch_that_fails_on_its_file_deletes_it_too(department, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    batch = batch_create(  # its task is enqueued after commit, which this test does not run
        department=department,
        upload=upload("u.csv", csv_bytes([xzcf_item(1)], encoding="utf-8")),
        record_type_code="xzcf",
        channel=Channel.BATCH,
        actor=ACTOR,
    )
    stored = batch.file.name
    with default_storage.open(stored, "wb") as handle:  # the stored file no longer reads (a bad disk, say)
        handle.write("不是表头,也不是\n".encode())
    with django_capture_on_commit_callbacks(execute=True):  # the file is deleted once the failure is committed
        batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED
    assert "表头无法识别" in batch.message
    assert not batch.file
    assert not default_storage.exists(stored)
    assert not CreditRecord.objects.exists()


def test_wrong_header_fails_the_batch_in_the_worker_and_imports_nothing(department, django_capture_on_commit_callbacks):
    """The request only stores the file; the worker reads the header and ends the batch with its message."""
    content = "名称,代码,日期\n某公司,123,2026-01-01\n".encode("gb18030")
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=upload("x.csv", content),
            record_type_code="xzcf",
            channel=Channel.BATCH,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED
    assert "表头无法识别" in batch.message
    assert "第1列“名称”" in batch.message
    assert not batch.file
    assert not CreditRecord.objects.exists()


def test_missing_required_column_is_named(department, django_capture_on_commit_callbacks):
    content = csv_bytes([xzcf_item(1)], encoding="utf-8").decode().replace("违法行为类型", "随便").encode()
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=upload("x.csv", content),
            record_type_code="xzcf",
            channel=Channel.BATCH,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED
    assert "随便" in batch.message


def test_jsonl_batch_carries_types_per_line(department, django_capture_on_commit_callbacks):
    lines = [json.dumps(xzcf_item(1), ensure_ascii=False), "{broken", json.dumps(xzcf_item(2), ensure_ascii=False)]
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=upload("a.jsonl", "\n".join(lines).encode()),
            record_type_code="",
            channel=Channel.BATCH,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    assert batch.counts == {"created": 2, "rejected": 1}
    assert BatchRowError.objects.get(batch=batch).row_number == 2


def test_upload_is_validated_first_then_imported_into_review(department, django_capture_on_commit_callbacks):
    items = [xzcf_item(n) for n in range(5)] + [xzcf_item(9, CF_XDR_SHXYM="91220104MA0000000X")]
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=upload("u.csv", csv_bytes(items, encoding="utf-8")),
            record_type_code="xzcf",
            channel=Channel.UPLOAD,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    assert (batch.state, batch.valid_rows) == (BatchState.VALIDATED, 5)
    assert not CreditRecord.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        batch_import(batch=batch, actor=ACTOR)
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE
    assert batch.counts == {"created": 5}
    assert set(CreditRecord.objects.values_list("status", flat=True)) == {"pending_review"}


def test_xlsx_template_round_trips(department, django_capture_on_commit_callbacks):
    entry = catalog_entries()["xzcf"]
    workbook = load_workbook(io.BytesIO(template_workbook(entry.spec, "行政处罚")))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    assert headers[0] == "*行政相对人名称（CF_XDR_MC）"
    for n in range(3):
        sheet.append([xzcf_item(n)["data"].get(h.split("（")[1].rstrip("）")) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=department,
            upload=upload("t.xlsx", buffer.getvalue()),
            record_type_code="xzcf",
            channel=Channel.BATCH,
            actor=ACTOR,
        )
    batch.refresh_from_db()
    assert batch.counts == {"created": 3}


def test_a_worker_dying_mid_batch_loses_and_duplicates_nothing(department, monkeypatch):
    monkeypatch.setattr(batches, "CHUNK_SIZE", 10)
    items = [xzcf_item(n) for n in range(35)]
    batch = batch_create(
        department=department,
        upload=upload("big.csv", csv_bytes(items)),
        record_type_code="xzcf",
        channel=Channel.BATCH,
        actor=ACTOR,
    )
    real_ingest = batches.records_ingest
    calls = {"n": 0}

    def dying_ingest(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return real_ingest(**kwargs)

    monkeypatch.setattr(batches, "records_ingest", dying_ingest)
    with pytest.raises(SystemExit):
        batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.processed_rows == 20
    assert CreditRecord.objects.count() == 20
    monkeypatch.setattr(batches, "records_ingest", real_ingest)
    finished = batch_run(batch.pk)
    assert finished.state == BatchState.DONE
    assert finished.processed_rows == 35
    assert finished.counts == {"created": 35}
    assert CreditRecord.objects.count() == RecordVersion.objects.count() == 35
    assert batch_run(batch.pk).counts == {"created": 35}


def test_batch_api_answers_202_and_reports_progress(api, django_capture_on_commit_callbacks):
    content = csv_bytes([xzcf_item(1), xzcf_item(2, CF_CFLB="x")], encoding="utf-8", header="code")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/batches/", {"file": upload("a.csv", content), "record_type": "xzcf"})
    assert response.status_code == 202, response.json()
    body = api.get(f"/api/v1/batches/{response.json()['id']}/").json()
    assert body["state"] == "done"
    assert body["counts"] == {"created": 1, "rejected": 1}
    assert body["errors"][0]["row"] == 3
    assert "CF_CFLB" in body["errors"][0]["errors"]


def test_batch_api_refuses_bad_files_with_a_message(api):
    response = api.post("/api/v1/batches/", {"file": upload("a.txt", b"x"), "record_type": "xzcf"})
    assert response.status_code == 400
    assert "不支持的文件类型" in response.json()["detail"]


def test_an_upload_never_imported_is_closed_after_30_days_and_its_file_deleted(
    department, django_capture_on_commit_callbacks
):
    import datetime

    import time_machine
    from django.core.files.storage import default_storage

    from records.tasks import batches_expire_task

    def validated_upload(name):
        with django_capture_on_commit_callbacks(execute=True):
            batch = batch_create(
                department=department,
                upload=upload(name, csv_bytes([xzcf_item(1)], encoding="utf-8")),
                record_type_code="xzcf",
                channel=Channel.UPLOAD,
                actor=ACTOR,
            )
        batch.refresh_from_db()
        assert batch.state == BatchState.VALIDATED
        return batch

    start = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        old = validated_upload("old.csv")
    with time_machine.travel(start + datetime.timedelta(days=2), tick=False):
        recent = validated_upload("recent.csv")
    with time_machine.travel(start + datetime.timedelta(days=30, hours=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert batches_expire_task() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert batches_expire_task() == 0  # twice changes nothing more
    old_file = old.file.name
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == BatchState.FAILED
    assert "30天内未导入" in old.message
    assert not old.file
    assert not default_storage.exists(old_file)
    assert recent.state == BatchState.VALIDATED
    assert default_storage.exists(recent.file.name)
    with pytest.raises(RecordError):
        batch_import(batch=old, actor=ACTOR)
    assert not CreditRecord.objects.exists()
