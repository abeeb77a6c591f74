"""Checking a record's data against its catalog type. Pure Python over frozen specs: no Django, no database.

Every problem is reported under the national field code it concerns (``CF_XDR_SHXYM``...), in Chinese,
so a department system can map it to its own form and a clerk can read it. A record that fails any
check is refused whole; nothing of it is stored.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from core.text import UNSAFE_CHARACTERS
from subjects import identifiers as ids
from subjects.claims import SubjectClaim

# Field types and requirements: the values of records.choices.FieldType / FieldRequirement.
TEXT, DATE, DECIMAL, ENUM, IDENTIFIER = "text", "date", "decimal", "enum", "identifier"
ALWAYS, ORGANISATION, NATURAL_PERSON, OPTIONAL = "always", "organisation", "natural_person", "optional"

# Values of the subject-category field (CF_XDR_LB / XK_XDR_LB) in the national 双公示 format.
KIND_BY_CATEGORY = {
    "法人及非法人组织": "legal_entity",
    "法人和非法人组织": "legal_entity",
    "个体工商户": "individual_business",
    "自然人": "natural_person",
}
CITIZEN_ID_DOCUMENT = "身份证"
MULTI_SEPARATORS = re.compile(r"[;；,，、]")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class FieldSpec:
    code: str
    label: str
    type: str
    requirement: str = OPTIONAL
    enum_values: tuple[str, ...] = ()
    multiple: bool = False
    max_length: int | None = None
    identifier_scheme: str = ""


@dataclass(frozen=True)
class TypeSpec:
    """What validation needs to know of a record type (built from ``RecordType`` by the services)."""

    code: str
    fields: tuple[FieldSpec, ...]
    subject_name_field: str
    subject_kind_field: str = ""
    uscc_field: str = ""
    citizen_id_type_field: str = ""
    citizen_id_field: str = ""
    registration_number_field: str = ""
    organization_code_field: str = ""
    record_id_fields: tuple[str, ...] = ()
    decided_on_field: str = ""
    end_date_field: str = ""

    @cached_property
    def field_map(self) -> dict[str, FieldSpec]:
        return {spec.code: spec for spec in self.fields}

    @cached_property
    def subject_fields(self) -> frozenset[str]:
        """The fields that say who the record is about: a correction never changes them (that is a revocation
        and a new record)."""
        return frozenset(
            {
                self.subject_name_field,
                self.subject_kind_field,
                self.uscc_field,
                self.citizen_id_type_field,
                self.citizen_id_field,
                self.registration_number_field,
                self.organization_code_field,
            }
            - {""}
        )


@dataclass(frozen=True)
class CleanRecord:
    """A record that passed every check: normalised data (citizen IDs masked), its key and dates."""

    data: dict[str, str]
    source_id: str
    subject: SubjectClaim
    decided_on: datetime.date
    end_date: datetime.date | None = None


@dataclass
class Invalid:
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, code: str, message: str) -> None:
        self.errors.setdefault(code, []).append(message)


# Bounds of dates and amounts a record may carry: nothing of this platform predates the People's Republic,
# an event date is at most a year ahead (a decision scheduled to take effect), a validity end at most the
# conventional "long-term" date of the national format, and an amount in 万元 at most 10^8 (a trillion yuan).
EARLIEST_DATE = datetime.date(1949, 10, 1)
EVENT_DATE_HORIZON_DAYS = 366
LATEST_PERIOD_END = datetime.date(2099, 12, 31)
PERIOD_END_LABEL_WORDS = ("有效期至", "有效期", "截止")
MAX_AMOUNT = Decimal(100_000_000)
MAX_DECIMAL_PLACES = 6
MAX_INTEGER_DIGITS = 30
#: Excel keeps 15 significant digits of a number: an 18-digit citizen ID typed into a numeric cell arrives as
#: 2.2010319850103E+17, whose digits past the 15th are gone — read as an integer it can be another valid
#: ID (220103198501030024 → 220103198501030016), a record published against the wrong person. Such a
#: number (a float this large, from a workbook or JSON) is refused; an exact integer is read as it is.
MAX_EXACT_FLOAT = 10**15


class RefusedValue(str):
    """A raw value of a JSON type no field accepts (list, object, boolean, NaN): non-empty, so the required
    check does not hide it, and reported by ``_clean_value`` under its field code with ``reason``."""

    reason: str

    def __new__(cls, reason: str) -> RefusedValue:
        refused = super().__new__(cls, "?")
        refused.reason = reason
        return refused


def _as_text(value) -> str:
    """The text of one raw value. Text and numbers are accepted (a number where text is expected is read as
    its digits); booleans, lists and objects are refused, as are NaN and infinities."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return RefusedValue("应为文本或数值，不能是布尔值（true/false）。")
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return RefusedValue("应为文本或数值，不能是数组或对象。")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float | Decimal) and not _is_finite(value):
        return RefusedValue("不是有效数值。")
    if isinstance(value, int) and abs(value) >= 10**MAX_INTEGER_DIGITS:
        return RefusedValue(f"数值位数过多（超过{MAX_INTEGER_DIGITS}位）。")
    if isinstance(value, float) and abs(value) >= MAX_EXACT_FLOAT:
        return RefusedValue("数值超过15位有效数字，末几位已丢失：身份证号等长号码请以文本格式填写。")
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 10**MAX_INTEGER_DIGITS else RefusedValue("数值过大。")
    return " ".join(str(value).split())


