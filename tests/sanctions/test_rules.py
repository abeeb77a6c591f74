"""The rules engine as tables: a positive and a negative case per rule, and the boundary dates."""

import ast
import datetime
from pathlib import Path

import pytest

from records import rules as period_rules
from sanctions import rules as r

D = datetime.date
SERIOUS_VIOLATION = r.ListRule(
    code="scjg_yzwf",
    colour=r.BLACK,
    duration_months=36,
    sources=(r.SourceRule(record_type="yzsxmd", field_code="YZ_MDDM", field_value="scjg_yzwf"),),
)
COURT = r.ListRule(code="sxbzxr", colour=r.BLACK, sources=(r.SourceRule(record_type="sxbzxr"),))
WATCH_PENALTY = r.ListRule(
    code="zdgz_cf",
    colour=r.WATCH,
    sources=(r.SourceRule(record_type="xzcf", severities=frozenset({"serious", "severe"})),),
)
TAX_A = r.ListRule(
    code="ns_a",
    colour=r.RED,
    sources=(r.SourceRule(record_type="hmd", field_code="HM_MDDM", field_value="ns_a"),),
)
RULES = (SERIOUS_VIOLATION, COURT, WATCH_PENALTY, TAX_A)


def rec(id, type_, decided, end=None, *, status="active", severity="", publishable=True, **fields):
    return r.RecordFact(
        id=id,
        record_type=type_,
        status=status,
        severity=severity,
        decided_on=decided,
        end=end,
        publishable=publishable,
        fields=fields,
    )


LISTING = rec(1, "yzsxmd", D(2026, 1, 10), D(2027, 1, 9), severity="severe", YZ_MDDM="scjg_yzwf")
TAX = rec(2, "hmd", D(2025, 6, 1), D(2027, 5, 31), HM_MDDM="ns_a")
SERIOUS_PENALTY = rec(3, "xzcf", D(2026, 3, 1), D(2027, 2, 28), severity="serious", CF_CFLB="暂扣许可证件")
GENERAL_PENALTY = rec(4, "xzcf", D(2026, 3, 1), D(2027, 2, 28), severity="general", CF_CFLB="罚款")
OTHER_LIST = rec(5, "yzsxmd", D(2026, 1, 10), D(2027, 1, 9), severity="severe", YZ_MDDM="sw_zdss")
COURT_OPEN = rec(6, "sxbzxr", D(2026, 2, 1), None, severity="severe")
NO_END_LISTING = rec(7, "yzsxmd", D(2026, 1, 10), None, severity="severe", YZ_MDDM="scjg_yzwf")
# Kept but not published (simplified procedure, warning only, a grade the regime does not publish): no window.
WITHHELD_SERIOUS = rec(8, "xzcf", D(2026, 3, 1), None, severity="serious", publishable=False, CF_CFLB="暂扣许可证件")
WITHHELD_SEVERE = rec(9, "xzcf", D(2026, 3, 1), None, severity="severe", publishable=False, CF_CFLB="吊销许可证件")


def decide(records, as_of, memberships=()):
    return r.evaluate(records=records, memberships=memberships, rules=RULES, as_of=as_of)


@pytest.mark.parametrize(
    ("records", "as_of", "status", "lists"),
    [
        ([], D(2026, 6, 1), "normal", []),
        ([LISTING], D(2026, 6, 1), "black", ["scjg_yzwf"]),
        ([LISTING], D(2026, 1, 9), "normal", []),  # the day before the decision
        ([LISTING], D(2026, 1, 10), "black", ["scjg_yzwf"]),  # the day of the decision
        ([LISTING], D(2027, 1, 9), "black", ["scjg_yzwf"]),  # the last day of the listing
        ([LISTING], D(2027, 1, 10), "normal", []),  # the day after it ends
        ([OTHER_LIST], D(2026, 6, 1), "normal", []),  # another list code does not feed this list
        ([NO_END_LISTING], D(2028, 12, 31), "black", ["scjg_yzwf"]),  # no end: 36 months from the decision
        ([NO_END_LISTING], D(2029, 1, 10), "normal", []),
        ([COURT_OPEN], D(2030, 1, 1), "black", ["sxbzxr"]),  # court lists stay until removed
        ([TAX], D(2026, 6, 1), "red", ["ns_a"]),
        ([TAX], D(2027, 6, 1), "normal", []),
        ([SERIOUS_PENALTY], D(2026, 6, 1), "watch", ["zdgz_cf"]),
        ([GENERAL_PENALTY], D(2026, 6, 1), "normal", []),
        ([SERIOUS_PENALTY], D(2027, 3, 1), "normal", []),  # after the disclosure end
        ([TAX, SERIOUS_PENALTY], D(2026, 6, 1), "watch", ["ns_a", "zdgz_cf"]),
        ([TAX, LISTING, SERIOUS_PENALTY], D(2026, 6, 1), "black", ["ns_a", "scjg_yzwf", "zdgz_cf"]),
        (
            [rec(1, "yzsxmd", D(2026, 1, 10), D(2027, 1, 9), status="revoked", YZ_MDDM="scjg_yzwf")],
            D(2026, 6, 1),
            "normal",
            [],
        ),
        ([WITHHELD_SERIOUS], D(2026, 6, 1), "normal", []),
        ([WITHHELD_SERIOUS], D(2036, 6, 1), "normal", []),
        ([TAX, WITHHELD_SEVERE], D(2026, 6, 1), "red", ["ns_a"]),
    ],
    ids=[
        "clean",
        "listed",
        "day-before-decision",
        "decision-day",
        "last-listed-day",
        "day-after-end",
        "other-list-code",
        "no-end-uses-duration",
        "duration-over",
        "court-open-ended",
        "red",
        "red-expired",
        "serious-penalty-watch",
        "general-penalty-not-watch",
        "penalty-window-over",
        "red-and-watch",
        "black-overrides",
        "revoked-source-ignored",
        "withheld-penalty-not-watch",
        "withheld-penalty-never-watch",
        "withheld-severe-penalty-does-not-suspend-red",
    ],
)
def test_status_and_lists(records, as_of, status, lists):
    decision = decide(records, as_of)
    assert decision.status == status
    assert sorted(w.list_code for w in decision.open) == lists


