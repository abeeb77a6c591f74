"""The publication policy of records, in one place. Pure functions over plain data: no Django, no database.

:func:`decide` answers, for one record, everything the platform stores about its publication (the
``CreditRecord`` columns ``severity``, ``severity_source``, ``severity_basis``, ``publishable``,
``disclosure_start``, ``disclosure_end``, ``repair_eligible_on``, ``regime`` and ``publication_basis``), each
answer with its source. Ingestion, corrections and the recomputation after a policy change
(``records.services.records_redecide``) all call it, so the public queries filter stored columns and a changed
policy reaches stored records. The policy itself is data, edited in the admin: record types (rule, fixed
months, default severity), severity rules, disclosure regimes and their periods.

- Severity: the department's own grading if it gave one; else the gravest grade a severity rule of the type
  derives from the data (several penalty kinds: the gravest); else the type's default; else 一般.
- Penalties (``severity_regime``) follow the regime in force on the decision date (DESIGN.md §4): under NDRC
  Order No. 36 of 2025 (《信用修复管理办法》, from 2026-04-01) minor penalties are not published, general ones
  for at least 3 months and at most 1 year, severe ones (licence revocation, production suspension,
  serious-dishonesty lists) for at least 1 year and at most 3 years, all from the decision date; after the
  maximum, publication stops by itself; repair may be asked for once the minimum is served.
- Warning-only and simplified-procedure penalties are kept but not published (:func:`withheld_reason`).
- Fixed-period types (licences) are shown for their months from the decision; list entries from the
  decision until the end date their document gives (or until they are ended).
- Periods count the decision date as their first day and end by 《民法典》第二百零二条 (:func:`period_end`).
- A list membership's earliest repair date is :func:`list_repair_date` (the list's shortest listing period).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from core.vocabulary import (
    GENERAL,
    RULE_FIXED_PERIOD,
    RULE_SEVERITY_REGIME,
    SEVERITIES,
    SEVERITY_FROM_DEPARTMENT,
    SEVERITY_FROM_FALLBACK,
    SEVERITY_FROM_RULE,
    SEVERITY_FROM_TYPE,
    SEVERITY_LABELS,
)

PENALTY_KINDS_FIELD, SIMPLIFIED_PROCEDURE_FIELD = "CF_CFLB", "CF_SFJYCX"  # national field codes of xzcf
WARNING_ONLY = "警告"
SIMPLIFIED_PROCEDURE_YES = "是"


@dataclass(frozen=True)
class SeverityRuleSpec:
    field_code: str
    value: str
    severity: str
    note: str = ""  # its basis, cited in the record's ``severity_basis``


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
    basis: str = ""  # the document, cited in the record's ``publication_basis``

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
    basis: str = ""  # why: the document and the rule that gave this window


@dataclass(frozen=True)
class TypePolicy:
    """What of a record type the policy reads (``RecordType`` columns)."""

    name: str
    negative: bool
    disclosure_rule: str
    disclosure_months: int | None = None
    default_severity: str = ""


@dataclass(frozen=True)
class Decision:
    """Everything stored about a record's publication, with where each answer came from."""

    severity: str
    severity_source: str
    severity_basis: str
    window: Window

    @property
    def given_severity(self) -> str:
        """The severity the department set itself ("" when derived): part of what the data hash covers."""
        return self.severity if self.severity_source == SEVERITY_FROM_DEPARTMENT else ""

    def columns(self) -> dict:
        """The ``CreditRecord`` columns this decision sets."""
        return {
            "severity": self.severity,
            "severity_source": self.severity_source,
            "severity_basis": self.severity_basis,
            "publishable": self.window.publishable,
            "disclosure_start": self.window.start,
            "disclosure_end": self.window.end,
            "repair_eligible_on": self.window.repair_eligible_on,
            "regime": self.window.regime,
            "publication_basis": self.window.basis,
        }


#: The ``CreditRecord`` columns a decision sets (``Decision.columns``).
DECISION_COLUMNS = (
    "severity",
    "severity_source",
    "severity_basis",
    "publishable",
    "disclosure_start",
    "disclosure_end",
    "repair_eligible_on",
    "regime",
    "publication_basis",
)


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
    """The department's own severity if given; else the gravest severity any rule derives; else the default."""
    return severity_decision(data, rules, given=given, default=default, fallback="")[0]


def severity_decision(
    data: Mapping[str, str],
    rules: Iterable[SeverityRuleSpec],
    *,
    given: str = "",
    default: str = "",
    fallback: str = GENERAL,
) -> tuple[str, str, str]:
    """``(severity, source, basis)``: the department's grading if given; else the gravest severity a rule
    derives (multi-valued fields such as ``罚款;吊销许可证件`` are matched value by value, so a decision with
    several penalty kinds takes the gravest); else the type's default; else ``fallback``."""
    if given:
        return given, SEVERITY_FROM_DEPARTMENT, "报送部门认定"
    matched = [rule for rule in rules if rule.value in data.get(rule.field_code, "").split(";")]
    if matched:
        rule = max(matched, key=lambda r: SEVERITIES.index(r.severity) if r.severity in SEVERITIES else -1)
        basis = f"{rule.field_code}含“{rule.value}”" + (f"（{rule.note}）" if rule.note else "")
        return rule.severity, SEVERITY_FROM_RULE, basis
    if default:
        return default, SEVERITY_FROM_TYPE, "该类信息的默认失信程度"
    if fallback:
        return fallback, SEVERITY_FROM_FALLBACK, f"未能按规则认定，按{SEVERITY_LABELS[fallback]}失信处理"
    return "", "", ""


