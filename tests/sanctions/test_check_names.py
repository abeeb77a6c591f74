"""联合奖惩核查 by name (issue 16): names resolved with the department's confirmation, a list's header row ignored,
and the check's certificate (核查结果单) numbered and verified like a credit report."""

import datetime
import re
import shutil
import subprocess

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from disclosure.models import CreditReport
from organisations.services import staff_create
from sanctions.forms import file_entries, pasted_entries
from sanctions.models import Check
from tests.conftest import StaffClient
from tests.factories import CreditSubjectFactory, DepartmentFactory, uscc_for
from tests.records.helpers import company_uscc, yzsxmd_item
from tests.sanctions.test_checks import check, client_for

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
PASSWORD = "Pass-12345-x"
BLACK = "长春测试1商贸有限公司"  # company 1, on the serious-violation list
JULY_2 = time_machine.travel(datetime.datetime(2026, 7, 2, 10, tzinfo=TZ), tick=False)


def signed_in(username: str, role: str, department_code: str | None) -> StaffClient:
    with transaction.atomic():
        user = staff_create(
            username=username, password=PASSWORD, role=role, department_code=department_code, actor=Actor.system()
        )
    client = StaffClient()
    client.force_login(user)
    return client


@pytest.fixture
def finance(push):
    """A clerk of the finance department (procurement bans apply to it), and company 1 on a black list."""
    DepartmentFactory(code="jl-czt", sector="finance")
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        push(yzsxmd_item(1, until="2027-05-31"))
    return signed_in("czclerk", "clerk", "jl-czt")


# Reading the list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entries"),
    [
        ("统一社会信用代码\n91220104MA0000001X\n", ["91220104MA0000001X"]),
        ("名称,统一社会信用代码\n甲公司,91220104MA0000001X", ["甲公司", "91220104MA0000001X"]),
        ("\ufeff“主体名称”\n吉林 某某 科技有限公司", ["吉林 某某 科技有限公司"]),
        (
            "91220104MA0000001X 91220104MA0000002X\n乙公司；丙公司",
            ["91220104MA0000001X", "91220104MA0000002X", "乙公司", "丙公司"],
        ),
        ("甲公司\n名称", ["甲公司", "名称"]),  # only the first line can be a header
    ],
    ids=["code-header", "csv-header-with-two-columns", "quoted-header-and-a-name-with-spaces", "mixed", "not-first"],
)
def test_a_pasted_list_loses_its_header_row_and_keeps_names_whole(text, entries):
    assert pasted_entries(text) == entries


def test_an_uploaded_csv_gives_its_first_column_without_the_header():
    text = '统一社会信用代码,企业名称\n91220104MA0000001X,甲公司\n"长春某某商贸有限公司",乙\n'
    assert file_entries(text) == ["91220104MA0000001X", "长春某某商贸有限公司"]


@JULY_2
def test_an_uploaded_list_with_a_header_row_checks_only_its_subjects(finance):
    upload = SimpleUploadedFile("list.csv", f"统一社会信用代码,名称\n{company_uscc(1)},甲公司\n".encode("gb18030"))
    response = finance.post("/workbench/checks/", {"scenario": "procurement", "reference": "CG-1", "file": upload})
    assert response.status_code == 302
    [result] = Check.objects.get().results
    assert (result["subject"], result["found"]) == (company_uscc(1), True)


# Names on the page ----------------------------------------------------------------------------------------


@JULY_2
def test_a_name_of_one_subject_is_shown_for_confirmation_then_checked(finance):
    page = finance.post("/workbench/checks/", {"scenario": "procurement", "reference": "CG-2", "codes": BLACK})
    assert page.status_code == 200
    assert not Check.objects.exists()  # nothing is checked before the confirmation
    assert "确认核查：长春测试1商贸有限公司" in page.text
    assert f'value="{company_uscc(1)}" checked' in page.text
    confirmed = finance.post(
        "/workbench/checks/",
        {
            "step": "confirm",
            "scenario": "procurement",
            "reference": "CG-2",
            "name": [BLACK],
            "pick-0": company_uscc(1),
        },
        follow=True,
    )
    [result] = Check.objects.get().results
    assert (result["subject"], result["status"]) == (company_uscc(1), "black")
    assert "限制参加政府采购活动" in confirmed.text
    assert "已完成核查：共 1 项，查到主体 1 个" in confirmed.text


