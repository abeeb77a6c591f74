"""Red team (issue 14): what the registration form tells a stranger."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import SubjectAccount
from subjects import identifiers as ids
from subjects.privacy import citizen_id_digest
from tests.accounts.helpers import PASSWORD, account_make, pdf
from tests.factories import CreditSubjectFactory

pytestmark = pytest.mark.django_db


def _person_form(citizen_id: str, name: str, email: str) -> dict:
    return {
        "kind": "person",
        "display_name": "某某",
        "email": email,
        "mobile": "13800000000",
        "password": PASSWORD,
        "password2": PASSWORD,
        "code": citizen_id,
        "name": name,
        "role": "self",
        "id_card": pdf("身份证.pdf"),
    }


def _errors(page) -> str:
    return " ".join(str(e) for errors in page.context["form"].errors.values() for e in errors)


def test_registration_is_no_oracle_of_which_citizen_ids_have_credit_records(media):
    """The public site never shows a natural person under their ID number (``/subjects/<citizen id>/`` is the
    same 404 as an unknown code). The registration form tells anyone, with any name typed, whether a citizen ID
    belongs to a person on record (i.e. one with penalties): "名称与登记名称不一致" for a person on record,
    "平台暂无该主体的登记信息" for anyone else — and then confirms a guessed name."""
    on_record = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1980, 1, 2), sequence=123)
    digest = citizen_id_digest(on_record)
    CreditSubjectFactory(kind="natural_person", name="欧阳娜娜", uscc=None, citizen_id_hash=digest)
    not_on_record = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1981, 3, 4), sequence=321)
    public = Client()
    assert public.get(f"/subjects/{on_record}/").status_code == public.get(f"/subjects/{not_on_record}/").status_code

    probe_known = Client().post("/account/register/", _person_form(on_record, "张三", "a@example.com"))
    probe_unknown = Client().post("/account/register/", _person_form(not_on_record, "张三", "b@example.com"))
    assert _errors(probe_known) == _errors(probe_unknown), (_errors(probe_known), _errors(probe_unknown))
    assert not SubjectAccount.objects.exists()


def test_registration_does_not_tell_a_stranger_which_e_mail_addresses_have_accounts(media):
    """Anyone who types a public company's USCC and name learns whether an address has an account here
    ("该电子邮箱已注册，请直接登录。"); a password-reset-style neutral answer ("请查收确认邮件") would not say."""
    account_make("victim@example.com")
    company = CreditSubjectFactory(name="长春宏达商贸有限公司")
    form = {
        "kind": "organisation",
        "display_name": "x",
        "email": "victim@example.com",
        "mobile": "",
        "password": PASSWORD,
        "password2": PASSWORD,
        "code": company.uscc,
        "name": company.name,
        "role": "legal_rep",
        "licence": pdf("营业执照.pdf"),
        "legal_rep_id": SimpleUploadedFile("身份证.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16),
    }
    page = Client().post("/account/register/", form)
    assert "已注册" not in page.content.decode()


def test_registration_without_proofs_is_no_oracle_either(media):
    """Second read: with the proofs checked after the subject, a form without files answered "请上传…" for a person
    on record and "未能核对…" for anyone else. The proofs depend on the kind of subject only: checked first."""
    on_record = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1980, 1, 2), sequence=123)
    CreditSubjectFactory(
        kind="natural_person", name="欧阳娜娜", uscc=None, citizen_id_hash=citizen_id_digest(on_record)
    )
    not_on_record = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1981, 3, 4), sequence=321)
    known = _person_form(on_record, "欧阳娜娜", "a@example.com")
    unknown = _person_form(not_on_record, "欧阳娜娜", "b@example.com")
    del known["id_card"], unknown["id_card"]
    probe_known = Client().post("/account/register/", known)
    probe_unknown = Client().post("/account/register/", unknown)
    assert _errors(probe_known) == _errors(probe_unknown)
    assert "请上传" in _errors(probe_known)
