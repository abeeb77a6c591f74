"""Which lists a subject is on and what its credit status is. Pure functions over frozen data: no Django.

Given a subject's relevant records, its current memberships, the list-type configuration and a date, the
engine decides which memberships to open, keep, extend, suspend, resume or end, and the subject's status,
with a reason for each that names the records (type and document number), the lists (by name) and the rule.
The same inputs always give the same decision; the caller stores ``RULE_VERSION`` and the facts with it, so
any listing can be explained.

Policy (DESIGN.md §4; seed 004 六(二), seed 000 四(八)):
- A record feeds a list when it is active, published by the publication policy (``records.rules.decide``), of
  a source type of the list, matches the source's field condition and severities, and the date is within its
  period: from the decision date to its end (the record's own end — a list's validity or a penalty's
  disclosure end — or the list's standard duration). A record the policy keeps but does not publish (a
  warning only, the simplified procedure, a grade its regime does not publish) has no disclosure end: it
  would list its subject without end, so it feeds no list and suspends no red list.
- Black overrides everything, then watch, then red. A ``notice`` list (一般失信: measures that warn,
  seed 004 四（三）) carries measures but never changes the status.
- A red membership is suspended (not ended) while the subject is black or has an active 严重 record, and
  resumes when that ends.
- A membership whose records are all revoked ends as ``source_revoked``; all repaired, ``repaired``; past
  its planned end, ``expired``; otherwise, when the condition no longer holds, ``rule``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from core.vocabulary import (
    BLACK,
    END_EXPIRED,
    END_REPAIRED,
    END_REVOKED,
    END_RULE,
    MEMBERSHIP_ACTIVE,
    MEMBERSHIP_SUSPENDED,
    RECORD_ACTIVE,
    RECORD_REPAIRED,
    RECORD_REVOKED,
    RED,
    SEVERE,
    STATUS_BLACK,
    STATUS_NORMAL,
    STATUS_RED,
    STATUS_WATCH,
    WATCH,
)
from records.rules import period_end

RULE_VERSION = "2026.11-2"


@dataclass(frozen=True)
class RecordFact:
    """What the engine needs of one record."""

    id: int
    record_type: str
    status: str
    severity: str
    decided_on: datetime.date
    end: datetime.date | None  # the record's own end (list validity or disclosure end); None = open
    fields: Mapping[str, str] = field(default_factory=dict)
    publishable: bool = True  # the publication decision (``CreditRecord.publishable``)
    label: str = ""  # how reasons name it to people: type name and document number ("记录 <id>" when empty)

    @property
    def in_force(self) -> bool:
        """Active and published: what may feed a list or suspend a red one."""
        return self.status == RECORD_ACTIVE and self.publishable


@dataclass(frozen=True)
class SourceRule:
    """One way into a list: records of a type, optionally with a field value and within some severities."""

    record_type: str
    field_code: str = ""
    field_value: str = ""
    severities: frozenset[str] = frozenset()
    use_record_end: bool = True  # False: the list's duration applies even when the record has an end

    def matches(self, record: RecordFact) -> bool:
        if record.record_type != self.record_type:
            return False
        if self.field_code and self.field_value not in record.fields.get(self.field_code, "").split(";"):
            return False
        return not self.severities or record.severity in self.severities


@dataclass(frozen=True)
class ListRule:
    code: str
    colour: str
    sources: tuple[SourceRule, ...]
    duration_months: int | None = None  # standard listing period when the record gives no end
    name: str = ""  # how reasons name it to people (its code when empty)


@dataclass(frozen=True)
class MembershipFact:
    id: int
    list_code: str
    started_on: datetime.date
    planned_end: datetime.date | None
    state: str  # active or suspended (ended memberships are history, not input)
    record_ids: frozenset[int]


@dataclass(frozen=True)
class Wanted:
    """A membership the facts call for."""

    list_code: str
    colour: str
    started_on: datetime.date
    planned_end: datetime.date | None
    record_ids: frozenset[int]
    state: str
    reason: str


@dataclass(frozen=True)
class Ending:
    membership_id: int
    list_code: str
    reason: str
    note: str


@dataclass(frozen=True)
class Decision:
    open: tuple[Wanted, ...]
    update: tuple[tuple[int, Wanted], ...]  # (membership id, new planned end / records / state)
    keep: tuple[int, ...]
    end: tuple[Ending, ...]
    status: str
    status_reason: str
    rule_version: str = RULE_VERSION


def source_severities(rules: Iterable[ListRule]) -> dict[str, frozenset[str] | None]:
    """Per record type feeding any list, the severities that can feed one (None: any severity). With every
    severe record (which suspends red lists), these are the records that can matter to ``evaluate``."""
    severities: dict[str, frozenset[str] | None] = {}
    for rule in rules:
        for source in rule.sources:
            if not source.severities:
                severities[source.record_type] = None
            elif severities.get(source.record_type, frozenset()) is not None:
                severities[source.record_type] = severities.get(source.record_type, frozenset()) | source.severities
    return severities


def record_label(type_name: str, document_number: str) -> str:
    """How a reason names a record to the subject and the public: its type and the department's document number
    (never the platform's row id); the caller gives the number only for a public record (reasons reach third
    parties and every department's membership feed)."""
    return f"{type_name}（{document_number.replace('|', ' ')}）" if document_number else type_name


def _records_named(records: Iterable[RecordFact]) -> str:
    return "、".join(record.label or f"记录 {record.id}" for record in sorted(records, key=lambda r: r.id))


def _lists_named(codes: Iterable[str], names: Mapping[str, str]) -> str:
    return "、".join(f"“{names.get(code) or code}”" for code in codes)


def _record_period(
    record: RecordFact, rule: ListRule, source: SourceRule
) -> tuple[datetime.date, datetime.date | None]:
    if source.use_record_end and record.end is not None:
        return record.decided_on, record.end
    if rule.duration_months:
        return record.decided_on, period_end(record.decided_on, rule.duration_months)
    return record.decided_on, record.end


def _wanted(rule: ListRule, records: Iterable[RecordFact], as_of: datetime.date) -> Wanted | None:
    feeding: list[tuple[RecordFact, datetime.date, datetime.date | None]] = []
    for record in records:
        if not record.in_force:
            continue
        for source in rule.sources:
            if source.matches(record):
                start, end = _record_period(record, rule, source)
                if start <= as_of and (end is None or as_of <= end):
                    feeding.append((record, start, end))
                break
    if not feeding:
        return None
    ends = [end for _, _, end in feeding]
    ids = frozenset(record.id for record, _, _ in feeding)
    named = _records_named(record for record, _, _ in feeding)
    return Wanted(
        list_code=rule.code,
        colour=rule.colour,
        started_on=min(start for _, start, _ in feeding),
        planned_end=None if None in ends else max(ends),
        record_ids=ids,
        state=MEMBERSHIP_ACTIVE,
        reason=f"{named}符合“{rule.name or rule.code}”的列入条件（规则 {RULE_VERSION}）",
    )


def _ending_reason(
    membership: MembershipFact, records: Mapping[int, RecordFact], as_of: datetime.date
) -> tuple[str, str]:
    sources = [records[i] for i in membership.record_ids if i in records]
    if sources and all(r.status == RECORD_REVOKED for r in sources):
        return END_REVOKED, f"据以列入的记录{_records_named(sources)}已被撤销"
    if sources and all(r.status in (RECORD_REPAIRED, RECORD_REVOKED) for r in sources):
        return END_REPAIRED, f"据以列入的记录{_records_named(sources)}已完成信用修复"
    if membership.planned_end is not None and as_of > membership.planned_end:
        return END_EXPIRED, f"列入期限已于 {membership.planned_end.isoformat()} 届满"
    return END_RULE, "据以列入的条件已不再满足"


def evaluate(
    *,
    records: Iterable[RecordFact],
    memberships: Iterable[MembershipFact],
    rules: Iterable[ListRule],
    as_of: datetime.date,
) -> Decision:
    """Decide a subject's memberships and status on ``as_of``."""
    records = list(records)
    by_id = {record.id: record for record in records}
    rules = sorted(rules, key=lambda rule: rule.code)
    names = {rule.code: rule.name for rule in rules}
    wanted = {w.list_code: w for rule in rules if (w := _wanted(rule, records, as_of))}

    black = sorted(code for code, w in wanted.items() if w.colour == BLACK)
    severe = [
        r
        for r in records
        if r.in_force and r.severity == SEVERE and r.decided_on <= as_of and (r.end is None or as_of <= r.end)
    ]
    suspend_reason = ""
    if black:
        suspend_reason = f"主体在失信惩戒名单{_lists_named(black, names)}上，守信激励暂停"
    elif severe:
        suspend_reason = f"主体有严重失信记录{_records_named(severe)}，守信激励暂停"
    for code, w in list(wanted.items()):
        if w.colour == RED and suspend_reason:
            wanted[code] = replace(w, state=MEMBERSHIP_SUSPENDED, reason=f"{w.reason}；{suspend_reason}")

    opens, updates, keeps, ends = [], [], [], []
    current = {m.list_code: m for m in sorted(memberships, key=lambda m: m.id)}
    for code, membership in sorted(current.items()):
        w = wanted.get(code)
        if w is None:
            reason, note = _ending_reason(membership, by_id, as_of)
            ends.append(Ending(membership.id, code, reason, note))
        elif (w.planned_end, w.record_ids, w.state, w.started_on) != (
            membership.planned_end,
            membership.record_ids,
            membership.state,
            membership.started_on,
        ):
            updates.append((membership.id, w))
        else:
            keeps.append(membership.id)
    for code, w in sorted(wanted.items()):
        if code not in current:
            opens.append(w)

    colours = {w.colour for w in wanted.values() if w.state == MEMBERSHIP_ACTIVE}
    if BLACK in colours:
        status, why = STATUS_BLACK, f"列入失信惩戒名单：{_lists_named(black, names)}"
    elif WATCH in colours:
        watch = sorted(code for code, w in wanted.items() if w.colour == WATCH)
        status, why = STATUS_WATCH, f"列入重点关注名单：{_lists_named(watch, names)}"
    elif RED in colours:
        red = sorted(code for code, w in wanted.items() if w.colour == RED and w.state == MEMBERSHIP_ACTIVE)
        status, why = STATUS_RED, f"列入守信激励名单：{_lists_named(red, names)}"
    else:
        status, why = STATUS_NORMAL, suspend_reason or "无名单记录"
    return Decision(
        open=tuple(opens),
        update=tuple(updates),
        keep=tuple(keeps),
        end=tuple(ends),
        status=status,
        status_reason=why,
    )
