"""The published records the applications name: the public site's fixtures, and subject A's whole record."""

import datetime
import json

import pytest
import time_machine
from django.db import transaction

from records.models import CreditRecord, RecordType
from records.services import record_revoke
from tests.accounts.helpers import CENTRE
from tests.disclosure.conftest import (
    TZ,
    penalty,  # noqa: F401  (a fixture)
)
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import xzcf_item, xzxk_item, yzsxmd_item

NOW = datetime.datetime(2026, 7, 1, 10, tzinfo=TZ)


@pytest.fixture
def record_of_a(client, django_capture_on_commit_callbacks):
    """Subject A (company 1) with: a public penalty, a revoked one, one past its window, a licence of a type the
    public does not see, and a serious-violation listing; subject B (company 2) with a public penalty."""
    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    with transaction.atomic():
        _, raw = api_token_issue(department)
    items = [
        xzcf_item(1, CF_CFLB="罚款"),
        xzcf_item(1, CF_WSH="长市监罚〔2026〕撤1号"),
        xzcf_item(1, CF_WSH="长市监罚〔2019〕旧1号", decided_on=datetime.date(2019, 3, 1)),
        xzxk_item(1),
        yzsxmd_item(1, until="2029-05-31"),
        xzcf_item(2),
    ]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/records/", json.dumps(items), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
        )
        assert {r["status"] for r in response.json()["results"]} == {"created"}, response.json()
        with transaction.atomic():
            record_revoke(
                record=CreditRecord.objects.get(source_id="长市监罚〔2026〕撤1号"), actor=CENTRE, reason="复议撤销"
            )
    RecordType.objects.filter(code="xzxk").update(disclosure_level="government")
    return CreditRecord.objects.get(source_id="长市监罚〔2026〕1号"), CreditRecord.objects.get(
        source_id="长市监罚〔2026〕2号"
    )
