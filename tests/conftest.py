import importlib

import pytest
from django.apps import apps as django_apps
from django.core import serializers
from django.db import connection
from django.http import HttpRequest
from django.test import Client

from audit.services import Actor
from records.models import DisclosureRegime, RecordField, RecordType, RegimePeriod, SeverityRule
from sanctions.models import ListSource, ListType, Measure
from subjects.models import Division


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): pg_trgm, GIN expression indexes, plpgsql triggers")


@pytest.fixture
def actor() -> Actor:
    return Actor.system("测试")


# The reference data the migrations seed (divisions, catalog, regimes, lists, measures), parents first.
REFERENCE_MODELS = [Division, RecordType, RecordField, SeverityRule, DisclosureRegime, RegimePeriod, ListType]
REFERENCE_MODELS += [ListSource, Measure]
DIVISION_LEVELS = ("province", "prefecture", "county")
_seeded: dict = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as the migrations left it, and a copy of its reference data taken before any test
    runs: the seed lives in the migrations only, and transactional tests flush it (``reference_data``)."""
    from records.selectors import catalog_entries, disclosure_regimes

    with django_db_blocker.unblock():
        rows = []
        for model in REFERENCE_MODELS:
            objects = list(model.objects.order_by("pk"))
            if model is Division:
                objects.sort(key=lambda division: DIVISION_LEVELS.index(division.level))
            rows += objects
        _seeded["rows"] = serializers.serialize("json", rows)
        _seeded["specs"] = {code: entry.spec for code, entry in catalog_entries(active_only=False).items()}
        _seeded["regimes"] = disclosure_regimes()


@pytest.fixture
def reference_data(db) -> None:
    """The divisions and the catalogs as the migrations seeded them. Transactional tests flush them away with
    everything else; those tests put them back from the copy taken after migrating (same rows, same ids)."""
    if RecordType.objects.exists():
        return
    for row in serializers.deserialize("json", _seeded["rows"]):
        row.save()
    # The evaluation models the migration seeds (general + food), frozen in the migration itself.
    importlib.import_module("evaluation.migrations.0002_seed_models").seed(django_apps, None)
    # Its second version, reading the inspection results (supervision 0002).
    importlib.import_module("supervision.migrations.0002_general_model_inspections").add_version(django_apps, None)


@pytest.fixture
def evaluation_models(reference_data) -> dict:
    """The seeded general and food models (published), by code, as the migrations write them."""
    from evaluation.models import EvaluationModel

    return {model.code: model for model in EvaluationModel.objects.all()}


@pytest.fixture(scope="session")
def seeded_specs(django_db_setup) -> dict:
    """The seeded catalog's validation specs by type code, as read from the database right after migrating
    (tests without database access run last, after transactional tests have flushed it)."""
    return _seeded["specs"]


@pytest.fixture(scope="session")
def seeded_regimes(django_db_setup) -> tuple:
    """The seeded disclosure regimes (``records.rules.RegimeSpec``), as read right after migrating."""
    return _seeded["regimes"]


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

    from organisations.accounts import two_factor_required

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
