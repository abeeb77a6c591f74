"""Tests for subjects.identifiers: USCC (GB 32100-2015), organisation code (GB 11714-1997), citizen ID
(GB 11643-1999) and registration number (GS 15-2006, ISO 7064 MOD 11,10).

Real published codes are used where they exist; each one passing both its check characters is the main
evidence that the algorithms are right, so a failing real code points at the module, not at the data.
"""

import datetime
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subjects import identifiers as ids
from subjects.identifiers import (
    CITIZEN_ID_PROVINCE_CODES,
    PROVINCE_LEVEL_CODES,
    SCHEME_CITIZEN_ID,
    SCHEME_ORGANIZATION_CODE,
    SCHEME_REGISTRATION_NUMBER,
    SCHEME_USCC,
    USCC_ALPHABET,
    USCC_SUBJECT_TYPES,
    IdentifierError,
    IdentifierMatch,
    UsccParts,
    citizen_id_check_char,
    classify_identifier,
    make_citizen_id,
    make_uscc,
    mask_citizen_id,
    mask_person_name,
    normalize_citizen_id,
    normalize_organization_code,
    normalize_registration_number,
    normalize_uscc,
    organization_code_check_char,
    parse_uscc,
    registration_number_check_digit,
    uscc_check_char,
)

XIAOMI_USCC = "91110108551385082Q"
STANDARD_CITIZEN_ID = "11010519491231002X"  # GB 11643-1999's own example


def _replace(code: str, position: int, char: str) -> str:
    """Put ``char`` at the 1-based ``position`` of ``code``."""
    return code[: position - 1] + char + code[position:]


def _raises(func, value: str, *, position: int | None, words: tuple[str, ...]) -> IdentifierError:
    with pytest.raises(IdentifierError) as info:
        func(value)
    err = info.value
    assert err.position == position, str(err)
    for word in words:
        assert word in str(err)
    return err


# ---------------------------------------------------------------------------------------------------------
# 统一社会信用代码
# ---------------------------------------------------------------------------------------------------------

VALID_USCCS = [
    pytest.param(XIAOMI_USCC, id="xiaomi-technology"),
    pytest.param("91350100M000100Y43", id="gb32100-standard-example"),
    pytest.param("91440300708461136T", id="tencent-computer-systems"),
    pytest.param("914403001922038216", id="huawei-technologies"),
    pytest.param("91330100716105852F", id="alibaba-china"),
    pytest.param("121200004013590816", id="tianjin-public-institution"),
    pytest.param("91310115MA1K3BTP2B", id="shanghai-ma-series-body"),
    pytest.param("92340621MA2UK3PJXE", id="anhui-individual-business"),
    pytest.param("9144030071526726XG", id="org-check-char-X"),
    pytest.param("91620105L015101280", id="letter-leading-org-body"),
    pytest.param(
        make_uscc(division_code="100000", organization_body="00001234", registration_authority="1"),
        id="made-national-organ",
    ),
    pytest.param(
        make_uscc(
            division_code="220102",
            organization_body="MA0000AB",
            registration_authority="5",
            subject_type="3",
        ),
        id="made-foundation",
    ),
    pytest.param(
        make_uscc(
            division_code="220122",
            organization_body="N0000017",
            registration_authority="N",
            subject_type="2",
        ),
        id="made-village-collective",
    ),
    pytest.param(
        make_uscc(
            division_code="110000",
            organization_body="A1234567",
            registration_authority="A",
            subject_type="9",
        ),
        id="made-military-other",
    ),
    pytest.param(
        make_uscc(division_code="650100", organization_body="YY000000", registration_authority="Y"),
        id="made-other-authority",
    ),
]


