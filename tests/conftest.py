import pytest
from django.db import connection

from audit.services import Actor
from subjects.divisions import divisions_load
from subjects.models import Division


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): pg_trgm, GIN expression indexes, plpgsql triggers")


@pytest.fixture
def actor() -> Actor:
    return Actor.system("测试")


@pytest.fixture
def divisions(db) -> int:
    """The GB/T 2260 table. Transactional tests flush it away with everything else, so load it again."""
    return divisions_load(Division)
