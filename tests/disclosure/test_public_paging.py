"""The 双公示 and list pages page by key (issue 12): every row exactly once, in order, at any depth; cursors
are signed; the heavy public views run under a statement budget; the admin record search stays on indexes."""

import datetime
import html
import re

import pytest
import time_machine
from django.core import signing
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from audit.services import Actor
from core.db_budget import statement_budget
from disclosure.paging import CURSOR_SALT, BadCursor
from disclosure.selectors import shuanggongshi_filter
from disclosure.views import PAGE_SIZE
from organisations.services import staff_create
from records.models import CreditRecord, RecordType
from tests.disclosure.conftest import NOW
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, xzxk_item

pytestmark = pytest.mark.django_db

DATES = ["2026-05-10", "2026-05-11", "2026-05-12"]  # 47 records on three dates: many ties on decided_on
NUMBER = re.compile(r"长市监许〔2026〕(\d+)号")


def get(client, url, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params)


@pytest.fixture
def licences(client, django_capture_on_commit_callbacks):
    """47 licences from two departments: odd numbers from jl-scjg, even ones from cc-scjg."""
    from records.services import RecordInput, records_ingest

    departments = {0: DepartmentFactory(code="cc-scjg"), 1: DepartmentFactory(code="jl-scjg")}
    for parity, department in departments.items():
        items = [
            RecordInput(**xzxk_item(n, XK_JDRQ=DATES[n % 3], XK_YXQZ=DATES[n % 3]))
            for n in range(1, 48)
            if n % 2 == parity
        ]
        with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
            records_ingest(department=department, items=items, channel="api", actor=Actor.system())
    return client


def expected(**filters) -> list[str]:
    records = CreditRecord.objects.filter(record_type__code="xzxk", **filters).order_by("-decided_on", "-pk")
    return [NUMBER.search(r.source_id).group(1) for r in records]


def flat(pages: list[list[str]]) -> list[str]:
    return [number for page in pages for number in page]


def link(page: str, label: str) -> str | None:
    match = re.search(rf'href="\?([^"]*)">{label}</a>', page)
    return html.unescape(match.group(1)) if match else None


def walk(client, url: str, query: str = "") -> tuple[list[list[str]], list[str]]:
    """Follow 下一页 from the first page to the last; the rows of each page and the queries followed."""
    pages, queries = [], []
    while True:
        with time_machine.travel(NOW, tick=False):
            page = client.get(f"{url}?{query}")
        assert page.status_code == 200
        pages.append(NUMBER.findall(page.text))
        queries.append(query)
        query = link(page.text, "下一页")
        if query is None:
            return pages, queries
        assert "cursor=" in query
        assert "page=" not in query


def test_keyset_pages_walk_every_row_once_in_order_across_ties(licences):
    pages, _ = walk(licences, "/shuanggongshi/xzxk/")
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 7]
    assert flat(pages) == expected()


def test_previous_links_walk_back_to_the_same_pages(licences):
    pages, queries = walk(licences, "/shuanggongshi/xzxk/")
    with time_machine.travel(NOW, tick=False):
        last = licences.get(f"/shuanggongshi/xzxk/?{queries[-1]}").text
    assert "第 3 页" in last
    back = link(last, "上一页")
    with time_machine.travel(NOW, tick=False):
        second = licences.get(f"/shuanggongshi/xzxk/?{back}").text
    assert NUMBER.findall(second) == pages[1]
    assert "第 2 页" in second
    with time_machine.travel(NOW, tick=False):
        first = licences.get(f"/shuanggongshi/xzxk/?{link(second, '上一页')}").text
    assert NUMBER.findall(first) == pages[0]
    assert "第 1 页" in first
    assert link(first, "上一页") is None


