import datetime
import re
import shutil
import subprocess

import pytest
import time_machine

from audit.models import AuditEvent
from disclosure.models import CreditReport
from records.models import CreditRecord
from tests.disclosure.conftest import NOW, TZ
from tests.disclosure.test_public_site import get
from tests.records.helpers import company_uscc

pytestmark = pytest.mark.django_db


def download(client, code=None):
    with time_machine.travel(NOW, tick=False):
        return client.get(f"/subjects/{code or company_uscc(1)}/report/")


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_report_contains_the_public_record_and_not_the_hidden_ones(published, tmp_path):
    response = download(published)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = pdf_text(content, tmp_path)
    assert "长春测试1商贸有限公司" in text
    assert company_uscc(1) in text
    assert "长市监罚〔2026〕1号" in text
    assert "警1号" not in text  # a warning is never published
    report = CreditReport.objects.get()
    assert re.search(report.number, text)
    import hashlib

    assert hashlib.sha256(content).hexdigest() == report.pdf_sha256
    assert AuditEvent.objects.filter(action="report.issue").count() == 1


def test_same_content_within_the_hour_reuses_the_report(published):
    download(published)
    download(published)
    assert CreditReport.objects.count() == 1


def test_a_report_whose_file_was_lost_is_issued_anew_not_a_500(published):
    download(published)
    lost = CreditReport.objects.get()
    lost.file.storage.delete(lost.file.name)
    response = download(published)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert CreditReport.objects.exclude(pk=lost.pk).count() == 1


def test_changed_content_makes_a_new_report(published, django_capture_on_commit_callbacks):
    from audit.services import Actor
    from records.services import record_revoke

    download(published)
    with django_capture_on_commit_callbacks(execute=True):
        record_revoke(
            record=CreditRecord.objects.get(source_id="长市监罚〔2026〕1号"), actor=Actor.system(), reason="撤销"
        )
    download(published)
    assert CreditReport.objects.count() == 2


def test_verify_with_number_and_code_and_refuse_a_wrong_code(published, monkeypatch):
    import disclosure.reports as reports

    codes = iter("ABCDEFGH")
    monkeypatch.setattr(reports.secrets, "choice", lambda alphabet: next(codes))
    download(published)
    report = CreditReport.objects.get()
    ok = get(published, "/reports/verify/", number=report.number, code="abcdefgh")
    assert ok.status_code == 200
    assert report.pdf_sha256 in ok.text
    token = re.search(r'reports/download/\?t=([^"]+)"', ok.text).group(1)
    with time_machine.travel(NOW, tick=False):
        again = published.get(f"/reports/download/?t={token}")
    assert again.status_code == 200
    assert b"".join(again.streaming_content)[:4] == b"%PDF"
    wrong = get(published, "/reports/verify/", number=report.number, code="WRONGCDE")
    unknown = get(published, "/reports/verify/", number="XY20260101" + "0" * 10, code="ABCDEFGH")
    assert wrong.status_code == unknown.status_code == 400
    assert "报告编号或验证码不正确" in wrong.text
    message = re.search(r'role="alert">([^<]+)<', wrong.text).group(1)
    assert message == re.search(r'role="alert">([^<]+)<', unknown.text).group(1)
    assert published.get("/reports/download/?t=forged").status_code == 404


def test_report_downloads_are_rate_limited(published, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "report": (2, 3600)}
    assert download(published).status_code == 200
    assert download(published).status_code == 200
    refused = download(published)
    assert refused.status_code == 429
    assert "访问过于频繁" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0


def test_search_is_rate_limited(client, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "search": (3, 60)}
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, 0, 5, tzinfo=TZ), tick=False):
        statuses = [client.get("/search/", {"q": "长春"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
