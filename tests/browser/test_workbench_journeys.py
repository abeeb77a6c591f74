"""Department workbench journeys of issue 16, in a real Chromium on a laptop and on a phone (390 px, where the
menus fold): clerk entry with the department's prefilled authority and a subject lookup; resubmission after
rejection; bulk review of an imported upload."""

import pytest
from django.core.management import call_command

from organisations.models import Department
from subjects.models import CreditSubject
from tests.browser.conftest import WIDTHS, logout, menu
from tests.records.helpers import xzcf_item

pytestmark = pytest.mark.django_db(transaction=True)
DEPARTMENT = "jl-scjg"


@pytest.fixture
def demo_company(reference_data):
    call_command("seed_demo", "--subjects=200", "--no-progress")
    return CreditSubject.objects.get(name="长春宏达食品有限公司")


def login(page, live_server, username, password):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")


def enter_penalty(page, live_server, company, number):
    """The clerk enters a penalty: authority prefilled, the subject found by the lookup."""
    page.goto(live_server.url + "/workbench/records/new/xzcf/")
    department = Department.objects.get(code=DEPARTMENT)
    assert page.input_value("[data-code=CF_CFJG]") == department.name
    assert page.input_value("[data-code=CF_CFJGDM]") == department.uscc
    assert page.input_value("[data-code=CF_SJLY]") == department.name
    assert page.input_value("[data-code=CF_SJLYDM]") == department.uscc
    page.get_by_label("查找信用主体").fill("宏达食品")
    page.get_by_role("button", name="查找", exact=True).click()
    page.get_by_role("button", name=company.name).first.click()
    assert page.input_value("[data-code=CF_XDR_MC]") == company.name
    assert page.input_value("[data-code=CF_XDR_SHXYM]") == company.uscc
    assert page.input_value("[data-code=CF_XDR_LB]") == "法人及非法人组织"
    values = {
        "CF_WSH": f"长市监罚〔2026〕{number}号",
        "CF_WFXW": "销售过期食品",
        "CF_SY": "经查，当事人销售超过保质期的食品。",
        "CF_YJ": "《食品安全法》第一百二十四条",
        "CF_NR": "罚款人民币贰万元",
        "CF_NR_FK": "2",
        "CF_JDRQ": "2026-06-01",
    }
    for code, value in values.items():
        page.fill(f"[data-code={code}]", value)
    page.get_by_label("罚款", exact=True).check()
    page.get_by_role("button", name="提交审核").click()
    assert page.get_by_test_id("record-status").inner_text() == "待审核"
    return page.url


@pytest.mark.parametrize("page", WIDTHS, indirect=True)
def test_clerk_entry_with_prefill_and_lookup(live_server, page, demo_company):
    login(page, live_server, "clerk", "Demo-Clerk-2026")
    enter_penalty(page, live_server, demo_company, 881)
    assert demo_company.name in page.content()


@pytest.mark.parametrize("page", WIDTHS, indirect=True)
def test_resubmission_after_rejection(live_server, page, demo_company):
    login(page, live_server, "clerk", "Demo-Clerk-2026")
    record_url = enter_penalty(page, live_server, demo_company, 882)
    logout(page)
    login(page, live_server, "reviewer", "Demo-Reviewer-2026")
    page.goto(record_url)
    page.get_by_label("退回").check()
    page.get_by_label("审核意见").fill("罚款金额应为3万元")
    page.get_by_role("button", name="提交审核结果").click()
    assert page.get_by_test_id("record-status").inner_text() == "审核未通过"
    logout(page)
    login(page, live_server, "clerk", "Demo-Clerk-2026")
    page.get_by_role("link", name="被退回、待修改后重新提交的记录").click()
    page.get_by_role("link", name="长市监罚〔2026〕882号").click()
    page.get_by_test_id("record-edit").click()
    assert "罚款金额应为3万元" in page.content()
    assert page.input_value("[data-code=CF_NR_FK]") == "2"
    page.fill("[data-code=CF_NR_FK]", "3")
    page.fill("[data-code=CF_NR]", "罚款人民币叁万元")
    page.get_by_role("button", name="重新提交审核").click()
    assert page.url == record_url
    assert page.get_by_test_id("record-status").inner_text() == "待审核"
    history = page.locator("table").last.inner_text()
    assert "审核退回" in history
    assert "修改后重新提交" in history
    assert "罚款人民币叁万元" in page.content()


@pytest.mark.parametrize("page", WIDTHS, indirect=True)
def test_bulk_review_of_an_imported_batch(live_server, page, demo_company, tmp_path):
    from tests.records.test_batches import csv_bytes

    rows = [xzcf_item(n) for n in range(7001, 7013)] + [xzcf_item(7099, CF_XDR_SHXYM="91220104MA0000000X")]
    upload = tmp_path / "处罚批量.csv"
    upload.write_bytes(csv_bytes(rows, encoding="utf-8"))
    login(page, live_server, "clerk", "Demo-Clerk-2026")
    menu(page, "表格导入")
    page.get_by_label("记录类型").select_option("xzcf")
    page.get_by_label("文件").set_input_files(str(upload))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_role("button", name="导入 12 条有效记录").click()
    assert "导入完成：新增12条。" in page.get_by_test_id("batch-message").inner_text()
    upload_url = page.url
    logout(page)

    login(page, live_server, "reviewer", "Demo-Reviewer-2026")
    assert "待我审核的记录" in page.get_by_test_id("todo-panel").inner_text()
    page.goto(upload_url)
    section = page.get_by_test_id("batch-review")
    assert "仍待审核 12 条" in section.inner_text()
    assert "有误 1 行" in section.inner_text()
    section.get_by_label("通过").check()
    section.get_by_role("button", name="批量审核 12 条记录").click()
    page.wait_for_url("**/workbench/review/bulk/*/")
    assert page.get_by_test_id("batch-state").inner_text() == "已完成"
    assert "12 条" in page.get_by_test_id("bulk-outcome").inner_text()
    page.get_by_role("link", name="返回待审核记录").click()
    assert "长市监罚〔2026〕7001号" not in page.content()
