"""The transactional outbox: written with the change, delivered at least once, retried with backoff by the
sweep, never lost when the broker is away (tests/test_operations.py has the pushes and batches while it is)."""

import datetime
import json

import pytest
import time_machine
from django.db import transaction
from django.test import Client, override_settings

import outbox
from audit.models import AuditEvent
from outbox.models import OutboxItem
from outbox.services import GIVE_UP_AFTER, LEASE, backoff, outbox_add, outbox_deliver, outbox_sweep
from sanctions.consistency import status_drift
from sanctions.models import Membership, MembershipChange
from subjects.models import CreditSubject
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import company_uscc, xzcf_item, yzsxmd_item
from tests.test_operations import DEAD_CACHE

calls: list[dict] = []
failures: list[int] = []  # how many times the flaky handler still fails


def _recording(payload: dict) -> None:
    calls.append(payload)


def _flaky(payload: dict) -> None:
    if failures and failures[0] > 0:
        failures[0] -= 1
        raise ConnectionError("the mail server with citizen 220102199001011234 is away")
    calls.append(payload)


outbox.register("test.recording", _recording)
outbox.register("test.flaky", _flaky)


@pytest.fixture(autouse=True)
def _reset():
    calls.clear()
    failures.clear()


@pytest.fixture
def token(db):
    _, raw = api_token_issue(DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation"))
    return raw


def push(raw: str, *items):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/records/", data=json.dumps(list(items)), content_type="application/json"
    )


@pytest.mark.django_db(transaction=True)
def test_an_item_is_written_only_inside_a_transaction_and_goes_with_its_rollback():
    with pytest.raises(RuntimeError):
        outbox_add(topic="test.recording", payload={"n": 1})
    with transaction.atomic():
        outbox_add(topic="test.recording", payload={"n": 2})
        transaction.set_rollback(True)  # the change fails: its item goes with it
    assert not OutboxItem.objects.exists()
    assert calls == []
    with transaction.atomic():
        outbox_add(topic="test.recording", payload={"n": 3})
        assert calls == []  # nothing is delivered before the commit
    # Committed: delivered at once (tasks run eagerly here) and marked done.
    assert calls == [{"n": 3}]
    assert OutboxItem.objects.get().state == "done"


