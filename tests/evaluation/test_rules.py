"""The evaluation engine as tables: each indicator kind, points and caps, dimensions, grades at their boundaries,
each override kind, scope, order of models, determinism, and the refusals of a bad definition. Pure: no
database."""

from __future__ import annotations

import ast
import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from evaluation import definitions
from evaluation import rules as r
from evaluation.definitions import definition_parse

D = datetime.date
AS_OF = D(2026, 6, 15)
# A 36-month window on 2026-06-15 holds the decisions of 2023-06-16 on (period_end(2023-06-16, 36) = 2026-06-15).
WINDOW_FIRST_DAY = D(2023, 6, 16)


JANUARY = D(2026, 1, 10)
FOUNDED = D(2020, 6, 15)


def record(id, type="xzcf", severity="general", decided_on=JANUARY, end=None, **fields):
    return r.RecordFact(id=id, record_type=type, severity=severity, decided_on=decided_on, end=end, fields=fields)


def member(id, code="yzsx_scjg", colour="black"):
    return r.MembershipFact(id=id, list_code=code, colour=colour)


def facts(*records, memberships=(), kind="legal_entity", status="active", established_on=FOUNDED):
    return r.SubjectFacts(
        subject_id=1,
        kind=kind,
        registration_status=status,
        established_on=established_on,
        records=tuple(records),
        memberships=tuple(memberships),
    )


def spec(*indicators, overrides=(), base="50", grades=None, labels=None, floor=None, ceiling=None, scope=None):
    dimension = {"code": "d", "name": "维度", "indicators": list(indicators)}
    if floor is not None:
        dimension["floor"] = floor
    if ceiling is not None:
        dimension["ceiling"] = ceiling
    return {
        "base_score": base,
        "min_score": "0",
        "max_score": "100",
        "grades": grades or {"A": "90", "B": "75", "C": "60"},
        "labels": labels or {"A": "优", "B": "良", "C": "中", "D": "差"},
        "scope": scope or {"subject_kinds": ["legal_entity", "individual_business"]},
        "dimensions": [dimension],
        "overrides": list(overrides),
    }


def model(*indicators, code="m", version=7, **options) -> r.ModelDefinition:
    return definition_parse(spec(*indicators, **options), model=code, version=version)


def ind(kind, weight="1", cap=None, code="i", **params):
    item = {"code": code, "name": f"指标{code}", "kind": kind, "weight": weight, **params}
    if cap is not None:
        item["cap"] = cap
    return item


def contribution(evaluation: r.Evaluation, code: str = "i") -> r.Contribution:
    return next(c for c in evaluation.contributions if c.indicator == code)


# --- Indicator kinds ------------------------------------------------------------------------------------------

