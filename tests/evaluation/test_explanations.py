"""The subject reads why it has each grade (issue 15: no opaque score): in its self-query, every indicator of
every current result with its value, points and the records and memberships behind it, the overriding rules,
and the grades kept for supervision only, said to be so."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from evaluation.selectors import subject_explanations
from evaluation.services import subjects_grade
from subjects.models import CreditSubject
from tests.accounts.helpers import account_client, acting_account
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item, yzsxmd_item

from .helpers import SYSTEM, TODAY, ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(evaluation_models):
    return DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_the_self_query_explains_every_grade_with_its_records_and_overrides(market):
    penalty, _, _ = ingest(
        market,
        xzcf_item(3, decided_on=TODAY.replace(month=3), CF_WSH="长市监罚〔2026〕88号"),
        yzsxmd_item(3),
        xzxk_item(3),
    )
    subject = CreditSubject.objects.get(uscc=company_uscc(3))
    with transaction.atomic():
        subjects_grade(subject_ids=[subject.pk], actor=SYSTEM, as_of=TODAY)

    explanations = {e.result.model.code: e for e in subject_explanations(subject.pk)}
    assert set(explanations) == {"general", "food_risk"}
    general = explanations["general"]
    assert general.result.grade == "D"
    (override,) = general.overrides
    assert override.grade == "D"
    assert override.memberships[0].subject_id == subject.pk
    penalties = next(i for i in general.indicators if i.records and i.records[0].pk == penalty)
    assert penalties.points.startswith("-")
    every_indicator = {i["name"] for d in general.result.version.definition["dimensions"] for i in d["indicators"]}
    assert {i.indicator for i in general.indicators} == every_indicator  # zero ones listed too

    page = account_client(Client(), acting_account(subject)).get(f"/account/subjects/{subject.pk}/record/")
    assert page.status_code == 200
    html = page.content.decode()
    section = html[html.index('data-testid="explanation-general"') :]
    assert "长市监罚〔2026〕88号" in section
    assert 'data-testid="override"' in section
    food = html[html.index('data-testid="explanation-food_risk"') :]
    assert "仅供监管使用" in food[: food.index("</section>")]


def test_a_stored_explanation_never_shows_another_subjects_record(market):
    """The records named are read for the subject only: an explanation naming another subject's record (a bug
    or a tampered row) shows nothing of it."""
    other_penalty, _ = ingest(market, xzcf_item(4, CF_WSH="长市监罚〔2026〕99号"), xzcf_item(5))
    subject = CreditSubject.objects.get(uscc=company_uscc(5))
    with transaction.atomic():
        subjects_grade(subject_ids=[subject.pk], actor=SYSTEM, as_of=TODAY)
    (general,) = [e for e in subject_explanations(subject.pk) if e.result.model.code == "general"]
    result = general.result
    explanation = dict(result.explanation)
    explanation["indicators"] = [
        {**i, "records": [other_penalty]} if i.get("records") else i for i in explanation["indicators"]
    ]
    type(result).objects.filter(pk=result.pk).update(explanation=explanation)
    (general,) = [e for e in subject_explanations(subject.pk) if e.result.model.code == "general"]
    assert all(r.pk != other_penalty for i in general.indicators for r in i.records)
