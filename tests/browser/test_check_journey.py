"""A department checks a supplier by name before a procurement award (联合奖惩核查, issue 16): it confirms the
subject the name means, reads the answer, downloads the certificate (核查结果单) and anyone verifies it."""

import re
import shutil
import subprocess

import pytest
from django.core.management import call_command

from subjects.models import CreditSubject
from tests.browser.conftest import WIDTHS, logout

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def supplier(reference_data):
    """The demo data (its staff sign in with the README's passwords), and one of its companies as the supplier."""
    call_command("seed_demo", "--subjects=200", "--no-progress")
    return CreditSubject.objects.get(name="长春宏达食品有限公司")


@pytest.mark.parametrize("page", WIDTHS, indirect=True)
def test_a_department_checks_a_supplier_by_name_and_the_certificate_verifies(live_server, page, supplier, tmp_path):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("Demo-Clerk-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")
    page.goto(live_server.url + "/workbench/checks/")
    page.get_by_label("业务场景").select_option(label="政府采购")
    page.get_by_label("业务编号").fill("JLCG-2026-0901")
    # Pasted from a spreadsheet, with its header row.
    page.get_by_label("主体代码或名称").fill(f"供应商名称\n{supplier.name}")
    page.get_by_role("button", name="核查").click()

    confirm = page.get_by_test_id("name-match")
    assert supplier.name in confirm.inner_text()
    assert "供应商名称" not in page.get_by_test_id("check-confirm").inner_text()  # the header is not a name
    assert page.get_by_label(re.compile("确认核查")).is_checked()
    page.get_by_role("button", name="确认并核查").click()
    page.wait_for_url("**/workbench/checks/*/")
    assert "已完成核查：共 1 项，查到主体 1 个" in page.get_by_role("status").first.inner_text()
    assert supplier.uscc in page.content()

    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_test_id("certificate").click()
    path = tmp_path / "certificate.pdf"
    download_info.value.save_as(path)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout)
    assert supplier.name in text
    assert "JLCG-2026-0901" in text
    number = re.search(r"XY\d{18}", text).group(0)
    code = re.search(r"验证码([A-Z2-9]{8})", text).group(1)

    logout(page)
    page.goto(live_server.url + "/reports/verify/")
    page.get_by_label("报告编号").fill(number)
    page.get_by_label("验证码").fill("ZZZZZZZZ")
    page.get_by_role("button", name="核验").click()
    assert "报告编号或验证码不正确" in page.get_by_role("alert").inner_text()
    page.get_by_label("报告编号").fill(number)
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="核验").click()
    verified = page.get_by_test_id("verified").inner_text()
    assert "报告真实有效" in verified
    assert "联合奖惩核查结果单" in verified
    assert "JLCG-2026-0901" in verified