@JULY_2
def test_a_name_of_several_subjects_is_a_choice_and_an_unknown_name_is_said(finance):
    twins = [CreditSubjectFactory(name="吉林同名建设有限公司", uscc=uscc_for(900 + n)) for n in range(2)]
    page = finance.post(
        "/workbench/checks/",
        {
            "scenario": "procurement",
            "reference": "CG-3",
            "codes": f"吉林同名建设有限公司\n查无此名有限公司\n{company_uscc(1)}",
        },
    )
    assert "该名称对应 2 个主体" in page.text
    for twin in twins:
        assert f'name="pick-0" value="{twin.uscc}">' in page.text  # offered, not chosen
    assert "未找到名称为“查无此名有限公司”的主体" in page.text
    assert f'name="code" value="{company_uscc(1)}"' in page.text
    confirmed = finance.post(
        "/workbench/checks/",
        {
            "step": "confirm",
            "scenario": "procurement",
            "reference": "CG-3",
            "code": [company_uscc(1)],
            "name": ["吉林同名建设有限公司", "查无此名有限公司"],
            "pick-0": twins[1].uscc,
        },
        follow=True,
    )
    assert [r["subject"] for r in Check.objects.get().results] == [company_uscc(1), twins[1].uscc]
    assert "有 1 个名称未确认对应的主体" in confirmed.text


def renamed(subject_name: str, new_name: str):
    """Company 1 renamed by the credit centre, its old name kept as a former name (曾用名)."""
    from subjects.models import CreditSubject
    from subjects.services import subject_correct

    subject = CreditSubject.objects.get(name=subject_name)
    with transaction.atomic():
        # The pushed test company's name is provisional (never a former name once corrected): the registration
        # authority's change is written out here.
        subject_correct(subject=subject, name=new_name, reason="名称变更登记", actor=Actor.system())
        subject.former_names.create(name=subject_name, source="名称变更登记")
    return subject


@JULY_2
def test_an_exact_former_name_finds_the_subject_shown_with_its_former_name(finance):
    renamed(BLACK, "长春新名商贸有限公司")
    page = finance.post("/workbench/checks/", {"scenario": "procurement", "reference": "CG-8", "codes": BLACK})
    assert "确认核查：长春新名商贸有限公司（曾用名：长春测试1商贸有限公司" in page.text
    assert f'value="{company_uscc(1)}" checked' in page.text


@JULY_2
def test_a_former_name_shared_with_a_current_name_is_a_choice_saying_which_is_which(finance):
    renamed(BLACK, "长春新名商贸有限公司")
    namesake = CreditSubjectFactory(name=BLACK, uscc=uscc_for(950))
    page = finance.post("/workbench/checks/", {"scenario": "procurement", "reference": "CG-9", "codes": BLACK})
    assert "该名称对应 2 个主体" in page.text
    assert f'value="{namesake.uscc}"> 长春测试1商贸有限公司（{namesake.uscc}' in page.text
    assert f'value="{company_uscc(1)}"> 长春新名商贸有限公司（曾用名：长春测试1商贸有限公司' in page.text


@JULY_2
def test_the_api_checks_an_exact_former_name(black_subject_api):
    renamed(BLACK, "长春新名商贸有限公司")
    response = check(client_for("finance", "jl-czt2"), "procurement", [BLACK])
    [named] = response.json()["results"]
    assert (named["subject"], named["name"], named["given"], named["status"]) == (
        company_uscc(1),
        "长春新名商贸有限公司",
        BLACK,
        "black",
    )


@JULY_2
def test_the_certificate_counts_the_subjects_found_not_the_entries(finance, client, tmp_path):
    finance.post(
        "/workbench/checks/",
        {"scenario": "procurement", "reference": "CG-10", "codes": f"{company_uscc(1)}\n91220000XXXXXXXXX1"},
    )
    made = Check.objects.get()
    assert (made.subject_count, made.found_count) == (2, 1)
    response = finance.get(f"/workbench/checks/{made.pk}/certificate/")
    squeezed = re.sub(r"\s+", "", pdf_text(b"".join(response.streaming_content), tmp_path))
    assert "核查名单2项，查到主体1个" in squeezed
    assert "核查主体数" not in squeezed
    number = re.search(r"XY\d{18}", squeezed).group()
    code = re.search(r"验证码([A-Z2-9]{8})", squeezed).group(1)
    page = client.get("/reports/verify/", {"number": number, "code": code}).text
    assert "2 项，查到主体 1 个" in page


