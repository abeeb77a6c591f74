"""Red team of grading changes: the parsed model definitions kept by ``selectors.version_definition``.

The cache keys a version by ``orjson.dumps`` of its definition, and orjson refuses integers beyond 64 bits
(``TypeError: Integer exceeds 64-bit range``), which JSON, PostgreSQL's ``jsonb`` and Python's ``json`` all
hold. ``definition_check`` (the check on save and at publication) never looks at keys the engine does not read,
so a definition carrying such a number (a document number typed as a number) is saved and published; from then
on ``model_set`` raises for every grading of every subject under every model (it parses all published versions),
and the workbench's and the admin's readings of the version fail. Before the cache, the definition graded.
"""

from __future__ import annotations

import copy

import pytest
from django.db import transaction

from evaluation.selectors import current_result, model_set, version_definition
from evaluation.services import subjects_grade
from evaluation.versions import model_version_draft, model_version_edit, model_version_publish
from tests.evaluation.helpers import SYSTEM, TODAY

pytestmark = pytest.mark.django_db

DOCUMENT_NUMBER = 22010020260001000001  # 20 digits: beyond 2**64


def test_a_definition_the_check_accepts_is_read_and_graded_whatever_numbers_it_carries(evaluation_models, licensed):
    food = evaluation_models["food_risk"]
    with transaction.atomic():
        draft = model_version_draft(model=food, actor=SYSTEM)
        definition = copy.deepcopy(draft.definition)
        definition["文号"] = DOCUMENT_NUMBER  # a key the engine does not read
        model_version_edit(version=draft, definition=definition, note="依据文号", actor=SYSTEM)
    draft.refresh_from_db()
    assert draft.definition["文号"] == DOCUMENT_NUMBER  # saved: the check accepted it
    assert version_definition(draft).model == "food_risk"  # the workbench's and the admin's reading
    with transaction.atomic():
        model_version_publish(version=draft, actor=SYSTEM, background=False)
    model_set()  # what every grading reads first
    with transaction.atomic():
        subjects_grade(subject_ids=[licensed.pk], actor=SYSTEM, as_of=TODAY)
    assert current_result(licensed.pk, "general").grade


def test_a_window_of_months_the_check_accepts_is_one_every_subject_grades_by(evaluation_models, licensed):
    """Found beside the cache (older than it): ``window_months`` is checked only as a positive integer, and the
    engine's ``window_start`` subtracts ``31 × months`` days from the day, so 100,000 months (any value past about
    780 centuries' worth of days) raises ``OverflowError`` for every subject with a record of the type."""
    from evaluation.errors import EvaluationError

    general = evaluation_models["general"]
    with transaction.atomic():
        draft = model_version_draft(model=general, actor=SYSTEM)
    definition = copy.deepcopy(draft.definition)
    administration = next(d for d in definition["dimensions"] if d["code"] == "administration")
    licences = next(i for i in administration["indicators"] if i["code"] == "licences")
    licences["records"]["window_months"] = 100_000
    try:
        with transaction.atomic():
            model_version_edit(version=draft, definition=definition, note="统计期", actor=SYSTEM)
            model_version_publish(version=draft, actor=SYSTEM, background=False)
    except EvaluationError:
        return  # refused with a message: what should happen
    with transaction.atomic():
        subjects_grade(subject_ids=[licensed.pk], actor=SYSTEM, as_of=TODAY)
    assert current_result(licensed.pk, "general").version_id == draft.pk
