"""The subject's rights: objections (异议) and credit repair (信用修复), handled in working-day deadlines.

Seeds: 003 item 66 and 000 四(十) (objections and complaints), 004 四(二) and 002 items 27/34/53 (repair),
NDRC Order 36 of 2025 ("谁认定、谁修复": the source department decides; repair stops publication, stops
sharing and lifts the punishments). Every transition is a service that locks the application, checks the
state machine, writes an ``ApplicationEvent`` and an audit event, and applies its effects through the
owning app's services (records: the objection mark, correction, revocation, repair; the sanctions app
re-evaluates lists through the records' change signal).

    submitted ──accept──▶ with_department ──answer──▶ decided ──close──▶ closed
        └──refuse──▶ refused
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import SubjectAccount
from accounts.selectors import grant_acting
from audit.services import Actor, audit_event_record
from core.errors import DomainError
from core.uploads import upload_store, uploads_check
from disclosure import rules
from disclosure.selectors import repair_facts
from organisations.choices import StaffRoleName
from organisations.models import Department
from organisations.selectors import staff_context
from outbox.services import outbox_add
from records.choices import Channel, ObjectionState
from records.models import CreditRecord
from records.selectors import calendar_overrides
from records.services import (
    RecordInput,
    record_approve,
    record_correct,
    record_objection_set,
    record_reject,
    record_repair,
    record_revoke,
    records_ingest,
)
from records.workdays import add_workdays
from subjects import identifiers as ids
from subjects.models import CreditSubject

from .choices import OUTCOMES_BY_KIND, ApplicationKind, ApplicationState, Outcome
from .models import Application, ApplicationEvent, Evidence
from .outbox_handlers import APPLICATION_NOTIFY

MAX_FILES = 5
STEP_LABELS = {"accept": "受理", "refuse": "不予受理", "answer": "办理", "close": "办结", "route": "转部门"}
TRANSITIONS = {
    "accept": ({ApplicationState.SUBMITTED}, ApplicationState.WITH_DEPARTMENT),
    "refuse": ({ApplicationState.SUBMITTED}, ApplicationState.REFUSED),
    "answer": ({ApplicationState.WITH_DEPARTMENT}, ApplicationState.DECIDED),
    "close": ({ApplicationState.DECIDED}, ApplicationState.CLOSED),
    "route": ({ApplicationState.SUBMITTED}, ApplicationState.WITH_DEPARTMENT),  # commitments skip the centre
}


class ApplicationError(DomainError):
    """A rule of objections, repairs, tip-offs or commitments refused the request."""


def code_digest(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"application:{code.strip().upper()}".encode(), hashlib.sha256
    ).hexdigest()


def evidence_check(uploads) -> list[tuple[str, str, bytes]]:
    """(name, content type, content) of each upload, or ``ApplicationError`` naming the file and the problem."""
    return uploads_check(
        uploads, max_files=MAX_FILES, max_bytes=settings.EVIDENCE_MAX_BYTES, error=ApplicationError, field="files"
    )


def _receipt_number(kind: str) -> str:
    prefix = "YY" if kind == ApplicationKind.OBJECTION else "XF"
    return f"{prefix}{timezone.localtime():%Y%m%d}{secrets.randbelow(10**8):08d}"


def _application_parties(
    kind: str, record: CreditRecord | None, subject: CreditSubject | None, department: Department | None, **facts
) -> tuple[CreditSubject, Department]:
    """Who an application is about and which department answers it, or ``ApplicationError``: objections and
    repairs name a public record (and go to its department); a whistle-blowing report names a company and the
    department competent for it; a commitment is its record's."""
    if kind == ApplicationKind.TIPOFF:
        if subject is None or department is None:
            raise ApplicationError("请填写被举报主体和主管部门。", code="subject_required")
        if subject.is_natural_person:
            raise ApplicationError("举报平台受理对法人和非法人组织的举报。", code="subject_kind")
        return subject, department
    if kind == ApplicationKind.COMMITMENT:
        return record.subject, record.department  # the commitment record, pending review (its account checked)
    if record is None or record.subject_id is None or record.status != "active":
        raise ApplicationError("该记录不在公示状态，不能提出申请。", code="record_not_public")
    if kind == ApplicationKind.OBJECTION and not facts["ground"]:
        raise ApplicationError("请选择异议理由。", code="ground_required", field="ground")
    if kind == ApplicationKind.REPAIR:
        eligibility = rules.repair_eligibility(repair_facts(record), timezone.localdate())
        if not eligibility.eligible:
            raise ApplicationError(eligibility.reason, code="not_eligible")
        if not (facts["commitment_signed"] and facts["obligations_fulfilled"]):
            raise ApplicationError(
                "申请信用修复须已履行法定义务并签署信用修复承诺书。",
                code="commitment_required",
                field="commitment_signed",
            )
    return record.subject, record.department


