"""Pages of the subject's rights: the public objection and repair forms, the status page, and the
workbench queues where the credit centre accepts cases and the source department decides them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import account_required
from accounts.selectors import grant_acting, verified_grants
from audit.services import Actor, audit_event_record
from core.db_budget import statement_budget
from core.errors import DomainError, form_add_error
from disclosure import rules
from disclosure.addresses import subject_url
from disclosure.selectors import repair_facts
from disclosure.throttle import client_address, is_lookup, is_submission, throttled
from organisations.access import request_actor, staff_required
from organisations.choices import DEPARTMENT_ROLES
from organisations.choices import StaffRoleName as Role
from records.choices import RecordStatus
from records.models import CreditRecord
from subjects.choices import SubjectKind
from subjects.identifiers import IdentifierError
from subjects.models import CreditSubject
from subjects.selectors import subject_get_by_code

from .choices import OUTCOMES_BY_KIND, ApplicationKind, ApplicationState, Outcome
from .forms import (
    AnswerForm,
    CommitmentForm,
    CorrectionForm,
    FulfilmentForm,
    ObjectionForm,
    RepairForm,
    StatusForm,
    TipoffForm,
)
from .models import Application, Evidence
from .selectors import applications_dashboard
from .services import (
    COMMITMENT_TEMPLATES,
    NOT_AUTHORISED,
    ApplicationError,
    application_accept,
    application_answer,
    application_close,
    application_lookup,
    application_refuse,
    application_submit,
    commitment_fulfilment,
    commitment_sign,
)


def _own_record(request, pk: int) -> CreditRecord:
    """An active record of a subject the signed-in account acts for by a verified grant; a record of any other
    subject is refused (403) as if the account had no grant at all."""
    record = get_object_or_404(
        CreditRecord.objects.select_related("record_type", "subject", "department").filter(
            status=RecordStatus.ACTIVE, subject__isnull=False
        ),
        pk=pk,
    )
    if grant_acting(request.account, record.subject) is None:
        raise PermissionDenied(NOT_AUTHORISED)
    return record


def _apply(request, record, kind: str, form_class):
    account = request.account
    initial = {"applicant_name": account.display_name, "applicant_email": account.email}
    initial["applicant_phone"] = account.mobile
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    eligibility = None
    if kind == ApplicationKind.REPAIR:
        eligibility = rules.repair_eligibility(repair_facts(record), timezone.localdate())
    if request.method == "POST" and form.is_valid() and (eligibility is None or eligibility.eligible):
        data = form.cleaned_data
        try:
            application, code = application_submit(
                kind=kind,
                record=record,
                explanation=data["explanation"],
                applicant_name=data["applicant_name"],
                applicant_phone=data["applicant_phone"],
                applicant_email=data.get("applicant_email", ""),
                submission_key=data["submission_key"],
                ground=data.get("ground", ""),
                commitment_signed=data.get("commitment_signed", False),
                obligations_fulfilled=data.get("obligations_fulfilled", False),
                uploads=data["files"],
                actor=request_actor(request),
                account=account,
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            return render(request, "rights/application_receipt.html", {"application": application, "code": code})
    return render(
        request,
        "rights/application_form.html",
        {
            "form": form,
            "record": record,
            "kind": ApplicationKind(kind),
            "eligibility": eligibility,
            "subject_url": subject_url(record.subject),
        },
    )


def _public_actor(request):
    return Actor.public(client_ip=client_address(request))


@throttled("apply", when=is_submission)
@account_required
def objection_apply(request, pk: int):
    return _apply(request, _own_record(request, pk), ApplicationKind.OBJECTION, ObjectionForm)


@throttled("apply", when=is_submission)
@account_required
def repair_apply(request, pk: int):
    return _apply(request, _own_record(request, pk), ApplicationKind.REPAIR, RepairForm)


@throttled("verify", when=is_lookup)
@statement_budget
def application_status(request):
    form = StatusForm(request.GET or None)
    application = None
    if form.is_valid():
        application = application_lookup(form.cleaned_data["receipt_number"], form.cleaned_data["code"])
        if application is None:
            form.add_error(None, "受理编号或查询码不正确，请核对后重试。")
    status = 400 if form.is_bound and application is None else 200
    return render(request, "rights/application_status.html", {"form": form, "application": application}, status=status)


# Workbench ------------------------------------------------------------------------------------------------


@transaction.atomic
def _audit_read(request, application: Application, action: str, detail: str = "") -> None:
    """Cases carry applicants' and whistle-blowers' identities: every read by staff is in the audit trail."""
    audit_event_record(actor=request_actor(request), action=action, obj=application, reason=detail)


def _cases_for(request):
    cases = Application.objects.select_related("record__record_type", "subject", "department").order_by(
        "accept_due", "id"
    )
    if request.staff.department is not None:
        cases = cases.filter(department=request.staff.department).exclude(state=ApplicationState.SUBMITTED)
    return cases


@staff_required(Role.CREDIT_ADMIN, *DEPARTMENT_ROLES)
def case_list(request):
    state = request.GET.get("state", "")
    cases = _cases_for(request)
    if state in ApplicationState.values:
        cases = cases.filter(state=state)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "rights/case_list.html",
        {
            "page": page,
            "state": state,
            "states": ApplicationState.choices,
            "today": timezone.localdate(),
        },
    )


#: What the flash message says after each step (the outcome is added for a decision).
STEP_DONE = {
    "accept": "已受理，已转数据提供单位核查。",
    "refuse": "已作出不予受理决定。",
    "close": "已办结，已告知申请人。",
}


def _decision_done(application: Application, corrected: list[str]) -> str:
    """The flash message of a department's decision: what was decided and what it did to the record
    (``corrected``: the labels of the corrected fields)."""
    outcome = application.get_outcome_display()
    if application.outcome == Outcome.CORRECT:
        labels = "、".join(corrected)
        return f"已作出处理决定：{outcome}。记录已生成新版本，更正了 {len(corrected)} 项数据（{labels}）。"
    effects = {
        Outcome.MAINTAIN: "记录维持不变，已取消“异议处理中”标注。",
        Outcome.REVOKE: "记录已撤销，不再公示。",
        Outcome.APPROVE: "记录已修复，停止公示，据此实施的惩戒相应解除。",
        Outcome.REJECT: "记录继续公示。",
    }
    return f"已作出处理决定：{outcome}。{effects.get(application.outcome, '')}"


def _case_forms(request, application: Application):
    """The decision form and, for an objection, the correction form of the record's own fields."""
    data = request.POST if request.method == "POST" else None
    answer_form = AnswerForm(data, outcomes=OUTCOMES_BY_KIND[application.kind])
    correction_form = None
    if application.kind == ApplicationKind.OBJECTION and application.record is not None:
        correction_form = CorrectionForm(application.record, data)
    return answer_form, correction_form