def test_previous_link_after_the_rows_before_it_left_serves_the_first_page(licences):
    """Red team (issue 12): the rows a 上一页 cursor points back to can leave the list meanwhile (revoked, their
    disclosure period ended overnight). The backwards read was then empty and the page asked the last of no rows
    for its cursor: a 500 for an ordinary link. Now the first page is served."""
    pages, queries = walk(licences, "/shuanggongshi/xzxk/")
    with time_machine.travel(NOW, tick=False):
        second = licences.get(f"/shuanggongshi/xzxk/?{queries[1]}").text
    back = link(second, "上一页")
    first_page = [f"长市监许〔2026〕{n}号" for n in pages[0]]
    CreditRecord.objects.filter(source_id__in=first_page).update(status="revoked")
    with time_machine.travel(NOW, tick=False):
        response = licences.get(f"/shuanggongshi/xzxk/?{back}")
    assert response.status_code == 200
    assert NUMBER.findall(response.text) == pages[1]
    assert "第 1 页" in response.text


def test_filters_combine_with_the_cursor(licences):
    pages, queries = walk(licences, "/shuanggongshi/xzxk/", "department=jl-scjg")
    assert flat(pages) == expected(department__code="jl-scjg")
    assert all("department=jl-scjg" in q for q in queries[1:])
    pages, _ = walk(licences, "/shuanggongshi/xzxk/", "q=长春测试1")  # 1, 10–19
    assert sorted(map(int, flat(pages))) == [1, *range(10, 20)]
    pages, _ = walk(licences, "/shuanggongshi/xzxk/", "from=2026-05-11&department=cc-scjg")
    assert flat(pages) == expected(department__code="cc-scjg", decided_on__gte=datetime.date(2026, 5, 11))


def test_page_numbers_still_serve_the_first_pages(licences):
    pages, _ = walk(licences, "/shuanggongshi/xzxk/")
    assert NUMBER.findall(get(licences, "/shuanggongshi/xzxk/", page="2").text) == pages[1]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        signing.Signer(salt=CURSOR_SALT).sign_object({"d": "2026-05-11", "i": 5, "b": False, "n": 2})[:-2] + "xx",
        # Well formed and signed, but not by this site: must not be accepted.
        signing.Signer(key="not-the-site-key", salt=CURSOR_SALT).sign_object(
            {"d": "2026-05-11", "i": 5, "b": False, "n": 2}
        ),
        signing.Signer(salt=CURSOR_SALT).sign_object({"d": "2026-13-45", "i": 5, "b": False, "n": 2}),
        signing.Signer(salt=CURSOR_SALT).sign_object({"d": "2026-05-11", "i": "5 OR 1=1", "b": False, "n": 2}),
        signing.Signer(salt=CURSOR_SALT).sign_object(["x"]),
    ],
    ids=["garbage", "tampered", "foreign-key", "bad-date", "bad-id", "bad-shape"],
)
@pytest.mark.parametrize("url", ["/shuanggongshi/xzxk/", "/lists/yzsx_scjg/"])
def test_tampered_cursor_is_a_clean_400(licences, url, cursor):
    response = get(licences, url, cursor=cursor)
    assert response.status_code == 400
    assert "翻页参数无效" in response.text


def test_a_cursor_of_this_site_is_accepted(licences):
    from disclosure.paging import _scope_digest, filters_scope

    scope = _scope_digest(filters_scope("shuanggongshi:xzxk", {}))
    value = {"d": "2026-05-11", "i": 10**6, "b": False, "n": 2, "s": scope}
    cursor = signing.Signer(salt=CURSOR_SALT).sign_object(value)
    assert get(licences, "/shuanggongshi/xzxk/", cursor=cursor).status_code == 200