@transaction.atomic
def _application_write(*, kind: str, code: str, files, actor: Actor, **fields) -> Application:
    """The application, its evidence, its first event, its notification and its audit event, at once."""
    today = timezone.localdate()
    overrides = calendar_overrides()
    deadlines = settings.APPLICATION_DEADLINES
    application = Application.objects.create(
        kind=kind,
        receipt_number=_receipt_number(kind),
        query_code_hash=code_digest(code),
        submitted_on=today,
        accept_due=add_workdays(today, deadlines["accept"], overrides),
        answer_due=add_workdays(today, deadlines["answer"], overrides),
        **fields,
    )
    for checked in files:
        upload_store(Evidence, checked, prefix=application.receipt_number, application=application)
    ApplicationEvent.objects.create(
        application=application, to_state=application.state, actor_label="申请人", reason="提交申请"
    )
    outbox_add(topic=APPLICATION_NOTIFY, payload={"application_id": application.pk, "state": application.state})
    audit_event_record(
        actor=actor,
        action=f"application.submit.{kind}",
        obj=application,
        after={
            "record": application.record_id,
            "subject": application.subject_id,
            "files": len(files),
            "account": application.account_id,
        },
    )
    return application


#: What only an account acting for the subject may ask (issue 14): a whistle-blowing report may be anonymous.
ACCOUNT_KINDS = frozenset({ApplicationKind.OBJECTION, ApplicationKind.REPAIR, ApplicationKind.COMMITMENT})
NOT_AUTHORISED = "只有经信用中心核验、代表该主体的企业/个人用户才能提出此项申请。"


def account_acting_check(account: SubjectAccount | None, subject: CreditSubject) -> None:
    """``ApplicationError`` unless ``account`` acts for ``subject`` by a verified grant now (the one check of
    ``accounts.selectors.grant_acting``: active account, verified grant, neither suspended)."""
    if grant_acting(account, subject) is None:
        raise ApplicationError(NOT_AUTHORISED, code="not_authorised")


#: Receipt numbers are drawn at random: a clash (the unique constraint) is drawn again, this many times at most.
SUBMIT_ATTEMPTS = 3


