"""End-to-end journeys through the public site, in a real Chromium."""

import pytest
from django.core.management import call_command

from subjects.models import CreditSubject

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company(divisions):
    call_command("seed_demo", "--subjects=200", "--no-progress")
    return CreditSubject.objects.get(name="长春宏达食品有限公司")


def test_public_finds_a_company_by_part_of_its_name(live_server, page, demo_company):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox").fill("宏达食品")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/search/?q=*")
    result = page.get_by_role("link", name=demo_company.name)
    assert result.is_visible()
    result.click()
    page.wait_for_url(f"**/subjects/{demo_company.uscc}/")
    assert page.get_by_role("heading", level=1).inner_text() == demo_company.name
    assert page.get_by_test_id("uscc").inner_text() == demo_company.uscc


def test_public_gets_a_clear_message_for_a_one_character_query(live_server, page):
    page.goto(live_server.url + "/search/?q=宏")
    assert "至少2个字" in page.get_by_role("alert").inner_text()


def test_staff_logs_in_and_sees_their_role(live_server, page, demo_company):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("Demo-Clerk-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")
    assert "部门填报员" in page.content()
    assert "吉林省市场监督管理厅" in page.content()
