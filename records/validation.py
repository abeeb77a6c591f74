"""Checking a record's data against its catalog type. Pure Python over frozen specs: no Django, no database.

Every problem is reported under the national field code it concerns (``CF_XDR_SHXYM``...), in Chinese,
so a department system can map it to its own form and a clerk can read it. A record that fails any
check is refused whole; nothing of it is stored.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

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


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


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


def _clean_value(spec: FieldSpec, text: str, problems: Invalid) -> str | None:
    """The normalised text of one value, or None after reporting why it is wrong."""
    if spec.max_length and len(text) > spec.max_length:
        problems.add(spec.code, f"{spec.label}不能超过{spec.max_length}个字符（当前{len(text)}个）。")
        return None
    if spec.type == DATE:
        parsed = parse_date(text)
        if parsed is None:
            problems.add(spec.code, f"{spec.label}“{text}”不是有效日期，应为YYYY-MM-DD格式。")
            return None
        return parsed.isoformat()
    if spec.type == DECIMAL:
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            problems.add(spec.code, f"{spec.label}“{text}”不是有效数值。")
            return None
        if not number.is_finite() or number < 0:
            problems.add(spec.code, f"{spec.label}应为不小于0的数值。")
            return None
        return format(number.normalize(), "f")
    if spec.type == ENUM:
        values = [part.strip() for part in MULTI_SEPARATORS.split(text)] if spec.multiple else [text]
        values = [value for value in values if value]
        wrong = [value for value in values if value not in spec.enum_values]
        if wrong or not values:
            allowed = "、".join(spec.enum_values)
            problems.add(spec.code, f"{spec.label}“{'、'.join(wrong) or text}”不在可选值中（可选：{allowed}）。")
            return None
        return ";".join(dict.fromkeys(values))
    return text


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
    texts = {code: _as_text(raw[code]) if code in raw else "" for code in fields}

    kind = ""
    if spec.subject_kind_field and texts.get(spec.subject_kind_field):
        kind = KIND_BY_CATEGORY.get(texts[spec.subject_kind_field], "")

    data: dict[str, str] = {}
    clear_citizen_id = ""
    for code, field_spec in fields.items():
        text = texts[code]
        if not text:
            if _is_required(field_spec, kind):
                problems.add(code, f"{field_spec.label}不能为空。")
            continue
        value = _clean_value(field_spec, text, problems)
        if value is None:
            continue
        if field_spec.type == IDENTIFIER:
            value = _normalise_identifier(field_spec, value, problems)
            if value is None:
                continue
        data[code] = value

    # The document number is a citizen ID only when the document type says so (or no type field exists).
    if stored and spec.citizen_id_field and MASKED_CITIZEN_ID.match(data.get(spec.citizen_id_field, "")):
        pass  # already masked when it was received; the subject is already resolved
    elif spec.citizen_id_field and data.get(spec.citizen_id_field):
        document = data.get(spec.citizen_id_type_field, CITIZEN_ID_DOCUMENT) if spec.citizen_id_type_field else ""
        if document == CITIZEN_ID_DOCUMENT or not spec.citizen_id_type_field:
            try:
                clear_citizen_id = ids.normalize_citizen_id(data[spec.citizen_id_field])
            except ids.IdentifierError as error:
                problems.add(spec.citizen_id_field, str(error))
            else:
                data[spec.citizen_id_field] = ids.mask_citizen_id(clear_citizen_id)

    decided_on = None
    if spec.decided_on_field and spec.decided_on_field in data:
        decided_on = datetime.date.fromisoformat(data[spec.decided_on_field])
        if decided_on > today:
            problems.add(spec.decided_on_field, "决定日期不能晚于今天。")
    end_date = None
    if spec.end_date_field and spec.end_date_field in data:
        end_date = datetime.date.fromisoformat(data[spec.end_date_field])
        if decided_on and end_date < decided_on:
            problems.add(spec.end_date_field, "截止日期不能早于决定日期。")

    if problems.errors:
        return problems
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
