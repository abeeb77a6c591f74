"""The consistency check: stored lists and status against a fresh evaluation, listed and never fixed unasked."""

import datetime
import io
import logging

import pytest
import time_machine
from django.core.management import call_command

from audit.models import AuditEvent
from sanctions.choices import MembershipState
from sanctions.consistency import status_drift
from sanctions.models import CreditStatus, Membership
from sanctions.tasks import status_check_task
from subjects.models import CreditSubject
from tests.records.helpers import company_uscc, hmd_item, xzcf_item, yzsxmd_item

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
JULY = datetime.datetime(2026, 7, 1, 10, tzinfo=TZ)


def subject_id(n: int) -> int:
    return CreditSubject.objects.get(uscc=company_uscc(n)).pk


@pytest.fixture
def listed(push):
    """A red subject (1), a black one with a suspended red membership (2), a watched one (3), a normal one (4)."""
    with time_machine.travel(JULY, tick=False):
        push(hmd_item(1), hmd_item(2, HM_RDWH="吉税A〔2026〕99号"), yzsxmd_item(2))
        push(xzcf_item(3, CF_CFLB="暂扣许可证件"), xzcf_item(4, CF_CFLB="罚款"))
    return push


@time_machine.travel(JULY, tick=False)
def test_a_consistent_database_lists_nothing(listed):
    checked, drifts = status_drift()
    assert drifts == []
    assert checked >= 3  # every subject the rules can list was read


@time_machine.travel(JULY, tick=False)
def test_a_corrupted_status_is_listed_with_stored_and_computed(listed):
    black = subject_id(2)
    CreditStatus.objects.filter(subject_id=black).update(status="normal")
    _, drifts = status_drift()
    assert [d.subject_id for d in drifts] == [black]
    assert (drifts[0].stored_status, drifts[0].computed_status) == ("normal", "black")
    assert drifts[0].stored_lists == drifts[0].computed_lists == ("hmd_nsa:suspended", "yzsx_scjg:active")
    # Listed, not fixed.
    assert CreditStatus.objects.get(subject_id=black).status == "normal"


@time_machine.travel(JULY, tick=False)
def test_a_membership_ended_behind_the_rules_back_is_listed(listed):
    watched = subject_id(3)
    (code,) = Membership.objects.filter(subject_id=watched).values_list("list_type__code", flat=True)
    Membership.objects.filter(subject_id=watched).update(state=MembershipState.ENDED, ended_on=JULY.date())
    _, drifts = status_drift()
    assert [d.subject_id for d in drifts] == [watched]
    assert (drifts[0].stored_lists, drifts[0].computed_lists) == ((), (f"{code}:active",))
    assert drifts[0].stored_status == drifts[0].computed_status == "watch"  # only the list differs


@time_machine.travel(JULY, tick=False)
def test_the_command_lists_audits_and_fixes_only_when_asked(listed):
    black = subject_id(2)
    CreditStatus.objects.filter(subject_id=black).update(status="red")
    out = io.StringIO()
    call_command("status_check", stdout=out)
    assert f"subject {black}: stored red" in out.getvalue()
    assert "不一致 1 个" in out.getvalue()
    event = AuditEvent.objects.filter(action="sanctions.status_check").latest("pk")
    assert event.after["subject_ids"] == [black]
    assert CreditStatus.objects.get(subject_id=black).status == "red"

    out = io.StringIO()
    call_command("status_check", "--fix", stdout=out)
    assert "仍不一致 0 个" in out.getvalue()
    assert CreditStatus.objects.get(subject_id=black).status == "black"
    assert status_drift()[1] == []


@time_machine.travel(JULY, tick=False)
def test_the_nightly_task_reports_without_fixing(listed, caplog):
    red = subject_id(1)
    CreditStatus.objects.filter(subject_id=red).delete()
    with caplog.at_level(logging.WARNING, logger="sanctions.tasks"):
        assert status_check_task.delay().get() == 1
    assert f"subject {red}: stored normal" in caplog.text
    assert "status_check --fix" in caplog.text
    assert not CreditStatus.objects.filter(subject_id=red).exists()
    assert AuditEvent.objects.filter(action="sanctions.status_check", after__drifted=1).exists()
