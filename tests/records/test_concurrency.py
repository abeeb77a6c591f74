import threading

import pytest
from django.db import connections

from audit.services import Actor
from records.models import CreditRecord, RecordVersion
from records.services import RecordInput, records_ingest
from subjects.models import CreditSubject
from tests.factories import DepartmentFactory
from tests.records.helpers import xzcf_item


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_pushes_of_the_same_records_never_create_two(reference_data):
    department = DepartmentFactory()
    items = [RecordInput(**xzcf_item(n)) for n in range(50)]
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def push():
        try:
            barrier.wait()
            outcomes.append(
                [
                    r.status
                    for r in records_ingest(department=department, items=items, channel="api", actor=Actor.system())
                ]
            )
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=push) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert CreditRecord.objects.count() == RecordVersion.objects.count() == 50
    assert CreditSubject.objects.count() == 50
    created = sum(status == "created" for run in outcomes for status in run)
    unchanged = sum(status == "unchanged" for run in outcomes for status in run)
    assert (created, unchanged) == (50, 150)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_push_during_a_recomputation_is_neither_lost_nor_fails_it(reference_data, monkeypatch):
    """A recomputation after a policy change reads a chunk of records, decides them and writes them back. A
    department's push of one of them in between must not be overwritten by the decision of the old data, nor
    clash with it on the version number: the recomputation takes the departments' locks that pushes take."""
    import datetime

    from django.db import transaction

    from records import redecisions
    from records.choices import RedecideState
    from records.models import RegimePeriod

    department = DepartmentFactory()
    june = datetime.date(2026, 6, 1)
    [first] = records_ingest(
        department=department, items=[RecordInput(**xzcf_item(1, decided_on=june))], channel="api", actor=Actor.system()
    )
    RegimePeriod.objects.filter(regime__code="ndrc-2025-36", severity="general").update(max_months=6)
    with transaction.atomic():
        redecision = redecisions.redecision_request(
            record_types=["xzcf"], reason="一般失信公示期调整", actor=Actor.system(), background=False
        )
    changed_item = RecordInput(**xzcf_item(1, decided_on=june, CF_CFLB="暂扣许可证件"))
    pushed, errors = [], []

    def push():
        try:
            pushed.extend(
                records_ingest(department=department, items=[changed_item], channel="api", actor=Actor.system())
            )
        except Exception as error:  # asserted below
            errors.append(error)
        finally:
            connections.close_all()

    read_catalog = redecisions.catalog_entries
    thread = threading.Thread(target=push)

    def catalog_entries_while_a_push_arrives(**kwargs):
        # The chunk has been read: the department's system pushes a new version of its record now.
        thread.start()
        thread.join(timeout=3)
        return read_catalog(**kwargs)

    monkeypatch.setattr(redecisions, "catalog_entries", catalog_entries_while_a_push_arrives)
    done = redecisions.redecision_run(redecision.pk)
    thread.join()

    assert not errors
    assert done.state == RedecideState.DONE, done.message
    assert [r.status for r in pushed] == ["updated"]
    record = CreditRecord.objects.get(pk=first.record_id)
    assert record.data["CF_CFLB"] == "暂扣许可证件"
    assert (record.severity, record.disclosure_end) == ("serious", datetime.date(2027, 5, 31))
    assert list(record.versions.order_by("version").values_list("version", "change")) == [
        (1, "create"),
        (2, "redecide"),
        (3, "update"),
    ]
    assert record.version == 3
    [again] = records_ingest(department=department, items=[changed_item], channel="api", actor=Actor.system())
    assert again.status == "unchanged"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_departments_first_review_notice_waits_for_a_run_holding_it(client, reference_data):
    """Two hourly runs at once must not both record a department's first notice (it has no row to lock yet):
    each run locks the department's row, so the second waits for the first and then finds its notice."""
    import datetime

    from django.db import OperationalError, connection, transaction

    from records.notifications import review_notices_send
    from tests.records.test_workbench_home import enter, make_staff

    department = DepartmentFactory()
    make_staff(department, ("clerk", "clerk", True), ("reviewer", "reviewer", True))
    enter(client, 1)
    held, release = threading.Event(), threading.Event()

    def first_run_holding_the_department():
        try:
            with transaction.atomic():
                list(type(department).objects.select_for_update(no_key=True).filter(pk=department.pk))
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_run_holding_the_department)
    thread.start()
    try:
        assert held.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        with pytest.raises(OperationalError, match="lock timeout"):
            review_notices_send(now=datetime.datetime.now(datetime.UTC))
    finally:
        release.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert review_notices_send() == 1