def _is_finite(number: float | Decimal) -> bool:
    return number.is_finite() if isinstance(number, Decimal) else math.isfinite(number)


def parse_date(text: str) -> datetime.date | None:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the common case, without strptime's cost
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass  # strptime below also takes what fromisoformat does not, such as full-width digits
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _clean_value(spec: FieldSpec, text: str, problems: Invalid, *, today: datetime.date | None = None) -> str | None:
    """The normalised text of one value, or None after reporting why it is wrong."""
    if isinstance(text, RefusedValue):
        problems.add(spec.code, f"{spec.label}{text.reason}")
        return None
    if UNSAFE_CHARACTERS.search(text):
        problems.add(spec.code, f"{spec.label}包含不允许的控制字符或无效字符（如 NUL），请删除后重新报送。")
        return None
    if spec.max_length and len(text) > spec.max_length:
        problems.add(spec.code, f"{spec.label}不能超过{spec.max_length}个字符（当前{len(text)}个）。")
        return None
    if spec.type == DATE:
        parsed = parse_date(text)
        if parsed is None:
            problems.add(spec.code, f"{spec.label}“{text[:40]}”不是有效日期，应为YYYY-MM-DD格式。")
            return None
        if not _date_in_range(spec, parsed, today, problems):
            return None
        return parsed.isoformat()
    if spec.type == DECIMAL:
        return _clean_amount(spec, text, problems)
    if spec.type == ENUM:
        values = [part.strip() for part in MULTI_SEPARATORS.split(text)] if spec.multiple else [text]
        values = [value for value in values if value]
        wrong = [value for value in values if value not in spec.enum_values]
        if wrong or not values:
            allowed = "、".join(spec.enum_values)
            shown = "、".join(wrong)[:100] or text[:100]
            problems.add(spec.code, f"{spec.label}“{shown}”不在可选值中（可选：{allowed}）。")
            return None
        return ";".join(dict.fromkeys(values))
    return text


def _is_period_end(spec: FieldSpec) -> bool:
    """Validity ends and disclosure deadlines lie years ahead (a licence valid to 2099-12-31 is "long-term");
    every other date is an event that has happened or is about to."""
    return any(word in spec.label for word in PERIOD_END_LABEL_WORDS) and not spec.label.endswith("自")


def _date_in_range(spec: FieldSpec, day: datetime.date, today: datetime.date | None, problems: Invalid) -> bool:
    if day < EARLIEST_DATE:
        problems.add(spec.code, f"{spec.label}不能早于1949-10-01。")
        return False
    if _is_period_end(spec):
        latest, hint = LATEST_PERIOD_END, "（长期有效请填写2099-12-31）"
    else:
        latest = (today or datetime.date.today()) + datetime.timedelta(days=EVENT_DATE_HORIZON_DAYS)
        hint = ""
    if day > latest:
        problems.add(spec.code, f"{spec.label}不能晚于{latest.isoformat()}{hint}。")
        return False
    return True