@pytest.mark.parametrize("code", VALID_USCCS)
def test_valid_uscc_is_returned_unchanged(code):
    assert normalize_uscc(code) == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("91110108551385082q", XIAOMI_USCC, id="lower-case"),
        pytest.param(" 9111 0108 5513 8508 2Q ", XIAOMI_USCC, id="ascii-spaces"),
        pytest.param("\t911101085513\n85082Q\r\n", XIAOMI_USCC, id="tabs-and-newlines"),
        pytest.param("\u3000911101085513\u300085082Q\u3000", XIAOMI_USCC, id="ideographic-spaces"),
        pytest.param("９１１１０１０８５５１３８５０８２Ｑ", XIAOMI_USCC, id="full-width"),
        pytest.param("９１１１０１０８５５１３８５０８２ｑ", XIAOMI_USCC, id="full-width-lower-case"),
        pytest.param("\ufeff\u200b91110108551385082Q", XIAOMI_USCC, id="zero-width-and-bom"),
        pytest.param("91350100m000100y43", "91350100M000100Y43", id="lower-case-letters-in-body"),
    ],
)
def test_uscc_input_is_normalised(raw, expected):
    assert normalize_uscc(raw) == expected


BROKEN_USCCS = [
    pytest.param("", None, ("不能为空",), id="empty"),
    pytest.param("   ", None, ("不能为空",), id="blank"),
    pytest.param(XIAOMI_USCC[:-1], None, ("应为18位", "实际为17位"), id="too-short"),
    pytest.param(XIAOMI_USCC + "0", None, ("应为18位", "实际为19位"), id="too-long"),
    pytest.param(_replace(XIAOMI_USCC, 5, "I"), 5, ("第5位", "“I”", "不是有效字符"), id="letter-I-at-5"),
    pytest.param(_replace(XIAOMI_USCC, 9, "O"), 9, ("第9位", "“O”", "不是有效字符"), id="letter-O-at-9"),
    pytest.param(_replace(XIAOMI_USCC, 12, "S"), 12, ("第12位", "“S”"), id="letter-S-at-12"),
    pytest.param(_replace(XIAOMI_USCC, 16, "V"), 16, ("第16位", "“V”"), id="letter-V-at-16"),
    pytest.param(_replace(XIAOMI_USCC, 18, "Z"), 18, ("第18位", "“Z”"), id="letter-Z-at-18"),
    pytest.param(_replace(XIAOMI_USCC, 1, "i"), 1, ("第1位", "“I”"), id="lower-i-reported-upper"),
    pytest.param(_replace(XIAOMI_USCC, 10, "-"), 10, ("第10位", "“-”"), id="punctuation"),
    pytest.param(_replace(XIAOMI_USCC, 7, "\x00"), 7, ("第7位", "U+0000"), id="control-char-shown"),
    pytest.param(_replace(XIAOMI_USCC, 1, "B"), 1, ("第1位", "登记管理部门代码", "“B”"), id="authority-B"),
    pytest.param(_replace(XIAOMI_USCC, 1, "0"), 1, ("第1位", "“0”"), id="authority-0"),
    pytest.param(_replace(XIAOMI_USCC, 2, "4"), 2, ("第2位", "机构类别代码", "“4”", "工商"), id="9-4"),
    pytest.param("5A" + XIAOMI_USCC[2:], 2, ("第2位", "“A”", "民政"), id="5-A"),
    pytest.param("Y9" + XIAOMI_USCC[2:], 2, ("第2位", "“9”", "其他"), id="Y-9"),
    pytest.param("22" + XIAOMI_USCC[2:], 2, ("第2位", "“2”", "外交"), id="2-2-does-not-exist"),
    pytest.param(_replace(XIAOMI_USCC, 3, "9"), 3, ("第3-8位", "行政区划码", "“910108”"), id="province-91"),
    pytest.param("91000000" + XIAOMI_USCC[8:], 3, ("第3-8位", "“000000”"), id="province-00"),
    pytest.param("91200000" + XIAOMI_USCC[8:], 3, ("第3-8位", "“200000”"), id="province-20"),
    pytest.param(_replace(XIAOMI_USCC, 6, "A"), 6, ("第6位", "“A”", "应为数字"), id="letter-in-division"),
    pytest.param(_replace(XIAOMI_USCC, 17, "3"), 17, ("第17位", "组织机构代码校验码", "应为“2”"), id="org-check"),
    pytest.param(_replace(XIAOMI_USCC, 17, "X"), 17, ("第17位", "应为“2”"), id="org-check-X"),
    pytest.param(_replace(XIAOMI_USCC, 18, "R"), 18, ("第18位", "校验码错误", "应为“Q”"), id="check-char"),
    pytest.param(_replace(XIAOMI_USCC, 18, "0"), 18, ("第18位", "应为“Q”"), id="check-char-digit"),
]


