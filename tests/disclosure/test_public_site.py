import datetime
import re

import pytest
import time_machine

from audit.services import Actor
from disclosure.addresses import person_token
from disclosure.models import Article
from records.models import CreditRecord
from subjects import identifiers as ids
from subjects.models import CreditSubject
from tests.disclosure.conftest import CITIZEN_ID, NOW, TZ
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, xzxk_item

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params)


def test_subject_page_shows_public_penalty_with_disclosure_end_and_counts(published):
    page = get(published, f"/subjects/{company_uscc(1)}/", tab="xzcf").text
    assert "长市监罚〔2026〕1号" in page
    assert 'data-testid="disclosure-end">2027-05-31<' in page
    assert "长市监罚〔2026〕警1号" not in page  # warnings are never published
    assert re.search(r"行政处罚<span class=\"count\">2</span>", page)
    assert re.search(r"行政许可<span class=\"count\">1</span>", page)
    assert "提出异议" in page
    assert f'href="/subjects/{company_uscc(1)}/report/"' in page


def test_record_values_are_escaped(published):
    page = get(published, f"/subjects/{company_uscc(1)}/", tab="xzcf").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_black_subject_has_its_tag_and_list_tab(published):
    page = get(published, f"/subjects/{company_uscc(2)}/", tab="black").text
    assert "失信惩戒对象" in page
    assert "市场监督管理严重违法失信名单" in page
    assert "2027-05-31" in page


def test_revoked_record_leaves_the_page(published, django_capture_on_commit_callbacks):
    from records.services import record_revoke

    record = CreditRecord.objects.get(source_id="长市监罚〔2026〕1号")
    with django_capture_on_commit_callbacks(execute=True):
        record_revoke(record=record, actor=Actor.system(), reason="复议撤销")
    page = get(published, f"/subjects/{company_uscc(1)}/", tab="xzcf").text
    assert "长市监罚〔2026〕1号" not in page


def test_penalty_leaves_the_page_the_day_its_window_closes(published):
    url = f"/subjects/{company_uscc(1)}/"
    with time_machine.travel(datetime.datetime(2027, 5, 31, 12, tzinfo=TZ), tick=False):
        assert "长市监罚〔2026〕1号" in published.get(url, {"tab": "xzcf"}).text
    with time_machine.travel(datetime.datetime(2027, 6, 1, 12, tzinfo=TZ), tick=False):
        assert "长市监罚〔2026〕1号" not in published.get(url, {"tab": "xzcf"}).text


def test_natural_person_page_is_masked_and_opaque(published):
    person = CreditSubject.objects.get(kind="natural_person")
    page = get(published, f"/persons/{person_token(person)}/", tab="xzcf").text
    assert "欧阳**" in page
    assert "欧阳娜娜" not in page
    assert CITIZEN_ID not in page
    assert ids.mask_citizen_id(CITIZEN_ID) in page
    assert get(published, f"/persons/forged-{person.pk}/").status_code == 404
    xzcf_list = get(published, "/shuanggongshi/xzcf/").text
    assert "欧阳**" in xzcf_list
    assert "欧阳娜娜" not in xzcf_list
    assert CITIZEN_ID not in xzcf_list


def test_subject_page_query_count_is_pinned(published, django_assert_max_num_queries):
    # 9: with the published grades (evaluation); the catalog's display is read once, then cached.
    with django_assert_max_num_queries(9):
        assert get(published, f"/subjects/{company_uscc(1)}/", tab="xzcf").status_code == 200


def test_shuanggongshi_filters(published):
    assert "长市监罚〔2026〕1号" in get(published, "/shuanggongshi/xzcf/", kind="罚款").text
    assert "长市监罚〔2026〕1号" not in get(published, "/shuanggongshi/xzcf/", kind="吊销许可证件").text
    assert "长市监罚〔2026〕1号" in get(published, "/shuanggongshi/xzcf/", q="长春测试1").text
    assert "长市监罚〔2026〕1号" not in get(published, "/shuanggongshi/xzcf/", to="2026-05-01").text
    assert "长市监许〔2026〕1号" in get(published, "/shuanggongshi/xzxk/").text
    assert get(published, "/shuanggongshi/jyyc/").status_code == 404


def test_list_pages_and_home(published):
    assert "长春测试2商贸有限公司" in get(published, "/lists/yzsx_scjg/").text
    assert "长春测试3商贸有限公司" in get(published, "/lists/hmd_nsa/").text
    home = get(published, "/").text
    assert "长春测试2商贸有限公司" in home
    assert "长春测试3商贸有限公司" in home


