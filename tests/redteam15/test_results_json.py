"""Red team of grading changes: the results' explanation and facts stored as PostgreSQL ``json``
(``core.fields.StoredJSONField``).

psycopg2 parses ``json`` values itself (Django registers a pass-through loader for ``jsonb`` only), and the
field's ``from_db_value`` then parses again any value that is still a string. A whole document is a dict, so the
pages read it right; but a key transform (``explanation__indicators__0__value``) returns the JSON string "5.00"
already parsed to the Python string ``5.00``, which Django's ``JSONField.from_db_value`` parses once more into
the float 5.0: the same query on ``jsonb`` gave the string.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from evaluation.models import EvaluationResult
from evaluation.services import subjects_grade
from subjects.models import CreditSubject
from tests.evaluation.helpers import SYSTEM, TODAY, ingest
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, xzxk_item

pytestmark = pytest.mark.django_db


@pytest.mark.postgres  # SQLite's JSON_EXTRACT gives "1" unquoted, which any JSONField reads back as 1
def test_a_key_of_a_stored_explanation_reads_back_as_stored(evaluation_models):
    market = DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9")
    ingest(market, xzxk_item(1))
    subject = CreditSubject.objects.get(uscc=company_uscc(1))
    with transaction.atomic():
        subjects_grade(subject_ids=[subject.pk], actor=SYSTEM, as_of=TODAY)
    result = EvaluationResult.objects.filter(subject=subject, model__code="general").get()
    stored = result.explanation["indicators"][0]["value"]
    assert isinstance(stored, str)  # "1", "5.00": the engine writes its numbers as text
    rows = EvaluationResult.objects.filter(pk=result.pk)
    assert rows.values_list("explanation__indicators__0__value", flat=True).get() == stored
    assert rows.values_list("facts__kind", flat=True).get() == result.facts["kind"]
