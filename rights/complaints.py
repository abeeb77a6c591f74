"""Complaints (投诉) about the platform's handling — slow, wrong, discourteous — filed from a subject account and
answered by the credit centre within working-day deadlines (seed 000 四(十): 制定信用信息异议处理、投诉办理、诉讼
管理制度; seed 001 第六章: 明确信用信息的异议处理、投诉办理和侵权责任追究). Besides an objection, which is about a
record, a complaint is about the service. Each change in one transaction with its audit event."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import SubjectAccount
from audit.services import Actor, audit_event_record
from organisations.selectors import staff_context
from outbox.services import outbox_add
from records.selectors import calendar_overrides
from records.workdays import add_workdays
from subjects import identifiers as ids

from .choices import ComplaintCategory, ComplaintOutcome, ComplaintState
from .models import Application, Complaint
from .outbox_handlers import COMPLAINT_NOTIFY
from .services import ApplicationError


@transaction.atomic
def complaint_file(
    *, account: SubjectAccount, category: str, description: str, actor: Actor, application: Application | None = None
) -> Complaint:
    """A complaint from an active account; it may name one of the account's own applications. The answer is
    due ``APPLICATION_DEADLINES["complaint"]`` working days later (holidays and make-up days counted)."""
    if not account.is_active:
        raise ApplicationError("账户未确认邮箱或已被暂停，不能投诉。", code="account_inactive")
    if category not in ComplaintCategory.values:
        raise ApplicationError("请选择投诉类别。", code="category_required", field="category")
    if not description.strip():
        raise ApplicationError("请填写投诉内容。", code="description_required", field="description")
    if application is not None and application.account_id != account.pk:
        raise ApplicationError("只能就本账户提出的申请投诉。", code="not_your_application", field="application")
    today = timezone.localdate()
    complaint = Complaint.objects.create(
        number=f"TS{timezone.localtime():%Y%m%d}{secrets.randbelow(10**8):08d}",
        account=account,
        application=application,
        category=category,
        description=ids.mask_citizen_ids_in_text(description.strip()),
        submitted_on=today,
        answer_due=add_workdays(today, settings.APPLICATION_DEADLINES["complaint"], calendar_overrides()),
    )
    audit_event_record(
        actor=actor,
        action="complaint.file",
        obj=complaint,
        after={"category": category, "application": application.pk if application else None},
    )
    outbox_add(topic=COMPLAINT_NOTIFY, payload={"complaint_id": complaint.pk, "state": complaint.state})
    return complaint


@transaction.atomic
def complaint_answer(*, complaint: Complaint, outcome: str, answer: str, answered_by, actor: Actor) -> Complaint:
    """The credit centre answers (only a credit-centre admin: the complaint may be about a department)."""
    if not staff_context(answered_by).is_credit_admin:
        raise ApplicationError("投诉由信用中心答复。", code="not_credit_centre")
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.state != ComplaintState.SUBMITTED:
        raise ApplicationError("该投诉已答复。", code="invalid_transition")
    if outcome not in ComplaintOutcome.values:
        raise ApplicationError("请选择处理结果。", code="outcome_required", field="outcome")
    if not answer.strip():
        raise ApplicationError("请填写答复内容。", code="answer_required", field="answer")
    locked.state, locked.outcome = ComplaintState.ANSWERED, outcome
    locked.answer = ids.mask_citizen_ids_in_text(answer.strip())
    locked.answered_at, locked.answered_by = timezone.now(), actor.label[:150]
    locked.save()
    audit_event_record(
        actor=actor,
        action="complaint.answer",
        obj=locked,
        reason=locked.answer,
        before={"state": ComplaintState.SUBMITTED},
        after={"state": locked.state, "outcome": outcome, "on_time": timezone.localdate() <= locked.answer_due},
    )
    outbox_add(topic=COMPLAINT_NOTIFY, payload={"complaint_id": locked.pk, "state": locked.state})
    return locked
