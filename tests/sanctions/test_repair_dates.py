"""The earliest repair date of a black listing (disclosure.selectors.repair_facts) follows the same period rule
as publication windows (records.rules.period_after): the day after the list's shortest listing period."""

import datetime

import pytest
import time_machine

from disclosure import rules as disclosure_rules
from disclosure.selectors import repair_facts
from records.models import CreditRecord
from tests.records.helpers import yzsxmd_item

D = datetime.date


@pytest.mark.django_db
def test_the_repair_date_of_a_listing_is_the_day_after_its_shortest_listing_period(push):
    # disclosure.selectors.repair_facts: a serious-violation listing (earliest exit after 12 months) of
    # 2024-02-29 can be repaired from 2025-03-01: its first year ends on 2025-02-28.
    with time_machine.travel(datetime.datetime(2025, 2, 28, 10, tzinfo=datetime.UTC), tick=False):
        [record_id] = push(yzsxmd_item(7, decided_on="2024-02-29", until="2027-02-28"))
        facts = repair_facts(CreditRecord.objects.get(pk=record_id))
    assert facts.repair_eligible_on == D(2025, 3, 1)
    assert not disclosure_rules.repair_eligibility(facts, D(2025, 2, 28)).eligible
    assert disclosure_rules.repair_eligibility(facts, D(2025, 3, 1)).eligible


@pytest.mark.django_db
def test_the_subject_page_offers_repair_of_a_listing_by_the_service_rule(push, client):
    """A serious-violation listing two months old may be left by repair only after its first year: the black
    tab shows the date, and the link once the date has come (the page behind it applies the same rule)."""
    from django.test import Client

    from tests.accounts.helpers import account_client, acting_account

    with time_machine.travel(datetime.datetime(2026, 8, 1, 10, tzinfo=datetime.UTC), tick=False):
        [record_id] = push(yzsxmd_item(8, decided_on="2026-06-01", until="2029-05-31"))
        uscc = CreditRecord.objects.get(pk=record_id).subject.uscc
        early = client.get(f"/subjects/{uscc}/?tab=black").content.decode()
        record = CreditRecord.objects.get(pk=record_id)
        applicant = account_client(Client(), acting_account(record.subject))  # the subject's own account
        refused = applicant.get(f"/records/{record_id}/repair/").content.decode()
    assert f"/records/{record_id}/repair/" not in early
    assert "2027-06-01 起可申请信用修复（移出名单）" in early
    assert "2027-06-01 起可申请信用修复" in refused  # the service's own answer: the same date
    with time_machine.travel(datetime.datetime(2027, 6, 1, 10, tzinfo=datetime.UTC), tick=False):
        due = client.get(f"/subjects/{uscc}/?tab=black").content.decode()
    assert f"/records/{record_id}/repair/" in due