@pytest.mark.parametrize(("value", "position", "words"), BROKEN_USCCS)
def test_broken_uscc_is_rejected_with_position(value, position, words):
    _raises(normalize_uscc, value, position=position, words=words)


def test_uscc_error_message_formats():
    with pytest.raises(IdentifierError) as info:
        normalize_uscc(_replace(XIAOMI_USCC, 18, "R"))
    assert str(info.value) == "统一社会信用代码第18位校验码错误，应为“Q”"
    with pytest.raises(IdentifierError) as info:
        normalize_uscc(XIAOMI_USCC[:-1])
    assert str(info.value) == "统一社会信用代码应为18位，实际为17位"
    with pytest.raises(IdentifierError) as info:
        normalize_uscc(_replace(XIAOMI_USCC, 5, "I"))
    assert str(info.value).startswith("统一社会信用代码第5位“I”不是有效字符")


def test_structural_errors_are_reported_before_the_check_char():
    # A typo in the division code also breaks position 18; the person should be told about the typo.
    err = _raises(normalize_uscc, _replace(XIAOMI_USCC, 3, "0"), position=3, words=("行政区划码",))
    assert "校验码" not in str(err)


def test_parse_uscc_splits_fields():
    assert parse_uscc(" 91110108551385082q ") == UsccParts(
        registration_authority="9",
        registration_authority_label="工商",
        subject_type="1",
        subject_type_label="企业",
        division_code="110108",
        organization_code="551385082",
    )
    parts = parse_uscc("121200004013590816")
    assert (parts.registration_authority_label, parts.subject_type_label) == ("机构编制", "事业单位")
    assert parse_uscc("92340621MA2UK3PJXE").subject_type_label == "个体工商户"


def test_parse_uscc_rejects_invalid_code():
    with pytest.raises(IdentifierError):
        parse_uscc(_replace(XIAOMI_USCC, 18, "R"))


def test_uscc_org_code_part_is_a_valid_organisation_code():
    assert normalize_organization_code(parse_uscc(XIAOMI_USCC).organization_code) == "551385082"


def test_check_char_functions_match_published_codes():
    assert uscc_check_char(XIAOMI_USCC[:17]) == "Q"
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert organization_code_check_char("D2143569") == "X"  # GB 11714-1997's example
    assert organization_code_check_char("55138508") == "2"
    assert citizen_id_check_char(STANDARD_CITIZEN_ID[:17]) == "X"
    assert registration_number_check_digit("11010800000001") == "6"  # GS 15-2006's example


@pytest.mark.parametrize(
    ("func", "value"),
    [
        pytest.param(uscc_check_char, "9111010855138508", id="uscc-16-chars"),
        pytest.param(uscc_check_char, "9111010855138508I", id="uscc-bad-char"),
        pytest.param(organization_code_check_char, "D214356", id="org-7-chars"),
        pytest.param(organization_code_check_char, "D214356-", id="org-bad-char"),
        pytest.param(citizen_id_check_char, "1101051949123100", id="citizen-16-digits"),
        pytest.param(citizen_id_check_char, "1101051949123100A", id="citizen-letter"),
        pytest.param(registration_number_check_digit, "1101080000000", id="registration-13-digits"),
        pytest.param(registration_number_check_digit, "1101080000000A", id="registration-letter"),
    ],
)
def test_check_char_functions_reject_bad_input(func, value):
    with pytest.raises(IdentifierError):
        func(value)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"division_code": "110108", "organization_body": "5513850I"}, id="body-letter-I"),
        pytest.param({"division_code": "110108", "organization_body": "5513850"}, id="body-7-chars"),
        pytest.param({"division_code": "11010", "organization_body": "55138508"}, id="division-5-digits"),
        pytest.param({"division_code": "990108", "organization_body": "55138508"}, id="division-99"),
        pytest.param({"division_code": "110108", "organization_body": "55138508", "subject_type": "4"}, id="combo-9-4"),
        pytest.param(
            {"division_code": "110108", "organization_body": "55138508", "registration_authority": "B"},
            id="authority-B",
        ),
    ],
)
def test_make_uscc_rejects_impossible_parts(kwargs):
    with pytest.raises(IdentifierError):
        make_uscc(**kwargs)


