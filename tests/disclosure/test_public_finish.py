"""The public site finished for the people who use it (issue 16).

Search by former name and legal representative, filters and the result cap, citizen IDs and full-width codes in
the box; why a status badge is shown; the 双公示 pages linked and filtered by region; 信用承诺, 措施清单 and 统计
pages; the 429 page in minutes; the site's own 404 under `make run`."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction

from audit.services import Actor
from records.models import CreditRecord, IngestStat
from records.services import RecordInput, records_ingest
from sanctions.models import Measure, Membership
from subjects import identifiers as ids
from subjects.models import CreditSubject, SubjectNameHistory
from tests.disclosure.conftest import CITIZEN_ID, NOW
from tests.evaluation.helpers import commitment_item
from tests.factories import CreditSubjectFactory, DepartmentFactory, api_token_issue
from tests.records.helpers import company_uscc

pytestmark = pytest.mark.django_db
FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"
)


def get(client, url, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params)


# Search ----------------------------------------------------------------------------------------------------


def test_a_former_name_shown_on_a_subject_page_finds_the_subject(client):
    subject = CreditSubjectFactory(name="吉林宏达食品集团有限公司")
    SubjectNameHistory.objects.create(subject=subject, name="长春宏达食品有限公司")
    response = client.get("/search/", {"q": "长春宏达"})
    assert response.status_code == 200
    assert "吉林宏达食品集团有限公司" in response.text
    assert "匹配：曾用名：长春宏达食品有限公司" in response.text
    # Two characters go through the bigram path on PostgreSQL.
    assert "吉林宏达食品集团有限公司" in client.get("/search/", {"q": "长春"}).text


def test_the_legal_representative_finds_the_companies_never_a_natural_person(client):
    company = CreditSubjectFactory(name="吉林恒泰建材有限公司", legal_representative="王建国")
    CreditSubject.objects.create(
        kind="natural_person",
        name="王建国",
        legal_representative="王建国",
        citizen_id_hash="h" * 64,
        citizen_id_masked="2201**********1234",
    )
    text = client.get("/search/", {"q": "王建国"}).text
    assert company.name in text
    assert "法定代表人：王建国" in text
    assert "2201**********1234" not in text
    assert "王*" not in text
    # A fragment of the person's name is no match: the name is matched whole.
    assert company.name not in client.get("/search/", {"q": "建国"}).text


def test_search_filters_by_kind_region_and_status(published):
    CreditSubjectFactory(
        name="长春测试个体经营部", kind="individual_business", division_code="220102", uscc=company_uscc(31)
    )
    CreditSubjectFactory(name="吉林测试商贸有限公司", division_code="220202", uscc=company_uscc(32))
    every = get(published, "/search/", q="测试").text
    assert "长春测试个体经营部" in every
    assert "吉林测试商贸有限公司" in every
    by_kind = get(published, "/search/", q="测试", kind="individual_business").text
    assert "长春测试个体经营部" in by_kind
    assert "长春测试1商贸有限公司" not in by_kind
    by_region = get(published, "/search/", q="测试", region="220200").text
    assert "吉林测试商贸有限公司" in by_region
    assert "长春测试1商贸有限公司" not in by_region
    black = get(published, "/search/", q="测试", status="black").text
    assert "长春测试2商贸有限公司" in black
    assert "长春测试1商贸有限公司" not in black
    assert "长春测试3商贸有限公司" not in black  # a red list
    normal = get(published, "/search/", q="测试", status="normal").text
    assert "长春测试1商贸有限公司" in normal
    assert "长春测试2商贸有限公司" not in normal
    # The filters are kept in the form and in the page links.
    assert '<option value="individual_business" selected>' in by_kind
    # A hand-made value is ignored rather than failing the page.
    assert get(published, "/search/", q="测试", kind="natural_person", region="22x").status_code == 200


def test_a_capped_search_says_more_than_the_cap_not_a_count(client, settings):
    settings.SEARCH_RESULT_CAP = 3
    for n in range(5):
        CreditSubjectFactory(name=f"长春恒泰{n}建材有限公司")
    text = client.get("/search/", {"q": "恒泰"}).text
    assert "超过 3 个，请输入更完整的名称" in text
    assert "共找到" not in text
    settings.SEARCH_RESULT_CAP = 10
    assert "共找到 <strong>5</strong>" in client.get("/search/", {"q": "恒泰"}).text


@pytest.mark.parametrize(
    "typed", [CITIZEN_ID, CITIZEN_ID.translate(FULL_WIDTH), CITIZEN_ID[:6] + " " + CITIZEN_ID[6:]], ids=str
)
def test_a_citizen_id_in_the_box_gets_a_plain_message(client, typed):
    response = client.get("/search/", {"q": typed})
    assert response.status_code == 400
    assert "公众查询不提供按身份证号查询自然人" in response.text
    assert "第2位" not in response.text
    assert CITIZEN_ID not in response.text.replace(typed, "") or typed != CITIZEN_ID


def test_a_full_width_uscc_finds_the_subject_as_on_subject_pages(client):
    subject = CreditSubjectFactory(name="长春宏达食品有限公司")
    typed = subject.uscc.translate(FULL_WIDTH)
    assert typed != subject.uscc
    response = client.get("/search/", {"q": typed})
    assert response.status_code == 200
    assert f'href="/subjects/{subject.uscc}/"' in response.text
    assert client.get(f"/subjects/{typed}/").status_code == 200


def test_a_mistyped_uscc_still_gets_the_uscc_message(client):
    bad = company_uscc(5)[:-1] + ("0" if company_uscc(5)[-1] != "0" else "1")
    response = client.get("/search/", {"q": bad})
    assert response.status_code == 400
    assert "第18位" in response.text


# Subject page -----------------------------------------------------------------------------------------------


def test_the_status_badge_says_which_list_since_when_until_when_on_which_record(published):
    membership = Membership.objects.select_related("list_type").get(list_type__code="yzsx_scjg")
    page = get(published, f"/subjects/{company_uscc(2)}/").text
    assert 'data-testid="status-why"' in page
    why = page.split('data-testid="status-why"')[1].split("</div>")[0]
    assert membership.list_type.name in why
    assert f"自 {membership.started_on:%Y}年{membership.started_on.month}月{membership.started_on.day}日 起" in why
    assert "2027年5月31日" in why
    assert "依据记录 " in why
    assert membership.records.get().source_id in why
    # A subject with no list: no badge, no explanation.
    assert 'data-testid="status-why"' not in get(published, f"/subjects/{company_uscc(1)}/").text


def test_a_natural_person_has_no_registration_status(published):
    from disclosure.addresses import person_token

    person = CreditSubject.objects.get(kind="natural_person")
    page = get(published, f"/persons/{person_token(person)}/").text
    assert 'data-testid="registration-status"' not in page
    assert "存续" not in page
    assert 'data-testid="registration-status"' in get(published, f"/subjects/{company_uscc(1)}/").text


# 双公示 --------------------------------------------------------------------------------------------------------


def test_licences_and_penalties_are_both_in_the_navigation_and_linked(published):
    for url in ("/", "/shuanggongshi/xzxk/", "/shuanggongshi/xzcf/"):
        page = get(published, url).text
        nav = page.split('id="site-nav"')[1].split("</nav>")[0]
        assert 'href="/shuanggongshi/xzxk/"' in nav
        assert 'href="/shuanggongshi/xzcf/"' in nav
    licences = get(published, "/shuanggongshi/xzxk/").text
    switch = licences.split('class="type-switch"')[1].split("</nav>")[0]
    assert '<a href="/shuanggongshi/xzcf/">行政处罚公示</a>' in switch
    assert 'href="/shuanggongshi/xzxk/" aria-current="page"' in switch


def test_the_region_filter_is_a_choice_of_regions(published):
    page = get(published, "/shuanggongshi/xzcf/").text
    assert '<select name="region">' in page
    assert '<option value="220100">长春市</option>' in page
    assert '<option value="220104">长春市 · 朝阳区</option>' in page
    assert 'name="region" value=' not in page  # no code to type
    chosen = get(published, "/shuanggongshi/xzcf/", region="220100").text
    assert '<option value="220100" selected>' in chosen
    assert "长市监罚〔2026〕1号" in chosen
    assert "长市监罚〔2026〕1号" not in get(published, "/shuanggongshi/xzcf/", region="220200").text
    assert '<option value="220100">长春市</option>' in get(published, "/lists/yzsx_scjg/").text


# New pages ----------------------------------------------------------------------------------------------------


@pytest.fixture
def commitments(published, django_capture_on_commit_callbacks):
    """Two confirmed commitments (pushed by the department) and one awaiting its confirmation (reviewed entry)."""
    department = DepartmentFactory(code="jl-fgw", sector="development_reform")
    with transaction.atomic():
        _, raw = api_token_issue(department)
    items = [commitment_item(1, matter="食品经营许可"), commitment_item(2, matter="建筑施工许可")]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = published.post(
            "/api/v1/records/",
            data=json.dumps(items),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert {r["status"] for r in response.json()["results"]} == {"created"}
    pending = commitment_item(3, matter="待确认事项")
    with transaction.atomic(), time_machine.travel(NOW, tick=False):
        records_ingest(
            department=department,
            items=[RecordInput(record_type="xycn", data=pending["data"])],
            channel="form",
            actor=Actor.system("test"),
            review=True,
        )
    assert CreditRecord.objects.filter(record_type__code="xycn").count() == 3
    return published


def test_the_commitments_page_shows_confirmed_commitments_only(commitments):
    page = get(commitments, "/commitments/")
    assert page.status_code == 200
    assert "信用承诺公示" in page.text
    assert "食品经营许可" in page.text
    assert "建筑施工许可" in page.text
    assert "待确认事项" not in page.text
    assert "食品经营许可" not in get(commitments, "/commitments/", q="长春测试2").text


def test_the_measures_page_lists_each_measure_with_its_basis_and_public_lists(client):
    measure = Measure.objects.filter(is_active=True).prefetch_related("list_types").first()
    assert measure is not None, "the measure catalog is seeded by migrations"
    page = client.get("/measures/").text
    assert measure.name in page
    assert measure.legal_basis[:20] in page
    for list_type in measure.list_types.all():
        if list_type.colour != "notice":
            assert f'href="/lists/{list_type.code}/"' in page
    assert "notice" not in page
    Measure.objects.filter(pk=measure.pk).update(is_active=False)
    assert f'data-testid="measure-{measure.code}"' not in client.get("/measures/").text


def test_the_measures_page_query_count_is_pinned(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the measures, their lists
        assert client.get("/measures/").status_code == 200


def test_the_statistics_page_draws_bars_and_is_cached(published, django_assert_max_num_queries):
    department = DepartmentFactory(code="jl-sw", name="吉林省商务厅")
    from records.models import RecordType

    xzcf = RecordType.objects.get(code="xzcf")
    IngestStat.objects.create(department=department, record_type=xzcf, day=datetime.date(2026, 3, 5), received=42)
    cache.clear()
    page = get(published, "/statistics/").text
    assert "吉林省商务厅" in page
    assert "<svg" in page
    assert 'class="chart-bar"' in page
    assert "2026-03" in page
    assert ">42<" in page.replace("\n", "")
    assert "严重失信主体名单" in page or "名单" in page
    with django_assert_max_num_queries(0), time_machine.travel(NOW, tick=False):
        from disclosure.selectors import public_statistics

        assert public_statistics()["per_department"]
    with django_assert_max_num_queries(1):  # cached figures; at most the session-less page's nothing else
        get(published, "/statistics/")


def test_news_and_policy_are_both_reachable_from_the_navigation(client):
    page = client.get("/").text
    nav = page.split('id="site-nav"')[1].split("</nav>")[0]
    assert 'href="/articles/news/"' in nav
    assert 'href="/articles/policy/"' in nav
    for path in ("/articles/news/", "/articles/policy/", "/commitments/", "/measures/", "/statistics/"):
        assert client.get(path).status_code == 200, path
        assert f'href="{path}"' in nav, path


def test_subject_pages_have_print_styles():
    css = (Path(__file__).resolve().parents[2] / "static/css/site.css").read_text()
    assert "@media print" in css
    printed = css.split("@media print")[1]
    assert ".site-header" in printed
    assert ".tabs" in printed


# 429 and 404 ---------------------------------------------------------------------------------------------------


def test_the_429_page_says_minutes_and_the_limited_action(client, settings):
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "report": (0, 3600)}
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, 29, 5, tzinfo=NOW.tzinfo), tick=False):
        response = client.get(f"/subjects/{company_uscc(1)}/report/")
    assert response.status_code == 429
    assert "请 31 分钟后再试" in response.text  # 1855 seconds to the hour
    assert "秒" not in response.text
    assert "生成信用报告" in response.text
    assert response["Retry-After"] == "1855"


@pytest.mark.parametrize(("seconds", "text"), [(1, "1 分钟"), (60, "1 分钟"), (61, "2 分钟"), (1855, "31 分钟")])
def test_waits_are_whole_minutes_rounded_up(seconds, text):
    from disclosure.throttle import wait_text

    assert wait_text(seconds) == text


def test_make_run_settings_serve_the_sites_own_404(tmp_path):
    """`make run` is runserver on settings.base: DEBUG is off unless DJANGO_DEBUG=1, so an unknown URL gets the
    site's page in Chinese and static files still come from the app folders (WhiteNoise's finders)."""
    script = (
        "import django, os; django.setup();"
        "from django.conf import settings; from django.test import Client;"
        "c = Client(HTTP_HOST='127.0.0.1'); r = c.get('/no-such-page/'); s = c.get('/static/css/site.css');"
        "print(settings.DEBUG, r.status_code, '页面不存在' in r.content.decode() or '未找到' in r.content.decode(),"
        " 'Page not found' in r.content.decode(), s.status_code)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE")}
    env |= {"DJANGO_SETTINGS_MODULE": "credit_portal.settings.base", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "404", "True", "False", "200"]
    debug = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env | {"DJANGO_DEBUG": "1"}, capture_output=True, text=True
    )
    assert debug.stdout.split()[0] == "True"


def test_ids_stay_masked_in_search(published):
    assert ids.mask_citizen_id(CITIZEN_ID) not in get(published, "/search/", q="欧阳").text


def test_the_commitments_page_query_count_is_pinned(commitments, django_assert_max_num_queries):
    get(commitments, "/commitments/")  # the catalog display and the division table, read once and kept
    # The first page from its brief cache; then the departments for the form (the type is in the catalog cache).
    with django_assert_max_num_queries(2):
        assert get(commitments, "/commitments/").status_code == 200
    with django_assert_max_num_queries(5):  # filtered: the name matches, the rows, the departments
        assert get(commitments, "/commitments/", q="长春测试1").status_code == 200


def test_the_statistics_are_computed_in_five_queries_then_cached(published, django_assert_max_num_queries):
    from disclosure.selectors import public_statistics

    cache.clear()
    with django_assert_max_num_queries(5):
        figures = public_statistics(NOW.date())
    assert [name for name, _, _ in figures["list_sizes"]]
    with django_assert_max_num_queries(0):
        assert public_statistics(NOW.date()) == figures


def test_the_status_explanation_names_only_public_records(published):
    membership = Membership.objects.get(list_type__code="yzsx_scjg")
    record = membership.records.get()
    CreditRecord.objects.filter(pk=record.pk).update(publishable=False)  # e.g. its publication ended early
    page = get(published, f"/subjects/{company_uscc(2)}/").text
    why = page.split('data-testid="status-why"')[1].split("</div>")[0]
    assert membership.list_type.name in why
    assert record.source_id not in why


def test_notice_lists_are_not_shown_on_the_measures_page(client):
    from sanctions.models import ListType

    notice = list(ListType.objects.filter(colour="notice", measures__is_active=True).distinct())
    assert notice, "the seeded catalog has measures of 一般失信 notice lists"
    page = client.get("/measures/").text
    for list_type in notice:
        assert f'href="/lists/{list_type.code}/"' not in page


@pytest.mark.parametrize("typed", ["220104199001011234", "２２０１０４１９９００１０１１２３４"], ids=str)
def test_a_citizen_id_with_a_wrong_check_digit_gets_a_plain_message(client, typed):
    """Issue 16: a mistyped ID got the USCC's "第2位机构类别代码" error."""
    response = client.get("/search/", {"q": typed})
    assert response.status_code == 400
    assert "像是18位身份证号码，但最后一位校验码不正确" in response.text
    assert "公众查询不提供按身份证号查询自然人" in response.text
    assert "第2位" not in response.text


def test_an_inverted_date_range_says_so(published):
    """Issue 16: from after to answered "没有符合条件的公示信息" as if nothing had been decided."""
    response = published.get("/shuanggongshi/xzcf/", {"from": "2026-06-30", "to": "2026-01-01"})
    assert response.status_code == 400
    assert "开始日期不能晚于结束日期" in response.text
    assert "没有符合条件的公示信息" not in response.text
    same_day = published.get("/shuanggongshi/xzcf/", {"from": "2026-06-01", "to": "2026-06-01"})
    assert same_day.status_code == 200


def test_the_site_has_a_favicon(client):
    """Issue 16: /favicon.ico (asked for by browsers on every page that names none, the admin's) was a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    home = client.get("/").text
    assert '<link rel="icon" href="/static/favicon' in home
    assert client.get("/static/favicon.svg").status_code == 200
