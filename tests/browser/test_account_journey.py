"""A company's account in a real Chromium: it registers with its proofs, confirms its e-mail, the credit centre
verifies it, it reads its whole record and its own report, authorises a bank, the bank reads what it was
authorised to, and the company sees that read in its access log."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command

from records.models import CreditRecord
from subjects.models import CreditSubject

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def company(reference_data):
    """A demo company with a public penalty and a revoked one (which the public no longer sees)."""
    from django.db import transaction

    from audit.services import Actor
    from organisations.models import Department
    from records.services import RecordInput, record_revoke, records_ingest
    from tests.records.helpers import xzcf_item

    call_command("seed_demo", "--subjects=200", "--no-progress")
    company = CreditSubject.objects.get(name="长春宏达食品有限公司")
    recent = datetime.date.today() - datetime.timedelta(days=5)
    items = [
        xzcf_item(
            1, CF_XDR_MC=company.name, CF_XDR_SHXYM=company.uscc, CF_WSH=f"长市监罚〔2026〕{n}号", decided_on=recent
        )
        for n in ("公1", "撤1")
    ]
    with transaction.atomic():
        records_ingest(
            department=Department.objects.get(code="jl-scjg"),
            items=[RecordInput(**item) for item in items],
            channel="api",
            actor=Actor.system(),
        )
        record_revoke(
            record=CreditRecord.objects.get(source_id="长市监罚〔2026〕撤1号"), actor=Actor.system(), reason="复议撤销"
        )
    return company


def _file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def test_register_get_verified_self_query_authorise_a_bank_and_see_its_read(live_server, page, company):
    from tests.accounts.helpers import PASSWORD, account_make

    url = live_server.url
    bank = account_make("credit@bank.example", name="吉林银行长春分行")

    # Register, with the licence and the legal representative's ID.
    page.goto(f"{url}/account/register/")
    page.get_by_label("企业/组织用户").check()
    page.get_by_label("账户名称（单位名称或姓名）").fill(company.name)
    page.get_by_label("电子邮箱（用于登录和接收确认邮件）").fill("boss@hongda.example")
    page.get_by_label("手机号码").fill("13800000000")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_label("统一社会信用代码或身份证号").fill(company.uscc)
    page.get_by_label("主体名称或姓名（按登记名称填写）").fill(company.name)
    page.get_by_label("法定代表人", exact=True).check()
    page.get_by_label("营业执照（登记证书）").set_input_files(_file("营业执照.pdf"))
    page.get_by_label("法定代表人身份证").set_input_files(_file("身份证.pdf"))
    page.get_by_role("button", name="注册").click()
    assert "注册申请已提交" in page.content()
    link = re.search(r"https?://\S+/account/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(url + link[link.index("/account/") :])
    assert "电子邮箱已确认" in page.content()

    def sign_in(email):
        page.goto(f"{url}/account/login/")
        page.get_by_label("电子邮箱").fill(email)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/account/")

    def sign_out():
        page.get_by_role("button", name="退出登录").click()

    sign_in("boss@hongda.example")
    assert "待核验" in page.get_by_test_id("grants").inner_text()
    sign_out()

    # The credit centre checks the proofs and verifies the grant.
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("Demo-Admin-2026")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{url}/workbench/account-grants/")
    # The queue holds the demo's pending request too: this company's row.
    row = page.get_by_role("row").filter(has_text="boss@hongda.example")
    row.get_by_role("link", name=re.compile(r"\d{4}-\d{2}-\d{2}")).click()
    assert "营业执照.pdf" in page.content()
    page.get_by_role("button", name="核验通过").click()
    sign_out()

    # The company reads its whole record, not only what the public sees, and downloads its own report.
    sign_in("boss@hongda.example")
    page.get_by_role("link", name="本主体查询").first.click()
    own = page.content()
    assert "长市监罚〔2026〕公1号" in own
    assert "长市监罚〔2026〕撤1号" in own
    assert "已撤销" in own
    with page.expect_download() as download:
        page.get_by_test_id("self-report-link").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # It authorises the bank to read its penalties for a month.
    page.get_by_role("navigation", name="用户中心导航").get_by_role("link", name="我的账户").click()
    page.get_by_role("link", name="授权第三方查询").first.click()
    page.get_by_label("被授权方账户的电子邮箱").fill(bank.email)
    page.get_by_label("行政处罚").check()
    page.get_by_label("查询用途").fill("贷款审批")
    page.get_by_label("有效期至").fill((datetime.date.today() + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="授权", exact=True).click()
    assert "已授权" in page.content()
    sign_out()

    # The bank reads what it was authorised to.
    sign_in(bank.email)
    page.get_by_role("link", name="被授权查询").click()
    page.get_by_role("link", name="查询", exact=True).click()
    assert f"授权查询：{company.name}" in page.content()
    assert "长市监罚〔2026〕公1号" in page.content()
    sign_out()

    # The company sees the bank's read in its access log.
    sign_in("boss@hongda.example")
    page.get_by_role("link", name="谁查询了我的信用记录").first.click()
    log = page.get_by_test_id("accesses").inner_text()
    assert "授权第三方查询" in log
    assert "吉林银行长春分行" in log
    assert "贷款审批" in log
    assert "本主体查询" in log
