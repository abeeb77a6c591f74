"""Red team, issue 15: delivery of the results — the change feed must give a department every change of its
population (a consumer following the ``next`` links must not skip any), and a model taken off public display
must leave the public pages."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connections, transaction

from evaluation.models import EvaluationModel, EvaluationResult
from evaluation.services import subjects_grade
from evaluation.versions import model_display_set
from subjects.models import CreditSubject
from tests.evaluation.helpers import NOW, SYSTEM, TODAY, ingest
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import company_uscc, xzxk_item


def subject(n: int) -> CreditSubject:
    return CreditSubject.objects.get(uscc=company_uscc(n))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_feed_does_not_skip_a_result_committed_after_a_later_one(reference_data, client):
    """Result ids come from the sequence when a grading writes (``writes.rows_insert``), but become visible only at
    the commit. A grading that allocated its ids first and commits last (a full-run chunk of 2,000 subjects — in
    parallel processes with ``--jobs`` — against the worker's grading after a push) puts rows *behind* a cursor a
    department has already passed: following ``next`` it never receives them."""
    with time_machine.travel(NOW, tick=False):
        market = DepartmentFactory(
            code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9"
        )
        ingest(market, *(xzxk_item(n) for n in (1, 2, 3)))
        ids = [subject(n).pk for n in (1, 2, 3)]
        with transaction.atomic():
            subjects_grade(subject_ids=ids, actor=SYSTEM, as_of=TODAY)
        with transaction.atomic():
            _, raw = api_token_issue(market)
        # Ten years older: every subject's general score changes, so each grading writes new rows.
        CreditSubject.objects.filter(pk__in=ids).update(established_on=TODAY - datetime.timedelta(days=3700))

        written, proceed, errors = threading.Event(), threading.Event(), []

        def slow_grading():  # the long transaction: ids allocated now, committed later
            try:
                with transaction.atomic():
                    subjects_grade(subject_ids=[ids[0]], actor=SYSTEM, as_of=TODAY)
                    written.set()
                    proceed.wait(30)
            except Exception as error:  # asserted below
                errors.append(error)
                written.set()
            finally:
                connections.close_all()

        thread = threading.Thread(target=slow_grading)
        thread.start()
        assert written.wait(30)
        quick_done = threading.Event()

        def quick_grading():  # higher ids if it could take them now: it waits for the slow one's commit instead
            try:
                with transaction.atomic():
                    subjects_grade(subject_ids=ids[1:], actor=SYSTEM, as_of=TODAY)
                quick_done.set()
            finally:
                connections.close_all()

        quick = threading.Thread(target=quick_grading)
        quick.start()
        assert not quick_done.wait(2), "a second writer took ids while the first held uncommitted ones"

        def get(path):
            return client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}").json()

        # The department reads its feed meanwhile: the uncommitted rows are not there, nothing after them either.
        received, path = [], "/api/v1/evaluations/changes/?page_size=1"
        while path:
            page = get(path)
            received += [item["id"] for item in page["results"]]
            path = page["next"] if page["results"] else None
        cursor_at = max(received)
        proceed.set()
        thread.join()
        quick.join()
        path = "/api/v1/evaluations/changes/?page_size=1000"
        page = get(path)
        later = [item["id"] for item in page["results"] if item["id"] > cursor_at]
        assert not errors
        # Everything committed since lies beyond where the department stopped: following on, it misses nothing.
        new_rows = set(EvaluationResult.objects.filter(pk__gt=cursor_at).values_list("pk", flat=True))
        assert new_rows == set(later)
        slow_rows = set(EvaluationResult.objects.filter(subject_id=ids[0]).values_list("pk", flat=True))
        assert slow_rows <= set(received) | set(later), "the slow transaction's results never reach the department"


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_model_taken_off_public_display_leaves_the_cached_public_page(
    reference_data, client, django_capture_on_commit_callbacks
):
    """``model_display_set(publish_grades=False)`` ("keep it for supervision only") does not drop the cached subject
    pages: the grade stays public for up to ``SUBJECT_PAGE_CACHE_SECONDS`` (1 hour by default), although every
    grading that changes a public grade drops them at once (``subjects.grades_changed``)."""
    from django.core.cache import cache

    cache.clear()
    market = DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9")
    ingest(market, xzxk_item(1))
    with transaction.atomic():
        subjects_grade(subject_ids=[subject(1).pk], actor=SYSTEM, as_of=TODAY)
    page = f"/subjects/{company_uscc(1)}/"
    assert 'data-testid="grade-general"' in client.get(page).text  # now cached
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        model_display_set(model=EvaluationModel.objects.get(code="general"), publish_grades=False, actor=SYSTEM)
    assert 'data-testid="grade-general"' not in client.get(page).text
