"""A subject account resets its password by a mailed link (queued, not sent in the request); the page does not
tell whether an address is registered; the staff reset and the account reset never cross. The account is told
the credit centre's decisions on its grants."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from accounts.services import account_suspend, grant_refuse, grant_request
from audit.models import AuditEvent
from organisations.services import staff_create
from tests.accounts.helpers import CENTRE, PASSWORD, account_make, grant_make, proofs_for
from tests.factories import CreditSubjectFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-new-pass-2026"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _reset_link(client, email, capture) -> str:
    with capture(execute=True):
        page = client.post("/account/password-reset/", {"email": email})
    assert page.status_code == 200
    assert "重置密码的链接已发送" in page.content.decode()
    (message,) = mail.outbox
    return re.search(r"http://testserver(/account/password-reset/\S+/)", message.body).group(1)


def test_the_mailed_link_sets_a_new_password_once(client, django_capture_on_commit_callbacks):
    account = account_make("owner@example.com")
    link = _reset_link(client, "Owner@Example.com", django_capture_on_commit_callbacks)
    page = client.get(link, follow=True)  # Django moves the token into the session, then shows the form
    assert "设置新密码" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/account/login/"
    assert AuditEvent.objects.filter(action="account.password_reset", object_id=str(account.pk)).exists()

    login = Client().post("/account/login/", {"username": "owner@example.com", "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert login["Location"] == "/account/"
    again = Client().get(link, follow=True)  # the password changed: the token is spent
    assert "重置链接无效或已过期" in again.content.decode()


def test_unknown_and_suspended_addresses_get_the_same_answer_and_no_mail(client, django_capture_on_commit_callbacks):
    suspended = account_make("gone@example.com")
    with transaction.atomic():
        account_suspend(account=suspended, actor=CENTRE, reason="冒用")
    unconfirmed = account_make("new@example.com", confirmed=False)
    assert unconfirmed.state == "pending"
    mail.outbox.clear()
    answers = set()
    for email in ("nobody@example.com", "gone@example.com", "new@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post("/account/password-reset/", {"email": email})
        answers.add(re.search(r"如该电子邮箱已注册[^<]*", page.content.decode()).group(0))
    assert len(answers) == 1
    assert mail.outbox == []


def test_staff_reset_mails_no_subject_account_and_account_link_sets_no_staff_password(
    client, django_capture_on_commit_callbacks
):
    account_make("both@example.com")
    with transaction.atomic():
        staff_create(
            username="clerk", password="Clerk-pass-2026", role="credit_admin", actor=CENTRE, email="staff@example.com"
        )
    client.post("/accounts/password_reset/", {"email": "both@example.com"})
    assert mail.outbox == []  # the staff form does not reach subject accounts

    client.post("/accounts/password_reset/", {"email": "staff@example.com"})
    (staff_mail,) = mail.outbox
    uid, token = re.search(r"/accounts/reset/([^/]+)/([^/]+)/", staff_mail.body).groups()
    page = Client().get(f"/account/password-reset/{uid}/{token}/", follow=True)
    assert "重置链接无效或已过期" in page.content.decode()


def test_the_account_is_told_each_decision_on_its_grant(django_capture_on_commit_callbacks):
    account = account_make("agent@example.com")
    company = CreditSubjectFactory(name="吉林省恒通物流有限公司")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        grant = grant_request(
            account=account, subject=company, role="legal_rep", proofs=proofs_for(company, "legal_rep"), actor=CENTRE
        )
        grant_refuse(grant=grant, actor=CENTRE, note="营业执照不清晰")
    (message,) = mail.outbox
    assert message.to == ["agent@example.com"]
    assert "吉林省恒通物流有限公司" in message.subject
    assert "未通过" in message.subject + message.body
    assert "营业执照不清晰" in message.body
    assert PASSWORD not in message.body


def test_a_verified_grant_is_announced(django_capture_on_commit_callbacks):
    account = account_make("boss@example.com")
    company = CreditSubjectFactory(name="长春市德信建材有限公司")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        grant_make(account, company)
    (message,) = mail.outbox
    assert "长春市德信建材有限公司" in message.subject
    assert "已核验" in message.subject
