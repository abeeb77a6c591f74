"""The pages of a subject account that read the subject's restricted information: the self-query (本主体查询)
and its report, the access log (谁查询了我的信用记录) and the account's applications. Each read of restricted
information is recorded in the subject's access log with its audit event."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.access import account_required
from accounts.models import AccountGrant
from accounts.selectors import grant_acting
from core.errors import DomainError, form_add_error
from disclosure.reports import SELF_REPORT, report_issue
from disclosure.throttle import account_key, throttled
from evaluation.selectors import subject_explanations
from organisations.access import request_actor, staff_required
from organisations.choices import StaffRoleName
from records.selectors import catalog_display
from sanctions.selectors import status_of
from subjects.choices import AccessKind
from subjects.models import CreditSubject
from subjects.selectors import subject_accesses
from subjects.services import subject_access_record

from .authorisations import authorisation_for_reader, authorisation_grant, authorisation_revoke, reader_label
from .choices import ComplaintOutcome
from .complaints import complaint_answer, complaint_file
from .forms import AuthorisationForm, ComplaintAnswerForm, ComplaintForm
from .models import Application, Authorisation, Complaint
from .selfquery import CATEGORIES, own_record_view, own_report_body
from .services import NOT_AUTHORISED

ACCESS_PAGE_SIZE = 50


def acting_grant(request, subject_pk: int) -> AccountGrant:
    """The verified grant by which the signed-in account acts for the subject, or 403: every page below
    starts here."""
    subject = get_object_or_404(CreditSubject, pk=subject_pk)
    grant = grant_acting(request.account, subject)
    if grant is None:
        raise PermissionDenied(NOT_AUTHORISED)
    return grant


def self_access_record(request, grant: AccountGrant, purpose: str) -> None:
    subject_access_record(
        subject=grant.subject,
        kind=AccessKind.SELF,
        accessor=f"{grant.account.display_name}（{grant.get_role_display()}）",
        purpose=purpose,
        actor=request_actor(request),
        basis=f"本主体账户授权（{grant.get_verified_by_display()}）",
    )


@require_GET
@account_required
def self_query(request, subject_pk: int):
    grant = acting_grant(request, subject_pk)
    view = own_record_view(grant.subject, as_of=timezone.localdate(), with_applications=True)
    self_access_record(request, grant, "本主体查询：查看全部信用记录")
    return render(
        request,
        "rights/self_query.html",
        {
            "grant": grant,
            "view": view,
            "status": status_of([grant.subject_id])[grant.subject_id],
            "explanations": subject_explanations(grant.subject_id),
        },
    )


@require_GET
@throttled("report", by=account_key)  # per account: the accounts of one office share its address
@account_required
def self_report(request, subject_pk: int):
    grant = acting_grant(request, subject_pk)
    subject = grant.subject
    report, _ = report_issue(
        subject=subject,
        status=status_of([subject.pk])[subject.pk],
        actor=request_actor(request),
        base_url=request.build_absolute_uri("/"),
        variant=SELF_REPORT,
        body=own_report_body(subject),
    )
    self_access_record(request, grant, f"本主体查询：下载信用信息自查报告 {report.number}")
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=f"{report.number}.pdf", content_type="application/pdf"
    )


@require_GET
@account_required
def access_log(request, subject_pk: int):
    """谁查询了我的信用记录: every read of the subject's restricted information, whoever read it (the subject's
    own accounts, authorised third parties, departments by their grants, special queries)."""
    grant = acting_grant(request, subject_pk)
    page = Paginator(subject_accesses(grant.subject), ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    # A scope is categories (the subject page's tabs: authorisations) or record types (departments' queries).
    names = {**{code: display.record_type.name for code, display in catalog_display().types.items()}, **CATEGORIES}
    for access in page:
        access.scope_labels = [names.get(code, code) for code in access.scope or ()]
    return render(request, "rights/access_log.html", {"grant": grant, "page": page})


@require_GET
@account_required
def my_applications(request):
    applications = (
        Application.objects.filter(account=request.account)
        .select_related("subject", "record", "department")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(request, "rights/my_applications.html", {"page": page})


# Third-party authorisations -------------------------------------------------------------------------------


@account_required
def authorisations(request, subject_pk: int):
    """The subject's authorisations (given by any of its accounts) and the form to give one."""
    grant = acting_grant(request, subject_pk)
    form = AuthorisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            authorisation = authorisation_grant(
                account=request.account,
                subject=grant.subject,
                grantee_email=data["grantee_email"],
                categories=data["categories"],
                purpose=data["purpose"],
                valid_until=data["valid_until"],
                actor=request_actor(request),
            )
        except DomainError as error:
            form_add_error(form, error)
        else:
            messages.success(request, f"已授权，授权书编号 {authorisation.number}。")
            return redirect("rights:authorisations", subject_pk=subject_pk)
    given = (
        Authorisation.objects.filter(subject=grant.subject)
        .select_related("grantee", "granted_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(given, 50).get_page(request.GET.get("page"))
    for authorisation in page:
        authorisation.labels = [CATEGORIES.get(key, key) for key in authorisation.categories]
    return render(
        request,
        "rights/authorisations.html",
        {"grant": grant, "form": form, "page": page, "today": timezone.localdate()},
    )


@require_POST
@account_required
def authorisation_revoke_view(request, pk: int):
    authorisation = get_object_or_404(Authorisation, pk=pk)
    try:
        authorisation_revoke(
            authorisation=authorisation,
            account=request.account,
            actor=request_actor(request),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        if error.code == "not_authorised":
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, "授权已撤回。")
    return redirect("rights:authorisations", subject_pk=authorisation.subject_id)


@require_GET
@account_required
def authorised_list(request):
    """The authorisations this account has received (as a bank or a counterparty)."""
    received = (
        Authorisation.objects.filter(grantee=request.account).select_related("subject").order_by("-created_at", "-pk")
    )
    return render(
        request,
        "rights/authorised_list.html",
        {"page": Paginator(received, 50).get_page(request.GET.get("page")), "today": timezone.localdate()},
    )


@require_GET
@account_required
def authorised_view(request, pk: int):
    """What the authorisation lets this account read, exactly: its categories, while it is in force. Each
    read is in the subject's access log (授权第三方查询) with the purpose and the authorisation's number."""
    authorisation = authorisation_for_reader(request.account, pk)
    if authorisation is None:
        raise Http404("授权不存在、已撤回或已过期。")
    view = own_record_view(
        authorisation.subject,
        as_of=timezone.localdate(),
        categories=authorisation.categories,
        with_applications=False,
    )
    name, code = reader_label(request.account)
    subject_access_record(
        subject=authorisation.subject,
        kind=AccessKind.THIRD_PARTY,
        accessor=name,
        accessor_code=code,
        purpose=authorisation.purpose,
        scope=authorisation.categories,
        basis=f"授权书 {authorisation.number}",
        actor=request_actor(request),
    )
    return render(
        request,
        "rights/authorised_view.html",
        {
            "authorisation": authorisation,
            "view": view,
            "labels": [CATEGORIES[key] for key in authorisation.categories],
        },
    )


# Complaints -----------------------------------------------------------------------------------------------


@account_required
def complaints(request):
    """The account's complaints with their answers, and the form to file one."""
    account = request.account
    form = ComplaintForm(
        request.POST or None, applications=Application.objects.filter(account=account).order_by("-created_at", "-pk")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = complaint_file(
                account=account,
                category=data["category"],
                description=data["description"],
                application=data["application"],
                actor=request_actor(request),
            )
        except DomainError as error:
            form_add_error(form, error)
        else:
            messages.success(
                request, f"投诉已提交，编号 {complaint.number}，信用中心将于 {complaint.answer_due:%Y-%m-%d} 前答复。"
            )
            return redirect("rights:complaints")
    filed = Complaint.objects.filter(account=account).select_related("application").order_by("-created_at", "-pk")
    return render(
        request,
        "rights/complaints.html",
        {"form": form, "page": Paginator(filed, 50).get_page(request.GET.get("page"))},
    )


@staff_required(StaffRoleName.CREDIT_ADMIN)
def complaint_queue(request):
    queue = Complaint.objects.select_related("account", "application").order_by("state", "answer_due", "pk")
    return render(
        request,
        "rights/complaint_queue.html",
        {"page": Paginator(queue, 50).get_page(request.GET.get("page")), "today": timezone.localdate()},
    )


@staff_required(StaffRoleName.CREDIT_ADMIN)
def complaint_detail(request, pk: int):
    complaint = get_object_or_404(Complaint.objects.select_related("account", "application"), pk=pk)
    form = ComplaintAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint_answer(
                complaint=complaint,
                outcome=form.cleaned_data["outcome"],
                answer=form.cleaned_data["answer"],
                answered_by=request.user,
                actor=request_actor(request),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            outcome = dict(ComplaintOutcome.choices)[form.cleaned_data["outcome"]]
            messages.success(request, f"已答复投诉 {complaint.number}（{outcome}）；投诉人可在“我的投诉”中查看答复。")
        return redirect("rights:complaint-detail", pk=pk)
    return render(
        request,
        "rights/complaint_detail.html",
        {"complaint": complaint, "form": form, "today": timezone.localdate()},
    )
