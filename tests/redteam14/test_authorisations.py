"""Red team (issue 14): third-party authorisations (授权查询) beyond what they should allow."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import AccountGrant
from accounts.services import account_suspend, grant_suspend
from records.choices import RecordStatus
from records.models import CreditRecord
from rights.models import Authorisation
from tests.accounts.helpers import CENTRE, account_client, account_make, acting_account
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


@pytest.mark.parametrize("how", ["grant_suspended", "account_suspended"])
def test_an_authorisation_given_by_an_agent_the_centre_has_stopped_stops_too(record_of_a, bank, how):
    """An agent (经办人) authorises a bank, then the credit centre stops the agent (a withdrawn mandate, 冒用).
    Every other act of that agent stops at once, but the authorisation it gave in the subject's name keeps
    opening the subject's non-public record to the bank until its expiry."""
    penalty, _ = record_of_a
    subject = penalty.subject
    agent = acting_account(subject, email="agent@example.com")
    with at_now():
        assert _authorise(account_client(Client(), agent), subject.pk).status_code == 302
        authorisation = Authorisation.objects.get()
        if how == "grant_suspended":
            grant_suspend(grant=AccountGrant.objects.get(account=agent), actor=CENTRE, reason="委托已撤回（冒用）")
        else:
            account_suspend(account=agent, actor=CENTRE, reason="冒用")
        page = account_client(Client(), bank).get(f"/account/authorised/{authorisation.pk}/")
    assert page.status_code == 404, "the bank still reads the record on the word of a stopped agent"


def test_the_bank_never_reads_records_that_were_repaired_or_revoked(record_of_a, bank):
    """A repaired record is shared with nobody any more (信用修复: 停止公示、停止共享 — queries.selectors says so and
    departments never see one), and a revoked penalty was annulled. The bank's authorised view of 行政处罚
    shows both, so an authorisation for a loan undoes the repair."""
    penalty, _ = record_of_a
    subject = penalty.subject
    CreditRecord.objects.filter(pk=penalty.pk).update(status=RecordStatus.REPAIRED)
    with at_now():
        assert _authorise(account_client(Client(), acting_account(subject)), subject.pk).status_code == 302
        page = account_client(Client(), bank).get(f"/account/authorised/{Authorisation.objects.get().pk}/")
    assert page.status_code == 200
    assert "长市监罚〔2026〕1号" not in page.text, "a repaired penalty is shown to the bank"
    assert "长市监罚〔2026〕撤1号" not in page.text, "an annulled (revoked) penalty is shown to the bank"
