"""Department queries of restricted credit information (graded query rights) and special queries (特殊查询).

Seed 000 四(七) "各行业主管部门要对信用信息进行分类分级管理，确定公开范围、查询权限，特殊查询需求特殊申请";
seed 003 item 15 (the same, nationally); seed 002 item 77 ("规范信用信息查询使用权限和程序，防止信用信息泄露
和非法使用"). A department reads another department's restricted records only for a stated purpose and within
the grants the credit centre gave it; anything beyond is a special query the credit centre decides. Every read
served is written to the subject's access log (``subjects.services.subject_access_record``: the entry the
subject sees and the audit event, together).

Special queries, one service per transition (lock, check, event, audit):

    submitted ──approve──▶ approved ──issue──▶ issued ──expire──▶ expired
        └──refuse──▶ refused
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core.errors import DomainError
from core.uploads import upload_store
from organisations.models import Department
from records.choices import DisclosureLevel
from records.models import CreditRecord, RecordType
from records.selectors import calendar_overrides
from records.workdays import add_workdays
from rights.services import ApplicationError, evidence_check
from subjects import identifiers as ids
from subjects.choices import AccessKind
from subjects.models import CreditSubject
from subjects.selectors import subjects_by_codes
from subjects.services import subject_access_record

from . import selectors
from .choices import QueryPurpose, SpecialQueryState
from .models import SpecialQuery, SpecialQueryEvent, SpecialQueryFile

#: A query answers at most this many records (a subject's restricted records are few; this bounds a response).
MAX_QUERY_RECORDS = 500
#: Subjects one special-query application may name.
MAX_SPECIAL_SUBJECTS = 20


class QueryError(DomainError):
    """A rule of department queries or special queries refused the request."""


def _purpose_clean(purpose: str, note: str) -> tuple[str, str]:
    """The purpose from the fixed list and its note (required for 其他), or ``QueryError`` on its field."""
    if purpose not in QueryPurpose.values:
        # Words for people (the page's select); the API documents the codes in the field's help text.
        raise QueryError("请选择查询事由。", code="purpose_required", field="purpose")
    note = ids.mask_citizen_ids_in_text(" ".join((note or "").split()))
    if purpose == QueryPurpose.OTHER and not note:
        raise QueryError("查询事由为“其他”时，须说明具体事由。", code="purpose_note_required", field="purpose_note")
    if len(note) > 150:
        raise QueryError("事由说明不超过150字。", code="purpose_note_too_long", field="purpose_note")
    return purpose, note


def purpose_text(purpose: str, note: str) -> str:
    """The purpose as the subject reads it in its access log."""
    label = QueryPurpose(purpose).label
    return f"{label}：{note}" if note else label


def _subject_for(code: str) -> CreditSubject:
    code = (code or "").strip()
    if not code:
        raise QueryError("请填写主体的统一社会信用代码或身份证号码。", code="subject_required", field="subject")
    found, errors = subjects_by_codes([code])
    if code in errors:
        raise QueryError(f"代码无效：{errors[code]}", code="invalid_subject", field="subject")
    if code not in found:
        raise QueryError("未找到该代码对应的信用主体。", code="unknown_subject", field="subject")
    return CreditSubject.objects.get(pk=found[code].pk)


# Graded query rights -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    """What one department query served: the subject, the types the grants opened, the records (at most
    ``MAX_QUERY_RECORDS``, newest first) and the access-log entry the subject sees."""

    subject: CreditSubject
    purpose: str
    purpose_note: str
    types: list[RecordType]
    records: list[CreditRecord]
    truncated: bool
    access_id: int

    @property
    def purpose_label(self) -> str:
        return QueryPurpose(self.purpose).label


NO_GRANT = (
    "本部门没有查询其他部门政务共享、授权查询类信息的权限，或权限已过期。请联系信用中心开通查询权限，"
    "或对具体主体提出特殊查询申请。"
)


def _grants_basis(grant_ids: list[int], limit: int = 200) -> str:
    """ "部门查询权限 #3、#7…" within the access log's 200 characters (the rest counted, each in the audit trail)."""
    text = "部门查询权限 " + "、".join(f"#{pk}" for pk in grant_ids)
    shown = len(grant_ids)
    while len(text) > limit:
        shown -= 1
        text = "部门查询权限 " + "、".join(f"#{pk}" for pk in grant_ids[:shown]) + f"等{len(grant_ids)}项"
    return text


