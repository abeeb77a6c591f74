"""Red team, issue 15: grading after a change ("after commit, like the list status") must not depend on every
other subject of the same push being list-evaluated without error."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from evaluation.selectors import current_result
from outbox.models import OutboxItem
from sanctions.models import Membership
from subjects.models import CreditSubject
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import company_uscc, yzsxmd_item


def push(raw: str, *items):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/records/", data=json.dumps(list(items)), content_type="application/json"
    )


@pytest.mark.django_db(transaction=True)  # as in the worker: each chunk of the handlers commits on its own
def test_a_subject_listed_by_a_push_is_graded_although_another_subject_of_the_push_fails(reference_data, monkeypatch):
    """One ``records.changed`` item runs the sanctions handler, then the evaluation handler. When the lists of one
    subject of the push cannot be evaluated (bad data, simulated as tests/test_outbox.py does for issue 11), the
    sanctions handler still opens the others' memberships (committed) and then raises, so the evaluation handler
    never runs for the item; the lists' own ``subjects.lists_changed`` item is marked ``after_records`` and the
    evaluation skips it ("the records' own item ran after the lists"). Subject 1 is on the black list with no
    grade at all — not D — until the nightly run; each redelivery does the same, until the item fails."""
    import sanctions.services

    real_plans = sanctions.services.evaluation_plans
    poisoned = CreditSubject.objects.none()

    def plans(subject_ids, *args, **kwargs):
        if set(subject_ids) & set(poisoned.values_list("pk", flat=True)):
            raise ValueError("a rule cannot read this subject's facts")
        return real_plans(subject_ids, *args, **kwargs)

    monkeypatch.setattr(sanctions.services, "evaluation_plans", plans)
    with transaction.atomic():
        token = api_token_issue(DepartmentFactory(code="jl-scjg", sector="market_regulation"))[1]
    poisoned = CreditSubject.objects.filter(uscc=company_uscc(2))
    response = push(token, yzsxmd_item(1), yzsxmd_item(2))
    assert response.status_code == 200, response.content
    item = OutboxItem.objects.get(topic="records.changed")
    assert item.state == "pending"  # retried later (and failing the same way)
    listed = CreditSubject.objects.get(uscc=company_uscc(1))
    assert Membership.objects.filter(subject=listed, state="active").exists()
    assert OutboxItem.objects.filter(topic="subjects.lists_changed", state="done").exists()
    result = current_result(listed.pk, "general")
    assert result is not None, "a black-listed subject is left ungraded"
    assert result.grade == "D"
