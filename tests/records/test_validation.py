"""Values as departments write them: the accepted date forms give the same day; wrong types, unsafe
characters, out-of-range dates and absurd amounts are field errors."""

import datetime

import pytest

from records.validation import DATE, DECIMAL, TEXT, FieldSpec, Invalid, _as_text, _clean_value, parse_date


@pytest.mark.parametrize(
    ("text", "day"),
    [
        pytest.param("2026-06-01", datetime.date(2026, 6, 1), id="iso"),
        pytest.param("２０２６-06-01", datetime.date(2026, 6, 1), id="full-width-digits"),
        pytest.param("2026/6/1", datetime.date(2026, 6, 1), id="slashes"),
        pytest.param("20260601", datetime.date(2026, 6, 1), id="compact"),
        pytest.param("2026年6月1日", datetime.date(2026, 6, 1), id="chinese"),
        pytest.param("2026-02-30", None, id="no-such-day"),
        pytest.param("2026-W22-1", None, id="iso-week-date-is-not-a-date-here"),
        pytest.param("06/01/2026", None, id="month-first"),
    ],
)
def test_parse_date(text, day):
    assert parse_date(text) == day


# One value against its field spec: types, characters, date and amount bounds (issue 10) ----------------------

TODAY = datetime.date(2026, 7, 1)
TEXT_SPEC = FieldSpec("CF_WFXW", "违法行为类型", TEXT, max_length=200)
AMOUNT_SPEC = FieldSpec("CF_NR_FK", "罚款金额（万元）", DECIMAL)
EVENT_SPEC = FieldSpec("CF_JDRQ", "处罚决定日期", DATE)
END_SPEC = FieldSpec("XK_YXQZI", "有效期至", DATE)
START_SPEC = FieldSpec("XK_YXQZ", "有效期自", DATE)


def clean(spec: FieldSpec, raw):
    problems = Invalid()
    value = _clean_value(spec, _as_text(raw), problems, today=TODAY)
    assert (value is None) == bool(problems.errors), problems.errors
    assert set(problems.errors) <= {spec.code}
    return value


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        pytest.param(TEXT_SPEC, "  销售  过期 食品 ", "销售 过期 食品", id="text-spaces-collapsed"),
        pytest.param(TEXT_SPEC, 12345, "12345", id="int-as-text"),
        pytest.param(TEXT_SPEC, 5.0, "5", id="integral-float-as-text"),
        pytest.param(TEXT_SPEC, 5.25, "5.25", id="float-as-text"),
        pytest.param(TEXT_SPEC, "a\x00b", None, id="nul"),
        pytest.param(TEXT_SPEC, "a\ud800b", None, id="lone-surrogate"),
        pytest.param(TEXT_SPEC, "a\x1bb", None, id="escape-control"),
        pytest.param(TEXT_SPEC, "a\x7fb", None, id="del"),
        pytest.param(TEXT_SPEC, True, None, id="bool"),
        pytest.param(TEXT_SPEC, ["a"], None, id="list"),
        pytest.param(TEXT_SPEC, {"a": 1}, None, id="object"),
        pytest.param(TEXT_SPEC, float("nan"), None, id="nan"),
        pytest.param(TEXT_SPEC, 10**40, None, id="forty-digit-int"),
        pytest.param(TEXT_SPEC, "长" * 201, None, id="over-max-length"),
        pytest.param(AMOUNT_SPEC, "100000000", "100000000", id="amount-at-1e8"),
        pytest.param(AMOUNT_SPEC, "100000000.000001", None, id="amount-over-1e8"),
        pytest.param(AMOUNT_SPEC, 1e300, None, id="amount-1e300"),
        pytest.param(AMOUNT_SPEC, "0.000001", "0.000001", id="six-decimals"),
        pytest.param(AMOUNT_SPEC, "0.0000001", None, id="seven-decimals"),
        pytest.param(AMOUNT_SPEC, "1.5000000", "1.5", id="trailing-zeros-are-not-decimals"),
        pytest.param(AMOUNT_SPEC, "1,000.5", "1000.5", id="thousands-separator"),
        pytest.param(AMOUNT_SPEC, "-1", None, id="negative"),
        pytest.param(AMOUNT_SPEC, "NaN", None, id="nan-text"),
        pytest.param(AMOUNT_SPEC, "Infinity", None, id="infinity-text"),
        pytest.param(AMOUNT_SPEC, float("inf"), None, id="infinity-float"),
        pytest.param(AMOUNT_SPEC, "1e999999", None, id="huge-exponent"),
        pytest.param(AMOUNT_SPEC, "1e-999999", None, id="tiny-exponent"),
        pytest.param(AMOUNT_SPEC, "9" * 100, None, id="hundred-digits"),
        pytest.param(AMOUNT_SPEC, False, None, id="bool-amount"),
        pytest.param(AMOUNT_SPEC, 5, "5", id="int-amount"),
        pytest.param(EVENT_SPEC, "1949-09-30", None, id="day-before-1949-10-01"),
        pytest.param(EVENT_SPEC, "1949-10-01", "1949-10-01", id="1949-10-01"),
        pytest.param(EVENT_SPEC, "0001-01-01", None, id="year-1"),
        pytest.param(EVENT_SPEC, "2027-07-02", "2027-07-02", id="today-plus-366-days"),
        pytest.param(EVENT_SPEC, "2027-07-03", None, id="today-plus-367-days"),
        pytest.param(EVENT_SPEC, "9999-12-31", None, id="event-9999"),
        pytest.param(EVENT_SPEC, datetime.date(2026, 6, 1), "2026-06-01", id="date-object"),
        pytest.param(START_SPEC, "2030-01-01", None, id="validity-start-is-an-event"),
        pytest.param(END_SPEC, "2099-12-31", "2099-12-31", id="long-term-validity-end"),
        pytest.param(END_SPEC, "2100-01-01", None, id="validity-end-after-2099"),
        pytest.param(END_SPEC, "1949-09-30", None, id="validity-end-before-1949"),
    ],
)
def test_clean_value(spec, raw, expected):
    assert clean(spec, raw) == expected


def test_refused_values_are_reported_under_their_field_code():
    problems = Invalid()
    assert _clean_value(TEXT_SPEC, _as_text([1, 2]), problems, today=TODAY) is None
    assert problems.errors == {"CF_WFXW": ["违法行为类型应为文本或数值，不能是数组或对象。"]}
