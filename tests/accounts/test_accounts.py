"""Subject accounts: registration with e-mail confirmation, the subject they act for and its proofs, the credit
centre's verification and suspension, staff and subject accounts kept apart, and the purge of proof files."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts.choices import GrantState
from accounts.models import AccountGrant, GrantProof, SubjectAccount
from accounts.selectors import grant_acting
from accounts.services import (
    SubjectAccountError,
    account_restore,
    account_suspend,
    grant_refuse,
    grant_request,
    grant_suspend,
    proofs_purge,
)
from audit.models import AuditEvent
from organisations.services import staff_create
from tests.accounts.helpers import CENTRE, PASSWORD, PDF, account_client, account_make, grant_make, pdf, proofs_for
from tests.conftest import StaffClient
from tests.factories import CreditSubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def company():
    return CreditSubjectFactory(name="长春宏达商贸有限公司")


@pytest.fixture
def credit_admin():
    with transaction.atomic():
        return staff_create(username="centre", password="Centre-pass-2026", role="credit_admin", actor=CENTRE)


def _register_form(company, **overrides) -> dict:
    return {
        "kind": "organisation",
        "display_name": "长春宏达商贸有限公司",
        "email": "Boss@Hongda.example",
        "mobile": "13800000000",
        "password": PASSWORD,
        "password2": PASSWORD,
        "code": company.uscc,
        "name": company.name,
        "role": "legal_rep",
        "licence": pdf("营业执照.pdf"),
        "legal_rep_id": SimpleUploadedFile("身份证.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16),
        **overrides,
    }


def test_registration_mails_a_link_that_activates_the_account_and_the_grant_waits(
    client, company, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/account/register/", _register_form(company))
    assert page.status_code == 200, page.content.decode()
    account = SubjectAccount.objects.get()
    assert account.email == "boss@hongda.example"
    assert account.state == "pending"
    assert account.mobile == "13800000000"
    assert not account.user.is_staff
    assert not account.user.staff_roles.exists()
    [grant] = AccountGrant.objects.all()
    assert (grant.subject, grant.role, grant.state) == (company, "legal_rep", GrantState.PENDING)
    assert sorted(GrantProof.objects.values_list("kind", flat=True)) == ["legal_rep_id", "licence"]
    # Before the confirmation the account cannot sign in.
    login = {"username": "boss@hongda.example", "password": PASSWORD}
    assert Client().post("/account/login/", login).status_code == 200
    [message] = mail.outbox
    link = re.search(r"http://testserver(/account/confirm/\S+/)", message.body).group(1)
    assert client.get(link).status_code == 302
    account.refresh_from_db()
    assert account.state == "active"
    assert account.email_confirmed_at is not None
    signed_in = Client()
    assert signed_in.post("/account/login/", login)["Location"] == "/account/"
    home = signed_in.get("/account/").content.decode()
    assert "长春宏达商贸有限公司" in home
    assert "待核验" in home
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"account.register", "account.grant_request", "account.email_confirm"} <= actions


def test_a_tampered_confirmation_link_is_refused(client, company, media):
    account = account_make("a@example.com", confirmed=False)
    from accounts.services import email_confirm_token

    token = email_confirm_token(account)
    assert client.get(f"/account/confirm/{token[:-2]}xx/").status_code == 400
    account.refresh_from_db()
    assert account.state == "pending"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"legal_rep_id": ""}, "legal_rep_id", "请上传：法定代表人身份证", id="proof-missing"),
        pytest.param(
            {"licence": SimpleUploadedFile("营业执照.pdf", b"MZ\x90\x00 not a pdf")},
            "licence",
            "不是有效的 PDF、JPG 或 PNG 文件",
            id="renamed-executable",
        ),
        pytest.param({"name": "别家有限公司"}, "name", "名称与登记名称不一致", id="wrong-name"),
        pytest.param({"code": "91220104MA0000000X"}, "code", "", id="invalid-uscc"),
        pytest.param({"role": "self"}, "role", "所选身份不适用于该主体", id="role-of-a-person"),
        pytest.param({"password2": "Another-pass-2026"}, "password2", "两次输入的密码不一致", id="passwords-differ"),
        pytest.param({"password": "123", "password2": "123"}, "password", "密码太短", id="weak-password"),
    ],
)
def test_bad_registration_input_is_refused_on_its_field_and_writes_nothing(
    client, company, media, overrides, field, message
):
    page = client.post("/account/register/", _register_form(company, **overrides))
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not SubjectAccount.objects.exists()
    assert not AccountGrant.objects.exists()
    assert not list(media.rglob("*-licence-*"))


def test_a_person_registers_by_citizen_id_which_is_not_kept(client, media):
    from subjects import identifiers as ids
    from subjects.privacy import citizen_id_digest

    citizen_id = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1980, 1, 2), sequence=123)
    person = CreditSubjectFactory(
        kind="natural_person", name="欧阳娜娜", uscc=None, citizen_id_hash=citizen_id_digest(citizen_id)
    )
    form = {
        **_register_form(person, kind="person", role="self", name="欧阳娜娜", code=citizen_id),
        "id_card": pdf("身份证.pdf"),
        "email": "nana@example.com",
    }
    assert client.post("/account/register/", form).status_code == 200
    grant = AccountGrant.objects.get()
    assert grant.subject == person
    assert grant.role == "self"
    assert citizen_id not in str(list(AuditEvent.objects.values_list("after", flat=True)))


def test_the_credit_centre_verifies_refuses_and_suspends_with_a_reason(client, company, media, credit_admin):
    account = account_make("agent@example.com")
    grant = grant_make(account, company, role="agent", verified=False)
    assert grant_acting(account, company) is None  # pending: not yet
    centre = client
    centre.force_login(credit_admin)
    queue = centre.get("/workbench/account-grants/").content.decode()
    assert "agent@example.com" in queue
    assert centre.post(f"/workbench/account-grants/{grant.pk}/", {"action": "verify", "note": ""}).status_code == 302
    grant.refresh_from_db()
    assert grant.state == "verified"
    assert grant.verified_by == "centre"
    assert grant_acting(account, company) == grant
    with pytest.raises(SubjectAccountError, match="请说明暂停原因"), transaction.atomic():
        grant_suspend(grant=grant, actor=CENTRE, reason=" ")
    centre.post(f"/workbench/account-grants/{grant.pk}/", {"action": "suspend", "note": "委托已撤回"})
    assert grant_acting(account, company) is None
    centre.post(f"/workbench/account-grants/{grant.pk}/", {"action": "restore", "note": "重新提交委托书"})
    assert grant_acting(account, company) is not None
    actions = list(AuditEvent.objects.filter(object_id=str(grant.pk)).values_list("action", flat=True))
    assert {"account.grant_verify", "account.grant_suspend", "account.grant_restore"} <= set(actions)
    # Every proof the centre opens is in the audit trail.
    proof = grant.proofs.first()
    download = centre.get(f"/workbench/account-grants/{grant.pk}/proofs/{proof.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="account.proof_view").count() == 1


def test_a_refused_grant_can_be_asked_again_with_new_proofs_and_a_live_one_cannot(company, media):
    account = account_make("a@example.com")
    grant = grant_make(account, company, verified=False)
    with pytest.raises(SubjectAccountError, match="请勿重复申请"), transaction.atomic():
        grant_request(
            account=account, subject=company, role="legal_rep", proofs=proofs_for(company, "legal_rep"), actor=CENTRE
        )
    with pytest.raises(SubjectAccountError, match="请说明"), transaction.atomic():
        grant_refuse(grant=grant, actor=CENTRE, note="")
    grant_refuse(grant=grant, actor=CENTRE, note="营业执照模糊")
    again = grant_request(
        account=account, subject=company, role="legal_rep", proofs=proofs_for(company, "legal_rep"), actor=CENTRE
    )
    assert again.pk == grant.pk
    assert again.state == "pending"
    assert again.proofs.count() == 4


def test_the_credit_centres_decision_is_mailed_with_a_link_to_the_account(
    company, media, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://credit.example.gov.cn"
    account = account_make("a@example.com")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        grant_make(account, company)
    (decided,) = mailoutbox
    assert decided.to == ["a@example.com"]
    assert "长春宏达商贸有限公司" in decided.subject
    assert "https://credit.example.gov.cn/account/\n" in decided.body


def test_proofs_are_for_the_credit_centre_only(client, company, media):
    account = account_make("a@example.com")
    grant = grant_make(account, company, verified=False)
    proof = grant.proofs.first()
    url = f"/workbench/account-grants/{grant.pk}/proofs/{proof.pk}/"
    assert Client().get(url)["Location"].startswith("/accounts/login/")
    assert account_client(Client(), account).get(url).status_code == 403
    with transaction.atomic():
        reviewer = staff_create(
            username="rv",
            password="Reviewer-pass-2026",
            role="reviewer",
            department_code=_department().code,
            actor=CENTRE,
        )
    staff = Client()
    staff.force_login(reviewer)
    assert staff.get(url).status_code == 403


def _department():
    from tests.factories import DepartmentFactory

    return DepartmentFactory()


def test_one_account_acts_for_several_subjects_and_a_subject_has_several_accounts(company, media):
    other = CreditSubjectFactory()
    agent, boss = account_make("agent@example.com"), account_make("boss@example.com")
    grant_make(agent, company, role="agent")
    grant_make(agent, other, role="agent")
    grant_make(boss, company)
    assert grant_acting(agent, company)
    assert grant_acting(agent, other)
    assert grant_acting(boss, company)
    assert grant_acting(boss, other) is None


def test_a_suspended_account_is_signed_out_and_cannot_sign_in(company, media):
    account = account_make("a@example.com")
    grant_make(account, company)
    browser = Client()
    assert browser.post("/account/login/", {"username": "a@example.com", "password": PASSWORD}).status_code == 302
    assert browser.get("/account/").status_code == 200
    account_suspend(account=account, actor=CENTRE, reason="冒用他人身份")
    assert browser.get("/account/")["Location"].startswith("/account/login/")
    assert grant_acting(account, company) is None
    assert Client().post("/account/login/", {"username": "a@example.com", "password": PASSWORD}).status_code == 200
    account_restore(account=account, actor=CENTRE, reason="核实为本人")
    assert Client().post("/account/login/", {"username": "a@example.com", "password": PASSWORD}).status_code == 302


def test_staff_and_subject_accounts_never_sign_in_at_each_others_login(company, media, credit_admin):
    account_make("a@example.com")
    # A subject account at the staff login and the admin's: refused as a wrong password would be.
    assert (
        Client().post("/accounts/login/", {"username": "acct:a@example.com", "password": PASSWORD}).status_code == 200
    )
    admin = Client().post("/admin/login/", {"username": "acct:a@example.com", "password": PASSWORD})
    assert admin.status_code == 200
    # A staff user at the account login: refused too.
    staff = Client().post("/account/login/", {"username": "centre", "password": "Centre-pass-2026"})
    assert staff.status_code == 200
    # A subject account's session opens no workbench page and no admin page.
    signed_in = account_client(Client(), SubjectAccount.objects.get())
    assert signed_in.get("/workbench/records/").status_code == 403
    assert signed_in.get("/admin/").status_code == 302
    # A staff session is not a subject account's.
    staff_session = StaffClient()
    staff_session.force_login(credit_admin, backend="accounts.backends.StaffBackend")
    assert staff_session.get("/account/").status_code == 403


def test_a_staff_session_of_a_subject_accounts_user_is_not_loaded(company, media):
    """A session made by the staff backend for a user who is a subject account (as a forged or stale one
    would be) loads no user: the staff backend refuses it."""
    account = account_make("a@example.com")
    browser = Client()
    browser.force_login(account.user, backend="accounts.backends.StaffBackend")
    assert browser.get("/workbench/")["Location"].startswith("/accounts/login/")


def test_login_failures_lock_the_account_login_out(company, media, settings):
    account_make("a@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/account/login/", {"username": "a@example.com", "password": "wrong-password"})
    locked = Client().post("/account/login/", {"username": "a@example.com", "password": PASSWORD})
    assert locked.status_code == 429


def test_proof_files_are_deleted_after_their_retention_and_the_rows_stay(company, media, settings):
    account = account_make("a@example.com")
    pending = grant_make(account, CreditSubjectFactory(), verified=False)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30)):
        decided = grant_make(account, company)  # decided a month later: its retention runs from then
    decided_paths = [p.file.path for p in decided.proofs.all()]
    assert all(media.joinpath(path).exists() for path in decided_paths)
    asked = timezone.localdate() + datetime.timedelta(days=settings.ACCOUNT_PROOF_RETENTION_DAYS)
    assert proofs_purge(today=asked) == 0  # the last day of retention: kept
    # A request never decided (an abandoned registration) keeps its ID copies no longer than a decided one.
    assert proofs_purge(today=asked + datetime.timedelta(days=1)) == len(pending.proofs.all())
    assert all(p.purged_at and not p.file for p in pending.proofs.all())
    assert all(p.file and p.purged_at is None for p in decided.proofs.all())
    later = asked + datetime.timedelta(days=30)
    assert proofs_purge(today=later + datetime.timedelta(days=1)) == 2
    assert not any(media.joinpath(path).exists() for path in decided_paths)
    assert all(p.purged_at and p.sha256 and not p.file for p in decided.proofs.all())
    assert proofs_purge(today=later + datetime.timedelta(days=2)) == 0  # safe to run twice
    assert AuditEvent.objects.filter(action="account.proof_purge").count() == 2 + len(pending.proofs.all())


def test_seed_demo_makes_a_verified_demo_account_once(media, capsys):
    from django.core.management import call_command

    from accounts.demo import DEMO_SUBJECT_ACCOUNT

    email, password, name = DEMO_SUBJECT_ACCOUNT
    call_command("seed_demo", "--subjects=200", "--no-progress")
    assert email in capsys.readouterr().out
    account = SubjectAccount.objects.get(email=email)
    assert grant_acting(account, account.grants.get().subject).subject.name == name
    assert Client().post("/account/login/", {"username": email, "password": password})["Location"] == "/account/"
    call_command("seed_demo", "--subjects=200", "--no-progress")
    assert SubjectAccount.objects.filter(email=email).count() == 1
