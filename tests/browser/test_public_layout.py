"""Every public page on a phone (390 px) and a laptop (1366 px), in a real Chromium (issue 16).

Two things are asserted on each page and width: nothing overflows sideways (the page's scroll width is within
the window), and no text is squeezed into a column about one character wide. The second is measured on the text
itself: for every visible text node of more than three characters, the line boxes it is laid out in
(``Range.getClientRects``); a node spread over three or more lines, none of them two characters wide (twice the
font size: one CJK character is one em), is a squeezed column — what the 双公示 table, the navigation and the
home page's 黑名单 card did before. A node that fits on one or two lines, or wraps in lines of normal width, is not.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from audit.services import Actor
from disclosure.addresses import subject_url
from disclosure.models import Article
from organisations.models import Department
from records.services import RecordInput, records_ingest
from sanctions.models import ListType
from subjects import identifiers as ids
from subjects.models import CreditSubject
from tests.evaluation.helpers import commitment_item
from tests.records.helpers import xzcf_item

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1366)

LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > window.innerWidth) {
    problems.push(`horizontal overflow: ${root.scrollWidth} > ${window.innerWidth}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, "");
    if (text.length <= 3) continue;
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, svg, .visually-hidden, thead")) continue;
    const style = getComputedStyle(parent);
    if (style.visibility === "hidden" || style.display === "none" || parent.getClientRects().length === 0) continue;
    range.selectNodeContents(node);
    // One rect per line box (rects of the same line merged by their top).
    const lines = new Map();
    for (const rect of range.getClientRects()) {
      if (rect.width === 0 || rect.height === 0) continue;
      const top = Math.round(rect.top);
      lines.set(top, Math.max(lines.get(top) || 0, rect.width));
    }
    if (lines.size < 3) continue;
    const widest = Math.max(...lines.values());
    const em = parseFloat(style.fontSize) || 16;
    if (widest < 2 * em) {
      problems.push(`one-character column (${lines.size} lines, ${Math.round(widest)}px): ${text.slice(0, 30)}`);
    }
  }
  return problems;
}
"""


def _extra_public_data() -> dict[str, str]:
    """What the demo may not have: a natural person's penalty, a confirmed commitment, news and policy."""
    department = Department.objects.filter(is_active=True).order_by("pk").first()
    citizen_id = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1980, 3, 4), sequence=77)
    person = xzcf_item(
        901,
        CF_XDR_MC="欧阳娜娜",
        CF_XDR_LB="自然人",
        CF_XDR_SHXYM=None,
        CF_XDR_ZJLX="身份证",
        CF_XDR_ZJHM=citizen_id,
        CF_WSH="长市监罚〔2026〕人901号",
        CF_JDRQ=(datetime.date.today() - datetime.timedelta(days=10)).isoformat(),
    )
    commitment = commitment_item(902, signed_on=(datetime.date.today() - datetime.timedelta(days=5)).isoformat())
    with transaction.atomic():
        results = records_ingest(
            department=department,
            items=[RecordInput(record_type=i["record_type"], data=i["data"]) for i in (person, commitment)],
            channel="api",
            actor=Actor.system("test"),
        )
    assert not any(r.errors for r in results), [r.errors for r in results]
    long_title = "关于进一步完善失信约束制度构建诚信建设长效机制的指导意见（国办发〔2020〕49号）全文及解读"
    news = Article.objects.create(category="news", title="我省召开社会信用体系建设推进会", body="第一段。\n\n第二段。")
    Article.objects.create(category="policy", title=long_title, body="正文。")
    person_subject = CreditSubject.objects.get(kind="natural_person", name="欧阳娜娜")
    company = CreditSubject.objects.get(name="长春宏达食品有限公司")
    list_type = ListType.objects.filter(is_active=True, colour__in=("red", "black", "watch")).order_by("code").first()
    return {
        "首页": "/",
        "信用查询（有结果）": "/search/?q=%E5%AE%8F%E8%BE%BE",
        "信用查询（筛选）": "/search/?q=%E6%9C%89%E9%99%90&kind=legal_person&region=220100",
        "企业页面": subject_url(company),
        "企业页面（处罚栏）": subject_url(company) + "?tab=xzcf",
        "自然人页面": subject_url(person_subject) + "?tab=xzcf",
        "信用报告核验": "/reports/verify/?number=XY0000&code=abc",
        "行政许可公示": "/shuanggongshi/xzxk/",
        "行政处罚公示": "/shuanggongshi/xzcf/",
        "红黑名单": "/lists/",
        "名单详情": f"/lists/{list_type.code}/",
        "信用动态": "/articles/news/",
        "政策法规": "/articles/policy/",
        "文章": f"/article/{news.pk}/",
        "数据开放": "/opendata/",
        "信用承诺公示": "/commitments/",
        "联合奖惩措施清单": "/measures/",
        "统计": "/statistics/",
        "双随机抽查结果公示": "/inspections/",
        "页面不存在": "/no-such-page/",
    }


@pytest.fixture
def public_pages(reference_data):
    call_command("seed_demo", "--subjects=200", "--no-progress")
    return _extra_public_data()


def test_every_public_page_fits_a_phone_and_a_laptop(live_server, browser, public_pages):
    failures = {}
    for width in WIDTHS:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            for label, path in public_pages.items():
                response = page.goto(live_server.url + path)
                expected = 404 if label == "页面不存在" else (400 if label == "信用报告核验" else 200)
                assert response.status == expected, (label, response.status)
                problems = page.evaluate(LAYOUT_PROBLEMS)
                if problems:
                    failures[f"{width}px {label} {path}"] = problems[:5]
        finally:
            context.close()
    assert failures == {}


def test_the_phone_menu_opens_without_script_and_tables_become_cards(live_server, browser, public_pages):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/shuanggongshi/xzcf/")
        penalties = page.locator("#site-nav").get_by_role("link", name="行政处罚", exact=True)
        assert not penalties.is_visible()
        page.get_by_text("菜单").click()
        assert penalties.is_visible()
        assert page.locator("#site-nav").get_by_role("link", name="行政许可", exact=True).is_visible()
        # Each row a card: its cells stacked, each labelled by its column.
        first_row = page.locator("table.responsive tbody tr").first
        assert first_row.evaluate("row => getComputedStyle(row).display") == "block"
        label = first_row.locator("td").first.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label == '"行政相对人"'
    finally:
        context.close()
    wide = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 800})
    page = wide.new_page()
    try:
        page.goto(live_server.url + "/shuanggongshi/xzcf/")
        assert not page.get_by_text("菜单").is_visible()
        assert page.locator("#site-nav").get_by_role("link", name="行政处罚", exact=True).is_visible()
        assert page.locator("table.responsive tbody tr").first.evaluate("row => getComputedStyle(row).display") == (
            "table-row"
        )
    finally:
        wide.close()


def test_a_former_name_is_found_in_the_browser(live_server, page, public_pages):
    from subjects.models import SubjectNameHistory

    company = CreditSubject.objects.get(name="长春宏达食品有限公司")
    SubjectNameHistory.objects.create(subject=company, name="长春市宏达副食品商店")
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox").fill("宏达副食品")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_role("link", name=company.name).is_visible()
    assert "曾用名：长春市宏达副食品商店" in page.get_by_test_id("matched-by").inner_text()