def _case_answer(request, application: Application, answer_form, correction_form) -> str | None:
    """Validate and decide; the flash message on success, None when a form shows what to fix. A request
    without the correction's fields (a system's or a test's post) decides without a correction."""
    sent = correction_form is not None and any(key.startswith(f"{CorrectionForm.prefix}-") for key in request.POST)
    if not (answer_form.is_valid() and (not sent or correction_form.is_valid())):
        return None
    outcome = answer_form.cleaned_data["outcome"]
    corrected = correction_form.changes() if sent else {}
    if outcome == Outcome.CORRECT and not corrected and correction_form is not None:
        correction_form.add_error(None, "处理结果为“更正”时，请修改需要更正的数据项。")
        return None
    if outcome != Outcome.CORRECT and corrected:
        correction_form.add_error(None, "修改了数据项，但处理结果不是“更正”：请选择“更正”，或恢复原值。")
        return None
    decided = application_answer(
        application=application,
        decided_by=request.user,
        outcome=outcome,
        note=answer_form.cleaned_data["note"],
        corrected_data=corrected or None,
        actor=request_actor(request),
    )
    return _decision_done(decided, [correction_form.fields[code].label for code in corrected])


@staff_required(Role.CREDIT_ADMIN, *DEPARTMENT_ROLES)
def case_detail(request, pk: int):
    application = get_object_or_404(_cases_for(request), pk=pk)
    staff = request.staff
    answer_form, correction_form = _case_forms(request, application)
    if request.method == "POST":
        action = request.POST.get("action")
        actor = request_actor(request)
        try:
            if action == "accept" and staff.is_credit_admin:
                application_accept(application=application, actor=actor)
                done = STEP_DONE[action]
            elif action == "refuse" and staff.is_credit_admin:
                application_refuse(application=application, actor=actor, reason=request.POST.get("reason", ""))
                done = STEP_DONE[action]
            elif action == "close" and staff.is_credit_admin:
                application_close(application=application, actor=actor)
                done = STEP_DONE[action]
            elif action == "answer" and staff.department is not None:
                # Whether this user may decide is the service's call (reviewer or department admin only).
                done = _case_answer(request, application, answer_form, correction_form)
            else:
                messages.error(request, "您无权执行此操作。")
                return redirect("rights:case-detail", pk=pk)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("rights:case-detail", pk=pk)
        if done is not None:
            messages.success(request, done)
            return redirect("rights:case-detail", pk=pk)
        messages.error(request, "处理结果未保存，请按提示修改后重新提交。")
    _audit_read(request, application, "application.view")
    return render(
        request,
        "rights/case_detail.html",
        {
            "application": application,
            "events": application.events.all(),
            "evidence": application.evidence.all(),
            "answer_form": answer_form,
            "correction_form": correction_form,
            "can_decide": staff.department is not None and staff.has(Role.REVIEWER, Role.DEPT_ADMIN),
            "today": timezone.localdate(),
        },
    )