@pytest.mark.django_db
def test_a_push_writes_one_item_in_its_transaction_and_its_delivery_evaluates_and_marks_done(
    token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = push(token, yzsxmd_item(1), xzcf_item(2), xzcf_item(3))
    assert response.status_code == 200, response.content
    # One row for the whole call (not one per record), committed with the records, not yet delivered.
    item = OutboxItem.objects.get()
    subjects = sorted(
        CreditSubject.objects.filter(uscc__in=[company_uscc(n) for n in (1, 2, 3)]).values_list("pk", flat=True)
    )
    assert (item.topic, item.state, sorted(item.payload["subject_ids"])) == ("records.changed", "pending", subjects)
    assert len(item.payload["record_ids"]) == 3
    assert not Membership.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    item.refresh_from_db()
    assert (item.state, item.attempts, item.done_at is not None) == ("done", 1, True)
    assert Membership.objects.filter(subject__uscc=company_uscc(1)).exists()
    assert status_drift()[1] == []
    # The evaluation wrote its own item (the subject's lists changed), delivered too.
    assert OutboxItem.objects.get(topic="subjects.lists_changed").state == "done"


@pytest.mark.django_db
def test_delivering_twice_changes_nothing(token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        push(token, yzsxmd_item(1))
    item = OutboxItem.objects.get(topic="records.changed")
    assert item.state == "done"
    before = (Membership.objects.count(), MembershipChange.objects.count(), AuditEvent.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_deliver(item.pk) is False
        assert outbox_sweep()["delivered"] == 0
    assert (Membership.objects.count(), MembershipChange.objects.count(), AuditEvent.objects.count()) == before
    # Even run again by force (a redelivered message after the item was done): the evaluation is idempotent.
    OutboxItem.objects.filter(pk=item.pk).update(state="pending", next_attempt_at=item.created_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_deliver(item.pk) is True
    assert (Membership.objects.count(), MembershipChange.objects.count()) == before[:2]


@pytest.mark.django_db
def test_a_claimed_item_is_not_delivered_twice_at_once():
    with transaction.atomic():
        item = outbox_add(topic="test.recording", payload={"n": 1})
    # As if another delivery had claimed it (its lease runs): this one leaves it alone.
    OutboxItem.objects.filter(pk=item.pk).update(next_attempt_at=item.created_at + LEASE)
    assert outbox_deliver(item.pk) is False
    assert outbox_sweep()["delivered"] == 0
    assert calls == []
    # A worker that died mid-delivery: once the lease has passed, the sweep takes the item again.
    with time_machine.travel(item.created_at + LEASE + datetime.timedelta(seconds=1)):
        assert outbox_sweep()["delivered"] == 1
    assert calls == [{"n": 1}]


@pytest.mark.django_db
def test_a_failing_handler_keeps_the_item_pending_with_backoff_and_the_sweep_delivers_it_later(caplog):
    failures.append(2)
    start = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        with transaction.atomic():
            item = outbox_add(topic="test.flaky", payload={"application_id": 7})
        # (the delivery after the commit is not run by this test: run it now)
        assert outbox_deliver(item.pk) is False
    item.refresh_from_db()
    assert (item.state, item.attempts) == ("pending", 1)
    assert item.next_attempt_at == start + datetime.timedelta(seconds=10)
    # The handler and the exception class, never the message (which could quote personal data).
    assert item.last_error == "tests.test_outbox._flaky: ConnectionError"
    assert "220102199001011234" not in item.last_error
    assert f"outbox item {item.pk} (test.flaky) attempt 1 failed" in caplog.text
    with time_machine.travel(start + datetime.timedelta(seconds=5), tick=False):
        assert outbox_sweep()["delivered"] == 0  # not due yet
    with time_machine.travel(start + datetime.timedelta(seconds=11), tick=False):
        outbox_sweep()
    item.refresh_from_db()
    assert (item.state, item.attempts, item.next_attempt_at) == ("pending", 2, start + datetime.timedelta(seconds=31))
    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        assert outbox_sweep()["delivered"] == 1
    item.refresh_from_db()
    assert (item.state, item.attempts, item.last_error) == ("done", 3, "")
    assert calls == [{"application_id": 7}]


def test_the_backoff_doubles_up_to_ten_minutes():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 7, 30)] == [10, 20, 40, 80, 600, 600]


@pytest.mark.django_db
def test_an_item_failing_for_a_day_is_failed_and_shown_in_readyz():
    failures.append(10**6)
    start = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        with transaction.atomic():
            item = outbox_add(topic="test.flaky", payload={})
        outbox_deliver(item.pk)
    with time_machine.travel(start + datetime.timedelta(minutes=30), tick=False):
        body = Client().get("/readyz").json()
    assert body["checks"]["outbox"] == {
        "ok": True,
        "required": False,
        "pending": 1,
        "failed": 0,
        "oldest_pending_seconds": 1800,
    }
    with time_machine.travel(start + GIVE_UP_AFTER + datetime.timedelta(minutes=1), tick=False):
        outbox_sweep()
        response = Client().get("/readyz")
    item.refresh_from_db()
    assert item.state == "failed"
    # Reported to the operator, without taking the web process out of rotation.
    assert response.status_code == 200
    assert response.json()["checks"]["outbox"]["failed"] == 1
    assert response.json()["checks"]["outbox"]["ok"] is False
    with time_machine.travel(start + GIVE_UP_AFTER + datetime.timedelta(hours=1), tick=False):
        assert outbox_sweep()["delivered"] == 0  # a failed item is not tried again by itself


@pytest.mark.django_db
def test_pages_are_refreshed_only_when_the_cache_took_the_new_version(token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        push(token, xzcf_item(1))
    subject = CreditSubject.objects.get(uscc=company_uscc(1))
    with override_settings(CACHES=DEAD_CACHE), transaction.atomic():
        item = outbox_add(topic="subjects.facts_changed", payload={"subject_ids": [subject.pk]})
    with override_settings(CACHES=DEAD_CACHE):
        assert outbox_deliver(item.pk) is False  # Redis away: the cache ignored the error, the item waits
    item.refresh_from_db()
    assert item.state == "pending"
    assert item.last_error == "disclosure.outbox_handlers.pages_refresh: PageCacheNotWritten"
    OutboxItem.objects.filter(pk=item.pk).update(next_attempt_at=item.created_at)
    assert outbox_deliver(item.pk) is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("topic", "flag"), [("subjects.lists_changed", "after_records"), ("subjects.grades_changed", "after_change")]
)
def test_a_change_drops_its_pages_once_after_its_lists_and_grades(topic, flag):
    """Lists and grades changed while a change of the same subjects was delivered are covered by that change's
    own page refresh (it runs after them): their items drop nothing again; on their own, they do."""
    from django.core.cache import cache

    from disclosure.outbox_handlers import pages_refresh
    from disclosure.page_cache import version_key

    key = version_key(123)
    cache.set(key, "before")
    pages_refresh({"subject_ids": [123], flag: True})
    assert cache.get(key) == "before"
    pages_refresh({"subject_ids": [123]})
    assert cache.get(key) != "before"


SMALL_LOCAL_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10}}
}


