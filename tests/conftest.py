import pytest
from django.db import connection

from audit.services import Actor


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): pg_trgm, GIN expression indexes, plpgsql triggers")


@pytest.fixture
def actor() -> Actor:
    return Actor.system("测试")