def member(id, code, started, end, records, state="active"):
    return r.MembershipFact(
        id=id, list_code=code, started_on=started, planned_end=end, state=state, record_ids=frozenset(records)
    )


def test_red_is_suspended_while_black_and_resumes_after():
    red = member(10, "ns_a", D(2025, 6, 1), D(2027, 5, 31), [2])
    during = decide([TAX, LISTING], D(2026, 6, 1), [red])
    [(_, wanted)] = [u for u in during.update if u[0] == 10]
    assert wanted.state == "suspended"
    assert "暂停" in wanted.reason
    assert during.status == "black"
    suspended = member(10, "ns_a", D(2025, 6, 1), D(2027, 5, 31), [2], state="suspended")
    black = member(11, "scjg_yzwf", D(2026, 1, 10), D(2027, 1, 9), [1])
    after = decide([TAX, LISTING], D(2027, 1, 10), [suspended, black])
    assert [u[1].state for u in after.update if u[0] == 10] == ["active"]
    assert [e.reason for e in after.end] == ["expired"]
    assert after.status == "red"


def test_red_is_suspended_by_an_active_severe_penalty():
    severe = rec(8, "xzcf", D(2026, 3, 1), D(2029, 2, 28), severity="severe", CF_CFLB="吊销许可证件")
    decision = decide([TAX, severe], D(2026, 6, 1))
    assert [w.state for w in decision.open if w.list_code == "ns_a"] == ["suspended"]
    assert decision.status == "watch"  # the severe penalty itself puts the subject under watch


@pytest.mark.parametrize(
    ("status", "reason"),
    [("revoked", "source_revoked"), ("repaired", "repaired")],
    ids=["revoked", "repaired"],
)
def test_membership_ends_with_the_reason_of_its_records(status, reason):
    listing = rec(1, "yzsxmd", D(2026, 1, 10), D(2027, 1, 9), status=status, YZ_MDDM="scjg_yzwf")
    decision = decide([listing], D(2026, 6, 1), [member(11, "scjg_yzwf", D(2026, 1, 10), D(2027, 1, 9), [1])])
    assert [(e.membership_id, e.reason) for e in decision.end] == [(11, reason)]
    assert decision.status == "normal"


def test_unchanged_facts_keep_the_membership_and_change_nothing():
    current = member(11, "scjg_yzwf", D(2026, 1, 10), D(2027, 1, 9), [1])
    decision = decide([LISTING], D(2026, 6, 1), [current])
    assert (decision.keep, decision.open, decision.update, decision.end) == ((11,), (), (), ())


def test_a_second_listing_extends_the_membership():
    later = rec(9, "yzsxmd", D(2026, 9, 1), D(2027, 8, 31), severity="severe", YZ_MDDM="scjg_yzwf")
    current = member(11, "scjg_yzwf", D(2026, 1, 10), D(2027, 1, 9), [1])
    [(membership_id, wanted)] = decide([LISTING, later], D(2026, 10, 1), [current]).update
    assert (membership_id, wanted.planned_end, wanted.record_ids) == (11, D(2027, 8, 31), frozenset({1, 9}))


def test_decision_is_deterministic():
    records = [TAX, LISTING, SERIOUS_PENALTY, COURT_OPEN]
    assert decide(records, D(2026, 6, 1)) == decide(list(reversed(records)), D(2026, 6, 1))


def imported_modules(module) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names} | {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }


STANDARD = {"__future__", "calendar", "datetime", "collections.abc", "dataclasses"}


def test_rules_module_imports_no_django():
    # Pure project modules only: the period arithmetic is records.rules's (one rule for windows and lists), the
    # words are core.vocabulary's (the values the model choices store).
    assert imported_modules(r) <= STANDARD | {"records.rules", "core.vocabulary"}
    assert imported_modules(period_rules) <= STANDARD | {"core.vocabulary"}


@pytest.mark.parametrize(
    ("rule_set", "expected"),
    [
        pytest.param((COURT,), {"sxbzxr": None}, id="any-severity"),
        pytest.param((WATCH_PENALTY,), {"xzcf": frozenset({"serious", "severe"})}, id="severities"),
        pytest.param(
            (
                WATCH_PENALTY,
                r.ListRule(code="x", colour=r.WATCH, sources=(r.SourceRule("xzcf", severities=frozenset({"minor"})),)),
            ),
            {"xzcf": frozenset({"minor", "serious", "severe"})},
            id="severities-merge",
        ),
        pytest.param(
            (WATCH_PENALTY, r.ListRule(code="x", colour=r.WATCH, sources=(r.SourceRule("xzcf"),))),
            {"xzcf": None},
            id="any-severity-wins",
        ),
    ],
)
def test_source_severities_say_which_records_can_matter(rule_set, expected):
    assert r.source_severities(rule_set) == expected
