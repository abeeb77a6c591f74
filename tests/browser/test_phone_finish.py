"""What the outside walk of issue 16 found at 390 px, in a real Chromium: the statistics charts' labels at a
readable size and whole (they were SVG text scaled to ~7 px and cut at 13 characters), the workbench menu folded
behind a button as the public one is (it was always fully expanded above the page), and the credit centre's
account list in cards (names were one character wide beside the long e-mail addresses)."""

import datetime

import pytest
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import Actor
from organisations.services import staff_create
from records.services import RecordInput, records_ingest
from tests.accounts.helpers import account_make
from tests.browser.test_admin_csp import totp_now
from tests.browser.test_public_layout import LAYOUT_PROBLEMS
from tests.factories import DepartmentFactory
from tests.records.helpers import xzcf_item

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 800}
LONG_DEPARTMENT = "吉林省长春市朝阳区市场监督管理局经济技术开发区分局"


def phone(browser, **options):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_statistics_charts_are_readable_on_a_phone(live_server, browser, reference_data):
    department = DepartmentFactory(code="jl-cy-scjg", name=LONG_DEPARTMENT)
    decided = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    with transaction.atomic():
        records_ingest(
            department=department,
            items=[RecordInput(**xzcf_item(n, CF_JDRQ=decided)) for n in (1, 2)],
            channel="api",
            actor=Actor.system(),
        )
    context, page = phone(browser)
    try:
        page.goto(live_server.url + "/statistics/")
        labels = page.locator(".chart-label")
        assert labels.count() > 0
        sizes = labels.evaluate_all("nodes => nodes.map(n => parseFloat(getComputedStyle(n).fontSize))")
        assert min(sizes) >= 12, sizes
        # As rendered, not as drawn into a scaled picture: the font size on screen is the computed one.
        assert labels.evaluate_all("nodes => nodes.filter(n => n.closest('svg')).length") == 0
        assert LONG_DEPARTMENT in labels.all_inner_texts()
        assert page.evaluate(LAYOUT_PROBLEMS) == []
    finally:
        context.close()


def test_the_workbench_menu_folds_on_a_phone_and_account_names_are_readable(live_server, browser, reference_data):
    with transaction.atomic():
        user = staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    account_make("finance.department.long-address@changchun-hongda-food.example.com", name="长春宏达食品有限公司")
    context, page = phone(browser, java_script_enabled=False)
    try:
        page.goto(f"{live_server.url}/accounts/login/?next=/workbench/accounts/")
        page.get_by_label("用户名").fill("centre")
        page.get_by_label("密码").fill("Centre-Pass-2026")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/accounts/two-factor/?next=*")
        page.locator("input[name=token]").fill(totp_now(device))
        page.locator("form:not(.logout) button[type=submit]").click()
        page.wait_for_url("**/workbench/accounts/")

        menu = page.locator("#workbench-nav").get_by_role("link", name="信用记录", exact=True)
        assert not menu.is_visible()
        page.get_by_text("工作台菜单").click()
        assert menu.is_visible()

        name = page.get_by_role("link", name="长春宏达食品有限公司")
        assert name.is_visible()
        assert name.evaluate("a => a.getClientRects().length") == 1  # on one line, not a column of characters
        assert page.evaluate(LAYOUT_PROBLEMS) == []

        page.set_viewport_size({"width": 1366, "height": 800})
        page.reload()
        assert not page.get_by_text("工作台菜单").is_visible()
        assert menu.is_visible()
    finally:
        context.close()