@pytest.mark.django_db
def test_a_bounded_cache_culling_old_keys_while_many_pages_are_refreshed_is_not_a_failure():
    """seed_demo on the embedded cache touched 500 subjects at a time: LocMemCache culled the first tokens and
    the item was retried for ever."""
    with override_settings(CACHES=SMALL_LOCAL_CACHE), transaction.atomic():
        item = outbox_add(topic="subjects.facts_changed", payload={"subject_ids": list(range(1, 51))})
    with override_settings(CACHES=SMALL_LOCAL_CACHE):
        assert outbox_deliver(item.pk) is True
    item.refresh_from_db()
    assert item.state == "done"


def test_every_outbox_topic_has_a_handler_registered_by_a_higher_app():
    from outbox.registry import handlers

    for topic in (
        "records.changed",
        "subjects.lists_changed",
        "subjects.facts_changed",
        "subjects.grades_changed",
        "evaluation.run",
        "batch.process",
        "application.notify",
    ):
        assert handlers(topic), topic
    modules = [h.__module__ for h in handlers("records.changed")]
    # In layer order: the grades are computed once the lists are (evaluation.receivers reads the memberships).
    expected = [
        "sanctions.receivers",
        "evaluation.receivers",
        "disclosure.outbox_handlers",
        "disclosure.outbox_handlers",
    ]
    assert modules == expected
    # The page refresh of a change comes after its grading: it covers the grades changed meanwhile
    # (``subjects.grades_changed`` with ``after_change``, which the refresh skips).
    for topic in ("subjects.lists_changed", "subjects.facts_changed"):
        modules = [h.__module__ for h in handlers(topic)]
        assert modules.index("evaluation.receivers") < modules.index("disclosure.outbox_handlers"), topic


@pytest.mark.django_db
def test_the_database_away_at_delivery_time_loses_nothing(token, django_capture_on_commit_callbacks, caplog):
    from outbox.tasks import outbox_sweep_task
    from tests.test_operations import database_down

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        push(token, yzsxmd_item(1))
    item = OutboxItem.objects.get()
    with database_down():
        for callback in callbacks:  # the delivery asked for after the commit finds no database
            callback()
        assert outbox_sweep_task() == {}  # nor does the sweep: one line each, no traceback
    assert f"outbox item {item.pk} not delivered (OperationalError)" in caplog.text
    assert "outbox sweep not run (OperationalError)" in caplog.text
    assert all(record.exc_info is None for record in caplog.records if record.name == "outbox")
    item.refresh_from_db()
    assert (item.state, item.attempts) == ("pending", 0)
    # PostgreSQL is back: the next sweep delivers.
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep_task()
    item.refresh_from_db()
    assert item.state == "done"
    assert status_drift()[1] == []
    assert Membership.objects.filter(subject__uscc=company_uscc(1)).exists()