def test_make_uscc_reproduces_a_real_code():
    assert make_uscc(division_code="110108", organization_body="55138508") == XIAOMI_USCC


def test_every_listed_combination_is_accepted_and_labelled():
    for authority, types in USCC_SUBJECT_TYPES.items():
        for subject_type, label in types.items():
            code = make_uscc(
                division_code="330100",
                organization_body="12345678",
                registration_authority=authority,
                subject_type=subject_type,
            )
            assert parse_uscc(code).subject_type_label == label


# ---------------------------------------------------------------------------------------------------------
# 组织机构代码
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("D2143569-X", "D2143569X", id="standard-example-hyphen"),
        pytest.param("D2143569X", "D2143569X", id="standard-example-plain"),
        pytest.param("d2143569-x", "D2143569X", id="lower-case"),
        pytest.param("55138508-2", "551385082", id="xiaomi-hyphen"),
        pytest.param(" 551385082 ", "551385082", id="xiaomi-plain-spaces"),
        pytest.param("５５１３８５０８－２", "551385082", id="full-width-hyphen"),
        pytest.param("MA1K3BTP-2", "MA1K3BTP2", id="ma-series"),
    ],
)
def test_valid_organisation_code(raw, expected):
    assert normalize_organization_code(raw) == expected


@pytest.mark.parametrize(
    ("value", "position", "words"),
    [
        pytest.param("", None, ("不能为空",), id="empty"),
        pytest.param("D2143569", None, ("应为9位", "实际为8位"), id="too-short"),
        pytest.param("D21-43569X", None, ("应为9位",), id="hyphen-misplaced"),
        pytest.param("D2143569-1", 9, ("第9位", "校验码错误", "应为“X”"), id="bad-check"),
        pytest.param("D214356*-X", 8, ("第8位", "“*”"), id="bad-body-char"),
    ],
)
def test_broken_organisation_code(value, position, words):
    _raises(normalize_organization_code, value, position=position, words=words)


# ---------------------------------------------------------------------------------------------------------
# 工商注册号
# ---------------------------------------------------------------------------------------------------------

VALID_REGISTRATION_NUMBERS = [
    pytest.param("110108000000016", id="gs15-standard-example"),
    pytest.param("110108012660422", id="xiaomi-technology"),
    pytest.param("440301103448669", id="tencent-computer-systems"),
    pytest.param("330100400015575", id="alibaba-china"),
]


@pytest.mark.parametrize("number", VALID_REGISTRATION_NUMBERS)
def test_valid_registration_number(number):
    assert normalize_registration_number(number) == number
    assert normalize_registration_number(f" {number[:6]} {number[6:]} ") == number


@pytest.mark.parametrize("number", VALID_REGISTRATION_NUMBERS)
def test_registration_number_one_digit_changed_is_rejected(number):
    for index in range(15):
        for digit in "0123456789":
            if digit == number[index]:
                continue
            broken = number[:index] + digit + number[index + 1 :]
            with pytest.raises(IdentifierError):
                normalize_registration_number(broken)


@pytest.mark.parametrize(
    ("value", "position", "words"),
    [
        pytest.param("", None, ("不能为空",), id="empty"),
        pytest.param("11010801266042", None, ("应为15位", "实际为14位"), id="too-short"),
        pytest.param("11010801266042A", 15, ("第15位", "“A”"), id="letter"),
        pytest.param("110108012660423", 15, ("第15位", "校验码错误", "应为“2”"), id="bad-check"),
        pytest.param("990108012660422", 1, ("第1-6位", "“990108”"), id="bad-division"),
    ],
)
def test_broken_registration_number(value, position, words):
    _raises(normalize_registration_number, value, position=position, words=words)


# ---------------------------------------------------------------------------------------------------------
# 公民身份号码
# ---------------------------------------------------------------------------------------------------------


