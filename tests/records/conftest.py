import pytest

from tests.factories import DepartmentFactory, api_token_issue


@pytest.fixture
def department(db):
    return DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", registers="9")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="jl-sw", name="国家税务总局吉林省税务局")


def _token(department, **kwargs) -> str:
    """A raw token issued by the credit centre: every scope unless ``scopes`` is given, a year of validity."""
    return api_token_issue(department, name="业务系统", **kwargs)[1]


@pytest.fixture
def make_token():
    return _token


@pytest.fixture
def api(client, department):
    """A client that sends the department's token."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {_token(department)}"
    return client


@pytest.fixture
def other_api(department, other_department):
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Bearer {_token(other_department)}")


@pytest.fixture
def xzcf_spec(seeded_specs):
    """行政处罚 as the migrations seeded it, for validation tests that need no database."""
    return seeded_specs["xzcf"]