def test_articles_are_published_from_the_admin_model(client):
    Article.objects.create(category="news", title="我省召开社会信用体系建设推进会", body="第一段。\n\n第二段。")
    Article.objects.create(category="news", title="草稿", body="x", is_published=False)
    listing = client.get("/articles/news/").text
    assert "我省召开社会信用体系建设推进会" in listing
    assert "草稿" not in listing
    article = Article.objects.get(is_published=True)
    assert client.get(f"/article/{article.pk}/").text.count("<p>第") == 2


def test_public_pages_send_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_subject_page_is_cached_until_its_records_change(
    published, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    url = f"/subjects/{company_uscc(1)}/"
    first = get(published, url, tab="xzcf").text
    with django_assert_max_num_queries(2):  # the subject lookup; the page itself comes from the cache
        assert get(published, url, tab="xzcf").text == first
    from records.services import record_revoke

    with django_capture_on_commit_callbacks(execute=True):
        record_revoke(
            record=CreditRecord.objects.get(source_id="长市监罚〔2026〕1号"), actor=Actor.system(), reason="撤销"
        )
    assert "长市监罚〔2026〕1号" not in get(published, url, tab="xzcf").text


def csv_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_open_data_csv_follows_the_publication_rules(published):
    penalties = csv_text(
        get(published, "/opendata/shuanggongshi/xzcf.csv", **{"from": "2026-06-01", "to": "2026-07-01"})
    )
    assert "长市监罚〔2026〕1号" in penalties
    assert "警1号" not in penalties
    assert "欧阳**" in penalties
    assert "欧阳娜娜" not in penalties
    assert CITIZEN_ID not in penalties
    assert ids.mask_citizen_id(CITIZEN_ID) in penalties
    black = csv_text(get(published, "/opendata/lists/yzsx_scjg.csv"))
    assert company_uscc(2) in black
    assert company_uscc(1) not in black


def test_open_data_refuses_a_range_over_31_days(published):
    response = get(published, "/opendata/shuanggongshi/xzcf.csv", **{"from": "2026-06-01", "to": "2026-07-02"})
    assert response.status_code == 400
    assert "最多31天" in response.text
    assert "按月生成的全量文件" in response.text


def test_shuanggongshi_pages_without_counting(client, django_capture_on_commit_callbacks):
    from records.services import RecordInput, records_ingest

    department = DepartmentFactory(code="jl-scjg")
    items = [RecordInput(**xzxk_item(n)) for n in range(23)]
    with time_machine.travel(NOW, tick=False):
        records_ingest(department=department, items=items, channel="api", actor=Actor.system())
    first = get(client, "/shuanggongshi/xzxk/").text
    second = get(client, "/shuanggongshi/xzxk/", page="2").text
    assert first.count("长市监许〔2026〕") == 20
    assert second.count("长市监许〔2026〕") == 3
    assert "下一页" in first
    assert "下一页" not in second
    assert "上一页" in second


def test_staff_pages_are_not_cached_for_the_public(published, django_user_model):
    staff = django_user_model.objects.create_user("someone", password="Pass-12345-x")
    published.force_login(staff)
    as_staff = get(published, f"/subjects/{company_uscc(1)}/").text
    assert "退出登录" in as_staff
    published.logout()
    anonymous = get(published, f"/subjects/{company_uscc(1)}/").text
    assert "退出登录" not in anonymous
    assert "csrfmiddlewaretoken" not in anonymous


def test_natural_persons_are_not_found_by_name_in_lists(published):
    assert "欧阳**" not in get(published, "/shuanggongshi/xzcf/", q="欧阳娜娜").text
    assert "欧阳**" in get(published, "/shuanggongshi/xzcf/", q="长市监罚〔2026〕人9号").text


def test_region_filter_covers_exactly_the_area(published):
    from disclosure.selectors import division_prefix

    assert [division_prefix(c) for c in ("220000", "220100", "320830")] == ["22", "2201", "320830"]
    assert "长市监罚〔2026〕1号" in get(published, "/shuanggongshi/xzcf/", region="220100").text
    assert "长市监罚〔2026〕1号" not in get(published, "/shuanggongshi/xzcf/", region="220200").text


def test_open_data_neutralises_spreadsheet_formulas():
    from core.csvfile import spreadsheet_text as _cell

    assert [_cell("=HYPERLINK(1)"), _cell("-1"), _cell("罚款"), _cell(None)] == ["'=HYPERLINK(1)", "'-1", "罚款", ""]