@transaction.atomic
def department_query(
    *,
    department: Department,
    code: str,
    purpose: str,
    purpose_note: str = "",
    actor: Actor,
    as_of: datetime.date | None = None,
) -> QueryResult:
    """Serve a department's query of one subject's restricted records: its own department's, and other
    departments' of the types its grants in force open. Refused (``QueryError``, nothing written) without a
    purpose from the list, without any grant in force (code ``no_grant``), or for an unknown subject; checked
    in that order, so a department without rights learns nothing about the subject. The read is written to
    the subject's access log with the purpose, the types and the grants (and its audit event)."""
    purpose, purpose_note = _purpose_clean(purpose, purpose_note)
    readable = selectors.readable_types(department, as_of or timezone.localdate())
    if not readable:
        raise QueryError(NO_GRANT, code="no_grant")
    subject = _subject_for(code)
    rows = list(
        selectors.restricted_records_readable(
            department=department, subject=subject, type_ids={t.pk for t in readable}
        )[: MAX_QUERY_RECORDS + 1]
    )
    types = sorted(readable, key=lambda t: t.code)
    grant_ids = sorted({pk for covering in readable.values() for pk in covering})
    access = subject_access_record(
        subject=subject,
        kind=AccessKind.DEPARTMENT,
        accessor=department.name,
        accessor_code=department.code,
        purpose=purpose_text(purpose, purpose_note),
        actor=actor,
        scope=[t.code for t in types],
        basis=_grants_basis(grant_ids),
    )
    return QueryResult(
        subject=subject,
        purpose=purpose,
        purpose_note=purpose_note,
        types=types,
        records=rows[:MAX_QUERY_RECORDS],
        truncated=len(rows) > MAX_QUERY_RECORDS,
        access_id=access.pk,
    )


# Special queries -----------------------------------------------------------------------------------------------

STEP_LABELS = {"approve": "批准", "refuse": "不予批准", "issue": "出具结果", "expire": "到期失效"}
TRANSITIONS = {
    "approve": ({SpecialQueryState.SUBMITTED}, SpecialQueryState.APPROVED),
    "refuse": ({SpecialQueryState.SUBMITTED}, SpecialQueryState.REFUSED),
    "issue": ({SpecialQueryState.APPROVED}, SpecialQueryState.ISSUED),
    "expire": ({SpecialQueryState.ISSUED}, SpecialQueryState.EXPIRED),
}
#: Numbers are drawn at random: a clash (the unique constraint) is drawn again, this many times at most.
NUMBER_ATTEMPTS = 3


def _special_subjects(codes: list[str]) -> list[CreditSubject]:
    codes = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    if not codes:
        raise QueryError("请填写要查询的主体代码。", code="subject_required", field="subjects")
    if len(codes) > MAX_SPECIAL_SUBJECTS:
        raise QueryError(
            f"一次申请最多查询{MAX_SPECIAL_SUBJECTS}个主体，本次{len(codes)}个。",
            code="too_many_subjects",
            field="subjects",
        )
    found, errors = subjects_by_codes(codes)
    if errors:
        code, message = next(iter(errors.items()))
        raise QueryError(f"代码“{code}”无效：{message}", code="invalid_subject", field="subjects")
    missing = [code for code in codes if code not in found]
    if missing:
        raise QueryError(
            f"未找到以下代码对应的信用主体：{'、'.join(missing)}。", code="unknown_subject", field="subjects"
        )
    return sorted({subject.pk: subject for subject in found.values()}.values(), key=lambda s: s.pk)


def _special_types(record_types) -> list[RecordType]:
    record_types = list(record_types)
    if not record_types:
        raise QueryError("请选择要查询的信息类型。", code="record_types_required", field="record_types")
    public = [t.name for t in record_types if t.disclosure_level == DisclosureLevel.PUBLIC]
    if public:
        raise QueryError(
            f"社会公开类信息（{'、'.join(public)}）无须特殊查询，可在公示网站查询。",
            code="type_public",
            field="record_types",
        )
    return record_types


def _files_checked(uploads) -> list[tuple[str, str, bytes]]:
    """The attachments, checked by their content like an application's evidence; at least one."""
    try:
        files = evidence_check(list(uploads))
    except ApplicationError as error:
        raise QueryError(error.message, code=error.code, field="files") from None
    if not files:
        raise QueryError(
            "请上传法律文书、公函或协助查询通知书等附件（PDF、JPG 或 PNG）。", code="attachment_required", field="files"
        )
    return files


