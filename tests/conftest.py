import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.http import HttpRequest
from django.test import Client

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
    # The evaluation models the migration seeds (general + food), frozen in the migration itself.
    importlib.import_module("evaluation.migrations.0002_seed_models").seed(django_apps, None)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


class StaffClient(Client):
    """The test client, logging staff in as the login pages do: through django-axes (which needs the request)
    and, for an account that has or needs a second factor, past the code step too — the way a person with
    their authenticator would. Tests of the login steps themselves post to the login and code pages."""

    def login(self, **credentials):
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        return super().login(request=request, **credentials)

    def _login(self, user, backend=None):
        super()._login(user, backend)
        verify_second_factor(self, user)


def verify_second_factor(client: Client, user) -> None:
    """Mark ``client``'s session as verified by the user's TOTP device (created when their role needs one)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from subjects.accounts import two_factor_required

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and two_factor_required(user):
        device = TOTPDevice.objects.create(user=user, name="测试设备", confirmed=True)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def client() -> StaffClient:
    return StaffClient()
