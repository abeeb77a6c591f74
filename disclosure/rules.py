"""What the public may see. Pure functions over plain data: no Django, no database.

A record is public only if (DESIGN.md §4; seed 002 items 24–25, 77):
- its type's disclosure level is public (not shared with government only, not restricted);
- it is active — not pending review, unmatched, rejected, revoked or repaired;
- the publication rules gave it a window (``publishable``) and the date is inside it: from the start to
  the end inclusive (a window without an end lasts until something ends it, e.g. a list exit). Warning-only
  and simplified-procedure penalties are never published: ``records.rules.withheld_reason`` decides that
  when the record is written, and ``publishable`` stores it;
- an objection does not hide it: a record under objection stays visible with the mark "异议处理中" unless
  an admin has suspended its publication.

The SQL filter in ``disclosure.selectors.public_records`` must say the same thing; a test holds the two
together on a table of cases. Masking of natural persons is ``subjects.identifiers.mask_person_name`` and
``mask_citizen_id`` (pure as well); what of a record's data is shown is :func:`public_record_data`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.vocabulary import (
    DISCLOSURE_PUBLIC,
    DOCUMENT_NUMBER_SUFFIX,
    OBJECTION_NONE,
    OBJECTION_PENDING,
    OBJECTION_SUSPENDED,
    RECORD_ACTIVE,
)
from subjects.identifiers import mask_citizen_ids_in_text, mask_document_number, mask_person_name

PUBLIC, ACTIVE = DISCLOSURE_PUBLIC, RECORD_ACTIVE


@dataclass(frozen=True)
class RecordView:
    disclosure_level: str
    status: str
    publishable: bool
    start: datetime.date | None
    end: datetime.date | None
    objection: str = OBJECTION_NONE


@dataclass(frozen=True)
class Visibility:
    public: bool
    reason: str
    objection_mark: bool = False


def record_visibility(record: RecordView, as_of: datetime.date) -> Visibility:
    """Whether the public sees the record on ``as_of``, and why not when it does not."""
    if record.disclosure_level != PUBLIC:
        return Visibility(False, "该类信息不向社会公开")
    if record.status != ACTIVE:
        return Visibility(False, "记录不在有效状态（待审核、已撤销、已修复等）")
    if not record.publishable or record.start is None:
        return Visibility(False, "按公示规则不予公示")
    if as_of < record.start:
        return Visibility(False, "尚未开始公示")
    if record.end is not None and as_of > record.end:
        return Visibility(False, "公示期已届满")
    if record.objection == OBJECTION_SUSPENDED:
        return Visibility(False, "异议处理中，暂停公示")
    return Visibility(True, "公示中", objection_mark=record.objection == OBJECTION_PENDING)


@dataclass(frozen=True)
class RepairFacts:
    polarity: str
    status: str
    repair_eligible_on: datetime.date | None
    held_on: str = ""  # a list the record keeps its subject on that only its authority ends (not repairable)


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    from_date: datetime.date | None = None


def repair_eligibility(facts: RepairFacts, as_of: datetime.date) -> Eligibility:
    """Whether a record may be repaired on ``as_of``: a published negative record whose minimum publication
    period under its regime and severity has passed (NDRC Order 36 of 2025: 3 months for general, 1 year for
    severe penalties). The obligations and the signed commitment are the application's to show."""
    if facts.polarity != "negative":
        return Eligibility(False, "只有失信信息可以申请信用修复。")
    if facts.status != ACTIVE:
        return Eligibility(False, "该记录不在公示状态，无需修复。")
    if facts.held_on:
        return Eligibility(False, f"该记录使主体列入“{facts.held_on}”，不适用信用修复，须由认定机关依规移出。")
    if facts.repair_eligible_on is None:
        return Eligibility(False, "该类信息不适用信用修复，须由认定机关依规移出。")
    if as_of < facts.repair_eligible_on:
        return Eligibility(
            False,
            f"最短公示期未满，{facts.repair_eligible_on.isoformat()} 起可申请信用修复。",
            facts.repair_eligible_on,
        )
    return Eligibility(True, "已满足最短公示期，可以申请信用修复。", facts.repair_eligible_on)


def public_record_data(
    data: Mapping[str, object], *, document_number_field: str = "", person_names: Iterable[str] = ()
) -> dict[str, str]:
    """A record's data as the public sees it, on pages, in reports and in open data (seed 002 item 77).

    Identity document numbers (the type's document-number field and any ``*_ZJHM``) are masked whatever
    the declared document type: a passport or 通行证 number identifies a person as a citizen ID does
    (``mask_document_number``). Any citizen ID number inside another value is masked too: validation
    masks them on arrival, and this keeps records stored before it did (or typed into a new field) from
    ever showing one. ``person_names`` (a natural person's names, of two characters or more) are masked
    wherever a value contains them: a penalty's content often names the person (对张三处以罚款).
    """
    names = sorted({name.strip() for name in person_names if len(name.strip()) >= 2}, key=len, reverse=True)
    public = {}
    for code, value in data.items():
        text = value if isinstance(value, str) else "" if value is None else str(value)
        if code == document_number_field or code.endswith(DOCUMENT_NUMBER_SUFFIX):
            public[code] = mask_document_number(text)
            continue
        text = mask_citizen_ids_in_text(text)
        for name in names:
            text = text.replace(name, mask_person_name(name))
        public[code] = text
    return public
