"""The draw as a pure function: reproducible from its seed, exact counts per class (ratios rounded up), the
inspectors drawn from the pool, and the rules refused in Chinese."""

from __future__ import annotations

import pytest

from supervision.rules import (
    COUNT,
    RATIO,
    UNGRADED,
    ClassRule,
    DrawError,
    draw,
    population_hash,
    rule_parse,
    rules_from_json,
    rules_to_json,
)
from tests.records.helpers import company_uscc

# 100 subjects: 30 A, 30 B, 20 C, 15 D, 5 without a grade, listed out of USCC order on purpose.
GRADES = ["A"] * 30 + ["B"] * 30 + ["C"] * 20 + ["D"] * 15 + [UNGRADED] * 5
POPULATION = [(company_uscc(n + 1), grade) for n, grade in enumerate(GRADES)][::-1]
POOL = [f"JC{n:03d}" for n in range(1, 9)]
RULES = {
    "A": rule_parse("3%", "A"),
    "B": rule_parse("5%", "B"),
    "C": rule_parse("10%", "C"),
    "D": rule_parse("100%", "D"),
    UNGRADED: rule_parse("2", UNGRADED),
}
SEED = "0f" * 32


def run(seed=SEED, population=POPULATION, rules=RULES, pool=POOL, per_subject=2):
    return draw(seed=seed, population=population, rules=rules, inspectors=pool, per_subject=per_subject)


def test_the_ratios_per_class_give_exact_counts_rounded_up():
    drawn = run()
    counts = {grade: sum(1 for d in drawn if d.grade == grade) for grade in ("A", "B", "C", "D", UNGRADED)}
    # A: 3% of 30 = 0.9 → 1; B: 5% of 30 = 1.5 → 2; C: 10% of 20 = 2; D: 100% of 15; ungraded: a count of 2.
    assert counts == {"A": 1, "B": 2, "C": 2, "D": 15, UNGRADED: 2}
    grade_of = dict(POPULATION)
    assert all(grade_of[d.uscc] == d.grade for d in drawn)
    assert len({d.uscc for d in drawn}) == len(drawn)


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        ("0%", 30, 0),
        ("0.1%", 30, 1),  # above zero never draws nobody from a non-empty class
        ("3%", 100, 3),
        ("3%", 101, 4),
        ("100%", 7, 7),
        ("5", 3, 3),  # a count above the class's size takes everyone
        ("5", 30, 5),
        ("0", 30, 0),
    ],
    ids=["0pct", "0.1pct", "3pct-of-100", "3pct-of-101", "all", "count-over-size", "count", "count-0"],
)
def test_a_class_quota(text, size, expected):
    assert rule_parse(text, "A").quota(size) == expected


def test_the_same_seed_population_and_pool_give_the_same_draw_in_any_input_order():
    first = run()
    assert run(population=sorted(POPULATION), pool=POOL[::-1]) == first
    assert run(seed="1" * 64) != first


def test_each_subject_gets_distinct_inspectors_of_the_pool():
    drawn = run(per_subject=3)
    assert all(len(set(d.inspectors)) == 3 and set(d.inspectors) <= set(POOL) for d in drawn)
    assert len({d.inspectors for d in drawn}) > 1  # drawn for each subject, not once


def test_a_pool_smaller_than_the_inspectors_per_subject_is_refused():
    with pytest.raises(DrawError, match="在册的检查人员只有1名，每户需要2名"):
        run(pool=["JC001"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("101%", "A 类的抽取比例不能超过100%。"),
        ("-3%", "A 类的抽取比例不能为负数。"),
        ("-1", "A 类的抽取数量不能为负数。"),
        ("2.5", "A 类的抽取数量须为整数。"),
        ("三成", "A 类的抽取规则“三成”无效"),
        ("NaN", "A 类的抽取规则“NaN”无效"),
        ("1e5000", "A 类的抽取规则“1e5000”无效"),  # an exponent: refused, never expanded
        ("1e2%", "A 类的抽取规则“1e2%”无效"),
        ("1000001", "A 类的抽取数量不能超过1000000户。"),
        ("9999999999999999", "A 类的抽取数量不能超过1000000户。"),
        ("99999999999999999", "A 类的抽取规则“99999999999999999”无效"),  # longer than anyone types
    ],
    ids=[
        "ratio-over-100",
        "negative-ratio",
        "negative-count",
        "fraction",
        "words",
        "nan",
        "exponent",
        "exponent-ratio",
        "count-over-max",
        "digits",
        "too-many-digits",
    ],
)
def test_bad_rules_are_refused_in_chinese(text, message):
    with pytest.raises(DrawError) as refused:
        rule_parse(text, "A")
    assert refused.value.message.startswith(message)
    assert refused.value.field == "A"


def test_the_largest_count_is_accepted_and_an_absurd_stored_count_still_shows_and_draws():
    """A count stored before counts were bounded ("1e5000") neither fails the plan's page (``as_text``) nor builds
    its integer in the draw (``quota``)."""
    assert rule_parse("1000000", "A") == ClassRule(COUNT, rule_parse("1000000", "A").value)
    assert rule_parse("1000000", "A").as_text() == "1000000"
    assert rule_parse("5.0", "A").as_text() == "5"
    absurd = rules_from_json({"D": {"kind": COUNT, "value": "1E+5000"}})["D"]
    assert absurd.as_text() == "1E+5000"
    assert absurd.quota(7) == 7


def test_an_empty_rule_draws_nothing_and_a_full_width_percent_is_a_ratio():
    assert rule_parse(" ", "B") is None
    assert rule_parse("5％", "B") == ClassRule(RATIO, rule_parse("5%", "B").value)
    assert rule_parse("5", UNGRADED).kind == COUNT


def test_rules_survive_their_json_form():
    assert rules_from_json(rules_to_json(RULES)) == RULES


def test_the_population_hash_ignores_order_and_sees_a_grade_change():
    assert population_hash(POPULATION) == population_hash(sorted(POPULATION))
    changed = [(uscc, "B" if grade == "A" else grade) for uscc, grade in POPULATION]
    assert population_hash(changed) != population_hash(POPULATION)
