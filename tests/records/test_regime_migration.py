"""Migration 0010 brings the 2019 regime of a database seeded before it to 发改办财金〔2019〕527号, as the
catalog gives a fresh database, and keeps what the credit centre edited."""

import importlib

import pytest
from django.apps import apps as global_apps

from records.catalog import REGIMES
from records.models import DisclosureRegime, RegimePeriod

pytestmark = pytest.mark.django_db
migration = importlib.import_module("records.migrations.0013_correct_2019_regime")


def periods() -> dict[str, tuple[bool, int, int]]:
    return {
        p.severity: (p.published, p.min_months, p.max_months)
        for p in RegimePeriod.objects.filter(regime__code="ndrc-2019")
    }


def seed_as_before() -> None:
    DisclosureRegime.objects.filter(code="ndrc-2019").update(basis=migration.SEEDED_BASIS)
    for severity, ((low, high), _) in migration.PERIODS.items():
        RegimePeriod.objects.filter(regime__code="ndrc-2019", severity=severity).update(min_months=low, max_months=high)


def test_an_old_database_gets_the_catalogs_2019_regime_and_running_again_changes_nothing():
    [seeded] = [r for r in REGIMES if r["code"] == "ndrc-2019"]
    assert periods() == seeded["periods"]  # a fresh database: the catalog's values
    seed_as_before()
    assert periods()["general"] == (True, 3, 36)
    for _ in range(2):
        migration.correct(global_apps, None)
        assert periods() == seeded["periods"]
        assert DisclosureRegime.objects.get(code="ndrc-2019").basis == seeded["basis"]


def test_a_period_the_credit_centre_edited_is_kept():
    seed_as_before()
    RegimePeriod.objects.filter(regime__code="ndrc-2019", severity="severe").update(min_months=9)
    migration.correct(global_apps, None)
    assert periods()["severe"] == (True, 9, 36)
    assert periods()["general"] == (True, 3, 12)
