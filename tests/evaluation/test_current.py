"""Keeping grades current: after a push (``records.changed``) and a list change, after commit, through the outbox;
a model's publication re-grades everyone through its own item and task; the nightly task runs everyone and
writes the files; the public page and report show the published grades with the model's name and date."""

from __future__ import annotations

import copy
import json

import pytest
import time_machine
from django.db import transaction

from evaluation.choices import RunKind, RunState, VersionState
from evaluation.models import EvaluationFile, EvaluationResult, EvaluationRun
from evaluation.runs import evaluation_run_request
from evaluation.selectors import current_result, latest_results
from evaluation.tasks import evaluation_full_task
from evaluation.versions import model_display_set, model_version_draft, model_version_edit, model_version_publish
from outbox.models import OutboxItem
from subjects.models import CreditSubject
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item, yzsxmd_item

from .helpers import NOW, SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def push(client, evaluation_models, django_capture_on_commit_callbacks):
    """Push items as a department system and run what the commit triggers (lists, grades, pages)."""
    department = DepartmentFactory(code="jl-scjg", sector="market_regulation", registers="9")
    with transaction.atomic():
        _, raw = api_token_issue(department)

    def _push(*items):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/records/",
                data=json.dumps(list(items)),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )
        results = response.json()["results"]
        assert all(r["status"] in ("created", "updated") for r in results), results
        return [r["record_id"] for r in results]

    _push.raw = raw
    return _push


def general_grade(n: int) -> EvaluationResult:
    return current_result(CreditSubject.objects.get(uscc=company_uscc(n)).pk, "general")


@time_machine.travel(NOW, tick=False)
def test_a_push_and_a_listing_regrade_their_subjects_after_commit(push, client):
    push(xzcf_item(1))
    first = general_grade(1)
    assert first.grade in "ABC"
    assert f"{first.grade} " in client.get(f"/subjects/{company_uscc(1)}/").text  # cached from now on
    # Listed as seriously dishonest: the sanctions handler of the same item opens the membership first, then the
    # subject is graded D by the override.
    push(yzsxmd_item(1))
    listed = general_grade(1)
    assert listed.grade == "D"
    assert listed.previous_grade == first.grade
    assert listed.explanation["overrides"][0]["code"] == "black"
    assert not OutboxItem.objects.exclude(state="done").exists()
    # The grades changed while the push's item was delivered: the refresh of that item's pages, after the
    # grading, covers them, and the grades' own item need not drop them again.
    assert OutboxItem.objects.filter(topic="subjects.grades_changed").latest("pk").payload["after_change"] is True
    # The public page shows the new grade at once (its cache dropped after the grading).
    page = client.get(f"/subjects/{company_uscc(1)}/").text
    assert "公共信用综合评价模型（通用）" in page
    assert "D 差" in page


@time_machine.travel(NOW, tick=False)
def test_the_public_page_shows_published_grades_only(push, client, evaluation_models):
    push(xzxk_item(2))  # a food licence: graded by both models
    grades = {g.model.code: g for g in latest_results().select_related("model")}
    assert set(grades) == {"general", "food_risk"}
    page = client.get(f"/subjects/{company_uscc(2)}/").text
    general = grades["general"]
    assert 'data-testid="grade-general"' in page
    assert "食品生产经营信用风险分类模型" not in page  # supervision only
    assert f"{general.evaluated_on:%Y年%-m月%-d日}评价" in page
    with transaction.atomic():
        model_display_set(model=evaluation_models["general"], publish_grades=False, actor=SYSTEM)
    from django.core.cache import cache

    cache.clear()  # a cached page follows the setting within SUBJECT_PAGE_CACHE_SECONDS
    assert 'data-testid="grades"' not in client.get(f"/subjects/{company_uscc(2)}/").text


