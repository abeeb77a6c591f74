"""Two departments and a restricted record: 乙 (tax) reported 欠税信息 about a company; 甲 (market regulation)
may or may not read it, depending on its grants."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from audit.services import Actor
from organisations.services import staff_create
from queries.models import QueryGrant
from records.choices import Channel
from records.models import CreditRecord
from records.services import RecordInput, records_ingest
from tests.factories import DepartmentFactory
from tests.queries.helpers import arrears_type, restricted_item
from tests.records.helpers import xzcf_item

SYSTEM = Actor.system("测试")
PASSWORD = "Query-pass-2026"


def ingest(department, *items: dict) -> list[CreditRecord]:
    with transaction.atomic():
        results = records_ingest(
            department=department,
            items=[RecordInput(record_type=i["record_type"], data=i["data"]) for i in items],
            channel=Channel.API,
            actor=SYSTEM,
        )
    assert all(r.status == "created" for r in results), [r.errors for r in results]
    return [CreditRecord.objects.get(pk=r.record_id) for r in results]


@pytest.fixture
def reader(db):
    """甲: the department that queries."""
    return DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", registers="9", sector="market_regulation")


@pytest.fixture
def owner(db):
    """乙: the department whose restricted records are queried."""
    return DepartmentFactory(code="jl-sw", name="国家税务总局吉林省税务局", sector="tax")


@pytest.fixture
def qsxx(db):
    return arrears_type()


@pytest.fixture
def arrears(owner, reader, qsxx):
    """乙's restricted record (欠税信息) about company 1, which also has a public penalty from 甲."""
    [record] = ingest(owner, restricted_item(1))
    ingest(reader, xzcf_item(1))
    return record


@pytest.fixture
def grant():
    def make(department, record_type=None, *, category: str = "", expires_on=None, is_active: bool = True):
        return QueryGrant.objects.create(
            department=department,
            record_type=record_type,
            category=category,
            expires_on=expires_on,
            is_active=is_active,
            basis="吉信用〔2026〕1号",
        )

    return make


@pytest.fixture
def staff(db):
    """A logged-in client for a new staff account with ``role`` (in ``department`` for department roles)."""
    from tests.conftest import StaffClient

    made = {}

    def make(role: str, department=None, name: str = ""):
        username = name or f"{role}-{department.code if department else 'centre'}"
        with transaction.atomic():
            user = staff_create(
                username=username,
                password=PASSWORD,
                role=role,
                department_code=department.code if department else "",
                actor=SYSTEM,
            )
        client = StaffClient()
        client.force_login(user)
        made[username] = user
        client.user = user
        return client

    return make


TODAY = datetime.date(2026, 7, 1)