def _citizen_id(first17: str) -> str:
    return first17 + citizen_id_check_char(first17)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(STANDARD_CITIZEN_ID, STANDARD_CITIZEN_ID, id="gb11643-standard-example"),
        pytest.param("11010519491231002x", STANDARD_CITIZEN_ID, id="lower-case-x"),
        pytest.param(" 110105 19491231 002X ", STANDARD_CITIZEN_ID, id="spaces"),
        pytest.param("１１０１０５１９４９１２３１００２Ｘ", STANDARD_CITIZEN_ID, id="full-width"),
        pytest.param("110105491231002", STANDARD_CITIZEN_ID, id="15-digit-standard-example"),
        pytest.param("440524800101001", "440524198001010013", id="15-digit-1980"),
        pytest.param(_citizen_id("22010220000229123"), _citizen_id("22010220000229123"), id="leap-day-2000"),
        pytest.param(_citizen_id("81000019900101001"), _citizen_id("81000019900101001"), id="hong-kong"),
        pytest.param(_citizen_id("83000019900101001"), _citizen_id("83000019900101001"), id="taiwan-permit"),
        pytest.param(_citizen_id("11010519000101001"), _citizen_id("11010519000101001"), id="earliest-date"),
    ],
)
def test_valid_citizen_id(raw, expected):
    assert normalize_citizen_id(raw) == expected


@pytest.mark.parametrize(
    ("value", "position", "words"),
    [
        pytest.param("", None, ("不能为空",), id="empty"),
        pytest.param(STANDARD_CITIZEN_ID[:16], None, ("应为18位", "实际为16位"), id="16-chars"),
        pytest.param("110105194912310021", 18, ("第18位", "校验码错误", "应为“X”"), id="bad-check"),
        pytest.param("11010519491231002A", 18, ("第18位", "“A”"), id="check-letter-A"),
        pytest.param("1101051949123100XX", 17, ("第17位", "“X”"), id="X-before-check"),
        pytest.param(_citizen_id("99010519491231002"), 1, ("第1-6位", "“990105”"), id="bad-province"),
        pytest.param(_citizen_id("11010519990230001"), 7, ("第7-14位", "“19990230”", "不是有效日期"), id="feb-30"),
        pytest.param(_citizen_id("11010519990229001"), 7, ("“19990229”", "不是有效日期"), id="feb-29-1999"),
        pytest.param(_citizen_id("11010519991301001"), 7, ("“19991301”",), id="month-13"),
        pytest.param(_citizen_id("11010520990101001"), 7, ("“20990101”", "晚于当前日期"), id="future"),
        pytest.param("440524188001010014", 7, ("“18800101”", "早于1900年1月1日"), id="gb11643-example-1880"),
        pytest.param("110105491331002", 7, ("第7-12位", "“491331”", "不是有效日期"), id="15-digit-bad-date"),
        pytest.param("99010549123100X", 15, ("第15位", "“X”"), id="15-digit-with-letter"),
        pytest.param("990105491231002", 1, ("第1-6位",), id="15-digit-bad-province"),
    ],
)
def test_broken_citizen_id(value, position, words):
    _raises(normalize_citizen_id, value, position=position, words=words)


def test_citizen_id_error_message_formats():
    with pytest.raises(IdentifierError) as info:
        normalize_citizen_id("110105194912310021")
    assert str(info.value) == "公民身份号码第18位校验码错误，应为“X”"
    with pytest.raises(IdentifierError) as info:
        normalize_citizen_id(_citizen_id("11010519990231001"))
    assert str(info.value) == "公民身份号码第7-14位出生日期“19990231”不是有效日期"


def test_citizen_id_future_is_relative_to_today():
    born_2021 = _citizen_id("11010520210601001")
    assert normalize_citizen_id(born_2021, today=datetime.date(2021, 6, 1)) == born_2021
    with pytest.raises(IdentifierError) as info:
        normalize_citizen_id(born_2021, today=datetime.date(2021, 5, 31))
    assert info.value.position == 7
    assert "晚于当前日期" in str(info.value)


def test_make_citizen_id():
    assert make_citizen_id(division_code="110105", birth_date=datetime.date(1949, 12, 31), sequence=2) == (
        STANDARD_CITIZEN_ID
    )
    with pytest.raises(IdentifierError):
        make_citizen_id(division_code="110105", birth_date=datetime.date(1949, 12, 31), sequence=1000)
    with pytest.raises(IdentifierError):
        make_citizen_id(division_code="11010", birth_date=datetime.date(1949, 12, 31), sequence=1)
    with pytest.raises(IdentifierError):
        make_citizen_id(division_code="110105", birth_date=datetime.date(1899, 12, 31), sequence=1)