def _clean_amount(spec: FieldSpec, text: str, problems: Invalid) -> str | None:
    """An amount in 万元: a finite number from 0 to 10^8 with at most six decimals (一元 is 0.0001 万元)."""
    if len(text) > MAX_INTEGER_DIGITS + MAX_DECIMAL_PLACES + 8:
        problems.add(spec.code, f"{spec.label}不是有效数值。")
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        problems.add(spec.code, f"{spec.label}“{text}”不是有效数值。")
        return None
    if not number.is_finite() or number < 0:
        problems.add(spec.code, f"{spec.label}应为不小于0的数值。")
        return None
    if number > MAX_AMOUNT:
        problems.add(spec.code, f"{spec.label}不能超过{MAX_AMOUNT:,}（单位：万元），请核对单位。")
        return None
    if -number.as_tuple().exponent > MAX_DECIMAL_PLACES and number != number.quantize(Decimal(1).scaleb(-6)):
        problems.add(spec.code, f"{spec.label}最多保留{MAX_DECIMAL_PLACES}位小数。")
        return None
    return format(number.normalize(), "f")


def _normalise_identifier(spec: FieldSpec, text: str, problems: Invalid) -> str | None:
    normalize = {
        ids.SCHEME_USCC: ids.normalize_uscc,
        ids.SCHEME_CITIZEN_ID: ids.normalize_citizen_id,
        ids.SCHEME_REGISTRATION_NUMBER: ids.normalize_registration_number,
        ids.SCHEME_ORGANIZATION_CODE: ids.normalize_organization_code,
    }.get(spec.identifier_scheme)
    if normalize is None:
        return text
    try:
        return normalize(text)
    except ids.IdentifierError as error:
        problems.add(spec.code, str(error))
        return None


def _is_required(spec: FieldSpec, kind: str) -> bool:
    if spec.requirement == ALWAYS:
        return True
    if spec.requirement == ORGANISATION:
        return kind in ("legal_entity", "individual_business")
    if spec.requirement == NATURAL_PERSON:
        return kind == "natural_person"
    return False


MASKED_CITIZEN_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")
# Identifier fields checked against another scheme (USCC, registration number, organisation code): a valid
# value there is not a citizen ID, and a citizen ID there fails that scheme's check, whose messages name a
# position, never the whole value.
OTHER_SCHEMES = (ids.SCHEME_USCC, ids.SCHEME_REGISTRATION_NUMBER, ids.SCHEME_ORGANIZATION_CODE)
DOCUMENT_SEPARATORS = re.compile(r"[\s\-\u3000]")


def _without_citizen_ids(spec: TypeSpec, texts: dict[str, str]) -> dict[str, str]:
    """Every value with the citizen ID numbers inside it masked, before anything else reads it (GB/T 35273
    minimisation; seed 002 item 77): free text, names, enum and date values alike, so neither the stored
    record, its versions, nor an error message that quotes a bad value can hold one in clear. The document
    number is left to :func:`_document_number`, which needs it in clear to identify the person."""
    fields = spec.field_map
    for code, text in texts.items():
        if len(text) < 18 or code == spec.citizen_id_field:
            continue
        if fields[code].type == IDENTIFIER and fields[code].identifier_scheme in OTHER_SCHEMES:
            continue
        texts[code] = ids.mask_citizen_ids_in_text(text)
    return texts


def _document_number(spec: TypeSpec, data: dict[str, str], kind: str, problems: Invalid, *, stored: bool) -> str:
    """Mask the document number in ``data``; return the citizen ID in clear when it identifies the person.

    Declared 身份证 (or a type without a document-type field): the number must be a valid citizen ID and
    identifies the subject, as before. Declared another document (护照号, 通行证...) but the number is a
    valid 18-digit citizen ID: the declaration is wrong, the number is still a citizen ID — it is masked
    like one, and for a natural person it identifies the person like one (otherwise the record could never
    be matched: its number is masked and a passport number identifies nobody here). For an organisation it
    is only masked: an organisation is keyed by its own codes, never by a person's number. Any other number
    is kept as reported; citizen IDs inside it are masked, and the public sees it masked
    (``subjects.identifiers.mask_document_number``).
    """
    field_code = spec.citizen_id_field
    value = data.get(field_code, "") if field_code else ""
    if not value:
        return ""
    if stored and MASKED_CITIZEN_ID.match(value):
        return ""  # already masked when it was received; the subject is already resolved
    document = data.get(spec.citizen_id_type_field, CITIZEN_ID_DOCUMENT) if spec.citizen_id_type_field else ""
    if document == CITIZEN_ID_DOCUMENT or not spec.citizen_id_type_field:
        try:
            clear = ids.normalize_citizen_id(value)
        except ids.IdentifierError as error:
            problems.add(field_code, str(error))
            data[field_code] = ids.mask_citizen_ids_in_text(value)
            return ""
        data[field_code] = ids.mask_citizen_id(clear)
        return clear
    compact = DOCUMENT_SEPARATORS.sub("", value)  # "220102 19900307 118X" is written with spaces too
    found = ids.find_citizen_ids(compact)
    if len(found) == 1 and found[0][0] == 0 and found[0][1] == len(compact):
        data[field_code] = ids.mask_citizen_id(found[0][2])
        try:
            clear = ids.normalize_citizen_id(found[0][2])
        except ids.IdentifierError:
            return ""  # built like a citizen ID but not one (another issuer's number): masked, not a key
        return clear if kind == "natural_person" else ""
    data[field_code] = ids.mask_citizen_ids_in_text(value)
    return ""


