"""Publication windows and repair dates as tables with their boundary days: every regime × severity of the
seeded catalog, the switches between regimes (2023-04-30 / 05-01, 2026-03-31 / 04-01 for Order 36), and the
month-end and leap-year arithmetic of periods counted in months.

A period of N months counts its first day (the decision date) and ends the day before the corresponding day
N months later; a month without that day ends the period on its last day (《民法典》第二百零二条). So a
minimum period is served on the day after its end, and the window's last day is public, the next is not.
"""

import datetime
import itertools

import pytest

from disclosure import rules as disclosure_rules
from records.rules import add_months, period_after, period_end, regimes_gap, severity_window
from sanctions import rules as sanctions_rules

D = datetime.date


@pytest.mark.parametrize(
    ("start", "months", "corresponding", "last_day", "served_on"),
    [
        pytest.param(D(2026, 1, 15), 1, D(2026, 2, 15), D(2026, 2, 14), D(2026, 2, 15), id="mid-month"),
        pytest.param(D(2026, 1, 28), 1, D(2026, 2, 28), D(2026, 2, 27), D(2026, 2, 28), id="jan-28+1"),
        pytest.param(D(2026, 1, 29), 1, D(2026, 2, 28), D(2026, 2, 28), D(2026, 3, 1), id="jan-29+1-no-feb-29"),
        pytest.param(D(2026, 1, 31), 1, D(2026, 2, 28), D(2026, 2, 28), D(2026, 3, 1), id="jan-31+1"),
        pytest.param(D(2024, 1, 31), 1, D(2024, 2, 29), D(2024, 2, 29), D(2024, 3, 1), id="jan-31+1-leap"),
        pytest.param(D(2026, 3, 31), 1, D(2026, 4, 30), D(2026, 4, 30), D(2026, 5, 1), id="mar-31+1"),
        pytest.param(D(2026, 1, 31), 3, D(2026, 4, 30), D(2026, 4, 30), D(2026, 5, 1), id="jan-31+3"),
        pytest.param(D(2026, 4, 30), 1, D(2026, 5, 30), D(2026, 5, 29), D(2026, 5, 30), id="apr-30+1"),
        pytest.param(D(2026, 12, 31), 2, D(2027, 2, 28), D(2027, 2, 28), D(2027, 3, 1), id="dec-31+2-year-turn"),
        pytest.param(D(2024, 2, 29), 12, D(2025, 2, 28), D(2025, 2, 28), D(2025, 3, 1), id="feb-29+12"),
        pytest.param(D(2024, 2, 29), 48, D(2028, 2, 29), D(2028, 2, 28), D(2028, 2, 29), id="feb-29+48-leap"),
        pytest.param(D(2023, 2, 28), 12, D(2024, 2, 28), D(2024, 2, 27), D(2024, 2, 28), id="feb-28+12-to-leap"),
        pytest.param(D(2026, 6, 1), 12, D(2027, 6, 1), D(2027, 5, 31), D(2027, 6, 1), id="one-year"),
    ],
)
def test_periods_in_months(start, months, corresponding, last_day, served_on):
    assert add_months(start, months) == corresponding
    assert period_end(start, months) == last_day
    assert period_after(start, months) == served_on


def test_a_later_start_never_ends_earlier():
    day = D(2023, 1, 1)
    while day < D(2029, 1, 1):
        for months in (1, 3, 6, 12, 36):
            assert period_end(day + datetime.timedelta(days=1), months) >= period_end(day, months), (day, months)
        day += datetime.timedelta(days=1)


# regime × severity on a decision date: (regime, published?, last public day, first day repair is possible)
WINDOWS = [
    # Order 36 of 2025, from 2026-04-01: 轻微 not published; 一般 (and 较重) 3 months–1 year; 严重 1–3 years.
    ("o36-first-day-minor", D(2026, 4, 1), "minor", "ndrc-2025-36", False, None, None),
    ("o36-first-day-general", D(2026, 4, 1), "general", "ndrc-2025-36", True, D(2027, 3, 31), D(2026, 7, 1)),
    ("o36-first-day-serious", D(2026, 4, 1), "serious", "ndrc-2025-36", True, D(2027, 3, 31), D(2026, 7, 1)),
    ("o36-first-day-severe", D(2026, 4, 1), "severe", "ndrc-2025-36", True, D(2029, 3, 31), D(2027, 4, 1)),
    # Order 58 of 2023 up to 2026-03-31: the last day before the switch, a month end.
    ("o58-last-day-minor", D(2026, 3, 31), "minor", "ndrc-2023-58", False, None, None),
    ("o58-last-day-general", D(2026, 3, 31), "general", "ndrc-2023-58", True, D(2027, 3, 30), D(2026, 7, 1)),
    ("o58-last-day-serious", D(2026, 3, 31), "serious", "ndrc-2023-58", True, D(2027, 3, 30), D(2026, 7, 1)),
    ("o58-last-day-severe", D(2026, 3, 31), "severe", "ndrc-2023-58", True, D(2029, 3, 30), D(2027, 3, 31)),
    ("o58-first-day-general", D(2023, 5, 1), "general", "ndrc-2023-58", True, D(2024, 4, 30), D(2023, 8, 1)),
    ("o58-first-day-severe", D(2023, 5, 1), "severe", "ndrc-2023-58", True, D(2026, 4, 30), D(2024, 5, 1)),
    ("o58-jan-31-general", D(2025, 1, 31), "general", "ndrc-2023-58", True, D(2026, 1, 30), D(2025, 5, 1)),
    ("o58-nov-30-general", D(2025, 11, 30), "general", "ndrc-2023-58", True, D(2026, 11, 29), D(2026, 3, 1)),
    ("o58-feb-29-severe", D(2024, 2, 29), "severe", "ndrc-2023-58", True, D(2027, 2, 28), D(2025, 3, 1)),
    ("o58-feb-29-general", D(2024, 2, 29), "general", "ndrc-2023-58", True, D(2025, 2, 28), D(2024, 5, 29)),
    # 发改办财金〔2019〕527号 up to 2023-04-30: 一般 3 months–1 year, 严重 6 months–3 years.
    ("2019-last-day-minor", D(2023, 4, 30), "minor", "ndrc-2019", False, None, None),
    ("2019-last-day-general", D(2023, 4, 30), "general", "ndrc-2019", True, D(2024, 4, 29), D(2023, 7, 30)),
    ("2019-last-day-serious", D(2023, 4, 30), "serious", "ndrc-2019", True, D(2024, 4, 29), D(2023, 7, 30)),
    ("2019-last-day-severe", D(2023, 4, 30), "severe", "ndrc-2019", True, D(2026, 4, 29), D(2023, 10, 30)),
    ("2019-aug-31-severe", D(2022, 8, 31), "severe", "ndrc-2019", True, D(2025, 8, 30), D(2023, 3, 1)),
    # Order 36 later: a leap day decided on.
    ("o36-feb-29-general", D(2028, 2, 29), "general", "ndrc-2025-36", True, D(2029, 2, 28), D(2028, 5, 29)),
    ("o36-feb-29-severe", D(2028, 2, 29), "severe", "ndrc-2025-36", True, D(2031, 2, 28), D(2029, 3, 1)),
]