# ---------------------------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("22010219900517123X", "220102********123X", id="brief-example"),
        pytest.param(STANDARD_CITIZEN_ID, "110105********002X", id="standard-example"),
    ],
)
def test_mask_citizen_id(value, expected):
    assert mask_citizen_id(value) == expected


@pytest.mark.parametrize("value", ["110105491231002", "", STANDARD_CITIZEN_ID + "0"])
def test_mask_citizen_id_refuses_unnormalised_input(value):
    with pytest.raises(IdentifierError):
        mask_citizen_id(value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("张三", "张*", id="two-chars"),
        pytest.param("李小龙", "李**", id="three-chars"),
        pytest.param("王", "*", id="one-char"),
        pytest.param("", "", id="empty"),
        pytest.param(" 张三 ", "张*", id="surrounding-space"),
        pytest.param("欧阳娜娜", "欧阳**", id="compound-ouyang"),
        pytest.param("司马光", "司马*", id="compound-sima"),
        pytest.param("诸葛孔明", "诸葛**", id="compound-zhuge"),
        pytest.param("呼延灼", "呼延*", id="compound-huyan"),
        pytest.param("欧阳", "欧*", id="compound-surname-alone-still-masked"),
        pytest.param("欧小阳", "欧**", id="not-a-compound-surname"),
        pytest.param("阿卜杜拉·买买提", "阿*******", id="transliterated-name"),
    ],
)
def test_mask_person_name(name, expected):
    assert mask_person_name(name) == expected


# ---------------------------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------------------------

# The first-generation form of GB 11643's example happens to carry a valid MOD 11,10 check digit as well:
# positions 7–12 (491231) are a date, so it is both a well-formed old ID and a valid registration number.
AMBIGUOUS_15 = "110105491231002"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(" 91110108551385082q ", IdentifierMatch(SCHEME_USCC, XIAOMI_USCC), id="uscc"),
        pytest.param("11010519491231002x", IdentifierMatch(SCHEME_CITIZEN_ID, STANDARD_CITIZEN_ID), id="citizen-id"),
        pytest.param("110105491231002", IdentifierMatch(SCHEME_CITIZEN_ID, STANDARD_CITIZEN_ID), id="citizen-id-15"),
        pytest.param(
            "110108012660422",
            IdentifierMatch(SCHEME_REGISTRATION_NUMBER, "110108012660422"),
            id="registration-number-no-date",
        ),
        pytest.param(
            AMBIGUOUS_15,
            IdentifierMatch(SCHEME_CITIZEN_ID, normalize_citizen_id(AMBIGUOUS_15)),
            id="ambiguous-15-prefers-citizen-id",
        ),
        pytest.param("D2143569-X", IdentifierMatch(SCHEME_ORGANIZATION_CODE, "D2143569X"), id="organization-code"),
        pytest.param(XIAOMI_USCC[:-1] + "R", None, id="broken-uscc"),
        pytest.param("110105194912310021", None, id="broken-citizen-id"),
        pytest.param("110108012660423", None, id="broken-registration-number"),
        pytest.param("D2143569-1", None, id="broken-organization-code"),
        pytest.param("", None, id="empty"),
        pytest.param("hello", None, id="text"),
    ],
)
def test_classify_identifier(value, expected):
    assert classify_identifier(value) == expected


def test_ambiguous_15_digit_string_is_also_a_registration_number():
    assert normalize_registration_number(AMBIGUOUS_15) == AMBIGUOUS_15


# ---------------------------------------------------------------------------------------------------------
# The error type
# ---------------------------------------------------------------------------------------------------------


def test_identifier_error_is_a_value_error_with_position():
    err = IdentifierError("统一社会信用代码第18位校验码错误，应为“Q”", position=18)
    assert isinstance(err, ValueError)
    assert str(err) == "统一社会信用代码第18位校验码错误，应为“Q”"
    assert err.position == 18
    assert IdentifierError("统一社会信用代码不能为空").position is None
    # Celery and caches pickle exceptions; the position must survive.
    copy = pickle.loads(pickle.dumps(err))
    assert (str(copy), copy.position) == (str(err), 18)


def test_non_string_is_a_programming_error():
    with pytest.raises(TypeError):
        normalize_uscc(91110108551385082)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------