PENALTIES = {"types": ["xzcf"], "window_months": 36}
INDICATOR_CASES = [
    pytest.param(
        ind("record_count", records=PENALTIES), facts(record(1), record(2)), Decimal(2), (1, 2), (), id="count"
    ),
    pytest.param(
        ind("record_count", records=PENALTIES),
        facts(record(1, decided_on=WINDOW_FIRST_DAY)),
        Decimal(1),
        (1,),
        (),
        id="count-window-first-day",
    ),
    pytest.param(
        ind("record_count", records=PENALTIES),
        facts(record(1, decided_on=WINDOW_FIRST_DAY - datetime.timedelta(days=1))),
        Decimal(0),
        (),
        (),
        id="count-window-day-before",
    ),
    pytest.param(
        ind("record_count", records=PENALTIES),
        facts(record(1, decided_on=AS_OF), record(2, decided_on=AS_OF + datetime.timedelta(days=1))),
        Decimal(1),
        (1,),
        (),
        id="count-decided-today-not-tomorrow",
    ),
    pytest.param(
        ind("record_count", records={"types": ["xzcf"]}),
        facts(record(1, decided_on=D(2001, 1, 1)), record(2, type="xzxk")),
        Decimal(1),
        (1,),
        (),
        id="count-no-window-other-type",
    ),
    pytest.param(
        ind("record_count", records={"types": ["xzcf"], "severities": ["serious", "severe"]}),
        facts(record(1, severity="general"), record(2, severity="serious"), record(3, severity="severe")),
        Decimal(2),
        (2, 3),
        (),
        id="count-severities",
    ),
    pytest.param(
        ind("record_count", records={"types": ["xzcf"], "where": [{"field": "CF_CFLB", "equals": ["没收违法所得"]}]}),
        facts(record(1, CF_CFLB="罚款;没收违法所得"), record(2, CF_CFLB="罚款"), record(3)),
        Decimal(1),
        (1,),
        (),
        id="count-field-equals-one-of-several-values",
    ),
    pytest.param(
        ind("record_count", records={"types": ["xzcf"], "where": [{"field": "CF_WFXW", "contains": ["食品"]}]}),
        facts(record(1, CF_WFXW="销售不符合食品安全标准的食品"), record(2, CF_WFXW="价格欺诈")),
        Decimal(1),
        (1,),
        (),
        id="count-field-contains",
    ),
    pytest.param(
        ind(
            "record_count",
            records={
                "types": ["xycn"],
                "where": [{"field": "CN_CNSX", "contains": ["食品"]}, {"field": "CN_LYQK", "equals": ["已履约"]}],
            },
        ),
        facts(
            record(1, type="xycn", CN_CNSX="食品经营许可", CN_LYQK="已履约"),
            record(2, type="xycn", CN_CNSX="食品经营许可", CN_LYQK="违诺"),
            record(3, type="xycn", CN_CNSX="排污许可", CN_LYQK="已履约"),
        ),
        Decimal(1),
        (1,),
        (),
        id="count-commitments-kept-all-conditions",
    ),
    pytest.param(
        ind("record_count", records={"types": ["xzxk"], "in_force": True}),
        facts(
            record(1, type="xzxk", end=AS_OF),
            record(2, type="xzxk", end=AS_OF - datetime.timedelta(days=1)),
            record(3, type="xzxk", end=None),
        ),
        Decimal(2),
        (1, 3),
        (),
        id="count-in-force-until-its-last-day",
    ),
    pytest.param(
        ind("severity_sum", records=PENALTIES, severity_weights={"minor": 1, "general": 3, "serious": 6, "severe": 10}),
        facts(
            record(1, severity="minor"),
            record(2, severity="general"),
            record(3, severity="severe"),
            record(4, severity="severe", decided_on=D(2020, 1, 1)),
        ),
        Decimal(14),
        (1, 2, 3),
        (),
        id="severity-sum",
    ),
    pytest.param(
        ind("severity_sum", records=PENALTIES, severity_weights={"severe": 10}),
        facts(record(1, severity="general")),
        Decimal(0),
        (1,),
        (),
        id="severity-sum-unweighted-severity-counts-zero",
    ),
    pytest.param(
        ind("list_member", colours=["black"]),
        facts(memberships=[member(5), member(6, "sxbzxr"), member(7, "hmd_nsa", "red")]),
        Decimal(1),
        (),
        (5, 6),
        id="list-by-colour",
    ),
    pytest.param(
        ind("list_member", lists=["hmd_nsa"]),
        facts(memberships=[member(5), member(7, "hmd_nsa", "red")]),
        Decimal(1),
        (),
        (7,),
        id="list-by-code",
    ),
    pytest.param(ind("list_member", colours=["black"]), facts(), Decimal(0), (), (), id="list-none"),
    pytest.param(ind("subject_age"), facts(established_on=D(2020, 6, 15)), Decimal(6), (), (), id="age-anniversary"),
    pytest.param(ind("subject_age"), facts(established_on=D(2020, 6, 16)), Decimal(5), (), (), id="age-day-before"),
    pytest.param(ind("subject_age"), facts(established_on=None), Decimal(0), (), (), id="age-unknown"),
    pytest.param(ind("subject_age"), facts(established_on=D(2027, 1, 1)), Decimal(0), (), (), id="age-future"),
    pytest.param(
        ind("registration_status", statuses=["revoked", "cancelled"]),
        facts(status="revoked"),
        Decimal(1),
        (),
        (),
        id="registration-in",
    ),
    pytest.param(
        ind("registration_status", statuses=["revoked"]),
        facts(status="active"),
        Decimal(0),
        (),
        (),
        id="registration-out",
    ),
]


@pytest.mark.parametrize(("indicator", "subject", "value", "records", "memberships"), INDICATOR_CASES)
def test_indicator_values(indicator, subject, value, records, memberships):
    result = r.evaluate(model(indicator), subject, AS_OF)
    found = contribution(result)
    assert (found.value, found.record_ids, found.membership_ids) == (value, records, memberships)
    assert found.points == value * Decimal(indicator["weight"])


