"""Ingestion and list evaluation cost the same number of queries for one item as for the most one call takes
(1,000): subjects, records, versions, statistics and memberships are each read and written in bulk. Pinned on
PostgreSQL, where new rows go in by COPY (SQLite takes ``bulk_create``, whose batches depend on its limits)."""

import pytest

from audit.services import Actor
from records.models import CreditRecord
from records.services import MAX_ITEMS_PER_CALL, RecordInput, records_ingest
from sanctions.models import Membership
from sanctions.services import subjects_evaluate
from tests.records.helpers import xzcf_item

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
INGEST_NEW = 19
INGEST_UNCHANGED = 12
# The evaluation's membership changes take the feed's order lock (core.bulk.feed_order_lock): one statement.
EVALUATE = 17
EVALUATE_UPDATES = 17


def _items(count: int, first: int = 1) -> list[RecordInput]:
    # 暂扣许可证件: 较重, so every subject is put on the watch list (重点关注) when evaluated.
    return [RecordInput(**xzcf_item(n, CF_CFLB="暂扣许可证件")) for n in range(first, first + count)]


def _ingest(department, items):
    return records_ingest(department=department, items=items, channel="api", actor=Actor.system())


def _subject_ids(results) -> list[int]:
    return list(CreditRecord.objects.filter(pk__in=[r.record_id for r in results]).values_list("subject_id", flat=True))


@pytest.fixture(autouse=True)
def _warm(department):
    """One ingestion and evaluation first: the COPY helper looks up each table's sequence once per process."""
    subjects_evaluate(subject_ids=_subject_ids(_ingest(department, _items(1, first=5000))), actor=Actor.system())


@pytest.mark.parametrize("count", [1, MAX_ITEMS_PER_CALL])
def test_ingestion_queries_do_not_grow_with_the_items(department, django_assert_num_queries, count):
    items = _items(count)
    with django_assert_num_queries(INGEST_NEW):
        results = _ingest(department, items)
    assert {r.status for r in results} == {"created"}
    with django_assert_num_queries(INGEST_UNCHANGED):
        results = _ingest(department, items)
    assert {r.status for r in results} == {"unchanged"}


@pytest.mark.parametrize("count", [1, MAX_ITEMS_PER_CALL])
def test_evaluation_queries_do_not_grow_with_the_subjects(department, django_assert_num_queries, count):
    subject_ids = _subject_ids(_ingest(department, _items(count)))
    with django_assert_num_queries(EVALUATE):
        statuses = subjects_evaluate(subject_ids=subject_ids, actor=Actor.system())
    assert set(statuses.values()) == {"watch"}


@pytest.mark.parametrize("count", [1, MAX_ITEMS_PER_CALL])
def test_re_evaluating_listed_subjects_does_not_grow_with_them(department, django_assert_num_queries, count):
    """A second penalty for each listed subject updates its membership (a new record behind it): the updates,
    their links and change rows are written in bulk, not one membership at a time."""
    subject_ids = _subject_ids(_ingest(department, _items(count)))
    subjects_evaluate(subject_ids=subject_ids, actor=Actor.system())
    again = [
        RecordInput(**xzcf_item(n, CF_CFLB="暂扣许可证件", CF_WSH=f"长市监罚〔2026〕再{n}号"))
        for n in range(1, count + 1)
    ]
    _ingest(department, again)
    with django_assert_num_queries(EVALUATE_UPDATES):
        statuses = subjects_evaluate(subject_ids=subject_ids, actor=Actor.system())
    assert set(statuses.values()) == {"watch"}
    assert all(m.records.count() == 2 for m in Membership.objects.filter(subject_id__in=subject_ids[:3]))