_COMBINATIONS = sorted((authority, kind) for authority, kinds in USCC_SUBJECT_TYPES.items() for kind in kinds)
_DIGIT_TEXT = "0123456789"


def _division_codes(prefixes) -> st.SearchStrategy[str]:
    return st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(sorted(prefixes)),
        st.text(_DIGIT_TEXT, min_size=4, max_size=4),
    )


uscc_parts = st.tuples(
    st.sampled_from(_COMBINATIONS),
    st.one_of(st.just("100000"), _division_codes(PROVINCE_LEVEL_CODES)),
    st.text(USCC_ALPHABET, min_size=8, max_size=8),
)
usccs = uscc_parts.map(
    lambda p: make_uscc(
        registration_authority=p[0][0], subject_type=p[0][1], division_code=p[1], organization_body=p[2]
    )
)
citizen_ids = st.builds(
    lambda division, born, sequence: make_citizen_id(division_code=division, birth_date=born, sequence=sequence),
    _division_codes(CITIZEN_ID_PROVINCE_CODES),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()),
    st.integers(min_value=0, max_value=999),
)


@settings(max_examples=200, deadline=None)
@given(uscc_parts)
def test_made_uscc_round_trips(parts):
    (authority, kind), division, body = parts
    code = make_uscc(
        registration_authority=authority, subject_type=kind, division_code=division, organization_body=body
    )
    assert normalize_uscc(code) == code
    assert normalize_uscc(" ".join(code.lower())) == code
    parsed = parse_uscc(code)
    assert (parsed.registration_authority, parsed.subject_type) == (authority, kind)
    assert parsed.division_code == division
    assert parsed.organization_code[:8] == body
    assert classify_identifier(code) == IdentifierMatch(SCHEME_USCC, code)


@settings(max_examples=100, deadline=None)
@given(usccs)
def test_every_single_character_substitution_of_a_uscc_is_rejected(code):
    for index in range(18):
        for char in USCC_ALPHABET:
            if char == code[index]:
                continue
            with pytest.raises(IdentifierError):
                normalize_uscc(code[:index] + char + code[index + 1 :])


@settings(max_examples=200, deadline=None)
@given(citizen_ids)
def test_made_citizen_id_round_trips(number):
    assert normalize_citizen_id(number) == number
    assert normalize_citizen_id(number.lower()) == number
    # About one 18-digit ID in 961 also passes both USCC checks (authority 1 = 机构编制 is all digits);
    # classification tries the USCC first, so only a number that is not also a USCC must come back as an ID.
    try:
        normalize_uscc(number)
    except IdentifierError:
        assert classify_identifier(number) == IdentifierMatch(SCHEME_CITIZEN_ID, number)
    if number[6:8] == "19":
        # The first-generation form drops the century and the check character; converting it back must
        # give the same 18-character number.
        assert normalize_citizen_id(number[:6] + number[8:17]) == number


@settings(max_examples=100, deadline=None)
@given(citizen_ids)
def test_every_single_digit_substitution_of_a_citizen_id_is_rejected(number):
    for index in range(17):
        for digit in _DIGIT_TEXT:
            if digit == number[index]:
                continue
            with pytest.raises(IdentifierError):
                normalize_citizen_id(number[:index] + digit + number[index + 1 :])
    for char in _DIGIT_TEXT + "X":
        if char != number[17]:
            with pytest.raises(IdentifierError):
                normalize_citizen_id(number[:17] + char)


def _iso7064_mod_11_10_is_valid(number: str) -> bool:
    """ISO 7064 hybrid system with M = 10, written the way the standard states it (independent of the module).

    P₁ = M; Sⱼ = Pⱼ + aⱼ; Pⱼ₊₁ = (Sⱼ ||M × 2) mod (M + 1), where ||M is mod M with 0 read as M; valid iff
    the last S ||M is 1.
    """
    product, reduced = 10, 0
    for ch in number:
        reduced = (product + int(ch)) % 10 or 10
        product = reduced * 2 % 11
    return reduced == 1


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.just("100000"), _division_codes(PROVINCE_LEVEL_CODES)),
    st.text(_DIGIT_TEXT, min_size=8, max_size=8),
)
def test_registration_check_digit_matches_iso7064_and_catches_substitutions(division, sequence):
    first14 = division + sequence
    number = first14 + registration_number_check_digit(first14)
    assert _iso7064_mod_11_10_is_valid(number)
    assert normalize_registration_number(number) == number
    for index in range(15):
        for digit in _DIGIT_TEXT:
            if digit != number[index]:
                broken = number[:index] + digit + number[index + 1 :]
                assert not _iso7064_mod_11_10_is_valid(broken)
                with pytest.raises(IdentifierError):
                    normalize_registration_number(broken)