def _event(query: SpecialQuery, *, before: str, actor: Actor, reason: str) -> None:
    SpecialQueryEvent.objects.create(
        query=query, from_state=before, to_state=query.state, actor_label=actor.label, reason=reason
    )


@transaction.atomic
def special_query_submit(
    *,
    department: Department,
    applicant,
    purpose: str,
    purpose_note: str,
    legal_basis: str,
    codes: list[str],
    record_types,
    uploads,
    actor: Actor,
) -> SpecialQuery:
    """A department applies for restricted information beyond its grants: named subjects and record types, a
    purpose, a legal basis and at least one attachment. The credit centre decides within
    ``SPECIAL_QUERY_DEADLINES["decide"]`` working days. Nothing is written when anything is wrong."""
    purpose, purpose_note = _purpose_clean(purpose, purpose_note)
    legal_basis = ids.mask_citizen_ids_in_text((legal_basis or "").strip())
    if not legal_basis:
        raise QueryError(
            "请填写法律依据（如法律法规条款、司法协助文书）。", code="legal_basis_required", field="legal_basis"
        )
    subjects = _special_subjects(codes)
    record_types = _special_types(record_types)
    files = _files_checked(uploads)
    today = timezone.localdate()
    fields = {
        "department": department,
        "applicant": applicant,
        "purpose": purpose,
        "purpose_note": purpose_note,
        "legal_basis": legal_basis,
        "submitted_on": today,
        "decide_due": add_workdays(today, settings.SPECIAL_QUERY_DEADLINES["decide"], calendar_overrides()),
    }
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                number = f"TS{timezone.localtime():%Y%m%d}{secrets.randbelow(10**6):06d}"
                query = SpecialQuery.objects.create(number=number, **fields)
            break
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    query.subjects.set(subjects)
    query.record_types.set(record_types)
    for checked in files:
        upload_store(SpecialQueryFile, checked, prefix=query.number, query=query)
    _event(query, before="", actor=actor, reason="提交特殊查询申请")
    audit_event_record(
        actor=actor,
        action="special_query.submit",
        obj=query,
        reason=query.purpose_text,
        after={
            "department": department.code,
            "subjects": [s.pk for s in subjects],
            "record_types": sorted(t.code for t in record_types),
            "files": len(files),
        },
    )
    return query


def _transition(query: SpecialQuery, step: str, *, actor: Actor, reason: str, **fields) -> SpecialQuery:
    allowed_from, to_state = TRANSITIONS[step]
    locked = SpecialQuery.objects.select_for_update().get(pk=query.pk)
    if locked.state not in allowed_from:
        raise QueryError(
            f"申请当前状态为“{locked.get_state_display()}”，不能{STEP_LABELS[step]}。", code="invalid_transition"
        )
    before = locked.state
    locked.state = to_state
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    _event(locked, before=before, actor=actor, reason=reason)
    audit_event_record(
        actor=actor,
        action=f"special_query.{step}",
        obj=locked,
        reason=reason,
        before={"state": before},
        after={"state": to_state, **fields},
    )
    return locked


@transaction.atomic
def special_query_approve(*, query: SpecialQuery, valid_days: int, note: str, actor: Actor) -> SpecialQuery:
    """The credit centre approves, and says for how many days the result may be read (at most
    ``SPECIAL_QUERY_MAX_VALID_DAYS``); the result is to be issued within ``SPECIAL_QUERY_DEADLINES["issue"]``
    working days."""
    limit = settings.SPECIAL_QUERY_MAX_VALID_DAYS
    if not isinstance(valid_days, int) or not 1 <= valid_days <= limit:
        raise QueryError(f"结果有效期应为1至{limit}天。", code="invalid_valid_days", field="valid_days")
    note = ids.mask_citizen_ids_in_text((note or "").strip())
    if not note:
        raise QueryError("请填写审批意见。", code="reason_required", field="note")
    due = add_workdays(timezone.localdate(), settings.SPECIAL_QUERY_DEADLINES["issue"], calendar_overrides())
    return _transition(
        query, "approve", actor=actor, reason=note, decision_note=note, valid_days=valid_days, issue_due=due
    )