def application_submit(
    *,
    kind: str,
    explanation: str,
    applicant_name: str,
    applicant_phone: str,
    submission_key: str,
    actor: Actor,
    record: CreditRecord | None = None,
    subject: CreditSubject | None = None,
    department: Department | None = None,
    ground: str = "",
    applicant_email: str = "",
    commitment_signed: bool = False,
    obligations_fulfilled: bool = False,
    uploads=(),
    account: SubjectAccount | None = None,
) -> tuple[Application, str | None]:
    """Accept an application. Objections, repairs and commitments come from ``account``, which must act for
    the subject by a verified grant; a whistle-blowing report may come from anyone. Returns the application with
    its query code (None when the same form was already submitted: the first answer stands). Nothing is written
    when anything is wrong."""
    existing = Application.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if kind in ACCOUNT_KINDS and (account is None or existing.account_id != account.pk):
            raise ApplicationError(NOT_AUTHORISED, code="not_authorised")
        return existing, None
    subject, department = _application_parties(
        kind,
        record,
        subject,
        department,
        ground=ground,
        commitment_signed=commitment_signed,
        obligations_fulfilled=obligations_fulfilled,
    )
    if kind in ACCOUNT_KINDS:
        account_acting_check(account, subject)
    files = evidence_check(list(uploads))
    # What the applicant types is restricted, never public, but stored, shown to staff and mailed: a citizen
    # ID in it is masked before it is stored, like one in a record (GB/T 35273 minimisation).
    explanation, applicant_name, applicant_phone, applicant_email = (
        ids.mask_citizen_ids_in_text(text) for text in (explanation, applicant_name, applicant_phone, applicant_email)
    )
    code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
    failures = 0
    while True:
        try:
            application = _application_write(
                kind=kind,
                code=code,
                files=files,
                actor=actor,
                submission_key=submission_key,
                subject=subject,
                record=record,
                department=department,
                ground=ground,
                explanation=explanation,
                applicant_name=applicant_name,
                applicant_phone=applicant_phone,
                applicant_email=applicant_email,
                commitment_signed=commitment_signed,
                obligations_fulfilled=obligations_fulfilled,
                account=account if kind in ACCOUNT_KINDS else None,
            )
            return application, code
        except IntegrityError:
            # The same form submitted twice at the same moment — or, very rarely, a receipt number drawn twice.
            twin = Application.objects.filter(submission_key=submission_key).first()
            if twin is not None:
                return twin, None
            failures += 1
            if failures == SUBMIT_ATTEMPTS:
                raise


def application_lookup(receipt_number: str, code: str) -> Application | None:
    """The application with this receipt and code, or None — the same None for an unknown receipt."""
    application = Application.objects.filter(receipt_number=receipt_number.strip().upper()).first()
    expected = application.query_code_hash if application else code_digest("never")
    matches = hmac.compare_digest(expected, code_digest(code))
    return application if application is not None and matches else None


def _transition(application: Application, step: str, *, actor: Actor, reason: str, **fields) -> Application:
    allowed_from, to_state = TRANSITIONS[step]
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("record__record_type").get(pk=application.pk)
    )
    if locked.state not in allowed_from:
        raise ApplicationError(
            f"申请当前状态为“{locked.get_state_display()}”，不能{STEP_LABELS[step]}。", code="invalid_transition"
        )
    before = locked.state
    reason = ids.mask_citizen_ids_in_text(reason)  # staff notes: masked as the applicant's text is
    fields = {name: ids.mask_citizen_ids_in_text(v) if isinstance(v, str) else v for name, v in fields.items()}
    locked.state = to_state
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    ApplicationEvent.objects.create(
        application=locked, from_state=before, to_state=to_state, actor_label=actor.label, reason=reason
    )
    outbox_add(topic=APPLICATION_NOTIFY, payload={"application_id": locked.pk, "state": to_state})
    audit_event_record(
        actor=actor,
        action=f"application.{step}",
        obj=locked,
        reason=reason,
        before={"state": before},
        after={"state": to_state, **{k: str(v) for k, v in fields.items()}},
    )
    return locked


@transaction.atomic
def application_accept(*, application: Application, actor: Actor) -> Application:
    """The credit centre accepts and routes the case to the source department; an objection marks the
    record "异议处理中" at once."""
    # A repair is decided within 3 working days; an objection or a report is verified within 10.
    deadline = "repair_department" if application.kind == ApplicationKind.REPAIR else "objection_department"
    days = settings.APPLICATION_DEADLINES[deadline]
    accepted = _transition(
        application,
        "accept",
        actor=actor,
        reason="受理并转数据提供单位核查",
        department_due=add_workdays(timezone.localdate(), days, calendar_overrides()),
    )
    if accepted.kind == ApplicationKind.OBJECTION and accepted.record.objection == ObjectionState.NONE:
        record_objection_set(
            record=accepted.record,
            state=ObjectionState.PENDING,
            actor=actor,
            reason=f"异议申请 {accepted.receipt_number} 已受理",
        )
    return accepted