@pytest.mark.django_db(transaction=True)  # as in the worker: each evaluation commits on its own
def test_one_subject_that_cannot_be_evaluated_does_not_hold_back_the_others_of_its_item(reference_data, monkeypatch):
    # Red-team (issue 11): one subject whose evaluation raises (bad data) used to roll back its whole chunk of
    # 1,000 and stop the chunks after it, for every retry, until the item failed a day later: the other
    # subjects' lists were never computed.
    import sanctions.services

    real_plans = sanctions.services.evaluation_plans
    poisoned = CreditSubject.objects.none()

    def plans(subject_ids, *args, **kwargs):
        if set(subject_ids) & set(poisoned.values_list("pk", flat=True)):
            raise ValueError("a rule cannot read this subject's facts")
        return real_plans(subject_ids, *args, **kwargs)

    monkeypatch.setattr(sanctions.services, "evaluation_plans", plans)
    with transaction.atomic():
        token = api_token_issue(DepartmentFactory(code="jl-scjg", sector="market_regulation"))[1]
    poisoned = CreditSubject.objects.filter(uscc=company_uscc(2))
    response = push(token, yzsxmd_item(1), yzsxmd_item(2), yzsxmd_item(3))
    assert response.status_code == 200, response.content
    item = OutboxItem.objects.get(topic="records.changed")
    assert (item.state, item.attempts) == ("pending", 1)
    assert item.last_error == "sanctions.receivers.on_records_changed: SubjectsNotEvaluated"
    assert Membership.objects.filter(subject__uscc=company_uscc(1)).exists()
    assert Membership.objects.filter(subject__uscc=company_uscc(3)).exists()
    assert not Membership.objects.filter(subject__uscc=company_uscc(2)).exists()
    # The data is repaired: the next delivery evaluates the last one and changes nothing for the others.
    before = MembershipChange.objects.count()
    monkeypatch.setattr(sanctions.services, "evaluation_plans", real_plans)
    with time_machine.travel(item.next_attempt_at + datetime.timedelta(seconds=1)):
        assert outbox_sweep()["delivered"] >= 1
    item.refresh_from_db()
    assert item.state == "done"
    assert Membership.objects.filter(subject__uscc=company_uscc(2)).exists()
    assert MembershipChange.objects.count() == before + 1
    assert status_drift()[1] == []


@pytest.mark.django_db
def test_an_item_whose_topic_has_no_handler_here_waits_for_a_worker_that_knows_it():
    # Red-team (issue 11): during a deployment the web writes a topic the worker's older code does not know;
    # marking it done with no handler run dropped the consequence for good.
    from outbox import registry

    start = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        with transaction.atomic():
            item = outbox_add(topic="test.new_topic", payload={"n": 1})
        assert outbox_deliver(item.pk) is False
    item.refresh_from_db()
    assert (item.state, item.attempts, item.last_error) == ("pending", 1, "no handler: NoHandler")
    try:
        outbox.register("test.new_topic", _recording)  # the worker now runs the new code
        with time_machine.travel(start + datetime.timedelta(seconds=11), tick=False):
            assert outbox_sweep()["delivered"] == 1
    finally:
        registry._handlers.pop("test.new_topic", None)
    item.refresh_from_db()
    assert item.state == "done"
    assert calls == [{"n": 1}]


@pytest.mark.django_db
def test_a_worker_whose_clock_is_behind_the_web_delivers_a_new_item_at_once():
    # Red-team (issue 11): the item was due at the web's clock; a worker a minute behind found it "not due
    # yet" right after the commit, and it waited for the sweep.
    web = datetime.datetime(2026, 6, 1, 9, 2, tzinfo=datetime.UTC)
    with time_machine.travel(web, tick=False), transaction.atomic():
        item = outbox_add(topic="test.recording", payload={"n": 1})
    with time_machine.travel(web - datetime.timedelta(minutes=2), tick=False):  # the worker's clock
        assert outbox_deliver(item.pk) is True
    assert calls == [{"n": 1}]


def test_a_task_out_of_time_is_not_taken_for_a_bad_subject(monkeypatch):
    # The per-subject retry of a failing chunk is for subjects the rules cannot evaluate: the task's soft time
    # limit (or the database away) ends the delivery at once instead of starting 1,000 more evaluations.
    from celery.exceptions import SoftTimeLimitExceeded

    import sanctions.receivers

    evaluations = []

    def evaluate(**kwargs):
        evaluations.append(kwargs["subject_ids"])
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(sanctions.receivers, "subjects_evaluate", evaluate)
    with pytest.raises(SoftTimeLimitExceeded):
        sanctions.receivers.on_records_changed({"subject_ids": [1, 2, 3], "record_ids": [7]})
    assert evaluations == [[1, 2, 3]]
