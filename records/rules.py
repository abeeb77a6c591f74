"""Severity and disclosure window of a record. Pure functions over plain data: no Django, no database.

Penalty publication periods follow the regime in force on the decision date (DESIGN.md §4): under NDRC
Order No. 36 of 2025 (《信用修复管理办法》, from 2026-04-01) minor penalties are normally not published,
general ones are published for at least 3 months and at most 1 year, severe ones (licence revocation,
production suspension, serious-dishonesty lists) for at least 1 year and at most 3 years, all from the
decision date; when one decision carries several penalty kinds the longest period applies (the gravest
severity derived from all of them); after the maximum, publication stops by itself. Warnings and
simplified-procedure penalties are not published (seed 002 items 24–25): :func:`withheld_reason` decides it
from the record's data, and the stored ``publishable`` carries the decision, so the public queries filter a
column instead of JSON keys. The regimes themselves are data (``DisclosureRegime``).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from core.vocabulary import SEVERITIES

PENALTY_KINDS_FIELD, SIMPLIFIED_PROCEDURE_FIELD = "CF_CFLB", "CF_SFJYCX"  # national field codes of xzcf
WARNING_ONLY = "警告"
SIMPLIFIED_PROCEDURE_YES = "是"


@dataclass(frozen=True)
class SeverityRuleSpec:
    field_code: str
    value: str
    severity: str


@dataclass(frozen=True)
class PeriodSpec:
    severity: str
    published: bool
    min_months: int
    max_months: int


@dataclass(frozen=True)
class RegimeSpec:
    code: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    periods: Mapping[str, PeriodSpec]

    def covers(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class Window:
    """When a record is shown to the public, and from when its subject may apply for repair."""

    publishable: bool
    start: datetime.date | None
    end: datetime.date | None  # None with publishable: shown until something ends it (e.g. a list exit)
    repair_eligible_on: datetime.date | None
    regime: str = ""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months later, clamped to the month's last day (2026-01-31 + 1 month = 2026-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: datetime.date, months: int) -> datetime.date:
    """The last day of a period of ``months`` calendar months that counts ``start`` as its first day.

    The day before the corresponding day ``months`` later; when that month has no corresponding day, the
    period ends on its last day (the rule of 《民法典》第二百零二条: "没有对应日的，月末日为期间的最后一日").
    So 2026-01-31 + 1 month ends on 2026-02-28 (not 02-27, which would be a month of 28 days), and
    2024-02-29 + 12 months on 2025-02-28, while 2026-01-28 + 1 month ends on 2026-02-27.
    """
    corresponding = add_months(start, months)
    if corresponding.day < start.day:  # clamped: the month has no corresponding day
        return corresponding
    return corresponding - datetime.timedelta(days=1)


def period_after(start: datetime.date, months: int) -> datetime.date:
    """The first day after such a period: from when a minimum period (of publication, of listing) is served."""
    return period_end(start, months) + datetime.timedelta(days=1)


def gravest(severities: Iterable[str]) -> str:
    ranked = [s for s in severities if s in SEVERITIES]
    return max(ranked, key=SEVERITIES.index) if ranked else ""


def derive_severity(
    data: Mapping[str, str], rules: Iterable[SeverityRuleSpec], *, given: str = "", default: str = ""
) -> str:
    """The department's own severity if given; else the gravest severity any rule derives; else the default.

    Multi-valued fields (``罚款;吊销许可证件``) are matched value by value, so a decision with several penalty
    kinds takes the gravest of them.
    """
    if given:
        return given
    matched = []
    for rule in rules:
        values = data.get(rule.field_code, "").split(";")
        if rule.value in values:
            matched.append(rule.severity)
    return gravest(matched) or default


def regime_for(decided_on: datetime.date, regimes: Iterable[RegimeSpec]) -> RegimeSpec | None:
    candidates = [regime for regime in regimes if regime.covers(decided_on)]
    return max(candidates, key=lambda regime: regime.effective_from) if candidates else None


def severity_window(*, decided_on: datetime.date, severity: str, regimes: Iterable[RegimeSpec]) -> Window:
    """Penalties: the period of the record's severity under the regime in force on the decision date."""
    regime = regime_for(decided_on, regimes)
    if regime is None or severity not in regime.periods:
        # No regime says how long: the record is kept but not published until an admin sets the rules.
        return Window(
            publishable=False, start=None, end=None, repair_eligible_on=None, regime=regime.code if regime else ""
        )
    period = regime.periods[severity]
    if not period.published:
        return Window(publishable=False, start=None, end=None, repair_eligible_on=None, regime=regime.code)
    repair_from = period_after(decided_on, period.min_months)
    end = period_end(decided_on, period.max_months)
    return Window(publishable=True, start=decided_on, end=end, repair_eligible_on=repair_from, regime=regime.code)


def withheld_reason(data: Mapping[str, str]) -> str:
    """Why a record is never published whatever its window, or "": a penalty whose only kind is a warning, or
    one decided under the simplified procedure (seed 002 items 24–25). A warning with a fine is published."""
    if data.get(PENALTY_KINDS_FIELD, "") == WARNING_ONLY:
        return "警告类行政处罚不予公示"
    if data.get(SIMPLIFIED_PROCEDURE_FIELD, "") == SIMPLIFIED_PROCEDURE_YES:
        return "适用简易程序的行政处罚不予公示"
    return ""


def withheld(window: Window) -> Window:
    """The window of a record that is kept but never shown (:func:`withheld_reason`)."""
    return replace(window, publishable=False, start=None, end=None, repair_eligible_on=None)


def fixed_window(*, decided_on: datetime.date, months: int) -> Window:
    """Records shown for a fixed period from the decision (e.g. licences: 3 years)."""
    return Window(publishable=True, start=decided_on, end=period_end(decided_on, months), repair_eligible_on=None)


def listing_window(*, decided_on: datetime.date, end_date: datetime.date | None) -> Window:
    """List entries (court lists, serious-dishonesty lists, red lists): from the decision until their end date."""
    return Window(publishable=True, start=decided_on, end=end_date, repair_eligible_on=None)