def test_model_score_reads_the_other_models_score_and_version():
    general = model(ind("subject_age", weight="2"), code="general", version=3, base="60")
    professional = model(ind("model_score", weight="0.5", model="general"), code="pro", version=9, base="10")
    results = r.evaluate_subject(r.evaluation_order([professional, general]), facts(), AS_OF)
    assert results["general"].score == Decimal("72.00")  # 60 + 6 years × 2
    found = contribution(results["pro"])
    assert (found.value, found.points, found.model_version) == (Decimal("72.00"), Decimal("36.00"), 3)
    assert results["pro"].score == Decimal("46.00")
    # A subject the general model does not evaluate counts 0 there.
    alone = r.evaluate(professional, facts(), AS_OF, scores={})
    assert contribution(alone).value == 0
    assert alone.score == Decimal("10.00")


# --- Points, dimensions, score, grades ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "cap", "count", "points"),
    [
        pytest.param("-3", "10", 3, Decimal("-9.00"), id="under-cap"),
        pytest.param("-3", "10", 4, Decimal("-10.00"), id="negative-capped"),
        pytest.param("2", "5", 3, Decimal("5.00"), id="positive-capped"),
        pytest.param("0.125", None, 1, Decimal("0.13"), id="half-up"),
        pytest.param("-0.125", None, 1, Decimal("-0.13"), id="half-up-negative"),
        pytest.param("1", "0", 2, Decimal("0.00"), id="cap-zero"),
    ],
)
def test_points_are_weight_times_value_within_the_cap(weight, cap, count, points):
    indicator = ind("record_count", weight=weight, cap=cap, records={"types": ["xzcf"]})
    result = r.evaluate(model(indicator), facts(*[record(n) for n in range(count)]), AS_OF)
    assert contribution(result).points == points


def test_dimension_floor_and_ceiling_bound_the_sum_of_its_indicators():
    indicators = [
        ind("record_count", code="a", weight="-20", records={"types": ["xzcf"]}),
        ind("record_count", code="b", weight="-20", records={"types": ["wncn"]}),
    ]
    subject = facts(record(1), record(2, type="wncn"))
    assert r.evaluate(model(*indicators, floor="-30"), subject, AS_OF).dimensions == (("d", Decimal("-30.00")),)
    assert r.evaluate(model(*indicators), subject, AS_OF).dimensions == (("d", Decimal("-40.00")),)
    positive = [ind("subject_age", weight="5", code="a")]
    assert r.evaluate(model(*positive, ceiling="10"), facts(), AS_OF).dimensions == (("d", Decimal("10.00")),)


def test_the_score_stays_within_the_models_range():
    low = model(ind("record_count", weight="-40", records={"types": ["xzcf"]}), base="10")
    assert r.evaluate(low, facts(record(1)), AS_OF).score == Decimal("0.00")
    high = model(ind("subject_age", weight="100"), base="90")
    assert r.evaluate(high, facts(), AS_OF).score == Decimal("100.00")


@pytest.mark.parametrize(
    ("base", "grade", "label"),
    [
        pytest.param("90", "A", "优", id="A-at-threshold"),
        pytest.param("89.99", "B", "良", id="B-just-below-A"),
        pytest.param("75", "B", "良", id="B-at-threshold"),
        pytest.param("74.99", "C", "中", id="C-just-below-B"),
        pytest.param("60", "C", "中", id="C-at-threshold"),
        pytest.param("59.99", "D", "差", id="D-below-C"),
        pytest.param("0", "D", "差", id="D-at-zero"),
    ],
)
def test_grade_thresholds(base, grade, label):
    result = r.evaluate(model(ind("subject_age", weight="0"), base=base), facts(), AS_OF)
    assert (result.grade, result.label, result.score_grade) == (grade, label, grade)


def test_risk_labels_are_the_models_own():
    labels = {"A": "低风险", "B": "一般风险", "C": "较高风险", "D": "高风险"}
    result = r.evaluate(model(ind("subject_age", weight="0"), base="40", labels=labels), facts(), AS_OF)
    assert (result.grade, result.label) == ("D", "高风险")


# --- Overrides ------------------------------------------------------------------------------------------------

