"""Values as departments write them: the accepted date forms give the same day; wrong types, unsafe
characters, out-of-range dates and absurd amounts are field errors."""

import datetime

import pytest

from records.validation import (
    DATE,
    DECIMAL,
    TEXT,
    CleanRecord,
    FieldSpec,
    Invalid,
    _as_text,
    _clean_value,
    parse_date,
    validate_record,
)
from subjects import identifiers as ids
from tests.records.helpers import AUTHORITY_USCC, xzcf_item


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


# Citizen ID numbers: masked whatever the declared document, wherever they are --------------------------------

TODAY = datetime.date(2026, 11, 30)
PERSON_ID = ids.make_citizen_id(division_code="220102", birth_date=datetime.date(1990, 3, 7), sequence=118)
assert PERSON_ID.endswith("X")  # so that a lower-case x is tested
OTHER_ID = ids.make_citizen_id(division_code="110105", birth_date=datetime.date(1985, 12, 1), sequence=42)


def person_penalty(**overrides) -> dict:
    data = xzcf_item(1, CF_XDR_SHXYM=None)["data"]
    data.update(CF_XDR_MC="张三", CF_XDR_LB="自然人", CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=PERSON_ID)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_citizen_id_declared_as_a_passport_is_masked_and_still_identifies_the_person(xzcf_spec):
    clean = validate_record(xzcf_spec, person_penalty(CF_XDR_ZJLX="护照号"), today=TODAY)
    assert isinstance(clean, CleanRecord)
    assert clean.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(PERSON_ID)
    assert clean.data["CF_XDR_ZJLX"] == "护照号"  # the department's declaration is kept as reported
    assert clean.subject.citizen_id == PERSON_ID  # hashed by subject resolution, never stored


def test_a_citizen_id_declared_as_a_permit_is_recognised_with_spaces_in_it(xzcf_spec):
    spaced = f"{PERSON_ID[:6]} {PERSON_ID[6:14]} {PERSON_ID[14:].lower()}"
    clean = validate_record(
        xzcf_spec, person_penalty(CF_XDR_ZJLX="台湾居民来往大陆通行证", CF_XDR_ZJHM=spaced), today=TODAY
    )
    assert clean.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(PERSON_ID)
    assert clean.subject.citizen_id == PERSON_ID


def test_a_citizen_id_under_another_document_of_an_organisation_is_masked_but_is_no_key(xzcf_spec):
    data = xzcf_item(1, CF_XDR_ZJLX="港澳居民来往内地通行证", CF_XDR_ZJHM=PERSON_ID.lower())["data"]
    clean = validate_record(xzcf_spec, data, today=TODAY)
    assert clean.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(PERSON_ID)
    assert (clean.subject.citizen_id, clean.subject.uscc) == ("", data["CF_XDR_SHXYM"])


def test_a_real_passport_number_is_kept_for_the_department_and_identifies_nobody(xzcf_spec):
    clean = validate_record(xzcf_spec, person_penalty(CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E12345678"), today=TODAY)
    assert clean.data["CF_XDR_ZJHM"] == "E12345678"  # masked for the public: disclosure.rules.public_record_data
    assert clean.subject.citizen_id == ""


@pytest.mark.parametrize(
    "written",
    [
        pytest.param(PERSON_ID, id="plain"),
        pytest.param(PERSON_ID.lower(), id="lower-case-x"),
        pytest.param(PERSON_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")), id="full-width"),
    ],
)
@pytest.mark.parametrize("code", ["CF_NR", "CF_SY", "CF_WFXW", "CF_XDR_MC", "CF_WSH", "BZ", "CF_FRDB"])
def test_a_citizen_id_in_any_text_field_is_masked_before_it_is_stored(code, written, xzcf_spec):
    clean = validate_record(xzcf_spec, person_penalty(**{code: f"当事人身份证号码{written}，住长春市"}), today=TODAY)
    assert clean.data[code] == f"当事人身份证号码{ids.mask_citizen_id(PERSON_ID)}，住长春市"
    assert PERSON_ID not in str(clean.data)


def test_numbers_that_are_not_citizen_ids_stay_as_written(xzcf_spec):
    bank_card = "6222021234567890123"  # 19 digits: a longer run is not an ID even if 18 of them would be
    wrong_check = PERSON_ID[:17] + ("0" if PERSON_ID[17] != "0" else "1")
    text = f"账户{bank_card}；号码{wrong_check}；代码{AUTHORITY_USCC}；1{OTHER_ID}"
    clean = validate_record(xzcf_spec, person_penalty(CF_SY=text), today=TODAY)
    assert clean.data["CF_SY"] == text


def test_errors_never_quote_a_citizen_id_in_clear(xzcf_spec):
    data = person_penalty(CF_JDRQ=PERSON_ID, CF_CFLB=OTHER_ID, CF_NR_FK=PERSON_ID, CF_CFJGDM=OTHER_ID)
    data[OTHER_ID] = "未知字段"
    invalid = validate_record(xzcf_spec, data, today=TODAY)
    assert isinstance(invalid, Invalid)
    assert {"CF_JDRQ", "CF_CFLB", "CF_NR_FK", "CF_CFJGDM", ids.mask_citizen_id(OTHER_ID)} <= set(invalid.errors)
    text = str(invalid.errors)
    assert PERSON_ID not in text
    assert OTHER_ID not in text
    assert ids.mask_citizen_id(PERSON_ID) in text  # the clerk still sees which value was refused


def test_an_invalid_citizen_id_is_refused_without_being_quoted(xzcf_spec):
    wrong_check = PERSON_ID[:17] + ("0" if PERSON_ID[17] != "0" else "1")
    invalid = validate_record(xzcf_spec, person_penalty(CF_XDR_ZJHM=wrong_check), today=TODAY)
    assert "第18位校验码错误" in invalid.errors["CF_XDR_ZJHM"][0]
    assert wrong_check not in str(invalid.errors)


def test_a_stored_record_keeps_its_masked_number_on_correction(xzcf_spec):
    clean = validate_record(xzcf_spec, person_penalty(CF_XDR_ZJLX="护照号"), today=TODAY)
    again = validate_record(xzcf_spec, {**clean.data, "CF_NR": f"更正：{OTHER_ID}"}, today=TODAY, stored=True)
    assert again.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(PERSON_ID)
    assert again.data["CF_NR"] == f"更正：{ids.mask_citizen_id(OTHER_ID)}"


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