def _without_citizen_ids_in_errors(problems: Invalid) -> Invalid:
    """The problems with any citizen ID in a field code or a message masked: errors are stored (batch error
    reports, statistics by field code) and logged, and some quote the value they refuse."""
    return Invalid(
        {
            ids.mask_citizen_ids_in_text(code): [ids.mask_citizen_ids_in_text(m) for m in messages]
            for code, messages in problems.errors.items()
        }
    )


def validate_record(
    spec: TypeSpec, raw: Mapping, *, today: datetime.date, stored: bool = False
) -> CleanRecord | Invalid:
    """Check ``raw`` (field code → value) against ``spec``; returns the clean record or every problem found.

    ``stored``: the data comes from a stored record (a correction), whose citizen ID is already masked and
    is kept as it is.
    """
    problems = Invalid()
    if not isinstance(raw, Mapping):
        problems.add("data", "data 应为以字段代码为键的对象。")
        return problems
    fields = spec.field_map
    for code in raw:
        if code not in fields:
            problems.add(str(code), f"字段“{code}”不属于“{spec.code}”类型的数据项。")
    texts = _without_citizen_ids(spec, {code: _as_text(raw[code]) if code in raw else "" for code in fields})

    kind = ""
    if spec.subject_kind_field and texts.get(spec.subject_kind_field):
        kind = KIND_BY_CATEGORY.get(texts[spec.subject_kind_field], "")

    data: dict[str, str] = {}
    for code, field_spec in fields.items():
        text = texts[code]
        if not text:
            if _is_required(field_spec, kind):
                problems.add(code, f"{field_spec.label}不能为空。")
            continue
        value = _clean_value(field_spec, text, problems, today=today)
        if value is None:
            continue
        if field_spec.type == IDENTIFIER:
            value = _normalise_identifier(field_spec, value, problems)
            if value is None:
                continue
        data[code] = value

    clear_citizen_id = _document_number(spec, data, kind, problems, stored=stored)

    decided_on = None
    if spec.decided_on_field and spec.decided_on_field in data:
        decided_on = datetime.date.fromisoformat(data[spec.decided_on_field])
        if decided_on > today:
            problems.add(spec.decided_on_field, "决定日期不能晚于今天。")
    end_date = None
    if spec.end_date_field and spec.end_date_field in data:
        end_date = datetime.date.fromisoformat(data[spec.end_date_field])
    # Every date that ends a period (the record's end, a penalty's 有效期 or 公示截止期) comes after the decision.
    for code, field_spec in fields.items():
        is_end = code == spec.end_date_field or (field_spec.type == DATE and _is_period_end(field_spec))
        if decided_on and is_end and code in data and datetime.date.fromisoformat(data[code]) < decided_on:
            problems.add(code, f"{field_spec.label}不能早于决定日期。")

    if problems.errors:
        return _without_citizen_ids_in_errors(problems)
    source_id = "|".join(data.get(code, "") for code in spec.record_id_fields)
    subject = SubjectClaim(
        name=data.get(spec.subject_name_field, ""),
        kind=kind,
        uscc=data.get(spec.uscc_field, "") if spec.uscc_field else "",
        citizen_id=clear_citizen_id,
        registration_number=data.get(spec.registration_number_field, "") if spec.registration_number_field else "",
        organization_code=data.get(spec.organization_code_field, "") if spec.organization_code_field else "",
    )
    return CleanRecord(data=data, source_id=source_id, subject=subject, decided_on=decided_on, end_date=end_date)
