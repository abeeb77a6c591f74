"""Outsider check (redteam16) of ``selectors.stored_grades`` (LATERAL probe on PostgreSQL, max(id) on SQLite):
the same latest row per subject and model as a reading of the whole history, whatever the order rows were
written in, the ids repeated, subjects and models without rows, and a model not asked."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from evaluation.models import EvaluationResult
from evaluation.selectors import stored_grades
from tests.factories import CreditSubjectFactory

pytestmark = pytest.mark.django_db


def test_stored_grades_is_the_latest_row_of_each_subject_and_model_asked(evaluation_models):
    general, food = evaluation_models["general"], evaluation_models["food_risk"]
    versions = {m.pk: m.versions.order_by("-number").first() for m in (general, food)}
    subjects = [CreditSubjectFactory() for _ in range(5)]
    other_model = max(versions) + 1000  # no constraint on the model's id: a model not asked
    rng = random.Random(16)
    now = timezone.now()
    rows = []
    for n in range(120):
        subject = rng.choice(subjects[:4])  # the fifth has no result
        model_id = rng.choice([general.pk, food.pk, other_model])
        version = versions.get(model_id) or versions[general.pk]
        grade = rng.choice("ABCD") if rng.random() > 0.1 else ""
        rows.append(
            EvaluationResult(
                subject=subject,
                model_id=model_id,
                version=version,
                score=None if grade == "" else Decimal(rng.randint(0, 10000)) / 100,
                grade=grade,
                score_grade=grade,
                grade_since=now - datetime.timedelta(minutes=rng.randint(0, 10**5)),
                digest=f"{n:032x}",
                explanation={},
                facts={},
                evaluated_on=now.date(),
            )
        )
    EvaluationResult.objects.bulk_create(rows)
    latest = {}
    for row in EvaluationResult.objects.order_by("id"):
        latest[row.subject_id, row.model_id] = row
    ids = [s.pk for s in subjects]
    asked = [general.pk, food.pk]
    found = stored_grades([*ids, *ids[:2], 10**9], [*asked, general.pk, 10**9])
    expected = {key: row for key, row in latest.items() if key[1] in asked}
    assert set(found) == set(expected)
    for key, row in expected.items():
        stored = found[key]
        assert (stored.grade, stored.score, stored.digest, stored.since) == (
            row.grade,
            row.score,
            row.digest,
            row.grade_since,
        )
    assert stored_grades([], asked) == stored_grades(ids, []) == stored_grades([subjects[4].pk], asked) == {}
