"""Large subjects (issue 12): the credit report is bounded (every section counted, the most recent and the
serious/severe records in full, the rest referenced) and stays verifiable; the subject page tabs page by key."""

import datetime
import html
import re

import pytest
import time_machine
from django.db import transaction

from audit.services import Actor
from disclosure.models import CreditReport
from disclosure.reports import PUBLIC_REPORT, _fingerprint, report_issue
from disclosure.selectors import REPORT_RECENT, REPORT_SECTION_CAP, TAB_PAGE_SIZE, public_report_body
from records.models import CreditRecord
from records.services import RecordInput, record_correct, record_revoke, records_ingest
from subjects.models import CreditSubject
from tests.disclosure.conftest import NOW
from tests.disclosure.test_reports import pdf_text
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item

pytestmark = pytest.mark.django_db

LICENCES = 1500
PENALTIES = 600  # every 50th severe (吊销许可证件): 12 of them, most older than the 20 most recent
WSH = re.compile(r"长市监(?:许|罚)〔2026〕(\d+)号")


def clones(template: CreditRecord, count: int, *, number_field: str, prefix: str, severe_every: int = 0):
    """``count`` copies of an ingested record, one day older each (two per day), with their own numbers:
    thousands of records in one INSERT instead of thousands of pushes."""
    fields = {
        f.attname: getattr(template, f.attname)
        for f in CreditRecord._meta.concrete_fields
        if f.attname not in ("id", "received_at", "updated_at")
    }
    rows = []
    for n in range(1000, 1000 + count):
        severe = severe_every and n % severe_every == 0
        source_id = f"长市监{prefix}〔2026〕{n}号"
        data = {**template.data, number_field: source_id}
        if severe:
            data["CF_CFLB"] = "吊销许可证件"
        decided = template.decided_on - datetime.timedelta(days=(n - 999) // 2)
        row = {**fields, "source_id": source_id, "data": data, "decided_on": decided}
        if severe:
            row["severity"] = "severe"
        rows.append(CreditRecord(**row))
    CreditRecord.objects.bulk_create(rows, batch_size=1000)


@pytest.fixture
def large(django_capture_on_commit_callbacks):
    """Company 1 with 1,501 public licences and 601 public penalties (12 severe); company 2 with two records."""
    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    items = [xzxk_item(1, XK_JDRQ="2026-06-20", XK_YXQZ="2026-06-20"), xzcf_item(1), xzcf_item(2), xzxk_item(2)]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        records_ingest(
            department=department, items=[RecordInput(**i) for i in items], channel="api", actor=Actor.system()
        )
    with transaction.atomic():
        licence = CreditRecord.objects.get(source_id="长市监许〔2026〕1号")
        penalty = CreditRecord.objects.get(source_id="长市监罚〔2026〕1号")
        clones(licence, LICENCES, number_field="XK_WSH", prefix="许")
        clones(penalty, PENALTIES, number_field="CF_WSH", prefix="罚", severe_every=50)
    return CreditSubject.objects.get(uscc=company_uscc(1))


def body(subject):
    with time_machine.travel(NOW, tick=False):
        return public_report_body(subject)


def section(report_body, key):
    return next(s for s in report_body.sections if s.key == key)


def numbers(records) -> list[int]:
    return [int(WSH.search(r.source_id).group(1)) for r in records]


def test_a_large_subject_report_is_abridged_with_full_counts(large, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        report_body = body(large)
    licences, penalties = section(report_body, "xzxk"), section(report_body, "xzcf")
    assert (licences.count, penalties.count) == (LICENCES + 1, PENALTIES + 1)
    public = CreditRecord.objects.filter(subject=large).order_by("-decided_on", "-pk")
    newest = list(public.filter(record_type__code="xzxk"))
    # Licences (no severity): the 20 most recent only; the rest counted with their date range.
    assert [r.pk for r in licences.records] == [r.pk for r in newest[:REPORT_RECENT]]
    assert licences.omitted == LICENCES + 1 - REPORT_RECENT
    assert (licences.omitted_first, licences.omitted_last) == (newest[-1].decided_on, newest[REPORT_RECENT].decided_on)
    # Penalties: the 20 most recent and every severe one (12 < the cap), newest first.
    all_penalties = list(public.filter(record_type__code="xzcf"))
    severe = [r.pk for r in all_penalties if r.severity == "severe"]
    expected = {r.pk for r in all_penalties[:REPORT_RECENT]} | set(severe)
    assert len(severe) == PENALTIES // 50
    assert len(expected) < REPORT_SECTION_CAP
    assert [r.pk for r in penalties.records] == [r.pk for r in all_penalties if r.pk in expected]
    assert penalties.omitted == PENALTIES + 1 - len(expected)
    assert report_body.omitted == licences.omitted + penalties.omitted


def test_serious_and_severe_records_fill_a_section_up_to_the_cap(large):
    CreditRecord.objects.filter(subject=large, record_type__code="xzcf").update(severity="serious")
    penalties = section(body(large), "xzcf")
    assert len(penalties.records) == REPORT_SECTION_CAP
    ordered = CreditRecord.objects.filter(subject=large, record_type__code="xzcf").order_by("-decided_on", "-pk")
    assert [r.pk for r in penalties.records] == [r.pk for r in ordered[:REPORT_SECTION_CAP]]


def test_the_pdf_says_it_is_abridged_and_where_the_rest_is(large, tmp_path):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        report, _ = report_issue(subject=large, status="normal", actor=Actor.system(), base_url="http://testserver/")
    text = pdf_text(report.file.read(), tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert f"行政许可（{LICENCES + 1}）" in flat
    assert "本报告为节选版" in flat
    omitted = LICENCES + 1 - REPORT_RECENT
    assert f"其余{omitted}条" in flat
    assert f"http://testserver/subjects/{company_uscc(1)}/?tab=xzxk" in flat
    assert "长市监许〔2026〕1号" in flat  # the most recent licence
    assert "长市监许〔2026〕2000号" not in flat  # an old licence: counted, not printed
    assert "长市监罚〔2026〕1550号" in flat  # an old severe penalty: printed
    assert len(re.findall(r"\f", text)) < 60


def fingerprint(subject) -> str:
    return _fingerprint(subject, body(subject), "normal", PUBLIC_REPORT)


def test_correcting_or_revoking_a_record_not_printed_changes_the_fingerprint(large, django_capture_on_commit_callbacks):
    before = fingerprint(large)
    assert fingerprint(large) == before
    old = CreditRecord.objects.get(source_id="长市监许〔2026〕2000号")
    assert old.pk not in {r.pk for r in section(body(large), "xzxk").records}
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        record_correct(record=old, data={"XK_NR": "预包装食品销售（更正）"}, actor=Actor.system(), reason="更正")
    corrected = fingerprint(large)
    assert corrected != before
    other = CreditRecord.objects.get(source_id="长市监许〔2026〕2001号")
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        record_revoke(record=other, actor=Actor.system(), reason="撤销")
    assert fingerprint(large) not in (before, corrected)
    assert section(body(large), "xzxk").count == LICENCES


def test_a_correction_of_a_record_not_printed_makes_a_new_report(large, django_capture_on_commit_callbacks):
    def issue():
        with time_machine.travel(NOW, tick=False), transaction.atomic():
            return report_issue(subject=large, status="normal", actor=Actor.system(), base_url="http://t/")[0]

    first = issue()
    assert issue() == first  # same content within the hour: handed out again
    old = CreditRecord.objects.get(source_id="长市监罚〔2026〕1300号")
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        record_correct(record=old, data={"CF_NR": "罚款人民币肆万元"}, actor=Actor.system(), reason="更正")
    assert issue() != first
    assert CreditReport.objects.count() == 2


def test_a_small_subject_report_prints_everything(large, tmp_path):
    small = CreditSubject.objects.get(uscc=company_uscc(2))
    report_body = body(small)
    assert report_body.omitted == 0
    printed = sorted(r.source_id for s in report_body.sections for r in s.records)
    assert printed == sorted(CreditRecord.objects.filter(subject=small).values_list("source_id", flat=True))
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        report, _ = report_issue(subject=small, status="normal", actor=Actor.system(), base_url="http://t/")
    flat = re.sub(r"\s+", "", pdf_text(report.file.read(), tmp_path))
    assert "节选" not in flat
    assert "未逐条列示" not in flat
    assert "长市监罚〔2026〕2号" in flat
    assert "长市监许〔2026〕2号" in flat


def page(client, query: str):
    with time_machine.travel(NOW, tick=False):
        return client.get(f"/subjects/{company_uscc(1)}/?{query}")


def test_a_large_tab_pages_by_key_to_its_last_record(large, client):
    query, seen, pages = "tab=xzxk", [], 0
    while query:
        response = page(client, query)
        assert response.status_code == 200
        seen += [int(n) for n in WSH.findall(response.content.decode())]
        found = re.search(r'rel="next" href="\?([^"]*)"', response.content.decode())
        query = html.unescape(found.group(1)) if found else None
        assert query is None or ("cursor=" in query and "tab=xzxk" in query)
        pages += 1
    expected = numbers(
        CreditRecord.objects.filter(subject=large, record_type__code="xzxk").order_by("-decided_on", "-pk")
    )
    assert seen == expected
    assert pages == -(-(LICENCES + 1) // TAB_PAGE_SIZE)
    # Back from the second page: the first page again.
    second = page(
        client, html.unescape(re.search(r'rel="next" href="\?([^"]*)"', page(client, "tab=xzxk").text).group(1))
    )
    back = html.unescape(re.search(r'rel="prev" href="\?([^"]*)"', second.text).group(1))
    assert [int(n) for n in WSH.findall(page(client, back).text)] == expected[:TAB_PAGE_SIZE]


def test_a_bad_cursor_on_the_subject_page_is_a_clear_400(large, client):
    response = page(client, "tab=xzxk&cursor=forged")
    assert response.status_code == 400
    assert "翻页参数无效" in response.content.decode()
    # The cached first page is not affected by the refused request.
    assert page(client, "tab=xzxk").status_code == 200
