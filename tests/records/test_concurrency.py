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