BLACK = {"code": "black", "name": "失信惩戒名单", "kind": "list_member", "colours": ["black"], "grade": "D"}
SEVERE = {
    "code": "severe",
    "name": "近1年严重处罚",
    "kind": "record",
    "records": {"types": ["xzcf"], "severities": ["severe"], "window_months": 12},
    "grade": "C",
}
REVOKED = {"code": "revoked", "name": "吊销", "kind": "registration_status", "statuses": ["revoked"], "grade": "D"}
WATCH = {"code": "watch", "name": "重点关注", "kind": "list_member", "lists": ["jyyc"], "grade": "C"}
OVERRIDE_CASES = [
    pytest.param([BLACK], facts(memberships=[member(5)]), "100", "D", ["black"], id="black-list-D-whatever-the-score"),
    pytest.param([BLACK], facts(memberships=[member(7, "hmd_nsa", "red")]), "100", "A", [], id="red-list-no-override"),
    pytest.param(
        [SEVERE],
        facts(record(1, severity="severe", decided_on=D(2025, 6, 16))),
        "95",
        "C",
        ["severe"],
        id="severe-in-window",
    ),
    pytest.param(
        [SEVERE],
        facts(record(1, severity="severe", decided_on=D(2025, 6, 15))),
        "95",
        "A",
        [],
        id="severe-day-before-window",
    ),
    pytest.param([SEVERE], facts(record(1, severity="serious")), "95", "A", [], id="serious-is-not-severe"),
    pytest.param([SEVERE], facts(record(1, severity="severe")), "40", "D", ["severe"], id="cap-never-improves"),
    pytest.param([REVOKED], facts(status="revoked"), "95", "D", ["revoked"], id="registration-revoked"),
    pytest.param([REVOKED], facts(status="cancelled"), "95", "A", [], id="registration-other"),
    pytest.param(
        [WATCH, BLACK],
        facts(memberships=[member(5), member(6, "jyyc", "watch")]),
        "95",
        "D",
        ["watch", "black"],
        id="worst-of-several",
    ),
    pytest.param([WATCH], facts(memberships=[member(6, "jyyc", "watch")]), "95", "C", ["watch"], id="list-by-code"),
]


@pytest.mark.parametrize(("overrides", "subject", "base", "grade", "applied"), OVERRIDE_CASES)
def test_overrides(overrides, subject, base, grade, applied):
    result = r.evaluate(model(ind("subject_age", weight="0"), base=base, overrides=overrides), subject, AS_OF)
    assert result.grade == grade
    assert [o.code for o in result.overrides] == applied
    assert result.score == Decimal(base).quantize(Decimal("0.01"))  # the score stays what it is


def test_an_override_cites_what_it_rests_on():
    subject = facts(record(3, severity="severe"), memberships=[member(5)])
    result = r.evaluate(model(ind("subject_age", weight="0"), base="95", overrides=[BLACK, SEVERE]), subject, AS_OF)
    assert [(o.code, o.record_ids, o.membership_ids) for o in result.overrides] == [
        ("black", (), (5,)),
        ("severe", (3,), ()),
    ]
    explained = result.explanation()["overrides"]
    assert explained == [
        {"code": "black", "grade": "D", "memberships": [5]},
        {"code": "severe", "grade": "C", "records": [3]},
    ]


# --- Scope, order, determinism ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "inside"),
    [
        pytest.param(facts(record(1, type="xzxk", XK_XKZS="食品经营许可证")), True, id="food-licence"),
        pytest.param(facts(record(1, type="xzxk", XK_XKZS="排污许可证")), False, id="other-licence"),
        pytest.param(facts(record(1, type="xzxk", XK_XKZS="食品经营许可证", end=D(2026, 6, 14))), False, id="expired"),
        pytest.param(
            facts(record(1, type="xzxk", XK_XKZS="食品经营许可证"), kind="natural_person"), False, id="person"
        ),
    ],
)
def test_scope(subject, inside):
    scope = {
        "subject_kinds": ["legal_entity"],
        "records": {"types": ["xzxk"], "where": [{"field": "XK_XKZS", "contains": ["食品"]}], "in_force": True},
    }
    definition = model(ind("subject_age"), scope=scope)
    assert r.in_scope(definition.scope, subject, AS_OF) is inside
    assert ("m" in r.evaluate_subject([definition], subject, AS_OF)) is inside


