"""Who names a subject: the naming rule, the credit centre's correction, registration authorities (issue 10)."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from audit.models import AuditEvent
from audit.services import Actor
from organisations.models import Department
from organisations.services import registers_normalize, staff_create
from subjects import identifiers as ids
from subjects.choices import NameSource
from subjects.models import CreditSubject
from subjects.services import NameVerdict, SubjectClaim, name_verdict, subject_correct, subject_resolve
from tests.factories import CreditSubjectFactory, DepartmentFactory, uscc_for

D = datetime.date
USCC = uscc_for(4242)


def subject(source=NameSource.AUTHORITY, changed_on=datetime.date(2024, 1, 1)):
    return CreditSubject(
        kind="legal_entity", name="甲有限公司", uscc=USCC, name_source=source, name_changed_on=changed_on
    )


# (reported name, as_of, the subject's name source, authority?, may rename?, former names) → verdict
RULES = {
    "authority-newer-renames": ("乙有限公司", D(2024, 1, 2), NameSource.AUTHORITY, True, True, (), NameVerdict.RENAME),
    "authority-same-day-renames": ("乙有限公司", D(2024, 1, 1), NameSource.AUTHORITY, True, True, (), "rename"),
    "authority-older-keeps": ("乙有限公司", D(2023, 12, 31), NameSource.AUTHORITY, True, True, (), "keep"),
    "authority-undated-renames": ("乙有限公司", None, NameSource.AUTHORITY, True, True, (), "rename"),
    "correction-wins-same-day": ("乙有限公司", D(2024, 1, 1), NameSource.CORRECTED, True, True, (), "keep"),
    "correction-yields-next-day": ("乙有限公司", D(2024, 1, 2), NameSource.CORRECTED, True, True, (), "rename"),
    "authority-review-entry-keeps": ("乙有限公司", D(2025, 1, 1), NameSource.AUTHORITY, True, False, (), "keep"),
    "authority-provisional-old-renames": (
        "乙有限公司",
        D(2001, 1, 1),
        NameSource.PROVISIONAL,
        True,
        True,
        (),
        "rename",
    ),
    "authority-provisional-same-confirms": (
        "甲有限公司",
        D(2001, 1, 1),
        NameSource.PROVISIONAL,
        True,
        True,
        (),
        "confirm",
    ),
    "authority-same": ("甲有限公司", D(2025, 1, 1), NameSource.AUTHORITY, True, True, (), "same"),
    "other-same": ("甲有限公司", D(2025, 1, 1), NameSource.AUTHORITY, False, True, (), "same"),
    "other-full-width-same": ("甲有限公司 ", D(2025, 1, 1), NameSource.AUTHORITY, False, True, (), "same"),
    "other-former": ("旧名有限公司", D(2025, 1, 1), NameSource.AUTHORITY, False, True, ("旧名有限公司",), "same"),
    "other-mismatch": ("冒名改名皮包有限公司", D(2025, 1, 1), NameSource.AUTHORITY, False, True, (), "mismatch"),
    "other-mismatch-review": (
        "冒名改名皮包有限公司",
        D(2025, 1, 1),
        NameSource.CORRECTED,
        False,
        False,
        (),
        "mismatch",
    ),
    "other-provisional-keeps": ("乙有限公司", D(2025, 1, 1), NameSource.PROVISIONAL, False, True, (), "keep"),
    "person-mismatch": ("李四", D(2025, 1, 1), NameSource.REPORTED, False, True, (), "mismatch"),
}


@pytest.mark.parametrize(
    ("name", "as_of", "source", "authority", "may_rename", "former", "expected"), RULES.values(), ids=RULES.keys()
)
def test_name_verdict(name, as_of, source, authority, may_rename, former, expected):
    verdict = name_verdict(
        subject=subject(source),
        name=name,
        as_of=as_of,
        authority=authority,
        may_rename=may_rename,
        former_keys={f for f in former},
    )
    assert verdict == expected


@pytest.mark.parametrize(
    ("given", "stored"), [("9", "9"), ("51", "15"), ("1,5", "15"), (" n9 ", "9N"), ("", ""), ("99", "9")]
)
def test_registers_are_normalised(given, stored):
    assert registers_normalize(given) == stored


@pytest.mark.parametrize("given", ["Z", "0", "9X"])
def test_unknown_registration_authority_codes_are_refused_in_chinese(given):
    with pytest.raises(ValueError, match="登记管理部门代码"):
        registers_normalize(given)


# Database ------------------------------------------------------------------------------------------------

DEPT_USCC = ids.make_uscc(division_code="220000", organization_body="01234567", registration_authority="1")


def create_department(**overrides):
    args = {"code": "jl-mzt", "name": "吉林省民政厅", "uscc": DEPT_USCC, "level": "province"}
    args.update(overrides)
    call_command("create_department", *[f"--{key}={value}" for key, value in args.items()])


@pytest.mark.django_db
def test_create_department_registers_and_is_audited():
    create_department(registers="5")
    department = Department.objects.get(code="jl-mzt")
    assert department.registers == "5"
    assert AuditEvent.objects.get(action="department.create").after["registers"] == "5"
    association = ids.make_uscc(division_code="220104", organization_body="00000001", registration_authority="5")
    assert department.registers_subject(CreditSubject(kind="legal_entity", uscc=association))
    assert not department.registers_subject(CreditSubject(kind="legal_entity", uscc=uscc_for(1)))
    assert not department.registers_subject(CreditSubject(kind="natural_person"))


@pytest.mark.django_db
def test_create_department_refuses_an_unknown_registration_authority():
    with pytest.raises(CommandError, match="登记管理部门代码“Z”无效"):
        create_department(registers="Z")
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_department_create_without_registers_registers_nobody():
    create_department()
    assert Department.objects.get().registers == ""


@pytest.mark.django_db
def test_a_correction_keeps_the_former_name_is_audited_and_dated(actor):
    company = CreditSubjectFactory(name="冒名改名皮包有限公司")
    with transaction.atomic():
        subject_correct(
            subject=company,
            name="长春宏达食品有限公司",
            address="长春市朝阳区人民大街1号",
            reason="核对营业执照",
            actor=actor,
        )
    company.refresh_from_db()
    assert (company.name, company.name_source) == ("长春宏达食品有限公司", NameSource.CORRECTED)
    assert list(company.former_names.values_list("name", flat=True)) == ["冒名改名皮包有限公司"]
    event = AuditEvent.objects.get(action="subject.correct")
    assert (event.before["name"], event.after["name"]) == ("冒名改名皮包有限公司", "长春宏达食品有限公司")
    assert event.after["address"] == "长春市朝阳区人民大街1号"
    assert event.reason == "核对营业执照"


@pytest.mark.django_db
def test_a_correction_needs_a_reason_and_may_drop_a_false_name(actor):
    company = CreditSubjectFactory(name="冒名改名皮包有限公司")
    with pytest.raises(ValueError, match="原因"), transaction.atomic():
        subject_correct(subject=company, name="长春宏达食品有限公司", reason=" ", actor=actor)
    company.refresh_from_db()
    assert company.name == "冒名改名皮包有限公司"
    with transaction.atomic():
        subject_correct(
            subject=company, name="长春宏达食品有限公司", reason="冒名报送", keep_former_name=False, actor=actor
        )
    assert not company.former_names.exists()


@pytest.mark.django_db
def test_an_older_authority_item_does_not_undo_a_correction_but_a_later_one_renames(actor):
    company = CreditSubjectFactory(name="甲有限公司", name_changed_on=D(2020, 1, 1))
    with transaction.atomic():
        subject_correct(subject=company, name="乙有限公司", reason="核对登记材料", actor=actor)
    today = company.name_changed_on
    claim = SubjectClaim(name="丙有限公司", uscc=company.uscc, as_of=today - datetime.timedelta(days=1))
    assert not subject_resolve(claim=claim, registers="9", actor=actor).renamed
    assert not subject_resolve(
        claim=SubjectClaim(name="丙有限公司", uscc=company.uscc, as_of=today), registers="9", actor=actor
    ).renamed
    company.refresh_from_db()
    assert company.name == "乙有限公司"


@pytest.mark.django_db
def test_a_mismatch_rolls_back_a_legacy_code_it_would_have_attached(actor):
    company = CreditSubjectFactory(name="甲有限公司")
    reg_no = "22010400001234" + ids.registration_number_check_digit("22010400001234")
    claim = SubjectClaim(name="冒名有限公司", uscc=company.uscc, registration_number=reg_no)
    result = subject_resolve(claim=claim, registers="", actor=actor)
    assert result.subject is None
    assert "不一致" in result.name_error
    assert not company.legacy_identifiers.exists()


@pytest.fixture
def centre(client):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    client.login(username="centre", password="Centre-Pass-2026")
    return client


def correction_form(subject, **overrides):
    form = {
        "name": subject.name,
        "registration_status": subject.registration_status,
        "legal_representative": subject.legal_representative,
        "established_on": "",
        "address": subject.address,
        "reason": "",
        "keep_former_name": "on",
        # read-only inlines still post their management forms
        "former_names-TOTAL_FORMS": "0",
        "former_names-INITIAL_FORMS": "0",
        "legacy_identifiers-TOTAL_FORMS": "0",
        "legacy_identifiers-INITIAL_FORMS": "0",
    }
    form.update(overrides)
    return form


@pytest.mark.django_db
def test_the_credit_centre_corrects_a_name_in_the_admin_and_the_public_page_shows_it_at_once(
    centre, django_capture_on_commit_callbacks
):
    company = CreditSubjectFactory(name="冒名改名皮包有限公司")
    url = f"/admin/subjects/creditsubject/{company.pk}/change/"
    public = Client()
    assert "冒名改名皮包有限公司" in public.get(f"/subjects/{company.uscc}/").text  # cached now
    refused = centre.post(url, correction_form(company, name="长春宏达食品有限公司"))
    assert refused.status_code == 200
    assert "id_reason_error" in refused.text
    assert CreditSubject.objects.get(pk=company.pk).name == "冒名改名皮包有限公司"
    with django_capture_on_commit_callbacks(execute=True):
        response = centre.post(
            url,
            correction_form(
                company, name="长春宏达食品有限公司", reason="核对营业执照，原名称为冒名报送", keep_former_name=""
            ),
        )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.name_source) == ("长春宏达食品有限公司", NameSource.CORRECTED)
    assert not company.former_names.exists()
    event = AuditEvent.objects.get(action="subject.correct")
    assert (event.before["name"], event.after["name"], event.actor_label) == (
        "冒名改名皮包有限公司",
        "长春宏达食品有限公司",
        "centre",
    )
    assert event.reason == "核对营业执照，原名称为冒名报送"
    page = public.get(f"/subjects/{company.uscc}/").text
    assert "长春宏达食品有限公司" in page
    assert "冒名改名皮包有限公司" not in page


@pytest.mark.django_db
def test_the_department_admin_form_takes_registers_as_typed(centre):
    department = DepartmentFactory()
    form = {
        "code": department.code,
        "name": department.name,
        "uscc": department.uscc,
        "level": "province",
        "registers": "5,1",
        "division": "220000",
        "parent": "",
        "is_active": "on",
        "sector": "other",
    }
    assert centre.post(f"/admin/organisations/department/{department.pk}/change/", form).status_code == 302
    assert Department.objects.get(pk=department.pk).registers == "15"
    refused = centre.post(f"/admin/organisations/department/{department.pk}/change/", {**form, "registers": "Z"})
    assert "登记管理部门代码" in refused.text


@pytest.mark.django_db
def test_a_corrected_fact_makes_a_new_credit_report_at_once(actor):
    from disclosure.models import CreditReport
    from disclosure.reports import report_issue

    company = CreditSubjectFactory(name="长春宏达食品有限公司", legal_representative="王某")
    with transaction.atomic():
        report_issue(subject=company, status="正常", actor=actor, base_url="http://testserver")
        report_issue(subject=company, status="正常", actor=actor, base_url="http://testserver")
    assert CreditReport.objects.count() == 1  # same content within the hour: reused
    with transaction.atomic():
        subject_correct(subject=company, legal_representative="李某", reason="核对营业执照", actor=actor)
        report_issue(subject=company, status="正常", actor=actor, base_url="http://testserver")
    assert CreditReport.objects.count() == 2
