import datetime

import pytest
import time_machine
from django.db import transaction

from audit.services import Actor
from evaluation.services import subjects_grade
from subjects.models import CreditSubject
from supervision.services import inspector_add
from tests.evaluation.helpers import NOW, TODAY, ingest
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, xzxk_item, yzsxmd_item

SYSTEM = Actor.system("测试")


@pytest.fixture(autouse=True)
def _today():
    """Every supervision test runs on 2026-07-01 (the evaluation helpers' day)."""
    with time_machine.travel(NOW, tick=False):
        yield


def subject(n: int) -> CreditSubject:
    return CreditSubject.objects.get(uscc=company_uscc(n))


@pytest.fixture
def market(evaluation_models):
    return DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9")


@pytest.fixture
def other_department(evaluation_models):
    return DepartmentFactory(code="jl-sw", name="国家税务总局吉林省税务局", sector="tax")


@pytest.fixture
def graded(market):
    """Six subjects the market regulator licensed, graded under the general model: 1–3 established six years ago
    (70 + 5 + 1 licence = 76, B), 4–5 new (71, C), 6 on the serious-dishonesty list (D); none ungraded."""
    ingest(market, *(xzxk_item(n) for n in range(1, 7)))
    ingest(market, yzsxmd_item(6))
    CreditSubject.objects.filter(uscc__in=[company_uscc(n) for n in (1, 2, 3)]).update(
        established_on=TODAY - datetime.timedelta(days=6 * 366)
    )
    with transaction.atomic():
        subjects_grade(subject_ids=[subject(n).pk for n in range(1, 7)], actor=SYSTEM, as_of=TODAY)
    return {n: subject(n) for n in range(1, 7)}


@pytest.fixture
def pool(market):
    with transaction.atomic():
        return [
            inspector_add(department=market, name=name, staff_number=f"JC{n:03d}", actor=SYSTEM)
            for n, name in enumerate(["张三", "李四", "王五"], start=1)
        ]
