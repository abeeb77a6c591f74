import datetime
import json

import pytest
import time_machine
from django.db import transaction

from records.models import CreditRecord
from subjects import identifiers as ids
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import hmd_item, xzcf_item, xzxk_item, yzsxmd_item

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 7, 1, 10, tzinfo=TZ)
CITIZEN_ID = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1979, 2, 3), sequence=451)


@pytest.fixture
def published(client, django_capture_on_commit_callbacks):
    """A few records pushed the way departments push them, with their lists evaluated."""
    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    with transaction.atomic():
        _, raw = api_token_issue(department)
    items = [
        xzcf_item(1, CF_CFLB="罚款"),
        xzcf_item(1, CF_WSH="长市监罚〔2026〕警1号", CF_CFLB="警告"),
        xzcf_item(1, CF_WSH="长市监罚〔2026〕X号", CF_NR="<script>alert('x')</script>罚款五万元"),
        xzxk_item(1),
        yzsxmd_item(2, until="2027-05-31"),
        hmd_item(3),
        xzcf_item(
            9,
            CF_XDR_MC="欧阳娜娜",
            CF_XDR_LB="自然人",
            CF_XDR_SHXYM=None,
            CF_XDR_ZJLX="身份证",
            CF_XDR_ZJHM=CITIZEN_ID,
            CF_WSH="长市监罚〔2026〕人9号",
        ),
    ]
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/records/",
            data=json.dumps(items),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    assert {r["status"] for r in response.json()["results"]} == {"created"}
    return client


@pytest.fixture
def penalty(client, django_capture_on_commit_callbacks):
    """A general penalty decided 2026-06-01 (repair possible from 2026-09-01) and a severe one."""
    from django.db import transaction

    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    with transaction.atomic():
        _, raw = api_token_issue(department)
    items = [xzcf_item(1, CF_CFLB="罚款"), xzcf_item(2, CF_CFLB="吊销许可证件")]
    with (
        time_machine.travel(datetime.datetime(2026, 6, 2, 10, tzinfo=TZ), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(
            "/api/v1/records/",
            data=json.dumps(items),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
    return CreditRecord.objects.get(source_id="长市监罚〔2026〕1号")
