"""Validation, normalisation and masking of the identifiers that name credit subjects.

Four schemes are handled, each after the standard that defines it:

* 统一社会信用代码 (unified social credit code, USCC) — GB 32100-2015
  《法人和其他组织统一社会信用代码编码规则》 and its amendments; 18 characters, check character modulo 31.
* 组织机构代码 (organisation code) — GB 11714-1997 《全国组织机构代码编制规则》; 8 body characters and a
  check character modulo 11.
* 公民身份号码 (citizen ID number) — GB 11643-1999 《公民身份号码》; 17 digits and a check character by
  ISO 7064 MOD 11-2 (GB/T 17710); the 15-digit first-generation number is converted to 18 characters.
* 工商注册号 (15-digit registration number of the former industry-and-commerce registry) — GS 15-2006
  《工商行政管理市场主体注册号编制规则》; check digit by ISO 7064 MOD 11,10 (GB/T 17710).

Every ``normalize_*`` function accepts what people actually type or paste (spaces, full-width characters,
lower case), returns the canonical form, and raises :class:`IdentifierError` with a message in Simplified
Chinese that names the 1-based position of the first problem. The module is pure Python (stdlib only) so
that importers, management commands and tests can use it without Django.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "CITIZEN_ID_PROVINCE_CODES",
    "PROVINCE_LEVEL_CODES",
    "SCHEME_CITIZEN_ID",
    "SCHEME_ORGANIZATION_CODE",
    "SCHEME_REGISTRATION_NUMBER",
    "SCHEME_USCC",
    "USCC_ALPHABET",
    "USCC_NATIONAL_DIVISION_CODE",
    "USCC_REGISTRATION_AUTHORITIES",
    "USCC_SUBJECT_TYPES",
    "USCC_WEIGHTS",
    "IdentifierError",
    "IdentifierMatch",
    "UsccParts",
    "citizen_id_check_char",
    "classify_identifier",
    "find_citizen_ids",
    "make_citizen_id",
    "make_uscc",
    "mask_citizen_id",
    "mask_citizen_ids_deep",
    "mask_citizen_ids_in_text",
    "mask_document_number",
    "mask_person_name",
    "normalize_citizen_id",
    "normalize_organization_code",
    "normalize_registration_number",
    "normalize_uscc",
    "organization_code_check_char",
    "parse_uscc",
    "registration_number_check_digit",
    "uscc_check_char",
]

SCHEME_USCC = "uscc"
SCHEME_CITIZEN_ID = "citizen_id"
SCHEME_REGISTRATION_NUMBER = "registration_number"
SCHEME_ORGANIZATION_CODE = "organization_code"

_USCC_NAME = "统一社会信用代码"
_ORG_NAME = "组织机构代码"
_CITIZEN_NAME = "公民身份号码"
_REG_NAME = "工商注册号"


class IdentifierError(ValueError):
    """An identifier failed validation.

    ``str(err)`` is a message in Simplified Chinese meant to be shown to the person who entered the value;
    ``position`` is the 1-based position of the first offending character (for a multi-character field such
    as the division code, the field's first position), or ``None`` when the problem is not at one place
    (empty value, wrong length).
    """

    def __init__(self, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# ---------------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------------

#: GB 32100-2015 §4.2: the code character set is the digits and the upper-case Latin letters without
#: I, O, S, V and Z (they are too easily read as 1, 0, 5, U and 2). A character's value is its index here.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}

#: GB 32100-2015 §5: W_i = 3^(i-1) mod 31 for positions 1–17.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: Registration-administration codes (第1位) and their labels, GB 32100-2015 Table 1 with its amendments.
USCC_REGISTRATION_AUTHORITIES: Mapping[str, str] = MappingProxyType(
    {
        "1": "机构编制",
        "2": "外交",
        "3": "司法行政",
        "4": "文化",
        "5": "民政",
        "6": "旅游",
        "7": "宗教",
        "8": "工会",
        "9": "工商",
        "A": "中央军委改革和编制办公室",
        "G": "公安",
        "N": "农业",
        "Y": "其他",
    }
)

#: Subject-type codes (第2位) allowed under each registration authority, with labels. The A and N rows
#: were added by amendment after 2015; 民政 4/5 (village and residents' committees, coded since they became
#: special legal persons in 2017) and 公安 G (foreign NGO representative offices, registered by public
#: security since 2017) are later practice of the code-assignment authorities rather than the 2015 text.
#: They are accepted because rejecting a real code is worse, for a credit platform, than accepting a
#: combination that the standard might not list.
USCC_SUBJECT_TYPES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "1": MappingProxyType({"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
        "2": MappingProxyType({"1": "外国常驻新闻机构", "9": "其他"}),
        "3": MappingProxyType(
            {
                "1": "律师执业机构",
                "2": "公证处",
                "3": "基层法律服务所",
                "4": "司法鉴定机构",
                "5": "仲裁委员会",
                "9": "其他",
            }
        ),
        "4": MappingProxyType({"1": "外国在华文化中心", "9": "其他"}),
        "5": MappingProxyType(
            {
                "1": "社会团体",
                "2": "民办非企业单位",
                "3": "基金会",
                "4": "村民委员会",
                "5": "居民委员会",
                "9": "其他",
            }
        ),
        "6": MappingProxyType(
            {
                "1": "外国政府旅游部门常驻代表机构",
                "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
                "9": "其他",
            }
        ),
        "7": MappingProxyType({"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
        "8": MappingProxyType({"1": "基层工会", "9": "其他"}),
        "9": MappingProxyType({"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
        "A": MappingProxyType({"1": "军队事业单位", "9": "其他"}),
        "G": MappingProxyType({"1": "境外非政府组织代表机构", "9": "其他"}),
        "N": MappingProxyType(
            {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}
        ),
        "Y": MappingProxyType({"1": "其他"}),
    }
)

#: Province-level divisions of GB/T 2260 (first two digits of a six-digit division code).
PROVINCE_LEVEL_CODES: Mapping[str, str] = MappingProxyType(
    {
        "11": "北京市",
        "12": "天津市",
        "13": "河北省",
        "14": "山西省",
        "15": "内蒙古自治区",
        "21": "辽宁省",
        "22": "吉林省",
        "23": "黑龙江省",
        "31": "上海市",
        "32": "江苏省",
        "33": "浙江省",
        "34": "安徽省",
        "35": "福建省",
        "36": "江西省",
        "37": "山东省",
        "41": "河南省",
        "42": "湖北省",
        "43": "湖南省",
        "44": "广东省",
        "45": "广西壮族自治区",
        "46": "海南省",
        "50": "重庆市",
        "51": "四川省",
        "52": "贵州省",
        "53": "云南省",
        "54": "西藏自治区",
        "61": "陕西省",
        "62": "甘肃省",
        "63": "青海省",
        "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区",
        "71": "台湾省",
        "81": "香港特别行政区",
        "82": "澳门特别行政区",
    }
)

#: Registrations made at national level carry the division code 100000 instead of a province's.
USCC_NATIONAL_DIVISION_CODE = "100000"

#: Citizen ID numbers may start with any province-level code, and also with 83: residence permits for
#: Taiwan residents (港澳台居民居住证, 2018) are numbered by GB 11643 with the address code 830000.
CITIZEN_ID_PROVINCE_CODES: frozenset[str] = frozenset(PROVINCE_LEVEL_CODES) | {"83"}

# GB 11714-1997 values the body characters as 0–9 → 0–9 and A–Z → 10–35 (all 26 letters).
_ORG_VALUE = {ch: i for i, ch in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# GB 11643-1999 §8.2: W_i = 2^(18-i) mod 11, and the check character table indexed by the sum mod 11.
_CITIZEN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CITIZEN_CHECK_CHARS = "10X98765432"
_CITIZEN_EARLIEST_BIRTH = datetime.date(1900, 1, 1)

# str.isdigit() accepts other scripts' digits (e.g. "٣"); identifiers only ever use ASCII ones.
_DIGITS = frozenset("0123456789")
_UPPER_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Characters that survive str.split() but are invisible when pasted from web pages and office documents.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")

#: Two-character surnames that a masked name keeps whole (the rest of the name is the part to hide).
_COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
        "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门", "万俟", "闻人",
        "赫连", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠", "仲孙", "呼延",
    }
)  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------


def _clean(value: str) -> str:
    """Drop whitespace and invisible characters, fold full-width ASCII to half-width, upper-case ASCII.

    Only ASCII letters are upper-cased: ``str.upper()`` can change the length of other characters
    (``"ß"`` → ``"SS"``), which would make the reported positions wrong.
    """
    if not isinstance(value, str):
        raise TypeError(f"identifier must be a str, not {type(value).__name__}")
    if value.isascii() and value.isalnum():  # the usual case, and ASCII upper() keeps every position
        return value.upper()
    out: list[str] = []
    for ch in value:
        if ch.isspace() or ch in _INVISIBLE:  # isspace() covers U+3000 IDEOGRAPHIC SPACE
            continue
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:  # FULLWIDTH EXCLAMATION MARK … FULLWIDTH TILDE
            ch = chr(code - 0xFEE0)
        if "a" <= ch <= "z":
            ch = ch.upper()
        out.append(ch)
    return "".join(out)


def _show(ch: str) -> str:
    """Render a character for an error message; control and format characters would show as nothing."""
    return ch if ch.isprintable() else f"U+{ord(ch):04X}"


def _first_not_in(text: str, allowed: Container[str], start: int = 0) -> int | None:
    """0-based index of the first character of ``text[start:]`` not in ``allowed``, or None."""
    for i in range(start, len(text)):
        if text[i] not in allowed:
            return i
    return None


def _require_chars(text: str, allowed: Container[str], *, what: str, label: str) -> None:
    index = _first_not_in(text, allowed)
    if index is not None:
        raise IdentifierError(f"{what}第{index + 1}位“{_show(text[index])}”不是有效{label}", position=index + 1)


def _is_plausible_division(code: str, provinces: Container[str], *, allow_national: bool) -> bool:
    if len(code) != 6 or _first_not_in(code, _DIGITS) is not None:
        return False
    if allow_national and code == USCC_NATIONAL_DIVISION_CODE:
        return True
    return code[:2] in provinces


# ---------------------------------------------------------------------------------------------------------
# Check characters
# ---------------------------------------------------------------------------------------------------------


def uscc_check_char(first17: str) -> str:
    """Check character (第18位) of a USCC, GB 32100-2015 §5.

    C18 = 31 − (Σ Ci·Wi mod 31), where 31 maps to 0; the result is read back through the code alphabet.
    ``first17`` must already be upper case.
    """
    if len(first17) != 17:
        raise IdentifierError(f"计算{_USCC_NAME}校验码需要前17位，实际为{len(first17)}位")
    _require_chars(first17, _USCC_VALUE.keys(), what=_USCC_NAME, label="字符")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def organization_code_check_char(first8: str) -> str:
    """Check character (第9位) of an organisation code, GB 11714-1997 §5.

    C9 = 11 − (Σ Ci·Wi mod 11) with W = 3, 7, 9, 10, 5, 8, 4, 2; 10 is written ``X`` and 11 is ``0``.
    ``first8`` must be digits or upper-case letters.
    """
    if len(first8) != 8:
        raise IdentifierError(f"计算{_ORG_NAME}校验码需要前8位本体代码，实际为{len(first8)}位")
    _require_chars(first8, _ORG_VALUE.keys(), what=_ORG_NAME, label="字符")
    remainder = 11 - sum(_ORG_VALUE[ch] * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        return "X"
    if remainder == 11:
        return "0"
    return str(remainder)


def citizen_id_check_char(first17: str) -> str:
    """Check character (第18位) of a citizen ID, GB 11643-1999 §8.2 (ISO 7064 MOD 11-2, GB/T 17710).

    The check character is ``"10X98765432"[Σ ai·Wi mod 11]``, which makes Σ over all 18 positions ≡ 1.
    """
    if len(first17) != 17:
        raise IdentifierError(f"计算{_CITIZEN_NAME}校验码需要前17位，实际为{len(first17)}位")
    _require_chars(first17, _DIGITS, what=_CITIZEN_NAME, label="数字")
    total = sum(int(ch) * w for ch, w in zip(first17, _CITIZEN_WEIGHTS, strict=True))
    return _CITIZEN_CHECK_CHARS[total % 11]


def _mod_11_10_product(digits: str) -> int:
    """Run the ISO 7064 MOD 11,10 recursion over ``digits`` and return the final P mod 11.

    P₁ = 10; for each digit a: S = (P mod 11) + a, P = (S ||10) × 2, where S ||10 is S mod 10 with 0 read
    as 10. A complete number is valid when the last S ||10 equals 1.
    """
    product = 10
    for ch in digits:
        product = ((product % 11 + int(ch)) % 10 or 10) * 2
    return product % 11


def registration_number_check_digit(first14: str) -> str:
    """Check digit (第15位) of a 15-digit registration number, GS 15-2006 by ISO 7064 MOD 11,10.

    The check digit a₁₅ is the one for which (P₁₅ mod 11) + a₁₅ ≡ 1 (mod 10), i.e. (11 − P₁₅ mod 11) mod 10.
    """
    if len(first14) != 14:
        raise IdentifierError(f"计算{_REG_NAME}校验码需要前14位，实际为{len(first14)}位")
    _require_chars(first14, _DIGITS, what=_REG_NAME, label="数字")
    return str((11 - _mod_11_10_product(first14)) % 10)


# ---------------------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsccParts:
    """The fields of a USCC, GB 32100-2015 §4.1 (positions are 1-based).

    ``organization_code`` is the 主体标识码 of positions 9–17, i.e. a GB 11714 organisation code including
    its own check character.
    """

    registration_authority: str
    registration_authority_label: str
    subject_type: str
    subject_type_label: str
    division_code: str
    organization_code: str


@lru_cache(maxsize=65_536)
def normalize_uscc(value: str) -> str:
    """Return the canonical 18-character USCC or raise :class:`IdentifierError`.

    Cached: a department's pushes repeat the same codes (its own, in every record's authority fields).

    Checks, in order, so that the first message points at the real mistake rather than at the check
    character that a typo elsewhere also breaks: length; every character in :data:`USCC_ALPHABET`; the
    registration authority (第1位) and subject type (第2位) form a combination of GB 32100-2015 Table 1 (see
    :data:`USCC_SUBJECT_TYPES`); the registering office's division code (第3–8位) is six digits with a real
    province-level prefix or is the national code 100000; position 17 is the GB 11714-1997 check character
    of positions 9–16; position 18 is the GB 32100-2015 check character.
    """
    code = _clean(value)
    if not code:
        raise IdentifierError(f"{_USCC_NAME}不能为空")
    if len(code) != 18:
        raise IdentifierError(f"{_USCC_NAME}应为18位，实际为{len(code)}位")

    bad = _first_not_in(code, _USCC_VALUE.keys())
    if bad is not None:
        message = f"{_USCC_NAME}第{bad + 1}位“{_show(code[bad])}”不是有效字符"
        if code[bad] in "IOSVZ":
            message += "（统一社会信用代码不使用字母I、O、S、V、Z）"
        raise IdentifierError(message, position=bad + 1)

    authority, subject_type = code[0], code[1]
    types = USCC_SUBJECT_TYPES.get(authority)
    if types is None:
        raise IdentifierError(f"{_USCC_NAME}第1位登记管理部门代码“{authority}”无效", position=1)
    if subject_type not in types:
        raise IdentifierError(
            f"{_USCC_NAME}第2位机构类别代码“{subject_type}”无效，"
            f"登记管理部门“{USCC_REGISTRATION_AUTHORITIES[authority]}”下没有该类别",
            position=2,
        )

    bad = _first_not_in(code[:8], _DIGITS, start=2)
    if bad is not None:
        raise IdentifierError(
            f"{_USCC_NAME}第{bad + 1}位“{code[bad]}”应为数字（第3-8位为登记管理机关行政区划码）",
            position=bad + 1,
        )
    division = code[2:8]
    if not _is_plausible_division(division, PROVINCE_LEVEL_CODES, allow_national=True):
        raise IdentifierError(f"{_USCC_NAME}第3-8位登记管理机关行政区划码“{division}”无效", position=3)

    expected = organization_code_check_char(code[8:16])
    if code[16] != expected:
        raise IdentifierError(f"{_USCC_NAME}第17位组织机构代码校验码错误，应为“{expected}”", position=17)

    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise IdentifierError(f"{_USCC_NAME}第18位校验码错误，应为“{expected}”", position=18)
    return code


def parse_uscc(code: str) -> UsccParts:
    """Normalise ``code`` (see :func:`normalize_uscc`) and split it into its GB 32100-2015 fields."""
    code = normalize_uscc(code)
    authority, subject_type = code[0], code[1]
    return UsccParts(
        registration_authority=authority,
        registration_authority_label=USCC_REGISTRATION_AUTHORITIES[authority],
        subject_type=subject_type,
        subject_type_label=USCC_SUBJECT_TYPES[authority][subject_type],
        division_code=code[2:8],
        organization_code=code[8:17],
    )


def make_uscc(
    *,
    division_code: str,
    organization_body: str,
    registration_authority: str = "9",
    subject_type: str = "1",
) -> str:
    """Build a valid USCC from its parts, computing both check characters (GB 11714 and GB 32100).

    ``organization_body`` is the 8-character organisation-code body (positions 9–16); it may only use
    characters of :data:`USCC_ALPHABET`. Meant for demo data and tests; raises :class:`IdentifierError`
    when the parts cannot form a valid code.
    """
    if len(organization_body) != 8:
        raise IdentifierError(f"{_ORG_NAME}本体代码应为8位，实际为{len(organization_body)}位")
    _require_chars(organization_body, _USCC_VALUE.keys(), what=f"{_ORG_NAME}本体代码", label="字符")
    first16 = f"{registration_authority}{subject_type}{division_code}{organization_body}"
    first17 = first16 + organization_code_check_char(organization_body)
    if len(first17) != 17:
        raise IdentifierError(
            f"{_USCC_NAME}前17位长度错误，请检查登记管理部门代码、机构类别代码和行政区划码（应为6位）"
        )
    return normalize_uscc(first17 + uscc_check_char(first17))


# ---------------------------------------------------------------------------------------------------------
# 组织机构代码 (GB 11714-1997)
# ---------------------------------------------------------------------------------------------------------


def normalize_organization_code(value: str) -> str:
    """Return the canonical 9-character organisation code (no hyphen) or raise :class:`IdentifierError`.

    GB 11714-1997 prints the code as ``XXXXXXXX-C``; the hyphen before the check character is accepted and
    dropped, anywhere else it is an error. Positions in messages count the 9 characters without the hyphen.
    The body is digits and upper-case letters; the check character is a digit or ``X``.
    """
    code = _clean(value)
    if not code:
        raise IdentifierError(f"{_ORG_NAME}不能为空")
    if len(code) == 10 and code[8] == "-":
        code = code[:8] + code[9]
    if len(code) != 9:
        raise IdentifierError(f"{_ORG_NAME}应为9位（可写作“12345678-9”），实际为{len(code)}位")
    _require_chars(code[:8], _UPPER_ALNUM, what=_ORG_NAME, label="字符")
    expected = organization_code_check_char(code[:8])
    if code[8] != expected:
        raise IdentifierError(f"{_ORG_NAME}第9位校验码错误，应为“{expected}”", position=9)
    return code


# ---------------------------------------------------------------------------------------------------------
# 工商注册号 (GS 15-2006)
# ---------------------------------------------------------------------------------------------------------


def normalize_registration_number(value: str) -> str:
    """Return the canonical 15-digit registration number or raise :class:`IdentifierError`.

    GS 15-2006: positions 1–6 are the registering office's division code (a real province-level prefix, or
    100000 for the national registry), 7–14 a sequence number, 15 an ISO 7064 MOD 11,10 check digit.
    """
    code = _clean(value)
    if not code:
        raise IdentifierError(f"{_REG_NAME}不能为空")
    if len(code) != 15:
        raise IdentifierError(f"{_REG_NAME}应为15位，实际为{len(code)}位")
    _require_chars(code, _DIGITS, what=_REG_NAME, label="数字")
    if not _is_plausible_division(code[:6], PROVINCE_LEVEL_CODES, allow_national=True):
        raise IdentifierError(f"{_REG_NAME}第1-6位登记机关行政区划码“{code[:6]}”无效", position=1)
    expected = registration_number_check_digit(code[:14])
    if code[14] != expected:
        raise IdentifierError(f"{_REG_NAME}第15位校验码错误，应为“{expected}”", position=15)
    return code


# ---------------------------------------------------------------------------------------------------------
# 公民身份号码 (GB 11643-1999)
# ---------------------------------------------------------------------------------------------------------


def _check_citizen_division(division: str) -> None:
    if division[:2] not in CITIZEN_ID_PROVINCE_CODES:
        raise IdentifierError(f"{_CITIZEN_NAME}第1-6位行政区划代码“{division}”无效", position=1)


def _check_birth_date(text: str, *, year: int, month: int, day: int, span: str, today: datetime.date) -> None:
    """Validate the birth date field; ``text`` and ``span`` are only for the message (e.g. "7-14")."""
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        raise IdentifierError(f"{_CITIZEN_NAME}第{span}位出生日期“{text}”不是有效日期", position=7) from None
    if born > today:
        raise IdentifierError(f"{_CITIZEN_NAME}第{span}位出生日期“{text}”晚于当前日期", position=7)
    if born < _CITIZEN_EARLIEST_BIRTH:
        raise IdentifierError(f"{_CITIZEN_NAME}第{span}位出生日期“{text}”早于1900年1月1日", position=7)


def normalize_citizen_id(value: str, *, today: datetime.date | None = None) -> str:
    """Return the canonical 18-character citizen ID or raise :class:`IdentifierError`.

    GB 11643-1999 §5: positions 1–6 address code (its province-level prefix must exist; see
    :data:`CITIZEN_ID_PROVINCE_CODES`), 7–14 birth date YYYYMMDD (a real date, not after ``today`` and not
    before 1900-01-01), 15–17 sequence code, 18 check character (a digit or ``X``; ``x`` is accepted).

    A 15-digit first-generation number (address code, YYMMDD in the 1900s, sequence code, no check
    character) is validated the same way and returned converted to 18 characters, as the public security
    organs did on re-issue: insert ``19`` before the year and append the check character.
    """
    code = _clean(value)
    if not code:
        raise IdentifierError(f"{_CITIZEN_NAME}不能为空")
    today = today or datetime.date.today()

    if len(code) == 15:
        _require_chars(code, _DIGITS, what=_CITIZEN_NAME, label="数字")
        _check_citizen_division(code[:6])
        _check_birth_date(
            code[6:12],
            year=1900 + int(code[6:8]),
            month=int(code[8:10]),
            day=int(code[10:12]),
            span="7-12",
            today=today,
        )
        first17 = f"{code[:6]}19{code[6:]}"
        return first17 + citizen_id_check_char(first17)

    if len(code) != 18:
        raise IdentifierError(f"{_CITIZEN_NAME}应为18位（或15位旧号码），实际为{len(code)}位")
    _require_chars(code[:17], _DIGITS, what=_CITIZEN_NAME, label="数字")
    if code[17] not in _DIGITS and code[17] != "X":
        raise IdentifierError(f"{_CITIZEN_NAME}第18位“{_show(code[17])}”不是有效校验码（应为数字或X）", position=18)
    _check_citizen_division(code[:6])
    _check_birth_date(
        code[6:14],
        year=int(code[6:10]),
        month=int(code[10:12]),
        day=int(code[12:14]),
        span="7-14",
        today=today,
    )
    expected = citizen_id_check_char(code[:17])
    if code[17] != expected:
        raise IdentifierError(f"{_CITIZEN_NAME}第18位校验码错误，应为“{expected}”", position=18)
    return code


def citizen_id_check_char_wrong(value: str, *, today: datetime.date | None = None) -> bool:
    """True for an 18-character number that is a valid citizen ID in every part but its check character
    (position 18): what a person mistyping an ID enters. Callers tell them so instead of the USCC's message
    about its position 2, which is what the number fails first when read as a USCC."""
    code = _clean(value) if isinstance(value, str) else ""
    if len(code) != 18 or not code[:17].isdigit() or (code[17] not in _DIGITS and code[17] != "X"):
        return False
    expected = citizen_id_check_char(code[:17])
    if code[17] == expected:
        return False
    try:
        normalize_citizen_id(code[:17] + expected, today=today)
    except IdentifierError:
        return False
    return True


def make_citizen_id(*, division_code: str, birth_date: datetime.date, sequence: int) -> str:
    """Build a valid 18-character citizen ID (GB 11643-1999) for demo data and tests.

    ``sequence`` is the 3-digit sequence code (0–999; GB 11643 gives odd numbers to men and even numbers to
    women). Raises :class:`IdentifierError` when the parts cannot form a valid number.
    """
    if not 0 <= sequence <= 999:
        raise IdentifierError(f"{_CITIZEN_NAME}顺序码应在0到999之间，实际为{sequence}")
    if len(division_code) != 6 or _first_not_in(division_code, _DIGITS) is not None:
        raise IdentifierError(f"{_CITIZEN_NAME}行政区划代码“{division_code}”应为6位数字")
    first17 = f"{division_code}{birth_date:%Y%m%d}{sequence:03d}"
    return normalize_citizen_id(first17 + citizen_id_check_char(first17))


# ---------------------------------------------------------------------------------------------------------
# Masking for display
# ---------------------------------------------------------------------------------------------------------


def mask_citizen_id(normalized18: str) -> str:
    """Hide the birth date and sequence of a normalised 18-character ID: ``220102********123X``.

    The address code (first 6) and the last 4 are what clerks use to tell records apart on screen; the
    birth date is the part that, combined with a name, identifies a person. Anything that is not 18
    characters is refused rather than masked by guesswork, so an unnormalised value can never leak.
    """
    if len(normalized18) != 18:
        raise IdentifierError(f"{_CITIZEN_NAME}应为18位，实际为{len(normalized18)}位")
    return f"{normalized18[:6]}{'*' * 8}{normalized18[14:]}"


def mask_person_name(name: str) -> str:
    """Keep the surname and replace every other character with ``*``: ``张三`` → ``张*``.

    A known two-character compound surname is kept whole (``欧阳娜娜`` → ``欧阳**``) when there is a given
    name after it; a two-character name is always masked after its first character, since otherwise
    nothing would be hidden. A single-character name becomes ``*``; surrounding whitespace is dropped.
    """
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    kept = 2 if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES else 1
    return name[:kept] + "*" * (len(name) - kept)


# ---------------------------------------------------------------------------------------------------------
# Citizen IDs inside other text
# ---------------------------------------------------------------------------------------------------------

#: 17 digits and a check character, ASCII or full-width, not inside a longer run of digits. A regex is the
#: cheap pre-check that lets validation (5,000+ records/s) skip the checksum for almost every value. People
#: also write the number in its three parts, address, birth date and the rest (``220102 19900307 118X``,
#: ``220102-19900307-118X``): the same separator after the 6th and the 14th character is allowed.
_DIGIT = "[0-9\uff10-\uff19]"
_EMBEDDED_ID = re.compile(
    rf"(?<!{_DIGIT}){_DIGIT}{{6}}(?P<sep>[ \-\u3000]?){_DIGIT}{{8}}(?P=sep){_DIGIT}{{3}}"
    rf"[0-9Xx\uff10-\uff19\uff38\uff58](?!{_DIGIT})"
)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX", " -\u3000")


def _looks_like_citizen_id(code: str) -> bool:
    """GB 11643-1999 check character right and a real birth date (from 1900) in positions 7–14.

    Looser than :func:`normalize_citizen_id` on purpose: the address code is not checked, so numbers built
    on the same rule by other issuers (the 18-digit 外国人永久居留身份证 of 2023 starts with 9) are hidden
    too, and no upper bound on the birth date; the check character and the date already make a random
    18-digit number (a bank account, a USCC of digits) pass only about once in 20,000.
    """
    total = 0
    for weight, digit in zip(_CITIZEN_WEIGHTS, code, strict=False):
        total += weight * (ord(digit) - 48)
    if _CITIZEN_CHECK_CHARS[total % 11] != code[17]:
        return False
    try:
        born = datetime.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return born >= _CITIZEN_EARLIEST_BIRTH


def find_citizen_ids(text: str) -> list[tuple[int, int, str]]:
    """Every 18-character citizen ID number inside ``text``: ``(start, end, normalised ID)``.

    Accepts full-width digits and a lower-case ``x`` (normalised in the result); a run of more than 18
    digits is not an ID (a bank card, a long document number). 15-digit first-generation numbers have no
    check character, so in free text they cannot be told from other numbers and are not looked for.
    """
    if len(text) < 18:
        return []
    found = []
    for match in _EMBEDDED_ID.finditer(text):
        code = match.group().translate(_FULL_WIDTH)
        if _looks_like_citizen_id(code):
            found.append((match.start(), match.end(), code))
    return found


def mask_citizen_ids_in_text(text: str) -> str:
    """``text`` with every citizen ID number in it replaced by its masked form (:func:`mask_citizen_id`).

    Pure and cheap on text without 17 digits in a row, which is nearly all text: it runs on every value a
    department sends, and on every log line.
    """
    found = find_citizen_ids(text)
    if not found:
        return text
    parts, last = [], 0
    for start, end, code in found:
        parts += [text[last:start], mask_citizen_id(code)]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def mask_citizen_ids_deep(value):
    """A copy of a JSON-like value (dicts, lists, strings; keys too) with citizen ID numbers masked."""
    if isinstance(value, str):
        return mask_citizen_ids_in_text(value)
    if isinstance(value, dict):
        return {mask_citizen_ids_deep(k): mask_citizen_ids_deep(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_citizen_ids_deep(v) for v in value]
    return value


def mask_document_number(value: str) -> str:
    """An identity document number as the public may see it (passport, 港澳台通行证, 居留证...).

    A citizen ID number is masked as such; any other number keeps a quarter of its characters at each end
    (at least one) — enough for its holder to recognise it, not enough to use it: ``E12345678`` →
    ``E1*****78``. A value already masked is returned as it is.
    """
    value = value.strip()
    if "*" in value:
        return value
    code = _clean(value).translate(_FULL_WIDTH)
    if len(code) == 18 and _EMBEDDED_ID.fullmatch(code) and _looks_like_citizen_id(code):
        return mask_citizen_id(code)
    if len(value) <= 4:
        return "*" * len(value)
    kept = max(1, len(value) // 4)
    return value[:kept] + "*" * (len(value) - 2 * kept) + value[-kept:]


# ---------------------------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentifierMatch:
    """Which scheme a free-form identifier belongs to, and its normalised value."""

    scheme: str
    value: str


def classify_identifier(value: str) -> IdentifierMatch | None:
    """Recognise a free-form identifier, or return None when no scheme validates it.

    Schemes are tried in this order: USCC, citizen ID, registration number, organisation code; the first
    that validates wins and its normalised value is returned.

    Ambiguity: a first-generation 15-digit citizen ID has no check character, so any 15 digits whose first
    six have a province-level prefix and whose positions 7–12 are a valid YYMMDD date are a well-formed
    ID, and about one such string in ten also carries a valid MOD 11,10 registration-number check digit.
    Such strings are classified as citizen IDs (and returned converted to 18 characters); 15-digit strings
    whose positions 7–12 are not a date fall through to the registration number. Callers that know the
    scheme from context should call the specific ``normalize_*`` function instead.
    """
    attempts = (
        (SCHEME_USCC, normalize_uscc),
        (SCHEME_CITIZEN_ID, normalize_citizen_id),
        (SCHEME_REGISTRATION_NUMBER, normalize_registration_number),
        (SCHEME_ORGANIZATION_CODE, normalize_organization_code),
    )
    for scheme, normalize in attempts:
        try:
            return IdentifierMatch(scheme=scheme, value=normalize(value))
        except IdentifierError:
            continue
    return None
