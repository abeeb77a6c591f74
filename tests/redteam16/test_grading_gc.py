"""Outsider check (redteam16) of ``core.memory.cycle_collection_paused`` around grading: a grading that fails
halfway leaves the cycle collector on, and a grading makes no reference cycles per subject (what it leaves to
the collector does not grow with the chunk, so pausing the collector holds no more memory than the chunk's)."""

import gc

import pytest
from django.db import transaction

from evaluation import rules
from evaluation.services import subjects_grade
from subjects.models import CreditSubject
from tests.evaluation.helpers import SYSTEM, TODAY, ingest
from tests.factories import DepartmentFactory
from tests.records.helpers import xzcf_item, xzxk_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject_ids(evaluation_models):
    market = DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9")
    ingest(market, *[xzcf_item(k) for k in range(1, 41)], *[xzxk_item(k) for k in range(1, 41)])
    return list(CreditSubject.objects.order_by("pk").values_list("pk", flat=True))


def test_a_grading_that_fails_halfway_leaves_the_collector_on(subject_ids, monkeypatch):
    def failing(self, facts, as_of):
        raise RuntimeError("halfway")

    monkeypatch.setattr(rules.Evaluator, "evaluate", failing)
    assert gc.isenabled()
    with pytest.raises(RuntimeError), transaction.atomic():
        subjects_grade(subject_ids=subject_ids, actor=SYSTEM, as_of=TODAY)
    assert gc.isenabled()


def grading_garbage(subject_ids) -> int:
    gc.collect()
    gc.disable()
    try:
        with transaction.atomic():
            subjects_grade(subject_ids=subject_ids, actor=SYSTEM, as_of=TODAY)
        return gc.collect()
    finally:
        gc.enable()


def test_the_cycles_a_grading_leaves_do_not_grow_with_its_subjects(subject_ids):
    grading_garbage(subject_ids[:1])  # the first grading reads and caches the models
    few, many = grading_garbage(subject_ids[:4]), grading_garbage(subject_ids)
    assert many <= few + 10, (few, many)
