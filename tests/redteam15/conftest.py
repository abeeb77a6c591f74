import datetime

import pytest

from subjects.models import CreditSubject
from tests.evaluation.helpers import TODAY, ingest
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, xzxk_item


@pytest.fixture
def licensed(evaluation_models):
    """A company with a licence, established three years ago, under the seeded models."""
    market = DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9")
    ingest(market, xzxk_item(1))
    subject = CreditSubject.objects.get(uscc=company_uscc(1))
    CreditSubject.objects.filter(pk=subject.pk).update(established_on=TODAY - datetime.timedelta(days=3 * 366))
    return subject