@pytest.mark.parametrize(
    ("case", "decided_on", "severity", "regime", "published", "last_day", "repair_from"),
    WINDOWS,
    ids=[w[0] for w in WINDOWS],
)
def test_window_of_each_regime_and_severity(
    case, decided_on, severity, regime, published, last_day, repair_from, seeded_regimes
):
    window = severity_window(decided_on=decided_on, severity=severity, regimes=seeded_regimes)
    assert (window.regime, window.publishable, window.end, window.repair_eligible_on) == (
        regime,
        published,
        last_day,
        repair_from,
    )
    view = disclosure_rules.RecordView(
        disclosure_level="public", status="active", publishable=window.publishable, start=window.start, end=window.end
    )
    if not published:
        assert not disclosure_rules.record_visibility(view, decided_on).public
        return
    assert window.start == decided_on
    assert not disclosure_rules.record_visibility(view, decided_on - datetime.timedelta(days=1)).public
    assert disclosure_rules.record_visibility(view, decided_on).public
    assert disclosure_rules.record_visibility(view, last_day).public
    assert not disclosure_rules.record_visibility(view, last_day + datetime.timedelta(days=1)).public
    facts = disclosure_rules.RepairFacts(polarity="negative", status="active", repair_eligible_on=repair_from)
    refused = disclosure_rules.repair_eligibility(facts, repair_from - datetime.timedelta(days=1))
    assert (refused.eligible, refused.from_date) == (False, repair_from)
    assert disclosure_rules.repair_eligibility(facts, repair_from).eligible


def test_every_seeded_regime_and_severity_is_in_the_table(seeded_regimes):
    covered = {(regime, severity) for _, _, severity, regime, *_ in WINDOWS}
    assert covered == {(r.code, severity) for r in seeded_regimes for severity in r.periods}


def test_the_regimes_leave_no_day_uncovered_and_never_overlap(seeded_regimes):
    ordered = sorted(seeded_regimes, key=lambda regime: regime.effective_from)
    for earlier, later in itertools.pairwise(ordered):
        assert earlier.effective_to + datetime.timedelta(days=1) == later.effective_from
    assert ordered[-1].effective_to is None


def test_a_listing_of_standard_duration_ends_on_the_last_day_of_its_months():
    # sanctions.rules: a list record without its own end stays for the list's duration (same period rule).
    rule = sanctions_rules.ListRule(
        code="l", colour=sanctions_rules.BLACK, sources=(sanctions_rules.SourceRule("t"),), duration_months=36
    )
    record = sanctions_rules.RecordFact(
        id=1, record_type="t", status="active", severity="", decided_on=D(2024, 2, 29), end=None
    )

    def listed(day):
        return sanctions_rules.evaluate(records=[record], memberships=[], rules=[rule], as_of=day).open

    [opened] = listed(D(2027, 2, 28))
    assert opened.planned_end == D(2027, 2, 28)
    assert listed(D(2027, 3, 1)) == ()


@pytest.mark.parametrize(
    ("spans", "gap"),
    [
        pytest.param([(D(2000, 1, 1), D(2026, 3, 31)), (D(2026, 4, 1), None)], None, id="seeded-switch"),
        pytest.param([(D(2000, 1, 1), D(2026, 4, 30)), (D(2026, 4, 1), None)], None, id="overlap"),
        pytest.param(
            [(D(2000, 1, 1), D(2026, 3, 31)), (D(2026, 4, 2), None)], (D(2026, 4, 1), D(2026, 4, 1)), id="one-day"
        ),
        pytest.param(
            [(D(2026, 4, 1), None), (D(2000, 1, 1), D(2023, 4, 30)), (D(2023, 5, 1), D(2026, 2, 28))],
            (D(2026, 3, 1), D(2026, 3, 31)),
            id="unordered",
        ),
        pytest.param([(D(2000, 1, 1), None), (D(2030, 1, 1), None)], None, id="open-ended-first"),
        pytest.param([(D(2000, 1, 1), D(2030, 1, 1)), (D(2010, 1, 1), D(2012, 1, 1))], None, id="nested"),
    ],
)
def test_a_day_between_regimes_that_none_covers(spans, gap):
    assert regimes_gap(spans) == gap