@transaction.atomic
def application_refuse(*, application: Application, actor: Actor, reason: str) -> Application:
    if not reason.strip():
        raise ApplicationError("不予受理须说明理由。", code="reason_required", field="reason")
    return _transition(application, "refuse", actor=actor, reason=reason, outcome_note=reason)


def _decider_department(user) -> Department:
    """The department ``user`` decides for. Separation of duties (seed 004 九(一): 数据管理员和审核员制度; "谁认定、
    谁修复"): the department's reviewer or department admin decides objections, repairs, reports and commitments;
    the clerk who enters data does not."""
    staff = staff_context(user) if user is not None else None
    if staff is None or staff.department is None or not staff.has(StaffRoleName.REVIEWER, StaffRoleName.DEPT_ADMIN):
        raise ApplicationError("只有本部门的审核员或部门管理员可以作出处理决定。", code="not_a_decider")
    return staff.department


@transaction.atomic
def application_answer(
    *,
    application: Application,
    decided_by,
    outcome: str,
    note: str,
    actor: Actor,
    corrected_data: dict | None = None,
) -> Application:
    """The source department decides ("谁认定、谁修复") and the decision takes effect on the record.
    ``decided_by`` is the staff user deciding: a reviewer or department admin of the case's department (a
    commitment's confirmation is also its record's review)."""
    department = _decider_department(decided_by)
    if application.department_id != department.pk:
        raise ApplicationError("只能办理转本部门的申请。", code="not_your_case")
    if outcome not in OUTCOMES_BY_KIND[application.kind]:
        raise ApplicationError("处理结果与申请类型不符。", code="invalid_outcome", field="outcome")
    if not note.strip():
        raise ApplicationError("请填写处理说明。", code="reason_required", field="note")
    decided = _transition(application, "answer", actor=actor, reason=note, outcome=outcome, outcome_note=note)
    record = decided.record
    reason = f"{decided.get_kind_display()} {decided.receipt_number}：{note}"
    if outcome == Outcome.MAINTAIN:
        record_objection_set(record=record, state=ObjectionState.NONE, actor=actor, reason=reason)
    elif outcome == Outcome.CORRECT:
        if not corrected_data:
            raise ApplicationError("更正须填写更正后的数据项。", code="correction_required", field="corrected_data")
        record_correct(record=record, data=corrected_data, actor=actor, reason=reason)
    elif outcome == Outcome.REVOKE:
        record_revoke(record=record, actor=actor, reason=reason)
    elif outcome == Outcome.APPROVE:
        record_repair(record=record, actor=actor, reason=reason)
    elif outcome == Outcome.CONFIRM:
        record_approve(record=record, reviewer=decided_by, actor=actor, note=note)
    elif outcome == Outcome.DECLINE:
        record_reject(record=record, reviewer=decided_by, actor=actor, note=note)
    return decided


@transaction.atomic
def application_close(*, application: Application, actor: Actor) -> Application:
    return _transition(application, "close", actor=actor, reason="办结并告知申请人")


# Credit commitments (信用承诺) -----------------------------------------------------------------------------

COMMITMENT_TEMPLATES = {
    "审批替代型": "本单位申请{matter}，已知晓告知的全部审批条件和要求，承诺所填写信息和提交材料真实、准确、完整，"
    "符合上述条件和要求，并在约定期限内提交所缺材料。如有虚假或未履行承诺，愿承担撤销审批决定等相应责任。",
    "容缺受理型": "本单位申请{matter}，对暂缺的非主要材料承诺在约定期限内补齐，逾期未补齐的，愿按规定承担相应责任。",
    "行业自律型": "本单位承诺在{matter}中遵守法律法规和行业规范，诚信经营，自觉接受政府、行业组织和社会公众的监督。",
    "主动型": "本单位主动承诺：{matter}。如违反承诺，愿接受相应的约束和惩戒，并记入信用记录。",
}