def test_models_are_evaluated_after_the_models_they_read_and_a_cycle_is_refused():
    general = model(ind("subject_age"), code="general")
    pro = model(ind("model_score", model="general"), code="a_pro")
    assert [d.model for d in r.evaluation_order([pro, general])] == ["general", "a_pro"]
    other = model(ind("model_score", model="a_pro"), code="general")
    with pytest.raises(r.DefinitionError, match="相互引用"):
        r.evaluation_order([pro, other])
    with pytest.raises(r.DefinitionError, match="缺少模型 general"):
        r.evaluation_order([pro])


def test_same_inputs_same_result_whatever_the_order_of_the_facts():
    definition = model(
        ind("severity_sum", code="a", records=PENALTIES, severity_weights={"general": 3, "severe": 10}, weight="-1"),
        ind("list_member", code="b", colours=["black"], weight="-20"),
        overrides=[BLACK],
    )
    records = [record(n, severity="severe" if n % 2 else "general") for n in range(1, 6)]
    members = [member(9), member(8, "sxbzxr")]
    one = r.evaluate(definition, facts(*records, memberships=members), AS_OF)
    two = r.evaluate(definition, facts(*reversed(records), memberships=list(reversed(members))), AS_OF)
    assert one == two
    assert one.digest == two.digest
    assert one.version == 7
    assert one.model == "m"
    changed = r.evaluate(definition, facts(*records[:-1], memberships=members), AS_OF)
    assert changed.digest != one.digest


def test_the_explanation_keeps_what_counts():
    definition = model(
        ind("record_count", code="a", records=PENALTIES, weight="-2"),
        ind("subject_age", code="b", weight="1"),
        ind("list_member", code="c", colours=["red"], weight="5"),
    )
    explanation = r.evaluate(definition, facts(record(4)), AS_OF).explanation()
    assert explanation["indicators"] == [
        {"code": "a", "value": "1", "points": "-2.00", "records": [4]},
        {"code": "b", "value": "6", "points": "6.00"},
    ]
    assert explanation["dimensions"] == {"d": "4.00"}


# --- Definitions --------------------------------------------------------------------------------------------


def broken(**changes):
    data = spec(ind("record_count", records=PENALTIES))
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(broken(base_score="abc"), "不是数值", id="base-not-a-number"),
        pytest.param(broken(grades={"A": "60", "B": "75", "C": "50"}), "依次降低", id="thresholds-order"),
        pytest.param(broken(grades={"A": "120", "B": "75", "C": "50"}), "之间", id="threshold-out-of-range"),
        pytest.param(broken(labels={"A": "优", "B": "良", "C": "中"}), "A、B、C、D", id="labels-missing"),
        pytest.param(broken(dimensions=[]), "至少需要一个维度", id="no-dimension"),
        pytest.param(broken(dimensions__0__indicators=[]), "至少需要一个指标", id="no-indicator"),
        pytest.param(broken(dimensions__0__indicators__0__kind="magic"), "计算方式“magic”无效", id="unknown-kind"),
        pytest.param(broken(dimensions__0__indicators__0__weight=None), "权重：必须填写数值", id="no-weight"),
        pytest.param(broken(dimensions__0__indicators__0__cap="-1"), "不能为负数", id="negative-cap"),
        pytest.param(broken(dimensions__0__indicators__0__records={"types": []}), "须指定记录类型", id="no-types"),
        pytest.param(
            broken(dimensions__0__indicators__0__records={"types": ["xzcf"], "window_months": 0}),
            "正整数",
            id="window-zero",
        ),
        pytest.param(
            broken(dimensions__0__indicators__0__records={"types": ["xzcf"], "severities": ["grave"]}),
            "“grave”无效",
            id="unknown-severity",
        ),
        pytest.param(
            broken(dimensions__0__indicators__0__records={"types": ["xzcf"], "where": [{"field": "CF_CFLB"}]}),
            "equals 或 contains",
            id="condition-without-values",
        ),
        pytest.param(broken(dimensions__0__code="i"), "编码“i”重复", id="duplicate-code"),
        pytest.param(broken(scope={"subject_kinds": []}), "主体类型", id="no-kinds"),
        pytest.param(broken(overrides=[{**BLACK, "grade": "A"}]), "B、C 或 D", id="override-grade-A"),
        pytest.param(broken(overrides=[{**BLACK, "colours": ["purple"]}]), "“purple”无效", id="override-colour"),
        pytest.param(broken(overrides=[{**BLACK, "kind": "mood"}]), "类型“mood”无效", id="override-kind"),
    ],
)
def test_a_bad_definition_is_refused_saying_where(data, message):
    with pytest.raises(r.DefinitionError) as error:
        definition_parse(data, model="m", version=1)
    assert message in error.value.message


