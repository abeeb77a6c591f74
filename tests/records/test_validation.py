"""Dates as departments write them: the ISO fast path and the other accepted forms give the same day."""

import datetime

import pytest

from records.validation import parse_date


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

from records.catalog import RECORD_TYPES  # noqa: E402
from records.validation import CleanRecord, FieldSpec, Invalid, TypeSpec, validate_record  # noqa: E402
from subjects import identifiers as ids  # noqa: E402
from tests.records.helpers import AUTHORITY_USCC, xzcf_item  # noqa: E402

TODAY = datetime.date(2026, 11, 30)
PERSON_ID = ids.make_citizen_id(division_code="220102", birth_date=datetime.date(1990, 3, 7), sequence=118)
assert PERSON_ID.endswith("X")  # so that a lower-case x is tested
OTHER_ID = ids.make_citizen_id(division_code="110105", birth_date=datetime.date(1985, 12, 1), sequence=42)


def _spec(code: str) -> TypeSpec:
    """The seeded catalog's spec, built without the database (the same fields ``catalog_entries`` reads)."""
    definition = next(d for d in RECORD_TYPES if d["code"] == code)
    fields = tuple(
        FieldSpec(
            code=f["code"],
            label=f["label"],
            type=f["type"],
            requirement=f["requirement"],
            enum_values=tuple(f.get("enum_values", ())),
            multiple=f.get("multiple", False),
            max_length=f.get("max_length"),
            identifier_scheme=f.get("identifier_scheme", ""),
        )
        for f in definition["fields"]
    )
    keys = [k for k in TypeSpec.__dataclass_fields__ if k not in ("code", "fields") and k in definition]
    values = {k: tuple(definition[k]) if k == "record_id_fields" else definition[k] for k in keys}
    return TypeSpec(code=code, fields=fields, **values)


XZCF = _spec("xzcf")


def person_penalty(**overrides) -> dict:
    data = xzcf_item(1, CF_XDR_SHXYM=None)["data"]
    data.update(CF_XDR_MC="张三", CF_XDR_LB="自然人", CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=PERSON_ID)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_citizen_id_declared_as_a_passport_is_masked_and_still_identifies_the_person():
    clean = validate_record(XZCF, person_penalty(CF_XDR_ZJLX="护照号"), today=TODAY)
    assert isinstance(clean, CleanRecord)
    assert clean.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(PERSON_ID)
    assert clean.data["CF_XDR_ZJLX"] == "护照号"  # the department's declaration is kept as reported
    assert clean.subject.citizen_id == PERSON_ID  # hashed by subject resolution, never stored


def test_a_citizen_id_declared_as_a_permit_is_recognised_with_spaces_in_it():
    spaced = f"{PERSON_ID[:6]} {PERSON_ID[6:14]} {PERSON_ID[14:].lower()}"
    clean = validate_record(XZCF, person_penalty(CF_XDR_ZJLX="台湾居民来往大陆通行证", CF_XDR_ZJHM=spaced), today=TODAY)
    assert clean.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(PERSON_ID)
    assert clean.subject.citizen_id == PERSON_ID


def test_a_citizen_id_under_another_document_of_an_organisation_is_masked_but_is_no_key():
    data = xzcf_item(1, CF_XDR_ZJLX="港澳居民来往内地通行证", CF_XDR_ZJHM=PERSON_ID.lower())["data"]
    clean = validate_record(XZCF, data, today=TODAY)
    assert clean.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(PERSON_ID)
    assert (clean.subject.citizen_id, clean.subject.uscc) == ("", data["CF_XDR_SHXYM"])


def test_a_real_passport_number_is_kept_for_the_department_and_identifies_nobody():
    clean = validate_record(XZCF, person_penalty(CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E12345678"), today=TODAY)
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
def test_a_citizen_id_in_any_text_field_is_masked_before_it_is_stored(code, written):
    clean = validate_record(XZCF, person_penalty(**{code: f"当事人身份证号码{written}，住长春市"}), today=TODAY)
    assert clean.data[code] == f"当事人身份证号码{ids.mask_citizen_id(PERSON_ID)}，住长春市"
    assert PERSON_ID not in str(clean.data)


def test_numbers_that_are_not_citizen_ids_stay_as_written():
    bank_card = "6222021234567890123"  # 19 digits: a longer run is not an ID even if 18 of them would be
    wrong_check = PERSON_ID[:17] + ("0" if PERSON_ID[17] != "0" else "1")
    text = f"账户{bank_card}；号码{wrong_check}；代码{AUTHORITY_USCC}；1{OTHER_ID}"
    clean = validate_record(XZCF, person_penalty(CF_SY=text), today=TODAY)
    assert clean.data["CF_SY"] == text


def test_errors_never_quote_a_citizen_id_in_clear():
    data = person_penalty(CF_JDRQ=PERSON_ID, CF_CFLB=OTHER_ID, CF_NR_FK=PERSON_ID, CF_CFJGDM=OTHER_ID)
    data[OTHER_ID] = "未知字段"
    invalid = validate_record(XZCF, data, today=TODAY)
    assert isinstance(invalid, Invalid)
    assert {"CF_JDRQ", "CF_CFLB", "CF_NR_FK", "CF_CFJGDM", ids.mask_citizen_id(OTHER_ID)} <= set(invalid.errors)
    text = str(invalid.errors)
    assert PERSON_ID not in text
    assert OTHER_ID not in text
    assert ids.mask_citizen_id(PERSON_ID) in text  # the clerk still sees which value was refused


def test_an_invalid_citizen_id_is_refused_without_being_quoted():
    wrong_check = PERSON_ID[:17] + ("0" if PERSON_ID[17] != "0" else "1")
    invalid = validate_record(XZCF, person_penalty(CF_XDR_ZJHM=wrong_check), today=TODAY)
    assert "第18位校验码错误" in invalid.errors["CF_XDR_ZJHM"][0]
    assert wrong_check not in str(invalid.errors)


def test_a_stored_record_keeps_its_masked_number_on_correction():
    clean = validate_record(XZCF, person_penalty(CF_XDR_ZJLX="护照号"), today=TODAY)
    again = validate_record(XZCF, {**clean.data, "CF_NR": f"更正：{OTHER_ID}"}, today=TODAY, stored=True)
    assert again.data["CF_XDR_ZJHM"] == ids.mask_citizen_id(PERSON_ID)
    assert again.data["CF_NR"] == f"更正：{ids.mask_citizen_id(OTHER_ID)}"
