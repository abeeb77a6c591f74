"""No citizen ID number in clear anywhere the platform writes: database, media files, logs (issue 10).

Records of 行政处罚 and 行政许可 with a valid citizen ID number in every field — names, the document number
declared as a passport, free text, dates, enums, amounts, codes, even a field code and a file name — arrive
through every channel (API push, web form with review, workbench XLSX and CSV upload with import and review,
API batch in CSV, XLSX and JSON Lines); the public searches for an ID and asks for ``/subjects/<ID>/``; runserver
logs a request line. Everything is logged at DEBUG (SQL included) through the handlers of ``settings.LOGGING``.
Then every table, every file under ``MEDIA_ROOT`` and the captured log output are scanned for a valid
18-digit citizen ID number (check character, birth date and address code, so a random 18-digit number does
not count): none may be found.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import logging
import re
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from openpyxl import Workbook

from audit.services import Actor
from credit_portal.logging import PrivacyFilter
from disclosure.addresses import subject_url
from organisations.services import staff_create
from records.models import CreditRecord, IngestBatch
from records.selectors import catalog_entries
from records.validation import DATE, DECIMAL, ENUM, IDENTIFIER
from subjects import identifiers as ids
from subjects.models import CreditSubject
from tests.factories import DepartmentFactory, api_token_issue

pytestmark = pytest.mark.django_db

AUTHORITY_USCC = ids.make_uscc(division_code="220000", organization_body="00000019", registration_authority="1")
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
CANDIDATE = re.compile(r"(?=([0-9\uff10-\uff19]{17}[0-9Xx\uff10-\uff19\uff38\uff58]))")


def where(text: str, found: set[str]) -> list[str]:
    """Each ID found with the text around it, for the failure message."""
    out = []
    for code in sorted(found):
        for variant in (code, code.lower(), code.translate(FULL_WIDTH)):
            at = text.find(variant)
            if at >= 0:
                line_start = text.rfind("\n", 0, at) + 1
                out.append(f"{code}: ...{text[max(line_start, at - 120) : at + 40]}...")
                break
    return out


def valid_citizen_ids(text: str) -> set[str]:
    """Every valid 18-digit citizen ID in ``text``, overlapping windows included (stricter than the masker's
    digit-run boundaries): check character, a real birth date and a real province-level address code."""
    found = set()
    for match in CANDIDATE.finditer(text):
        code = match.group(1).translate(str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX"))
        try:
            found.add(ids.normalize_citizen_id(code))
        except ids.IdentifierError:
            continue
    return found


class Planted:
    """Hands out distinct valid citizen IDs (unique last four characters, so masked forms differ too)."""

    def __init__(self):
        self.n = 0
        self.all: list[str] = []

    def __call__(self) -> str:
        self.n += 1
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=self.n * 11)
        code = ids.make_citizen_id(division_code="220102", birth_date=birth, sequence=self.n)
        self.all.append(code)
        return code

    def variant(self) -> str:
        """The next ID as people also type it: lower-case x, or full-width digits."""
        code = self()
        return code.lower() if code.endswith("X") else code.translate(FULL_WIDTH)


def every_field_item(type_code: str, planted: Planted, *, all_fields: bool = False) -> dict:
    """An item of a natural person whose every text field holds an ID; the document number is a citizen ID
    declared as a passport. ``all_fields``: dates, enums, amounts and codes hold an ID too (rejected), and
    so does an unknown field code."""
    spec = catalog_entries()[type_code].spec
    today = timezone.localdate()
    data = {}
    for field in spec.fields:
        if all_fields or field.code == spec.citizen_id_field:
            data[field.code] = planted()
        elif field.code == spec.citizen_id_type_field:
            data[field.code] = "护照号"
        elif field.code == spec.subject_kind_field:
            data[field.code] = "自然人"
        elif field.type == DATE:
            data[field.code] = (
                today + datetime.timedelta(days=100 if field.code == spec.end_date_field else -30)
            ).isoformat()
        elif field.type == ENUM:
            data[field.code] = (
                "罚款" if field.code == "CF_CFLB" else "否" if field.code == "CF_SFJYCX" else field.enum_values[0]
            )
        elif field.type == DECIMAL:
            data[field.code] = "5"
        elif field.type == IDENTIFIER:
            if field.code.endswith("DM"):
                data[field.code] = AUTHORITY_USCC
        elif field.code == spec.subject_name_field:
            data[field.code] = f"张三{planted.variant()}"
        else:
            data[field.code] = f"{field.label[:4]}{planted.variant()}号"[: field.max_length or 200]
    if all_fields:
        data[planted()] = "未知字段"
    return {"record_type": type_code, "data": data}


def identity_card_item(type_code: str, planted: Planted) -> dict:
    """The ordinary case: 身份证 declared, a lower-case x, an ID in the facts."""
    item = every_field_item(type_code, planted)
    spec = catalog_entries()[type_code].spec
    item["data"][spec.citizen_id_type_field] = "身份证"
    item["data"][spec.citizen_id_field] = planted().lower()
    return item


def table(items: list[dict]) -> tuple[list[str], list[list[str]]]:
    codes = list(
        dict.fromkeys(code for item in items for code in catalog_entries()[item["record_type"]].spec.field_map)
    )
    return codes, [[item["data"].get(code, "") for code in codes] for item in items]


def csv_file(items: list[dict], name: str) -> SimpleUploadedFile:
    codes, rows = table(items)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(codes)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"))


def xlsx_file(items: list[dict], name: str) -> SimpleUploadedFile:
    codes, rows = table(items)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(codes)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def jsonl_file(items: list[dict], name: str) -> SimpleUploadedFile:
    lines = [json.dumps(item, ensure_ascii=False) for item in items]
    return SimpleUploadedFile(name, "\n".join(lines).encode("utf-8"))


@contextlib.contextmanager
def logs_at_debug():
    """Route the handlers of ``settings.LOGGING`` (those with the privacy filter) into one buffer, with every
    logger at DEBUG and SQL logged with its parameters."""
    stream = io.StringIO()
    handlers = [
        handler
        for name in (None, "django.server")
        for handler in logging.getLogger(name).handlers
        if any(isinstance(f, PrivacyFilter) for f in handler.filters)
    ]
    assert len(handlers) >= 2, "settings.LOGGING must put the privacy filter on the root and runserver handlers"
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved_levels = [(logger, logger.level) for logger in loggers]
    saved_streams = [(handler, handler.setStream(stream), handler.level) for handler in handlers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    for handler in handlers:
        handler.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True
    try:
        yield stream
    finally:
        connection.force_debug_cursor = False
        for logger, level in saved_levels:
            logger.setLevel(level)
        for handler, old_stream, level in saved_streams:
            handler.setStream(old_stream)
            handler.setLevel(level)


def runserver_logs(request_line: str, status: str) -> None:
    """What ``manage.py runserver`` logs for a request, through Django's own handler code."""
    from django.core.servers.basehttp import WSGIRequestHandler

    class Handler:
        request = None

        def log_date_time_string(self):
            return "30/Nov/2026 09:00:00"

    WSGIRequestHandler.log_message(Handler(), '"%s" %s %s', request_line, status, "1234")


