"""Red team, issue 15: model definitions the credit centre's admin accepts and then cannot run.

A definition that passes ``definition_check`` (the admin's check on save, and the check at publication) must be
one the engine can grade every subject with; otherwise one bad save stops every evaluation of every subject
(after record pushes, nightly runs, the publication's own run).
"""

from __future__ import annotations

import copy

import pytest
from django.db import transaction

from evaluation.errors import EvaluationError
from evaluation.models import EvaluationModel
from evaluation.selectors import current_result, model_set
from evaluation.services import subjects_grade
from evaluation.versions import model_version_draft, model_version_edit, model_version_publish
from tests.evaluation.helpers import SYSTEM, TODAY

pytestmark = pytest.mark.django_db


def publish(model, change) -> None:
    with transaction.atomic():
        draft = model_version_draft(model=model, actor=SYSTEM)
        definition = copy.deepcopy(draft.definition)
        change(definition)
        model_version_edit(version=draft, definition=definition, note="红队", actor=SYSTEM)
        model_version_publish(version=draft, actor=SYSTEM, background=False)


def second_general_model() -> EvaluationModel:
    return EvaluationModel.objects.create(
        code="general2", name="第二个通用模型", kind="general", purpose="evaluation", basis="测试"
    )


def test_two_general_models_reading_each_others_score_are_refused(evaluation_models, licensed):
    """General model A reads general model B's score and B reads A's: each save and publication was accepted
    (the check only asked that the model read is a general one), and from then on ``model_set`` raised
    ("模型相互引用"), so no subject could be graded any more. Now a general model reads no model at all ("通用+专业":
    professional models combine the general score), so no circle can be made."""
    general = evaluation_models["general"]
    other = second_general_model()
    definition = copy.deepcopy(general.versions.get(state="published").definition)
    definition["dimensions"].append(
        {
            "code": "reads_general",
            "name": "通用评价",
            "indicators": [
                {"code": "g_score", "name": "通用得分", "kind": "model_score", "model": "general", "weight": "0.1"}
            ],
        }
    )
    with transaction.atomic():
        draft = model_version_draft(model=other, actor=SYSTEM)
    with pytest.raises(EvaluationError, match="通用模型不能引用") as refused, transaction.atomic():
        model_version_edit(version=draft, definition=definition, note="", actor=SYSTEM)
    assert refused.value.code == "general_reads_model"
    draft.refresh_from_db()
    assert draft.definition == {}
    model_set()
    with transaction.atomic():
        subjects_grade(subject_ids=[licensed.pk], actor=SYSTEM, as_of=TODAY)
    assert current_result(licensed.pk, "general").grade


def test_a_score_range_the_result_column_cannot_hold_is_refused(evaluation_models, licensed):
    """``EvaluationResult.score`` is ``DecimalField(max_digits=7, decimal_places=2)`` (at most 99,999.99), but the
    definition check accepts any finite min/max/base score: a model scored 0–1,000,000 is saved and published, and
    every grading's COPY then fails with a numeric overflow."""

    def huge_scale(definition):
        definition.update(
            base_score="500000",
            min_score="0",
            max_score="1000000",
            grades={"A": "900000", "B": "750000", "C": "600000"},
        )

    try:
        publish(evaluation_models["general"], huge_scale)
    except EvaluationError:
        return  # refused with a message: what should happen
    with transaction.atomic():
        subjects_grade(subject_ids=[licensed.pk], actor=SYSTEM, as_of=TODAY)
    assert current_result(licensed.pk, "general").score == 500003


def test_a_huge_weight_is_refused_or_graded(evaluation_models, licensed):
    """A weight of 1e27 is a finite number, so the check accepts it; the engine's ``quantize`` of the points then
    raises ``decimal.InvalidOperation`` (more than 28 digits) for every subject the indicator counts for, and the
    whole chunk of subjects fails."""

    def huge_weight(definition):
        basic = next(d for d in definition["dimensions"] if d["code"] == "basic")
        age = next(i for i in basic["indicators"] if i["code"] == "age")
        age["weight"], age["cap"] = "1e27", None  # three full years: 3e27 points, the dimension caps it at 10

    try:
        publish(evaluation_models["general"], huge_weight)
    except EvaluationError:
        return
    with transaction.atomic():
        subjects_grade(subject_ids=[licensed.pk], actor=SYSTEM, as_of=TODAY)
    assert current_result(licensed.pk, "general").grade