# Red team (issue 12): a cursor carries the list it was made for (type, list, subject and tab, filters). Before,
# one made for another list or filter was taken as a key anywhere: the page showed an arbitrary stretch of the
# list under the page number of the other one.
def test_a_cursor_of_another_list_or_filter_is_a_400(licences):
    _, queries = walk(licences, "/shuanggongshi/xzxk/", "department=jl-scjg")
    cursor = dict(re.findall(r"([^&=]+)=([^&]*)", queries[1]))["cursor"]
    from urllib.parse import unquote

    cursor = unquote(cursor)
    assert get(licences, "/shuanggongshi/xzxk/", department="jl-scjg", cursor=cursor).status_code == 200
    for url, params in [
        ("/shuanggongshi/xzxk/", {}),  # the filter dropped
        ("/shuanggongshi/xzxk/", {"department": "cc-scjg"}),  # another filter
        ("/shuanggongshi/xzcf/", {"department": "jl-scjg"}),  # another type
        ("/lists/yzsx_scjg/", {"department": "jl-scjg"}),  # another list
    ]:
        response = get(licences, url, cursor=cursor, **params)
        assert response.status_code == 400, url
        assert "翻页参数无效" in response.text


def test_a_subject_tab_cursor_is_for_that_subject_and_tab(licences):
    from disclosure.selectors import public_profile_get
    from subjects.models import CreditSubject

    subject = CreditSubject.objects.get(uscc=company_uscc(1))
    other = CreditSubject.objects.get(uscc=company_uscc(2))
    with time_machine.travel(NOW, tick=False):
        page = public_profile_get(subject, tab="xzxk").page
        cursor = page._cursor(page.object_list[0], backwards=False, number=2)
        assert public_profile_get(subject, tab="xzxk", cursor=cursor).page is not None
        for target, tab in [(other, "xzxk"), (subject, "xzcf")]:
            with pytest.raises(BadCursor):
                public_profile_get(target, tab=tab, cursor=cursor)


def test_shuanggongshi_query_count_is_pinned(licences, django_assert_max_num_queries):
    _, queries = walk(licences, "/shuanggongshi/xzxk/", "department=jl-scjg")
    # Type, department lookup, the page's rows (subject and department joined), penalty kinds, departments.
    with django_assert_max_num_queries(5):
        assert licences.get(f"/shuanggongshi/xzxk/?{queries[1]}").status_code == 200


def test_unfiltered_first_page_is_cached_briefly(licences, django_assert_max_num_queries):
    first = get(licences, "/shuanggongshi/xzxk/").text
    with django_assert_max_num_queries(3):  # type, penalty kinds, departments: the rows come from the cache
        assert get(licences, "/shuanggongshi/xzxk/").text == first


def test_list_pages_are_keyset_paged(client, django_capture_on_commit_callbacks):
    from records.services import RecordInput, records_ingest
    from tests.records.helpers import yzsxmd_item

    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    items = [RecordInput(**yzsxmd_item(n, decided_on=DATES[n % 3])) for n in range(1, 25)]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        records_ingest(department=department, items=items, channel="api", actor=Actor.system())
    names = re.compile(r"长春测试(\d+)商贸有限公司")
    seen, query = [], ""
    while query is not None:
        page = get(client, f"/lists/yzsx_scjg/?{query}")
        assert page.status_code == 200
        seen += names.findall(page.text)
        query = link(page.text, "下一页")
    assert sorted(map(int, seen)) == list(range(1, 25))
    assert len(seen) == 24


# Records of subjects in three counties of two cities and one outside the province: the region filter is on the
# records' own copy of the subject's division (records.0012), county exactly, city by its first four digits.
REGIONS = {"220104": range(1, 6), "220106": range(6, 9), "220602": range(9, 13), "110105": range(13, 15)}


@pytest.fixture
def regional(client, django_capture_on_commit_callbacks):
    from records.services import RecordInput, records_ingest
    from subjects import identifiers as ids

    department = DepartmentFactory(code="jl-scjg")
    items = [
        RecordInput(
            **xzxk_item(
                n,
                XK_XDR_SHXYM=ids.make_uscc(division_code=division, organization_body=f"{n:08d}"),
                XK_XDR_MC=f"区划测试{n}有限公司",
            )
        )
        for division, numbers in REGIONS.items()
        for n in numbers
    ]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        records_ingest(department=department, items=items, channel="api", actor=Actor.system())
    return client