def database_text() -> str:
    """Every value of every table, as text (JSON as stored, bytes decoded)."""
    parts = []
    with connection.cursor() as cursor:
        for table_name in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table_name)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "ignore")
                    parts.append(f"{table_name}: {value}")
    from django.contrib.sessions.models import Session

    parts += [json.dumps(s.get_decoded(), ensure_ascii=False) for s in Session.objects.all()]
    return "\n".join(parts)


def media_text(root: Path) -> str:
    parts = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        content = path.read_bytes()
        parts.append(f"{path.name} {content.decode('utf-8', 'ignore')}")
        if zipfile.is_zipfile(path):  # XLSX: the cells are inside the archive
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(name).decode("utf-8", "ignore") for name in archive.namelist()]
    return "\n".join(parts)


@pytest.fixture
def channels(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    department = DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅")
    with transaction.atomic():
        actor = Actor.system("测试")
        clerk = staff_create(
            username="clerk", password="Pass-12345-x", role="clerk", department_code="jl-scjg", actor=actor
        )
        reviewer = staff_create(
            username="reviewer", password="Pass-12345-x", role="reviewer", department_code="jl-scjg", actor=actor
        )
        token = api_token_issue(department, name="业务系统")[1]
    return {"clerk": clerk, "reviewer": reviewer, "token": token, "media": Path(settings.MEDIA_ROOT)}


def approve_pending(client, reviewer) -> None:
    client.force_login(reviewer.user if hasattr(reviewer, "user") else reviewer)
    for record in CreditRecord.objects.filter(status="pending_review"):
        client.post(f"/workbench/records/{record.pk}/review/", {"decision": "approve", "note": ""})


def test_no_citizen_id_in_clear_in_the_database_media_or_logs(client, channels, django_capture_on_commit_callbacks):
    planted = Planted()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {channels['token']}"}
    types = ("xzcf", "xzxk")

    def batch_of_items():
        return [item for code in types for item in (every_field_item(code, planted), identity_card_item(code, planted))]

    def rejected_items():
        return [every_field_item(code, planted, all_fields=True) for code in types]

    with logs_at_debug() as log, django_capture_on_commit_callbacks(execute=True):
        # API push: accepted and rejected items.
        response = client.post(
            "/api/v1/records/",
            data=json.dumps(batch_of_items() + rejected_items()),
            content_type="application/json",
            **auth,
        )
        assert response.status_code == 200, response.content
        statuses = [result["status"] for result in response.json()["results"]]
        assert statuses == ["created"] * 4 + ["rejected"] * 2

        # Web form entry by a clerk, then a reviewer's approval.
        clerk_user = channels["clerk"].user if hasattr(channels["clerk"], "user") else channels["clerk"]
        client.force_login(clerk_user)
        for item in batch_of_items() + rejected_items():
            client.post(f"/workbench/records/new/{item['record_type']}/", item["data"])
        approve_pending(client, channels["reviewer"])

        # Workbench upload (XLSX and CSV, one type per file), import, review.
        for code in types:
            for make, suffix in ((xlsx_file, "xlsx"), (csv_file, "csv")):
                client.force_login(clerk_user)
                items = [every_field_item(code, planted), identity_card_item(code, planted)]
                items += [every_field_item(code, planted, all_fields=True)]
                upload = make(items, f"处罚{planted()}.{suffix}")
                with django_capture_on_commit_callbacks(execute=True):  # the batch is validated
                    response = client.post("/workbench/uploads/", {"record_type": code, "file": upload})
                assert response.status_code == 302, response.content.decode()[:2000]
                batch = IngestBatch.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
                with django_capture_on_commit_callbacks(execute=True):  # the valid rows are imported
                    client.post(f"/workbench/uploads/{batch.pk}/import/")
                batch.refresh_from_db()
                assert (batch.state, batch.counts) == ("done", {"created": 2}), batch.message
                assert client.get(f"/workbench/uploads/{batch.pk}/errors.xlsx").status_code == 200
        approve_pending(client, channels["reviewer"])
        client.logout()

        # API batches: CSV, XLSX and JSON Lines.
        for code in types:
            items = [every_field_item(code, planted), identity_card_item(code, planted)]
            items += [every_field_item(code, planted, all_fields=True)]
            for upload in (csv_file(items, f"{planted()}.csv"), xlsx_file(items, f"{planted()}.xlsx")):
                response = client.post("/api/v1/batches/", {"file": upload, "record_type": code}, **auth)
                assert response.status_code in (201, 202), response.content
        jsonl_items = (
            batch_of_items() + rejected_items() + [{"record_type": planted(), "data": {}, "severity": planted()}]
        )
        response = client.post("/api/v1/batches/", {"file": jsonl_file(jsonl_items, f"{planted()}.jsonl")}, **auth)
        assert response.status_code in (201, 202), response.content

        # The public: a search for an ID (plain and full-width, percent-encoded), a subject page by ID (400).
        searched = planted()
        client.get("/search/", {"q": searched})
        client.get(f"/search/?q={quote('张三' + planted().translate(FULL_WIDTH))}")
        bad_request = client.get(f"/subjects/{planted()}/")
        assert bad_request.status_code == 400
        client.get(f"/no-such-page/{planted()}/")
        runserver_logs(f"GET /search/?q={planted()} HTTP/1.1", "200")
        runserver_logs(f"GET /subjects/{planted()}/ HTTP/1.1", "400")

        # The public pages of the persons and the open data show no ID either.
        public_output = []
        for subject in CreditSubject.objects.filter(kind="natural_person"):
            public_output.append(client.get(subject_url(subject)).content.decode())
        # And every public listing (issue 16 added 信用承诺, 措施清单, 统计 and the search filters).
        for path in (
            "/",
            "/shuanggongshi/xzcf/",
            "/shuanggongshi/xzxk/",
            "/commitments/",
            "/measures/",
            "/statistics/",
            "/lists/",
            "/search/?q=%E5%BC%A0%E4%B8%89&kind=individual_business",
        ):
            public_output.append(client.get(path).content.decode())
        start = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()  # the endpoint's 31-day bound
        for code in types:
            csv_response = client.get(
                f"/opendata/shuanggongshi/{code}.csv", {"from": start, "to": timezone.localdate()}
            )
            public_output.append(b"".join(csv_response.streaming_content).decode("utf-8-sig"))

    captured = log.getvalue()
    assert "Bad Request: /subjects/" in captured  # the capture really captured
    assert "INSERT INTO" in captured
    persons = CreditSubject.objects.filter(kind="natural_person")
    assert persons.count() >= 8  # the documents declared as passports identified their holders too
    assert CreditRecord.objects.filter(status="active").count() >= 16

    texts = {
        "database": database_text(),
        "media": media_text(channels["media"]),
        "logs": captured,
        "public pages": "\n".join(public_output),
    }
    found = {place: where(text, valid_citizen_ids(text)) for place, text in texts.items()}
    assert found == {"database": [], "media": [], "logs": [], "public pages": []}
    assert len(planted.all) > 100