def commitment_sign(
    *,
    department: Department,
    subject: CreditSubject,
    account: SubjectAccount | None,
    kind: str,
    matter: str,
    valid_until,
    signer: str,
    phone: str,
    actor: Actor,
) -> tuple[Application, str | None]:
    """A subject signs a commitment from a template, through an account acting for it by a verified grant;
    it becomes an ``xycn`` record of the receiving department, public once that department confirms it in its
    case queue (seed 002 item 49). The subject gets a receipt number and a query code, like any application."""
    if kind not in COMMITMENT_TEMPLATES:
        raise ApplicationError("请选择承诺类型。", code="kind_required", field="kind")
    account_acting_check(account, subject)
    if subject.is_natural_person:
        raise ApplicationError("信用承诺由法人和非法人组织作出。", code="subject_kind", field="subject")
    number = f"CN{timezone.localtime():%Y%m%d}{secrets.randbelow(10**8):08d}"
    data = {
        "CN_XDR_MC": subject.name,
        "CN_XDR_LB": "法人及非法人组织",
        "CN_XDR_SHXYM": subject.uscc,
        "CN_CNBH": number,
        "CN_CNLX": kind,
        "CN_CNSX": matter,
        "CN_CNNR": COMMITMENT_TEMPLATES[kind].format(matter=matter),
        "CN_CNRQ": timezone.localdate().isoformat(),
        "CN_SLJG": department.name,
        "CN_LYQK": "履约中",
    }
    if valid_until:
        data["CN_YXQZ"] = valid_until.isoformat()
    with transaction.atomic():
        [result] = records_ingest(
            department=department,
            items=[RecordInput(record_type="xycn", data=data)],
            channel=Channel.FORM,
            actor=actor,
            review=True,
        )
        if result.errors:
            code, messages = next(iter(result.errors.items()))
            field = {"CN_XDR_SHXYM": "uscc", "CN_XDR_MC": "name", "CN_CNSX": "matter"}.get(code, "")
            raise ApplicationError("；".join(messages), code="invalid_commitment", field=field)
        record = CreditRecord.objects.get(pk=result.record_id)
        application, query_code = application_submit(
            kind=ApplicationKind.COMMITMENT,
            record=record,
            explanation=data["CN_CNNR"],
            applicant_name=signer,
            applicant_phone=phone,
            submission_key=f"commitment:{record.pk}",
            actor=actor,
            commitment_signed=True,
            account=account,
        )
        due = add_workdays(
            timezone.localdate(), settings.APPLICATION_DEADLINES["repair_department"], calendar_overrides()
        )
        application = _transition(application, "route", actor=actor, reason="转受理部门确认", department_due=due)
    return application, query_code


@transaction.atomic
def commitment_fulfilment(*, record: CreditRecord, kept: bool, note: str, decided_by, actor: Actor) -> CreditRecord:
    """The receiving department records whether the commitment was kept. A broken one (违诺) becomes a
    negative record of its own (``wncn``), which the lists and the public site then treat like any other.
    Like any decision, it belongs to the department's reviewer or department admin (``decided_by``)."""
    if record.department_id != _decider_department(decided_by).pk:
        raise ApplicationError("只能登记本部门信用承诺的履约情况。", code="not_your_record")
    if record.record_type.code != "xycn":
        raise ApplicationError("只有信用承诺记录可以登记履约情况。", code="not_a_commitment")
    if not note.strip():
        raise ApplicationError("请填写履约情况说明。", code="reason_required", field="note")
    updated = record_correct(
        record=record, data={"CN_LYQK": "已履约" if kept else "违诺"}, actor=actor, reason=note, change="fulfilment"
    )
    if not kept:
        data = record.data
        breach = {
            "WN_XDR_MC": data["CN_XDR_MC"],
            "WN_XDR_SHXYM": data["CN_XDR_SHXYM"],
            "WN_CNBH": data["CN_CNBH"],
            "WN_WNQK": note,
            "WN_RDRQ": timezone.localdate().isoformat(),
            "WN_RDJG": record.department.name,
        }
        [result] = records_ingest(
            department=record.department,
            items=[RecordInput(record_type="wncn", data=breach)],
            channel=Channel.FORM,
            actor=actor,
        )
        if result.errors:
            raise ApplicationError(f"违诺记录生成失败：{result.errors}", code="breach_record")
    return updated