@staff_required(Role.CREDIT_ADMIN, *DEPARTMENT_ROLES)
def evidence_download(request, pk: int, evidence_pk: int):
    application = get_object_or_404(_cases_for(request), pk=pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, application=application)
    _audit_read(request, application, "application.evidence_download", detail=evidence.original_name)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@staff_required(Role.CREDIT_ADMIN)
def case_dashboard(request):
    return render(request, "rights/case_dashboard.html", applications_dashboard(today=timezone.localdate()))


@throttled("apply", when=is_submission)
def tipoff_apply(request):
    form = TipoffForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subject = subject_get_by_code(data["code"])
        except (IdentifierError, CreditSubject.DoesNotExist):
            form.add_error("code", "未找到该统一社会信用代码对应的主体，请核对。")
        else:
            try:
                application, code = application_submit(
                    kind=ApplicationKind.TIPOFF,
                    subject=subject,
                    department=data["department"],
                    explanation=data["explanation"],
                    applicant_name=data["applicant_name"],
                    applicant_phone=data["applicant_phone"],
                    applicant_email=data.get("applicant_email", ""),
                    submission_key=data["submission_key"],
                    uploads=data["files"],
                    actor=_public_actor(request),
                )
            except ApplicationError as error:
                form_add_error(form, error)
            else:
                return render(request, "rights/application_receipt.html", {"application": application, "code": code})
    return render(request, "rights/tipoff_form.html", {"form": form})


@throttled("apply", when=is_submission)
@account_required
def commitment_apply(request):
    subjects = CreditSubject.objects.filter(pk__in=verified_grants(request.account).values("subject")).exclude(
        kind=SubjectKind.NATURAL_PERSON
    )
    initial = {"signer": request.account.display_name, "phone": request.account.mobile}
    form = CommitmentForm(
        request.POST or None, templates=COMMITMENT_TEMPLATES, subjects=subjects.order_by("name"), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application, code = commitment_sign(
                department=data["department"],
                subject=data["subject"],
                account=request.account,
                kind=data["kind"],
                matter=data["matter"],
                valid_until=data["valid_until"],
                signer=data["signer"],
                phone=data["phone"],
                actor=request_actor(request),
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            return render(request, "rights/application_receipt.html", {"application": application, "code": code})
    return render(
        request,
        "rights/commitment_form.html",
        {"form": form, "templates": COMMITMENT_TEMPLATES, "has_subjects": subjects.exists()},
    )


@require_POST
@staff_required(Role.REVIEWER, Role.DEPT_ADMIN)
def commitment_fulfilment_view(request, pk: int):
    record = get_object_or_404(CreditRecord, pk=pk, department=request.staff.department, record_type__code="xycn")
    form = FulfilmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择履约情况并填写说明。")
    else:
        try:
            commitment_fulfilment(
                record=record,
                kept=form.cleaned_data["kept"] == "yes",
                note=form.cleaned_data["note"],
                decided_by=request.user,
                actor=request_actor(request),
            )
            messages.success(request, "已登记履约情况。")
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("records:record-detail", pk=pk)
