"""Grading stored: results per subject and model version with facts and explanation, history never overwritten,
versions frozen by publication and a publication re-grading everyone, audit events, bad definitions refused."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from django.db import OperationalError, transaction

from audit.models import AuditEvent
from evaluation.choices import RunState, VersionState
from evaluation.definitions import definition_parse
from evaluation.errors import EvaluationError
from evaluation.models import EvaluationResult, EvaluationRun, ModelVersion
from evaluation.runs import evaluation_run
from evaluation.selectors import current_result, latest_results
from evaluation.services import subjects_grade
from evaluation.versions import definition_check, model_version_draft, model_version_edit, model_version_publish
from records.models import CreditRecord
from records.services import record_revoke
from subjects.models import CreditSubject
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item, yzsxmd_item

from .helpers import SYSTEM, TODAY, commitment_item, ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(evaluation_models):
    return DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9")


def subject(n: int) -> CreditSubject:
    return CreditSubject.objects.get(uscc=company_uscc(n))


def grade(*subjects, as_of=TODAY):
    with transaction.atomic():
        return subjects_grade(subject_ids=[s.pk for s in subjects], actor=SYSTEM, as_of=as_of)


def current(s, code="general") -> EvaluationResult:
    return current_result(s.pk, code)


def test_the_seeded_models_are_published_and_cite_the_seed(evaluation_models):
    general, food = evaluation_models["general"], evaluation_models["food_risk"]
    assert (general.kind, food.kind) == ("general", "professional")
    assert "第50条" in general.basis
    assert "第51条" in food.basis
    assert general.publish_grades
    assert not food.publish_grades
    # The general model's version 2 (supervision 0002) adds the inspection results to version 1, kept.
    assert general.versions.get(number=1).state == VersionState.SUPERSEDED
    for model, number in ((general, 2), (food, 1)):
        version = model.versions.get(state=VersionState.PUBLISHED)
        assert version.number == number
        definition_check(version.definition, model=model)
    food_definition = definition_parse(food.versions.get().definition, model="food_risk", version=1)
    assert food_definition.depends_on() == {"general"}
    assert food_definition.labels == {"A": "低风险", "B": "一般风险", "C": "较高风险", "D": "高风险"}


def test_a_result_is_stored_with_its_version_facts_and_explanation(market):
    [penalty] = ingest(market, xzcf_item(1, decided_on=TODAY.replace(month=3)))
    s = subject(1)
    CreditSubject.objects.filter(pk=s.pk).update(established_on=TODAY.replace(year=2023))
    outcome = grade(s)
    assert outcome.evaluated == 1
    row = current(s)
    general = row.version
    # 70 + 3 years − 3 (one 一般 penalty): 70.00 → C (中)
    assert (row.score, row.grade) == (Decimal("70.00"), "C")
    result = row
    assert (result.version_id, result.grade, result.previous_grade, result.evaluated_on) == (general.pk, "C", "", TODAY)
    assert {"code": "penalties", "value": "3", "points": "-3.00", "records": [penalty]} in result.explanation[
        "indicators"
    ]
    assert {"code": "age", "value": "3", "points": "3.00"} in result.explanation["indicators"]
    assert [r["id"] for r in result.facts["records"]] == [penalty]
    assert result.facts["records"][0]["severity"] == "general"
    assert result.facts["established_on"] == TODAY.replace(year=2023).isoformat()
    # Outside the food model's scope (no food licence): no food grade.
    assert current(s, "food_risk") is None
    assert AuditEvent.objects.filter(action="evaluation.evaluate").exists()


def test_history_is_kept_and_an_unchanged_evaluation_writes_nothing(market):
    ingest(market, xzcf_item(1, decided_on=TODAY.replace(month=3)))
    s = subject(1)
    grade(s)
    first = current(s)
    grade(s)  # same facts: nothing new
    assert EvaluationResult.objects.filter(subject=s, model__code="general").count() == 1
    ingest(
        market,
        xzcf_item(
            2, decided_on=TODAY.replace(month=4), CF_XDR_SHXYM=company_uscc(1), CF_XDR_MC="长春测试1商贸有限公司"
        ),
    )
    grade(s)
    history = list(EvaluationResult.objects.filter(subject=s, model__code="general").order_by("id"))
    assert len(history) == 2
    assert history[0].pk == first.pk
    assert history[0].score == first.score
    assert (history[1].score, history[1].previous_grade) == (first.score - 3, first.grade)
    assert current(s).pk == history[1].pk
    assert len(history[1].explanation["indicators"][0]["records"]) == 2


def test_the_stored_grade_compared_is_the_latest_of_a_long_history_under_each_model_asked(market, evaluation_models):
    from evaluation.selectors import stored_grades

    for month in (1, 2, 3, 4):  # four penalties of one company, graded after each: four results
        ingest(market, xzcf_item(month, decided_on=TODAY.replace(month=month), CF_XDR_SHXYM=company_uscc(1)))
        grade(subject(1))
    s, latest = subject(1), current(subject(1))
    assert EvaluationResult.objects.filter(subject=s, model__code="general").count() == 4
    general, food = evaluation_models["general"].pk, evaluation_models["food_risk"].pk
    stored = stored_grades([s.pk, 10**9], [general, food])  # no food result, no such subject
    assert list(stored) == [(s.pk, general)]
    assert (stored[s.pk, general].digest, stored[s.pk, general].score) == (latest.digest, latest.score)
    assert stored_grades([s.pk], [food]) == stored_grades([s.pk], []) == {}


def test_grading_pauses_the_cycle_collector_and_restores_it(market, monkeypatch):
    import gc

    from evaluation import rules

    ingest(market, xzcf_item(1))
    seen = []
    evaluate = rules.Evaluator.evaluate
    monkeypatch.setattr(rules.Evaluator, "evaluate", lambda *a: seen.append(gc.isenabled()) or evaluate(*a))
    assert gc.isenabled()
    grade(subject(1))
    assert seen == [False]
    assert gc.isenabled()
    gc.disable()  # a caller that turned it off keeps it off
    try:
        grade(subject(1))
    finally:
        enabled_after = gc.isenabled()
        gc.enable()
    assert not enabled_after


def test_a_black_listed_subject_gets_the_override_grade_whatever_its_score(market):
    ingest(market, yzsxmd_item(3), xzxk_item(3))
    s = subject(3)
    grade(s)
    row = current(s)
    assert row.grade == "D"
    assert row.explanation["overrides"][0]["code"] == "black"
    assert row.explanation["overrides"][0]["memberships"]
    # The food model (its scope: a food licence in force) also puts it at 高风险 by its own override.
    food = current(s, "food_risk")
    assert food.grade == "D"
    assert [o["code"] for o in food.explanation["overrides"]] == ["black"]


def test_a_professional_model_combines_the_general_score(market):
    ingest(market, xzxk_item(4), commitment_item(4))
    s = subject(4)
    grade(s)
    general, food = current(s), current(s, "food_risk")
    items = {i["code"]: i for i in food.explanation["indicators"]}
    assert items["general_score"]["value"] == str(general.score)
    assert items["general_score"]["model_version"] == general.version_id
    assert Decimal(items["general_score"]["points"]) == (general.score * Decimal("0.6")).quantize(Decimal("0.01"))
    assert items["food_licences"]["records"]
    assert items["food_commitments_kept"]["records"]


def test_a_subject_leaving_a_models_scope_gets_a_result_saying_so(market):
    [licence] = ingest(market, xzxk_item(5))
    s = subject(5)
    grade(s)
    assert current(s, "food_risk").grade in "ABCD"
    with transaction.atomic():
        record_revoke(record=CreditRecord.objects.get(pk=licence), actor=SYSTEM, reason="许可被撤销")
    grade(s)
    food = current(s, "food_risk")
    assert (food.grade, food.score) == ("", None)
    assert food.explanation["out_of_scope"] is True
    assert food.previous_grade in "ABCD"
    grade(s)
    assert EvaluationResult.objects.filter(subject=s, model__code="food_risk").count() == 2


def _edited(version: ModelVersion, **changes) -> dict:
    definition = copy.deepcopy(version.definition)
    definition.update(changes)
    return definition


def test_publishing_freezes_the_draft_and_regrades_everyone_citing_the_new_version(market, evaluation_models):
    ingest(market, xzcf_item(6, decided_on=TODAY.replace(month=3)), xzcf_item(7, decided_on=TODAY.replace(month=2)))
    grade(subject(6), subject(7))
    general = evaluation_models["general"]
    old = general.versions.get(state=VersionState.PUBLISHED)
    with transaction.atomic():
        draft = model_version_draft(model=general, actor=SYSTEM)
        assert draft.number == old.number + 1
        assert draft.definition == old.definition
        model_version_edit(
            version=draft, definition=_edited(draft, base_score="80"), note="基础分调整为80", actor=SYSTEM
        )
        run = model_version_publish(version=draft, actor=SYSTEM, background=False)
    run = evaluation_run(run.pk)
    assert (run.state, run.processed, run.total) == (
        RunState.DONE,
        CreditSubject.objects.count(),
        CreditSubject.objects.count(),
    )
    old.refresh_from_db()
    draft.refresh_from_db()
    assert (old.state, draft.state) == (VersionState.SUPERSEDED, VersionState.PUBLISHED)
    for s in (subject(6), subject(7)):
        row = current(s)
        assert row.version_id == draft.pk
        assert row.score == EvaluationResult.objects.filter(subject=s, version=old).get().score + 10
    assert EvaluationResult.objects.filter(version=old).count() == 2  # the old results stay, citing the old version
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "evaluation.version_publish",
        "evaluation.run_request",
        "evaluation.run_start",
        "evaluation.run_finish",
    } <= actions
    with pytest.raises(EvaluationError, match="已发布的版本不能修改"), transaction.atomic():
        model_version_edit(version=draft, definition=draft.definition, note="", actor=SYSTEM)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"base_score": "x"}, "不是数值", id="engine-refusal"),
        pytest.param(
            {
                "overrides": [
                    {"code": "b", "name": "名单", "kind": "list_member", "lists": ["no_such_list"], "grade": "D"}
                ]
            },
            "名单“no_such_list”不存在",
            id="unknown-list",
        ),
        pytest.param(
            {"scope": {"subject_kinds": ["legal_entity"], "records": {"types": ["no_such_type"]}}},
            "记录类型“no_such_type”不在信用信息目录中",
            id="unknown-type",
        ),
        pytest.param({"scope": {"subject_kinds": ["robot"]}}, "主体类型“robot”无效", id="unknown-kind"),
    ],
)
def test_a_bad_draft_is_refused_and_nothing_changes(evaluation_models, change, message):
    general = evaluation_models["general"]
    with transaction.atomic():
        draft = model_version_draft(model=general, actor=SYSTEM)
    before = copy.deepcopy(draft.definition)
    with pytest.raises(EvaluationError) as error, transaction.atomic():
        model_version_edit(version=draft, definition=_edited(draft, **change), note="", actor=SYSTEM)
    assert message in error.value.message
    draft.refresh_from_db()
    assert draft.definition == before
    assert not AuditEvent.objects.filter(action="evaluation.version_edit").exists()


def test_a_run_resumes_after_its_last_committed_chunk(market):
    ingest(market, *[xzcf_item(n, decided_on=TODAY.replace(month=3)) for n in range(10, 16)])
    with transaction.atomic():
        from evaluation.runs import evaluation_run_request

        run = evaluation_run_request(actor=SYSTEM, kind="manual", background=False)
    chunks = []

    def stop_after_two(run, outcome, seconds):
        chunks.append(run.last_subject_id)
        if len(chunks) == 2:
            raise OperationalError("the database went away")

    with pytest.raises(OperationalError):
        evaluation_run(run.pk, chunk_size=2, on_chunk=stop_after_two)
    stopped = EvaluationRun.objects.get(pk=run.pk)
    assert (stopped.state, stopped.processed, stopped.last_subject_id) == (RunState.RUNNING, 4, chunks[1])
    written = EvaluationResult.objects.count()
    assert written > 0
    finished = evaluation_run(run.pk, chunk_size=2)
    assert (finished.state, finished.processed) == (RunState.DONE, CreditSubject.objects.count())
    graded = set(latest_results(model__code="general").values_list("subject_id", flat=True))
    assert graded == set(CreditSubject.objects.values_list("pk", flat=True))
    assert evaluation_run(run.pk).state == RunState.DONE  # a finished run is left as it is


def test_the_start_of_a_grade_carries_forward_while_the_grade_holds(market):
    ingest(market, xzxk_item(20, XK_XKZS="排污许可证"))
    s = subject(20)
    grade(s)
    first = current(s)
    ingest(
        market,
        xzxk_item(21, XK_XDR_MC="长春测试20商贸有限公司", XK_XDR_SHXYM=company_uscc(20), XK_XKZS="排污许可证"),
    )
    grade(s)
    second = current(s)
    assert second.pk != first.pk
    assert (second.score, second.grade) == (first.score + 1, first.grade)  # one more licence: +1, same grade
    assert second.grade_since == first.grade_since
    ingest(market, yzsxmd_item(20))
    grade(s)
    third = current(s)
    assert (third.grade, third.previous_grade) == ("D", first.grade)
    assert third.grade_since > first.grade_since


def test_a_draft_edited_is_read_anew_though_definitions_are_parsed_once(evaluation_models):
    """``selectors.version_definition`` keeps parsed definitions by their text: a draft edited between two reads
    is read with its new definition, and an unchanged one is the same parsed object."""
    from evaluation.selectors import version_definition

    with transaction.atomic():
        draft = model_version_draft(model=evaluation_models["general"], actor=SYSTEM)
    first = version_definition(draft)
    assert version_definition(ModelVersion.objects.get(pk=draft.pk)) is first
    edited = copy.deepcopy(draft.definition) | {"base_score": "61"}
    with transaction.atomic():
        model_version_edit(version=draft, definition=edited, note="基础分61", actor=SYSTEM)
    assert version_definition(ModelVersion.objects.get(pk=draft.pk)).base_score == Decimal("61")
