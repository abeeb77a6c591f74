import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from audit.services import Actor
from organisations.services import staff_create
from sanctions.models import Check, Feedback
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, yzsxmd_item

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
PASSWORD = "Pass-12345-x"


@pytest.fixture
def finance_clerk(client, push):
    DepartmentFactory(code="jl-czt", sector="finance")
    with transaction.atomic():
        staff_create(
            username="czclerk", password=PASSWORD, role="clerk", department_code="jl-czt", actor=Actor.system()
        )
        staff_create(username="centre", password=PASSWORD, role="credit_admin", actor=Actor.system())
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        push(yzsxmd_item(1, until="2027-05-31"))
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    client.login(username="czclerk", password=PASSWORD)
    return client


@time_machine.travel(datetime.datetime(2026, 7, 2, 10, tzinfo=TZ), tick=False)
def test_check_page_with_pasted_codes_and_feedback(finance_clerk):
    response = finance_clerk.post(
        "/workbench/checks/",
        {"scenario": "procurement", "reference": "CG-001", "codes": f"{company_uscc(1)}\n{company_uscc(2)}"},
    )
    assert response.status_code == 302
    detail = finance_clerk.get(response["Location"])
    assert "限制参加政府采购活动" in detail.text
    assert "失信" in detail.text
    assert "未找到该主体" in detail.text
    finance_clerk.post(
        response["Location"],
        {f"fb-{company_uscc(1)}-zfcg_xz": "applied", f"fb-{company_uscc(1)}-zfcg_xz-note": "已取消资格"},
    )
    assert Feedback.objects.get().note == "已取消资格"


@time_machine.travel(datetime.datetime(2026, 7, 2, 10, tzinfo=TZ), tick=False)
def test_check_page_with_an_uploaded_list(finance_clerk):
    upload = SimpleUploadedFile("list.csv", f"{company_uscc(1)},甲公司\n".encode("gb18030"))
    response = finance_clerk.post(
        "/workbench/checks/", {"scenario": "procurement", "reference": "CG-002", "file": upload}
    )
    assert response.status_code == 302
    assert Check.objects.get().subject_count == 1


def test_check_page_needs_codes(finance_clerk):
    response = finance_clerk.post("/workbench/checks/", {"scenario": "procurement", "reference": "CG-003"})
    assert response.status_code == 200
    assert "至少一个主体代码" in response.text


@time_machine.travel(datetime.datetime(2026, 7, 2, 10, tzinfo=TZ), tick=False)
def test_dashboard_for_the_credit_centre_only(finance_clerk):
    finance_clerk.post(
        "/workbench/checks/", {"scenario": "procurement", "reference": "CG-004", "codes": company_uscc(1)}
    )
    assert finance_clerk.get("/workbench/checks/dashboard/").status_code == 403
    finance_clerk.logout()
    finance_clerk.login(username="centre", password=PASSWORD)
    page = finance_clerk.get("/workbench/checks/dashboard/")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "各部门核查次数" in page.text
    assert "核查 <strong>1</strong> 次" in page.text
