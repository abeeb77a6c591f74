"""``validate_record`` per field type, through the whole function on the seeded 行政处罚 type: what each kind
of field accepts (and how it normalises it) and what it refuses, under which field code."""

import datetime

import pytest

from records.validation import CleanRecord, Invalid, validate_record
from tests.records.helpers import AUTHORITY_USCC, company_uscc, xzcf_item
from tests.records.test_validation import PERSON_ID, TODAY

OK, REFUSED = "ok", "refused"
TOMORROW = TODAY + datetime.timedelta(days=1)

CASES = [
    # text: spaces collapsed, length bounded, control characters refused
    ("text", "CF_WFXW", " 销售  过期食品 ", OK, "销售 过期食品"),
    ("text-max-length", "CF_WSH", "号" * 128, OK, "号" * 128),
    ("text-over-max-length", "CF_WSH", "号" * 129, REFUSED, None),
    ("text-nul", "CF_WFXW", "a\x00b", REFUSED, None),
    ("text-required-empty", "CF_WSH", "", REFUSED, None),
    ("text-required-spaces", "CF_WSH", "   ", REFUSED, None),
    # enum: single value from the list; multiple values separated by ; ， 、 and deduplicated
    ("enum", "CF_XDR_LB", "法人及非法人组织", OK, "法人及非法人组织"),
    ("enum-unknown", "CF_XDR_LB", "企业", REFUSED, None),
    ("enum-multiple", "CF_CFLB", "罚款、没收违法所得；罚款", OK, "罚款;没收违法所得"),
    ("enum-multiple-one-unknown", "CF_CFLB", "罚款;拘役", REFUSED, None),
    ("enum-multiple-only-separators", "CF_CFLB", ";；", REFUSED, None),
    # decimal (万元): 0 to 10^8, six decimals
    ("decimal", "CF_NR_FK", "5.50", OK, "5.5"),
    ("decimal-zero", "CF_NR_FK", "0", OK, "0"),
    ("decimal-negative", "CF_NR_FK", "-0.01", REFUSED, None),
    ("decimal-over", "CF_NR_FK", "100000001", REFUSED, None),
    ("decimal-text", "CF_NR_FK", "五万", REFUSED, None),
    # date of an event: from 1949-10-01; a decision not after today
    ("decision-today", "CF_JDRQ", TODAY.isoformat(), OK, TODAY.isoformat()),
    ("decision-tomorrow", "CF_JDRQ", TOMORROW.isoformat(), REFUSED, None),
    ("decision-chinese-form", "CF_JDRQ", "2026年6月1日", OK, "2026-06-01"),
    ("decision-feb-29-leap", "CF_JDRQ", "2024-02-29", OK, "2024-02-29"),
    ("decision-feb-29-common", "CF_JDRQ", "2025-02-29", REFUSED, None),
    ("decision-1949-09-30", "CF_JDRQ", "1949-09-30", REFUSED, None),
    # date ending a period: up to 2099-12-31, not before the decision
    ("period-end-long-term", "CF_GSJZQ", "2099-12-31", OK, "2099-12-31"),
    ("period-end-2100", "CF_GSJZQ", "2100-01-01", REFUSED, None),
    ("validity-same-day-as-decision", "CF_YXQ", "2026-06-01", OK, "2026-06-01"),
    ("validity-before-decision", "CF_YXQ", "2026-05-31", REFUSED, None),
    ("disclosure-end-before-decision", "CF_GSJZQ", "2026-05-31", REFUSED, None),
    # identifier: normalised (lower case, spaces), check character verified
    ("uscc-lower-case", "CF_XDR_SHXYM", company_uscc(1).lower(), OK, company_uscc(1)),
    (
        "uscc-wrong-check",
        "CF_XDR_SHXYM",
        company_uscc(1)[:17] + ("0" if company_uscc(1)[17] != "0" else "1"),
        REFUSED,
        None,
    ),
    ("uscc-17-chars", "CF_XDR_SHXYM", company_uscc(1)[:17], REFUSED, None),
    ("authority-uscc", "CF_CFJGDM", AUTHORITY_USCC, OK, AUTHORITY_USCC),
    ("authority-uscc-missing", "CF_CFJGDM", "", REFUSED, None),
    ("unknown-field", "CF_NOT_A_FIELD", "x", REFUSED, None),
]


@pytest.mark.parametrize(("case", "code", "value", "outcome", "stored"), CASES, ids=[c[0] for c in CASES])
def test_each_field_type(case, code, value, outcome, stored, xzcf_spec):
    data = {**xzcf_item(1, decided_on=datetime.date(2026, 6, 1))["data"], code: value}
    result = validate_record(xzcf_spec, data, today=TODAY)
    if outcome == OK:
        assert isinstance(result, CleanRecord), result.errors
        assert result.data[code] == stored
    else:
        assert isinstance(result, Invalid)
        assert set(result.errors) == {code}, result.errors


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        pytest.param({}, set(), id="person-complete"),
        pytest.param({"CF_XDR_ZJLX": None}, {"CF_XDR_ZJLX"}, id="person-without-document-type"),
        pytest.param({"CF_XDR_ZJHM": None}, {"CF_XDR_ZJHM"}, id="person-without-document-number"),
        pytest.param({"CF_XDR_SHXYM": company_uscc(2)}, set(), id="person-with-an-optional-code"),
    ],
)
def test_natural_person_fields_are_required_only_of_persons(changes, errors, xzcf_spec):
    data = xzcf_item(1, CF_XDR_SHXYM=None)["data"]
    data.update(CF_XDR_MC="张三", CF_XDR_LB="自然人", CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=PERSON_ID)
    data.update(changes)
    result = validate_record(xzcf_spec, {k: v for k, v in data.items() if v is not None}, today=TODAY)
    assert set(getattr(result, "errors", {})) == errors


def test_an_organisation_needs_its_uscc(xzcf_spec):
    data = {k: v for k, v in xzcf_item(1)["data"].items() if k != "CF_XDR_SHXYM"}
    result = validate_record(xzcf_spec, data, today=TODAY)
    assert set(result.errors) == {"CF_XDR_SHXYM"}