@JULY_2
def test_a_natural_person_is_never_found_by_name(finance):
    CreditSubjectFactory(name="张三", kind="natural_person", uscc=None, citizen_id_hash="a" * 64)
    page = finance.post("/workbench/checks/", {"scenario": "procurement", "reference": "CG-4", "codes": "张三"})
    assert "未找到名称为“张三”的主体" in page.text


@JULY_2
def test_the_api_checks_an_exact_name_and_answers_an_ambiguous_one_with_candidates(black_subject_api):
    twins = [CreditSubjectFactory(name="吉林同名建设有限公司", uscc=uscc_for(900 + n)) for n in range(2)]
    finance = client_for("finance", "jl-czt2")
    response = check(finance, "procurement", [BLACK, "吉林同名建设有限公司"])
    assert response.status_code == 201, response.json()
    named, ambiguous = response.json()["results"]
    assert (named["subject"], named["given"], named["status"]) == (company_uscc(1), BLACK, "black")
    assert ambiguous["found"] is False
    assert "对应2个主体" in ambiguous["error"]
    assert {c["subject"] for c in ambiguous["candidates"]} == {t.uscc for t in twins}


@pytest.fixture
def black_subject_api(push):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        push(yzsxmd_item(1, until="2027-05-31"))


# The certificate ------------------------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@JULY_2
def test_the_certificate_downloads_shows_the_results_and_its_number_verifies(finance, client, tmp_path):
    finance.post(
        "/workbench/checks/",
        {"scenario": "procurement", "reference": "CG-5", "codes": f"{company_uscc(1)}\n{uscc_for(4242)}"},
    )
    made = Check.objects.get()
    response = finance.get(f"/workbench/checks/{made.pk}/certificate/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = pdf_text(content, tmp_path)
    squeezed = re.sub(r"\s+", "", text)
    for shown in ("联合奖惩核查结果单", BLACK, company_uscc(1), "失信", "限制参加政府采购活动", "未找到该主体", "CG-5"):
        assert shown in squeezed, shown
    number = re.search(r"XY\d{18}", squeezed).group()
    code = re.search(r"验证码([A-Z2-9]{8})", squeezed).group(1)
    certificate = CreditReport.objects.get(number=number)
    assert (certificate.variant, certificate.check_ref, certificate.subject) == ("check", made, None)
    assert AuditEvent.objects.filter(action="report.issue", object_id=str(certificate.pk)).exists()

    verified = client.get("/reports/verify/", {"number": number, "code": code})
    assert verified.status_code == 200
    assert "联合奖惩核查结果单" in verified.text
    assert made.department.name in verified.text
    assert certificate.pdf_sha256 in verified.text
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    for number_given, code_given in ((number, tampered), ("XY202607020000000000", code)):
        refused = client.get("/reports/verify/", {"number": number_given, "code": code_given})
        assert refused.status_code == 400
        assert "报告编号或验证码不正确" in refused.text

    # A second download is the same certificate, not a new number.
    again = finance.get(f"/workbench/checks/{made.pk}/certificate/")
    assert b"".join(again.streaming_content) == content
    assert CreditReport.objects.filter(variant="check").count() == 1


@JULY_2
def test_another_department_cannot_download_the_certificate(finance):
    finance.post("/workbench/checks/", {"scenario": "procurement", "reference": "CG-6", "codes": company_uscc(1)})
    made = Check.objects.get()
    other = DepartmentFactory()
    outsider = signed_in("other", "clerk", other.code)
    assert outsider.get(f"/workbench/checks/{made.pk}/certificate/").status_code == 404
    assert not CreditReport.objects.filter(variant="check").exists()


@JULY_2
def test_the_check_page_shows_labels_not_codes(finance):
    response = finance.post(
        "/workbench/checks/", {"scenario": "procurement", "reference": "CG-7", "codes": company_uscc(1)}, follow=True
    )
    assert "惩戒" in response.text
    assert "失信惩戒（黑名单）" in response.text  # the list's kind by its label
    assert ">black<" not in response.text
    assert ">punishment<" not in response.text