def regime_for(decided_on: datetime.date, regimes: Iterable[RegimeSpec]) -> RegimeSpec | None:
    candidates = [regime for regime in regimes if regime.covers(decided_on)]
    return max(candidates, key=lambda regime: regime.effective_from) if candidates else None


def regimes_gap(
    spans: Iterable[tuple[datetime.date, datetime.date | None]],
) -> tuple[datetime.date, datetime.date] | None:
    """The first days no regime covers between the earliest regime's start and the last covered day, as (first,
    last), or None. A penalty decided then has no period and is not published (:func:`severity_window`).
    Regimes may overlap (the later one governs: :func:`regime_for`)."""
    covered_to: datetime.date | None = None
    for start, end in sorted(spans, key=lambda span: span[0]):
        if covered_to is not None and start > covered_to + datetime.timedelta(days=1):
            return covered_to + datetime.timedelta(days=1), start - datetime.timedelta(days=1)
        if end is None:
            return None  # in force from here on: nothing later is uncovered
        covered_to = end if covered_to is None else max(covered_to, end)
    return None


def severity_window(*, decided_on: datetime.date, severity: str, regimes: Iterable[RegimeSpec]) -> Window:
    """Penalties: the period of the record's severity under the regime in force on the decision date."""
    regime = regime_for(decided_on, regimes)
    label = SEVERITY_LABELS.get(severity, severity)
    if regime is None or severity not in regime.periods:
        # No regime says how long: the record is kept but not published until an admin sets the rules.
        return Window(
            publishable=False,
            start=None,
            end=None,
            repair_eligible_on=None,
            regime=regime.code if regime else "",
            basis=f"决定日期适用的公示期规则未规定{label}失信信息的公示期，暂不公示",
        )
    period = regime.periods[severity]
    if not period.published:
        return Window(
            publishable=False,
            start=None,
            end=None,
            repair_eligible_on=None,
            regime=regime.code,
            basis=f"{regime.basis}：{label}失信行为的行政处罚信息不予公示",
        )
    repair_from = period_after(decided_on, period.min_months)
    end = period_end(decided_on, period.max_months)
    basis = (
        f"{regime.basis}：{label}失信行为的行政处罚信息自决定之日起公示，"
        f"最短{period.min_months}个月（期满可申请信用修复），最长{period.max_months}个月"
    )
    return Window(
        publishable=True, start=decided_on, end=end, repair_eligible_on=repair_from, regime=regime.code, basis=basis
    )


def withheld_reason(data: Mapping[str, str]) -> str:
    """Why a record is never published whatever its window, or "": a penalty whose only kind is a warning, or
    one decided under the simplified procedure. A warning with a fine is published."""
    if data.get(PENALTY_KINDS_FIELD, "") == WARNING_ONLY:
        return "仅给予警告的行政处罚不予公示（平台公示规则）"
    if data.get(SIMPLIFIED_PROCEDURE_FIELD, "") == SIMPLIFIED_PROCEDURE_YES:
        return "适用简易程序（《中华人民共和国行政处罚法》第五十一条）作出的行政处罚不予公示（平台公示规则）"
    return ""


def withheld(window: Window, reason: str = "") -> Window:
    """The window of a record that is kept but never shown (:func:`withheld_reason`)."""
    return replace(
        window, publishable=False, start=None, end=None, repair_eligible_on=None, basis=reason or window.basis
    )


def fixed_window(*, decided_on: datetime.date, months: int, type_name: str = "") -> Window:
    """Records shown for a fixed period from the decision (e.g. licences: 3 years)."""
    return Window(
        publishable=True,
        start=decided_on,
        end=period_end(decided_on, months),
        repair_eligible_on=None,
        basis=f"信息目录：{type_name or '该类信息'}自决定之日起公示{months}个月",
    )


def listing_window(*, decided_on: datetime.date, end_date: datetime.date | None) -> Window:
    """List entries (court lists, serious-dishonesty lists, red lists): from the decision until their end date."""
    until = f"至认定文书载明的截止日期（{end_date.isoformat()}）" if end_date else "至依规移出"
    return Window(
        publishable=True, start=decided_on, end=end_date, repair_eligible_on=None, basis=f"自认定之日起公示{until}"
    )


def decide(
    policy: TypePolicy,
    *,
    data: Mapping[str, str],
    decided_on: datetime.date,
    end_date: datetime.date | None,
    given_severity: str,
    severity_rules: Iterable[SeverityRuleSpec],
    regimes: Iterable[RegimeSpec],
) -> Decision:
    """The publication decision of one record under the policy as it stands (module docstring)."""
    severity, source, severity_basis = "", "", ""
    if policy.negative:
        severity, source, severity_basis = severity_decision(
            data, severity_rules, given=given_severity, default=policy.default_severity
        )
    if policy.disclosure_rule == RULE_SEVERITY_REGIME:
        window = severity_window(decided_on=decided_on, severity=severity, regimes=regimes)
    elif policy.disclosure_rule == RULE_FIXED_PERIOD:
        window = fixed_window(decided_on=decided_on, months=policy.disclosure_months or 0, type_name=policy.name)
    else:
        window = listing_window(decided_on=decided_on, end_date=end_date)
    reason = withheld_reason(data)
    if reason:
        window = withheld(window, reason)
    return Decision(severity=severity, severity_source=source, severity_basis=severity_basis, window=window)


def list_repair_date(
    started_on: datetime.date, earliest_exit_months: int | None, repairable: bool
) -> datetime.date | None:
    """From when a listing may be left by credit repair: the first day after the list's shortest listing
    period (e.g. 1 year for market regulation's serious-violation list), or None when the list is left only by
    the authority's decision (not repairable, or no shortest period set)."""
    if not repairable or earliest_exit_months is None:
        return None
    return period_after(started_on, earliest_exit_months)
