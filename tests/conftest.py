import pytest
from django.db import connection

from audit.services import Actor
from records.catalog import catalog_load
from records.models import DisclosureRegime, RecordField, RecordType, RegimePeriod, SeverityRule
from sanctions.catalog import sanctions_catalog_load
from sanctions.models import ListSource, ListType, Measure
from subjects.divisions import divisions_load
from subjects.models import Division


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): pg_trgm, GIN expression indexes, plpgsql triggers")


@pytest.fixture
def actor() -> Actor:
    return Actor.system("测试")


@pytest.fixture
def reference_data(db) -> None:
    """The divisions and the catalogs that migrations load. Transactional tests flush them away with
    everything else, so those tests load them again (the loaders only insert what is missing)."""
    divisions_load(Division)
    catalog_load(
        record_type_model=RecordType,
        field_model=RecordField,
        severity_rule_model=SeverityRule,
        regime_model=DisclosureRegime,
        period_model=RegimePeriod,
    )
    sanctions_catalog_load(
        list_type_model=ListType, source_model=ListSource, measure_model=Measure, record_type_model=RecordType
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