@pytest.mark.parametrize(
    ("region", "divisions"),
    [
        ("220104", ["220104"]),
        ("220100", ["220104", "220106"]),
        ("220600", ["220602"]),
        ("220000", ["220104", "220106", "220602"]),
        ("110000", ["110105"]),
        ("990000", []),
    ],
)
def test_region_filter_is_on_the_records_division(regional, region, divisions):
    pages, _ = walk(regional, "/shuanggongshi/xzxk/", f"region={region}")
    assert sorted(map(int, flat(pages))) == sorted(n for d in divisions for n in REGIONS[d])


def test_a_region_that_is_no_code_is_a_400_not_an_empty_list(regional):
    response = get(regional, "/shuanggongshi/xzxk/", region="22x")
    assert response.status_code == 400
    assert "地区代码无效" in response.text


def test_records_carry_their_subjects_division(regional):
    records = CreditRecord.objects.select_related("subject")
    assert {r.division_code for r in records} == set(REGIONS)
    assert all(r.division_code == r.subject.division_code for r in records)


def test_a_matched_record_takes_its_subjects_division(client, django_capture_on_commit_callbacks):
    from records.services import RecordInput, record_match, records_ingest
    from subjects.models import CreditSubject
    from tests.records.helpers import xzcf_item

    department = DepartmentFactory(code="jl-scjg")
    # A foreign passport holder: no subject can be resolved, the record waits in the matching queue.
    item = xzcf_item(6, CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E12345678")
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        records_ingest(department=department, items=[RecordInput(**item)], channel="api", actor=Actor.system())
    record = CreditRecord.objects.get()
    assert (record.status, record.division_code) == ("unmatched", "")
    subject = CreditSubject.objects.create(kind="company", uscc=company_uscc(3), name="测试商贸有限公司")
    CreditSubject.objects.filter(pk=subject.pk).update(division_code="220602")
    subject.refresh_from_db()
    with transaction.atomic():
        record_match(record=record, subject=subject, actor=Actor.system(), reason="核实")
    record.refresh_from_db()
    assert record.division_code == "220602"


# --- PostgreSQL: the index and the statement budget --------------------------------------------------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@postgres_only
def test_shuanggongshi_query_uses_the_partial_type_date_index(licences):
    record_type = RecordType.objects.get(code="xzxk")
    cases = [
        ({}, "record_public_type_date_idx"),
        ({"department": "jl-scjg"}, "record_public_"),
        # A county and a city with few records (none here: every licence is in 220104), where walking the type
        # index and checking each row would read the whole type.
        ({"region": "220602"}, "record_public_county_date_idx"),
        ({"region": "220600"}, "record_public_city_date_idx"),
    ]
    for params, index in cases:
        sql, args = shuanggongshi_filter(params, record_type)[:21].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE records_creditrecord")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql, args)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan, plan
        assert "Sort" not in plan, plan


@statement_budget
def sleeping_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    return HttpResponse("done")


@postgres_only
@pytest.mark.django_db(transaction=True)
@override_settings(PUBLIC_STATEMENT_TIMEOUT_MS=100)
def test_statement_budget_cuts_a_slow_query_with_a_503_page():
    response = sleeping_view(RequestFactory().get("/shuanggongshi/xzcf/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "查询繁忙" in response.content.decode()
    with connection.cursor() as cursor:  # SET LOCAL ended with the view's transaction
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@postgres_only
@pytest.mark.django_db(transaction=True)
@override_settings(PUBLIC_STATEMENT_TIMEOUT_MS=0)
def test_statement_budget_off_lets_the_query_finish():
    @statement_budget
    def quick(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.2)")
        return HttpResponse("done")

    assert quick(RequestFactory().get("/")).status_code == 200


# --- Admin: the record search by USCC or record number -------------------------------------------------------


@pytest.fixture
def admin_client(licences):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    licences.login(username="centre", password="Centre-Pass-2026")
    return licences


def test_admin_record_search_by_uscc_finds_the_subjects_records(admin_client):
    page = admin_client.get("/admin/records/creditrecord/", {"q": company_uscc(7)}).text
    assert NUMBER.findall(page) == ["7"]
    assert "统一社会信用代码" in page  # the search help


def test_admin_record_search_by_number_prefix(admin_client):
    page = admin_client.get("/admin/records/creditrecord/", {"q": "长市监许〔2026〕4"}).text
    assert sorted(map(int, NUMBER.findall(page))) == [4, *range(40, 48)]
    assert NUMBER.findall(admin_client.get("/admin/records/creditrecord/", {"q": "不存在"}).text) == []


def test_admin_record_list_count_is_capped(admin_client, monkeypatch):
    from core.paging import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "CAP", 10)
    paginator = CappedCountPaginator(CreditRecord.objects.order_by("-pk"), 5)
    assert paginator.count == 10
    assert paginator.capped
    assert admin_client.get("/admin/records/creditrecord/", {"status__exact": "active"}).status_code == 200


# --- The penalty-kind filter (处罚类别) ----------------------------------------------------------------------
# Before, ``kind`` was a LIKE on the JSON value: no index, so PostgreSQL read every public penalty of the type
# and sorted them (116 ms at 40k penalties, seconds at millions: past the statement budget, a 503 for a filter
# the page offers in a drop-down). Now the kinds are matched as elements of the stored list (;-separated), on a
# GIN index of that list (records 0014).
KINDS = {1: "罚款", 2: "罚款;没收违法所得", 3: "吊销许可证件;罚款", 4: "警告;通报批评", 5: "暂扣许可证件"}


@pytest.fixture
def penalties(client, django_capture_on_commit_callbacks):
    from records.services import RecordInput, records_ingest
    from tests.records.helpers import xzcf_item

    department = DepartmentFactory(code="jl-scjg")
    items = [RecordInput(**xzcf_item(n, CF_CFLB=kinds, CF_JDRQ="2026-06-01")) for n, kinds in KINDS.items()]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        records_ingest(department=department, items=items, channel="api", actor=Actor.system())
    return client


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("罚款", [1, 2, 3]),
        ("没收违法所得", [2]),
        ("吊销许可证件", [3]),
        ("暂扣许可证件", [5]),
        ("罚", []),
        ("", [1, 2, 3, 5]),
    ],
)
def test_penalty_kind_filter_matches_whole_kinds(penalties, kind, expected):
    record_type = RecordType.objects.get(code="xzcf")
    with time_machine.travel(NOW, tick=False):
        rows = shuanggongshi_filter({"kind": kind}, record_type)
        found = sorted(int(re.search(r"(\d+)号", r.source_id).group(1)) for r in rows)
    assert found == expected  # 4 is a warning: never published


@postgres_only
def test_penalty_kind_filter_is_served_by_its_index(penalties):
    """With 3,000 fines and one revocation: the rare kind is read from the GIN index, the common one by walking
    the (type, date, id) index; neither reads every penalty of the type."""
    fine = CreditRecord.objects.get(source_id__endswith="〔2026〕1号")
    clones = []
    for n in range(3000):
        fine.pk, fine.source_id = None, f"克隆〔2026〕{n}号"
        clones.append(CreditRecord(**{f.attname: getattr(fine, f.attname) for f in CreditRecord._meta.concrete_fields}))
    CreditRecord.objects.bulk_create(clones)
    record_type = RecordType.objects.get(code="xzcf")
    plans = {}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE records_creditrecord")
        for kind in ("吊销许可证件", "罚款"):
            sql, args = shuanggongshi_filter({"kind": kind}, record_type)[:21].query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, args)
            plans[kind] = "\n".join(row[0] for row in cursor.fetchall())
    assert "record_public_penalty_kind_gin" in plans["吊销许可证件"], plans["吊销许可证件"]
    assert "record_public_type_date_idx" in plans["罚款"], plans["罚款"]
    assert "Sort" not in plans["罚款"], plans["罚款"]
