"""End-to-end journeys through the public site, in a real Chromium."""

import pytest
from django.core.management import call_command

from subjects.models import CreditSubject

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company(reference_data):
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


def test_clerk_enters_a_penalty_and_a_reviewer_approves_it(live_server, page, demo_company):
    login = live_server.url + "/accounts/login/"
    page.goto(login)
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("Demo-Clerk-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="在线填报").click()
    page.get_by_role("main").get_by_role("link", name="行政处罚").click()  # the site header has one too
    values = {
        "CF_XDR_MC": demo_company.name,
        "CF_XDR_SHXYM": demo_company.uscc,
        "CF_WSH": "长市监罚〔2026〕888号",
        "CF_WFXW": "销售过期食品",
        "CF_SY": "经查，当事人销售超过保质期的食品。",
        "CF_YJ": "《食品安全法》第一百二十四条",
        "CF_NR": "罚款人民币贰万元",
        "CF_NR_FK": "2",
        "CF_JDRQ": "2026-06-01",
        "CF_CFJG": "吉林省市场监督管理厅",
        "CF_CFJGDM": demo_company.uscc,
        "CF_SJLY": "吉林省市场监督管理厅",
        "CF_SJLYDM": demo_company.uscc,
    }
    page.select_option("[data-code=CF_XDR_LB]", "法人及非法人组织")
    for code, value in values.items():
        page.fill(f"[data-code={code}]", value)
    page.get_by_label("罚款", exact=True).check()
    page.get_by_role("button", name="提交审核").click()
    assert page.get_by_test_id("record-status").inner_text() == "待审核"
    record_url = page.url

    page.get_by_role("button", name="退出登录").click()
    page.goto(login)
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill("Demo-Reviewer-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="待审核").click()
    page.get_by_role("link", name="长市监罚〔2026〕888号").click()
    assert page.url == record_url
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交审核结果").click()
    assert page.get_by_test_id("record-status").inner_text() == "有效"


def test_public_reads_a_penalty_downloads_the_report_and_verifies_it(live_server, page, demo_company, tmp_path):
    import datetime
    import re
    import shutil
    import subprocess

    from audit.services import Actor
    from organisations.models import Department
    from records.services import RecordInput, records_ingest
    from tests.records.helpers import xzcf_item

    decided = datetime.date.today() - datetime.timedelta(days=3)
    item = xzcf_item(
        1,
        CF_XDR_MC=demo_company.name,
        CF_XDR_SHXYM=demo_company.uscc,
        CF_WSH="长市监罚〔2026〕77号",
        decided_on=decided,
    )
    [result] = records_ingest(
        department=Department.objects.get(code="jl-scjg"),
        items=[RecordInput(**item)],
        channel="api",
        actor=Actor.system(),
    )
    assert result.status == "created"

    page.goto(live_server.url + "/")
    page.get_by_role("searchbox").fill("宏达")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name=demo_company.name).click()
    assert "长市监罚〔2026〕77号" in page.content()
    end = page.get_by_test_id("disclosure-end").first.inner_text()
    assert end == (decided.replace(year=decided.year + 1) - datetime.timedelta(days=1)).isoformat()

    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_test_id("report-link").click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert demo_company.name in text
    assert "长市监罚〔2026〕77号" in text
    number = re.search(r"XY\d{18}", text).group(0)
    code = re.search(r"验证码\s*([A-Z2-9]{8})", text).group(1)

    page.goto(live_server.url + "/reports/verify/")
    page.get_by_label("报告编号").fill(number)
    page.get_by_label("验证码").fill("ZZZZZZZZ")
    page.get_by_role("button", name="核验").click()
    assert "报告编号或验证码不正确" in page.get_by_role("alert").inner_text()
    page.get_by_label("报告编号").fill(number)
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="核验").click()
    assert "报告真实有效" in page.get_by_test_id("verified").inner_text()


def test_objection_is_accepted_and_corrected_and_the_public_sees_the_correction(live_server, page, demo_company):
    import datetime

    from audit.services import Actor
    from organisations.models import Department
    from records.models import CreditRecord
    from records.services import RecordInput, records_ingest
    from tests.records.helpers import xzcf_item

    item = xzcf_item(
        1,
        CF_XDR_MC=demo_company.name,
        CF_XDR_SHXYM=demo_company.uscc,
        CF_WSH="长市监罚〔2026〕99号",
        CF_NR="罚款人民币伍万元",
        decided_on=datetime.date.today() - datetime.timedelta(days=5),
    )
    records_ingest(
        department=Department.objects.get(code="jl-scjg"),
        items=[RecordInput(**item)],
        channel="api",
        actor=Actor.system(),
    )
    record = CreditRecord.objects.get(source_id="长市监罚〔2026〕99号")

    # The subject objects from the public page, signed in with its account (verified by the credit centre).
    from tests.accounts.helpers import PASSWORD, acting_account

    account = acting_account(demo_company)
    page.goto(f"{live_server.url}/subjects/{demo_company.uscc}/?tab=xzcf")
    page.get_by_role("link", name="提出异议").first.click()
    page.get_by_label("电子邮箱").fill(account.email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("异议理由").select_option("wrong")
    page.get_by_label("情况说明").fill("罚款金额有误，应为叁万元")
    page.get_by_label("申请人（单位或个人）").fill("王经理")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("本人承诺所提交材料真实有效，如有虚假愿承担相应法律责任（异议申诉承诺）").check()
    page.get_by_role("button", name="提交申请").click()
    receipt = page.get_by_test_id("receipt").inner_text()
    page.get_by_role("button", name="退出登录").click()

    def login(username, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()

    # The credit centre accepts and routes it; the source department corrects the record.
    login("admin", "Demo-Admin-2026")
    page.goto(f"{live_server.url}/workbench/applications/")
    page.get_by_role("link", name=receipt).click()
    page.get_by_role("button", name="受理并转部门核查").click()
    assert page.get_by_test_id("case-state").inner_text() == "部门核查中"
    page.get_by_role("button", name="退出登录").click()
    login("reviewer", "Demo-Reviewer-2026")
    page.goto(f"{live_server.url}/workbench/applications/")
    page.get_by_role("link", name=receipt).click()
    # The correction is a form of the record's own fields, prefilled with what is stored.
    assert page.get_by_label("罚款金额（万元）（CF_NR_FK）").input_value() == "5"
    page.get_by_label("更正", exact=True).check()
    page.get_by_label("处理说明").fill("经核实，罚款金额更正为叁万元")
    page.get_by_label("处罚内容（CF_NR）").fill("罚款人民币叁万元")
    page.get_by_label("罚款金额（万元）（CF_NR_FK）").fill("3")
    page.get_by_role("button", name="提交处理结果").click()
    assert page.get_by_test_id("case-state").inner_text() == "已处理"
    assert "更正了 2 项数据" in page.get_by_role("status").first.inner_text()

    # The public sees the corrected record; the history keeps the old version.
    page.get_by_role("button", name="退出登录").click()
    page.goto(f"{live_server.url}/subjects/{demo_company.uscc}/?tab=xzcf")
    assert "罚款人民币叁万元" in page.content()
    assert "罚款人民币伍万元" not in page.content()
    versions = list(record.versions.order_by("version").values_list("change", "data__CF_NR"))
    assert versions[0] == ("create", "罚款人民币伍万元")
    assert versions[-1] == ("correct", "罚款人民币叁万元")