@settings(max_examples=200, deadline=None)
@given(st.text(USCC_ALPHABET, min_size=8, max_size=8))
def test_organisation_code_round_trips_with_and_without_hyphen(body):
    code = body + organization_code_check_char(body)
    assert normalize_organization_code(code) == code
    assert normalize_organization_code(f"{body}-{code[8]}".lower()) == code


# Citizen IDs inside other text -----------------------------------------------------------------------------

ID_X = ids.make_citizen_id(division_code="220102", birth_date=datetime.date(1990, 3, 7), sequence=118)  # ends in X
ID_9 = ids.make_citizen_id(division_code="110105", birth_date=datetime.date(1985, 12, 1), sequence=42)
FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _fix_check(first17: str) -> str:
    return first17 + ids.citizen_id_check_char(first17)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(f"身份证{ID_X}。", [ID_X], id="plain-in-chinese-text"),
        pytest.param(ID_X.lower(), [ID_X], id="lower-case-x"),
        pytest.param(ID_9.translate(FULL), [ID_9], id="full-width"),
        pytest.param(f"{ID_X},{ID_9}", [ID_X, ID_9], id="two"),
        pytest.param(f"A{ID_9}B", [ID_9], id="between-letters"),
        pytest.param(f"1{ID_9}", [], id="inside-a-longer-digit-run"),
        pytest.param(f"{ID_9}0", [], id="followed-by-a-digit"),
        pytest.param(ID_9[:17] + str((int(ID_9[17]) + 1) % 10), [], id="wrong-check-character"),
        pytest.param(_fix_check("22010219901301123"), [], id="month-13"),
        pytest.param(_fix_check("22010218991231123"), [], id="born-before-1900"),
        pytest.param(_fix_check("95123419900307123"), ["95123419900307123"], id="any-address-code"),
        pytest.param(ID_9[:15], [], id="fifteen-digits-are-not-looked-for"),
        pytest.param("", [], id="empty"),
    ],
)
def test_find_citizen_ids(text, expected):
    found = [code for _, _, code in ids.find_citizen_ids(text)]
    assert [code[:17] for code in found] == [code[:17] for code in expected]


def test_mask_citizen_ids_in_text_keeps_everything_else():
    text = f"当事人{ID_X.lower()}与{ID_9.translate(FULL)}，罚款5万元"
    assert ids.mask_citizen_ids_in_text(text) == (
        f"当事人{ids.mask_citizen_id(ID_X)}与{ids.mask_citizen_id(ID_9)}，罚款5万元"
    )
    unchanged = "罚款人民币伍万元，账号6222021234567890123"
    assert ids.mask_citizen_ids_in_text(unchanged) is unchanged


def test_mask_citizen_ids_deep_masks_keys_values_and_nested_lists():
    masked = ids.mask_citizen_ids_deep({ID_X: [ID_9, {"a": f"x{ID_9}"}], "n": 5})
    assert masked == {
        ids.mask_citizen_id(ID_X): [ids.mask_citizen_id(ID_9), {"a": f"x{ids.mask_citizen_id(ID_9)}"}],
        "n": 5,
    }


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("E12345678", "E1*****78", id="passport"),
        pytest.param("H1234567890", "H1*******90", id="hk-macau-permit"),
        pytest.param("12345678", "12****78", id="taiwan-permit"),
        pytest.param("A12", "***", id="short"),
        pytest.param(ID_X.lower(), ids.mask_citizen_id(ID_X), id="citizen-id"),
        pytest.param(ids.mask_citizen_id(ID_9), ids.mask_citizen_id(ID_9), id="already-masked"),
    ],
)
def test_mask_document_number(value, shown):
    assert ids.mask_document_number(value) == shown
