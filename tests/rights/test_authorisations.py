"""Third-party authorisations (授权查询): the subject's account authorises another account (a bank) to read named
categories for a purpose until a date; the bank reads exactly that, until expiry or revocation; each read is
audited and shown to the subject. Every boundary is tested from both sides."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from accounts.services import account_suspend
from audit.models import AuditEvent
from rights.authorisations import authorisation_grant
from rights.models import Authorisation
from rights.services import ApplicationError
from subjects.models import SubjectAccess
from tests.accounts.helpers import CENTRE, account_client, account_make, acting_account
from tests.disclosure.conftest import TZ
from tests.rights.conftest import NOW
from tests.rights.test_self_query import at_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return account_make("credit@bank.example", name="吉林银行长春分行")


def _authorise(browser, subject_pk, **overrides):
    form = {
        "grantee_email": "credit@bank.example",
        "categories": ["xzcf"],
        "purpose": "贷款审批",
        "valid_until": "2026-07-31",
        **overrides,
    }
    return browser.post(f"/account/subjects/{subject_pk}/authorisations/", form)


def test_the_bank_reads_exactly_the_authorised_categories_and_the_subject_sees_each_read(record_of_a, bank):
    penalty, _ = record_of_a
    subject = penalty.subject
    owner = account_client(Client(), acting_account(subject))
    with at_now():
        assert _authorise(owner, subject.pk).status_code == 302
        authorisation = Authorisation.objects.get()
        reader = account_client(Client(), bank)
        assert authorisation.number in reader.get("/account/authorised/").text
        page = reader.get(f"/account/authorised/{authorisation.pk}/")
    assert page.status_code == 200
    text = page.text
    assert "长市监罚〔2026〕1号" in text  # 行政处罚: authorised
    assert "长市监罚〔2026〕撤1号" not in text  # revoked (annulled): the subject's own history, shared with nobody
    assert "长市监许〔2026〕1号" not in text  # 行政许可: not authorised
    assert "严重违法失信名单" not in text  # 失信惩戒: not authorised
    assert "/objection/" not in text  # the bank reads; it does not act for the subject
    [access] = SubjectAccess.objects.filter(kind="third_party")
    assert (access.accessor, access.purpose, access.scope) == ("吉林银行长春分行", "贷款审批", ["xzcf"])
    assert access.basis == f"授权书 {authorisation.number}"
    assert AuditEvent.objects.filter(action="authorisation.grant").exists()
    assert AuditEvent.objects.filter(action="subject.access", object_id=str(subject.pk)).count() == 1
    with at_now():
        log = owner.get(f"/account/subjects/{subject.pk}/accesses/").text
    assert "授权第三方查询" in log
    assert "吉林银行长春分行" in log
    assert "贷款审批" in log


def test_a_wider_authorisation_shows_the_lists_and_the_licences(record_of_a, bank):
    penalty, _ = record_of_a
    owner = account_client(Client(), acting_account(penalty.subject))
    with at_now():
        _authorise(owner, penalty.subject_id, categories=["xzxk", "black"])
        page = account_client(Client(), bank).get(f"/account/authorised/{Authorisation.objects.get().pk}/").text
    assert "长市监许〔2026〕1号" in page
    assert "严重违法失信名单" in page
    assert "长市监罚〔2026〕1号" not in page


def test_revoked_or_expired_the_authorisation_reads_nothing(record_of_a, bank):
    penalty, _ = record_of_a
    owner = account_client(Client(), acting_account(penalty.subject))
    reader = account_client(Client(), bank)
    with at_now():
        _authorise(owner, penalty.subject_id)
        authorisation = Authorisation.objects.get()
        url = f"/account/authorised/{authorisation.pk}/"
        assert reader.get(url).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 7, 31, 23, tzinfo=TZ), tick=False):
        assert account_client(Client(), bank).get(url).status_code == 200  # the last day
    with time_machine.travel(datetime.datetime(2026, 8, 1, 9, tzinfo=TZ), tick=False):
        assert account_client(Client(), bank).get(url).status_code == 404  # expired
    with at_now():
        assert owner.post(f"/account/authorisations/{authorisation.pk}/revoke/", {"reason": "贷款已办结"}).status_code
        authorisation.refresh_from_db()
        assert authorisation.revoked_at is not None
        assert reader.get(url).status_code == 404
    assert SubjectAccess.objects.filter(kind="third_party").count() == 2
    assert AuditEvent.objects.filter(action="authorisation.revoke").count() == 1


def test_only_the_grantee_reads_and_only_the_subjects_accounts_grant_or_revoke(record_of_a, bank):
    penalty, other = record_of_a
    owner = account_client(Client(), acting_account(penalty.subject))
    stranger = account_client(Client(), account_make("stranger@example.com"))
    b_owner = account_client(Client(), acting_account(other.subject))  # verified for subject B, not A
    with at_now():
        _authorise(owner, penalty.subject_id)
        authorisation = Authorisation.objects.get()
        url = f"/account/authorised/{authorisation.pk}/"
        assert stranger.get(url).status_code == 404
        assert b_owner.get(url).status_code == 404
        assert Client().get(url)["Location"].startswith("/account/login/")
        assert b_owner.get(f"/account/subjects/{penalty.subject_id}/authorisations/").status_code == 403
        assert _authorise(b_owner, penalty.subject_id).status_code == 403
        assert b_owner.post(f"/account/authorisations/{authorisation.pk}/revoke/").status_code == 403
        authorisation.refresh_from_db()
        assert authorisation.revoked_at is None
        account_suspend(account=bank, actor=CENTRE, reason="冒用")
        assert account_client(Client(), bank).get(url)["Location"].startswith("/account/login/")
    assert Authorisation.objects.count() == 1
    assert not SubjectAccess.objects.filter(kind="third_party").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"grantee_email": "nobody@example.com"}, "grantee_email", "未找到", id="unknown-grantee"),
        pytest.param({"categories": []}, "categories", "", id="no-category"),
        pytest.param({"valid_until": "2026-06-30"}, "valid_until", "有效期须在", id="past"),
        pytest.param({"valid_until": "2027-07-02"}, "valid_until", "有效期须在", id="over-a-year"),
        pytest.param({"purpose": ""}, "purpose", "", id="no-purpose"),
    ],
)
def test_bad_authorisations_are_refused_on_their_field(record_of_a, bank, overrides, field, message):
    penalty, _ = record_of_a
    owner = account_client(Client(), acting_account(penalty.subject))
    with at_now():
        page = _authorise(owner, penalty.subject_id, **overrides)
    assert page.status_code == 200
    assert field in page.context["form"].errors
    assert message in " ".join(page.context["form"].errors[field])
    assert not Authorisation.objects.exists()


def test_the_service_refuses_an_account_that_does_not_act_for_the_subject(record_of_a, bank):
    penalty, _ = record_of_a
    with at_now(), pytest.raises(ApplicationError, match="只有经信用中心核验"), transaction.atomic():
        authorisation_grant(
            account=account_make("x@example.com"),
            subject=penalty.subject,
            grantee_email=bank.email,
            categories=["xzcf"],
            purpose="贷款审批",
            valid_until=NOW.date(),
            actor=CENTRE,
        )