def test_a_model_may_not_read_its_own_score():
    with pytest.raises(r.DefinitionError, match="自身"):
        model(ind("model_score", model="m"))


def test_window_start_is_the_first_decision_day_whose_period_holds_the_date():
    from records.rules import period_end

    for as_of in (D(2026, 2, 28), D(2026, 3, 31), D(2024, 2, 29), AS_OF):
        for months in (1, 12, 24, 36):
            first = r.window_start(as_of, months)
            assert period_end(first, months) >= as_of
            assert period_end(first - datetime.timedelta(days=1), months) < as_of


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names} | {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }


def test_the_engine_imports_no_django():
    standard = {"__future__", "datetime", "hashlib", "json", "collections.abc", "dataclasses", "decimal", "functools"}
    serialiser = {"orjson"}  # the explanation's JSON text: a library, no framework
    assert imported_modules(Path(r.__file__)) <= standard | serialiser | {
        "core.errors",
        "core.vocabulary",
        "records.rules",
    }
    assert imported_modules(Path(definitions.__file__)) <= standard | {"core.vocabulary", "rules"}


def test_the_evaluator_gives_what_evaluate_subject_gives():
    general = model(
        ind("subject_age", code="a"), ind("list_member", code="b", colours=["black"], weight="-30"), code="g"
    )
    evaluator = r.Evaluator([general])
    subjects = [
        facts(established_on=D(2020, 6, 15)),
        facts(established_on=D(2020, 6, 16)),  # one year less: another result
        facts(established_on=D(2021, 1, 1)),  # the same age as the one before: the same result
        facts(status="revoked"),
        facts(kind="natural_person"),
        facts(record(1)),
        facts(memberships=[member(3)]),
    ]
    for subject in subjects:
        assert evaluator.evaluate(subject, AS_OF) == r.evaluate_subject([general], subject, AS_OF)
    assert evaluator.evaluate(subjects[1], AS_OF) is evaluator.evaluate(subjects[2], AS_OF)
    assert len(evaluator._plain) == 4


@pytest.mark.parametrize(
    "text", ["罚款", 'a "quoted" \\ back\\slash', "tab\there\nnewline\r", "\u2028\u2029 ☃ 𠀀", "\x00\x1f"]
)
def test_the_stored_explanation_is_the_standard_compact_json_text(text):
    """The digest hashes the explanation's text: it stays the text of ``json.dumps(ensure_ascii=False)`` with
    compact separators whatever serialiser makes it, or every stored result would look changed."""
    import json

    evaluation = r.Evaluation(
        model="g",
        version=1,
        score=Decimal("70.00"),
        grade="B",
        label="良",
        score_grade="B",
        contributions=(r.Contribution(text, "d", Decimal(1), Decimal("-5.00"), (3, 1)),),
        dimensions=((text, Decimal("-5.00")),),
        overrides=(r.AppliedOverride(text, text, "D", membership_ids=(7,)),),
    )
    assert evaluation.explanation_text == json.dumps(
        evaluation.explanation(), ensure_ascii=False, separators=(",", ":")
    )