@transaction.atomic
def special_query_refuse(*, query: SpecialQuery, reason: str, actor: Actor) -> SpecialQuery:
    reason = ids.mask_citizen_ids_in_text((reason or "").strip())
    if not reason:
        raise QueryError("不予批准须说明理由。", code="reason_required", field="reason")
    return _transition(query, "refuse", actor=actor, reason=reason, decision_note=reason)


@transaction.atomic
def special_query_issue(*, query: SpecialQuery, actor: Actor) -> SpecialQuery:
    """Issue the result of an approved query: the records in force at this moment of the named subjects and
    approved types, readable by the applicant department for ``valid_days`` days from now."""
    now = timezone.now()
    locked = SpecialQuery.objects.select_for_update().get(pk=query.pk)
    record_ids = selectors.special_query_candidates(locked) if locked.state == SpecialQueryState.APPROVED else []
    return _transition(
        locked,
        "issue",
        actor=actor,
        reason=f"出具查询结果（{len(record_ids)}条记录）",
        issued_at=now,
        valid_until=now + datetime.timedelta(days=locked.valid_days or 0),
        result_record_ids=record_ids,
    )


def special_queries_expire(*, now: datetime.datetime | None = None) -> int:
    """Issued results past their validity become ``expired`` (hourly; the result pages check the time
    themselves, so a late run never extends a result). Each in its own transaction, in id order."""
    now = now or timezone.now()
    due = SpecialQuery.objects.filter(state=SpecialQueryState.ISSUED, valid_until__lte=now).order_by("pk")
    actor = Actor.system("特殊查询到期")
    count = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            query = SpecialQuery.objects.get(pk=pk)
            try:
                _transition(query, "expire", actor=actor, reason="查询结果有效期届满")
            except QueryError:
                continue  # moved on meanwhile
        count += 1
    return count


@dataclass(frozen=True)
class SpecialResult:
    """An issued result as the applicant reads it: the records still in force, and how many have left it."""

    query: SpecialQuery
    records: list[CreditRecord]
    withdrawn: int
    viewed_at: datetime.datetime
    viewer: str


def special_result_available(query: SpecialQuery, department: Department | None, now: datetime.datetime) -> None:
    """``QueryError`` unless ``department`` applied for the query and its result is issued and still valid:
    ``not_your_query`` (someone else's), ``not_issued``, ``expired``."""
    if department is None or query.department_id != department.pk:
        raise QueryError("只能查看本部门申请的特殊查询结果。", code="not_your_query")
    if query.state == SpecialQueryState.EXPIRED or (
        query.state == SpecialQueryState.ISSUED and (query.valid_until is None or query.valid_until <= now)
    ):
        raise QueryError("查询结果已超过有效期，不能再查看。", code="expired")
    if query.state != SpecialQueryState.ISSUED:
        raise QueryError(f"该申请当前状态为“{query.get_state_display()}”，尚无可查看的查询结果。", code="not_issued")


@transaction.atomic
def special_result_read(
    *, query: SpecialQuery, department: Department | None, actor: Actor, form: str
) -> SpecialResult:
    """Serve one view of an issued result (``form``: 页面 or PDF) to its applicant department: refused by
    ``special_result_available``; otherwise each subject of the query gets an entry in its access log (kind
    special, with the query's number as the basis) and the view is audited."""
    now = timezone.now()
    special_result_available(query, department, now)
    records = selectors.special_query_result_records(query)
    codes = sorted(t.code for t in query.record_types.all())
    for subject in query.subjects.order_by("pk"):
        subject_access_record(
            subject=subject,
            kind=AccessKind.SPECIAL,
            accessor=query.department.name,
            accessor_code=query.department.code,
            purpose=query.purpose_text,
            actor=actor,
            scope=codes,
            basis=f"特殊查询 {query.number}",
        )
    audit_event_record(actor=actor, action="special_query.view", obj=query, reason=form)
    return SpecialResult(
        query=query,
        records=records,
        withdrawn=len(query.result_record_ids) - len(records),
        viewed_at=now,
        viewer=actor.label,
    )


@transaction.atomic
def special_query_read_record(*, query: SpecialQuery, action: str, actor: Actor, detail: str = "") -> None:
    """A staff member read an application or one of its attachments: it names subjects and carries legal
    documents, so every read is in the audit trail."""
    audit_event_record(actor=actor, action=action, obj=query, reason=detail)