@time_machine.travel(NOW, tick=False)
def test_the_credit_report_prints_the_published_grades(push, client, monkeypatch):
    push(xzcf_item(3))
    printed = {}

    def render(template, context):
        printed.update(context)
        return b"%PDF-1.4 test"

    monkeypatch.setattr("disclosure.reports.pdf_render", render)
    assert client.get(f"/subjects/{company_uscc(3)}/report/").status_code == 200
    grade = general_grade(3)
    assert [(g.model, g.grade, g.evaluated_on) for g in printed["grades"]] == [
        ("general", grade.grade, grade.evaluated_on)
    ]
    from django.template.loader import render_to_string

    html = render_to_string("disclosure/report.html", printed)
    assert f"{grade.grade}（{printed['grades'][0].label}）" in html


@time_machine.travel(NOW, tick=False)
def test_a_publication_regrades_everyone_in_the_background(
    push, client, evaluation_models, django_capture_on_commit_callbacks
):
    push(xzcf_item(4), xzcf_item(5))
    page = f"/subjects/{company_uscc(4)}/"
    assert "D 差" not in client.get(page).text  # now cached
    general = evaluation_models["general"]
    with transaction.atomic():
        draft = model_version_draft(model=general, actor=SYSTEM)
        definition = copy.deepcopy(draft.definition)
        definition["grades"] = {"A": "99", "B": "98", "C": "97"}  # everyone below C now
        model_version_edit(version=draft, definition=definition, note="从严", actor=SYSTEM)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        run = model_version_publish(version=draft, actor=SYSTEM)
    run.refresh_from_db()
    assert (run.kind, run.state, run.processed) == (RunKind.PUBLICATION, RunState.DONE, CreditSubject.objects.count())
    assert set(latest_results(model=general).values_list("grade", "version_id")) == {("D", draft.pk)}
    assert draft.__class__.objects.get(pk=draft.pk).state == VersionState.PUBLISHED
    assert "D 差" in client.get(page).text  # the cached page was dropped (``subjects.grades_changed``)


@time_machine.travel(NOW, tick=False)
def test_the_nightly_task_runs_everyone_and_writes_the_files(push, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    push(xzcf_item(6))
    EvaluationResult.objects.all().delete()  # as if never graded (a subject imported without any change)
    assert evaluation_full_task() == CreditSubject.objects.count()
    assert latest_results(model__code="general").count() == CreditSubject.objects.count()
    run = EvaluationRun.objects.get(kind=RunKind.SCHEDULED)
    assert (run.state, run.as_of) == (RunState.DONE, NOW.date())
    assert EvaluationFile.objects.filter(department__code="jl-scjg", model__code="general", as_of=NOW.date()).exists()
    # A scheduled run still going (a slow night): the next one is not started.
    with transaction.atomic():
        evaluation_run_request(actor=SYSTEM, kind=RunKind.SCHEDULED, background=False)
    assert evaluation_full_task() == 0


@time_machine.travel(NOW, tick=False)
def test_evaluate_all_grades_everyone_in_the_foreground(push, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.MEDIA_ROOT = str(tmp_path)
    push(xzcf_item(7), xzxk_item(8))
    EvaluationResult.objects.all().delete()
    out = StringIO()
    call_command("evaluate_all", "--files", stdout=out)
    assert "评价主体 2 个" in out.getvalue()
    assert latest_results(model__code="general").count() == 2
    assert EvaluationFile.objects.filter(department__code="jl-scjg", as_of=NOW.date()).count() == 2


def test_a_listing_ending_by_time_alone_regrades_the_subject(push, django_capture_on_commit_callbacks):
    """No record changes when a listing expires overnight: the lists' own item (not after records) re-grades."""
    from sanctions.tasks import memberships_expire_task

    with time_machine.travel(NOW, tick=False):
        push(yzsxmd_item(9, decided_on="2026-06-01", until="2026-07-15"))
        assert general_grade(9).grade == "D"
    # After records, the lists' item is left to the records' own (which ran after the lists were evaluated).
    item = OutboxItem.objects.filter(topic="subjects.lists_changed").latest("pk")
    assert item.payload.get("after_records") is True
    with time_machine.travel(NOW.replace(day=20), tick=False):  # 2026-07-20: the listing ended on 07-15
        with django_capture_on_commit_callbacks(execute=True):
            memberships_expire_task()
        after = general_grade(9)
    assert after.grade != "D"
    assert after.previous_grade == "D"