def naive_evaluate(definition: r.ModelDefinition, subject: r.SubjectFacts) -> tuple:
    """The score, grade and every indicator's value, points and ids, each indicator and override computed over all
    the facts: what the engine gives when it computes only those the facts concern (``rules.Plan``)."""
    rows, total = [], definition.base_score
    for dimension in definition.dimensions:
        subtotal = Decimal(0)
        for i in dimension.indicators:
            if i.kind in (r.RECORD_COUNT, r.SEVERITY_SUM):
                chosen = [x for x in subject.records if i.records.selects(x, AS_OF)]
                weights = i.severity_weights
                value = Decimal(
                    len(chosen) if i.kind == r.RECORD_COUNT else sum(weights.get(x.severity, 0) for x in chosen)
                )
                ids, member_ids = tuple(sorted(x.id for x in chosen)), ()
            elif i.kind == r.LIST_MEMBER:
                member_ids, ids = tuple(sorted(m.id for m in subject.memberships if i.lists.selects(m))), ()
                value = Decimal(1 if member_ids else 0)
            elif i.kind == r.SUBJECT_AGE:
                value, ids, member_ids = Decimal(r.subject_age(subject.established_on, AS_OF)), (), ()
            else:
                value, ids, member_ids = Decimal(subject.registration_status in i.statuses), (), ()
            points = value * i.weight
            if i.cap is not None:
                points = max(-i.cap, min(i.cap, points))
            points = points.quantize(r.CENT, rounding="ROUND_HALF_UP")
            subtotal += points
            rows.append((i.code, value, points, ids, member_ids))
        if dimension.floor is not None:
            subtotal = max(dimension.floor, subtotal)
        if dimension.ceiling is not None:
            subtotal = min(dimension.ceiling, subtotal)
        total += subtotal
    score = max(definition.min_score, min(definition.max_score, total)).quantize(r.CENT, rounding="ROUND_HALF_UP")
    grade = definition.grade_of(score)
    applied = []
    for o in definition.overrides:
        if o.kind == r.OVERRIDE_RECORD:
            ids = tuple(sorted(x.id for x in subject.records if o.records.selects(x, AS_OF)))
        elif o.kind == r.LIST_MEMBER:
            ids = tuple(sorted(m.id for m in subject.memberships if o.lists.selects(m)))
        else:
            ids = (0,) if subject.registration_status in o.statuses else ()
        if ids:
            applied.append(o.code)
            grade = r.worst(grade, o.grade)
    return score, grade, rows, applied


def test_the_engine_computes_only_what_the_facts_concern_and_gives_what_computing_everything_gives():
    """Random subjects (records of read and unread types, lists by code and colour, read and not) under models
    with indicators of every kind, signed weights, caps, dimension bounds and every kind of override."""
    import random

    rng = random.Random(15)
    types, lists, colours = ["xzcf", "xzxk", "hmd", "other"], ["l1", "l2", "l3"], ["black", "red", "watch", "notice"]
    for round_ in range(40):
        indicators = [
            ind(
                rng.choice(["record_count", "severity_sum"]),
                code=f"r{n}",
                records={"types": rng.sample(types[:3], rng.randint(1, 2))},
                severity_weights={"minor": 1, "general": 3, "severe": 10},
                weight=str(rng.choice([-3, -1, 0, 2])),
                cap=rng.choice([None, "4"]),
            )
            for n in range(3)
        ]
        indicators += [
            ind("list_member", code="b1", lists=[rng.choice(lists)], weight="-10"),
            ind("list_member", code="b2", colours=[rng.choice(colours)], weight="5"),
            ind("subject_age", code="a", weight="1", cap="3"),
            ind("registration_status", code="s", statuses=["revoked"], weight="-20"),
        ]
        overrides = [
            {"code": "o1", "name": "名单", "kind": "list_member", "colours": [rng.choice(colours)], "grade": "D"},
            {"code": "o2", "name": "记录", "kind": "record", "records": {"types": [rng.choice(types)]}, "grade": "C"},
            {"code": "o3", "name": "状态", "kind": "registration_status", "statuses": ["revoked"], "grade": "C"},
        ]
        definition = definition_parse(
            spec(*indicators, overrides=overrides, base="70", floor="-15", ceiling="12"), model="m", version=round_
        )
        for n in range(25):
            subject = facts(
                *(
                    record(n * 10 + k, type=rng.choice(types), severity=rng.choice(["minor", "general", "severe"]))
                    for k in range(rng.randint(0, 3))
                ),
                memberships=[
                    member(n * 10 + k, code=rng.choice(lists), colour=rng.choice(colours))
                    for k in range(rng.choice([0, 0, 1, 2]))
                ],
                status=rng.choice(["active", "revoked"]),
                established_on=D(2026 - rng.randint(0, 8), 3, 1),
            )
            result = r.evaluate(definition, subject, AS_OF)
            score, grade, rows, applied = naive_evaluate(definition, subject)
            assert (result.score, result.grade) == (score, grade)
            assert [
                (c.indicator, c.value, c.points, c.record_ids, c.membership_ids) for c in result.contributions
            ] == rows
            assert [o.code for o in result.overrides] == applied
