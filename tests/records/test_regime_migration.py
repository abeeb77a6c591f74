"""Migration 0013 brings the 2019 regime seeded by 0002 to 发改办财金〔2019〕527号, on a fresh database as on an
old one, and keeps what the credit centre edited."""

import importlib

import pytest
from django.apps import apps as global_apps

from records.models import DisclosureRegime, RegimePeriod

pytestmark = pytest.mark.django_db
migration = importlib.import_module("records.migrations.0013_correct_2019_regime")
# 527号: 一般 published 3 months to 1 year, 严重 6 months to 3 years; 较重 takes the 一般 period; 轻微 is not published.
PERIODS_527 = {"minor": (False, 0, 0), "general": (True, 3, 12), "serious": (True, 3, 12), "severe": (True, 6, 36)}


def periods() -> dict[str, tuple[bool, int, int]]:
    return {
        p.severity: (p.published, p.min_months, p.max_months)
        for p in RegimePeriod.objects.filter(regime__code="ndrc-2019")
    }


def seed_as_before() -> None:
    DisclosureRegime.objects.filter(code="ndrc-2019").update(basis=migration.SEEDED_BASIS)
    for severity, ((low, high), _) in migration.PERIODS.items():
        RegimePeriod.objects.filter(regime__code="ndrc-2019", severity=severity).update(min_months=low, max_months=high)


def test_an_old_database_gets_527s_periods_and_running_again_changes_nothing():
    assert periods() == PERIODS_527  # a fresh database: seeded by 0002, corrected by 0013
    assert "527号《国家发展改革委办公厅关于进一步完善" in DisclosureRegime.objects.get(code="ndrc-2019").basis
    seed_as_before()
    assert periods()["general"] == (True, 3, 36)
    for _ in range(2):
        migration.correct(global_apps, None)
        assert periods() == PERIODS_527
        assert DisclosureRegime.objects.get(code="ndrc-2019").basis == migration.BASIS


def test_a_period_the_credit_centre_edited_is_kept():
    seed_as_before()
    RegimePeriod.objects.filter(regime__code="ndrc-2019", severity="severe").update(min_months=9)
    migration.correct(global_apps, None)
    assert periods()["severe"] == (True, 9, 36)
    assert periods()["general"] == (True, 3, 12)
