"""Workbench pages of department queries: the graded query of one subject, special-query applications, the
credit centre's decisions and dashboard, and the watermarked result (page and PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.errors import DomainError, form_add_error
from disclosure.reports import pdf_render
from organisations.access import request_actor, staff_required
from organisations.choices import DEPARTMENT_ROLES
from organisations.choices import StaffRoleName as Role

from .forms import ApproveForm, QueryForm, RefuseForm, SpecialQueryForm
from .models import SpecialQuery, SpecialQueryFile
from .selectors import grants_of, record_rows, special_queries_dashboard, special_queries_visible_to
from .services import (
    QueryError,
    department_query,
    special_query_approve,
    special_query_issue,
    special_query_read_record,
    special_query_refuse,
    special_query_submit,
    special_result_read,
)

# Who applies for special queries and reads their results: the department's reviewer and department admin
# (those who answer for its decisions, seed 004 九(一)); a clerk enters data.
APPLICANTS = (Role.REVIEWER, Role.DEPT_ADMIN)
# How often the watermark (department, number, expiry, viewer, time) is repeated over a result.
WATERMARK_TILES = 24


@never_cache
@staff_required(*DEPARTMENT_ROLES)
def query(request):
    """Look a subject up, state the purpose, read the restricted records the department's grants allow."""
    department = request.staff.department
    form = QueryForm(request.POST or None)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = department_query(
                department=department,
                code=data["subject"],
                purpose=data["purpose"],
                purpose_note=data["purpose_note"],
                actor=request_actor(request),
            )
        except QueryError as error:
            form_add_error(form, error)
            status = 403 if error.code == "no_grant" else 400
    rows = [(record, record_rows(record)) for record in result.records] if result else []
    return render(
        request,
        "queries/query.html",
        {
            "form": form,
            "result": result,
            "rows": rows,
            "grants": grants_of(department),
            "today": timezone.localdate(),
            "can_apply": request.staff.has(*APPLICANTS),  # a clerk is not offered what answers it 403
        },
        status=status,
    )


# Special queries ---------------------------------------------------------------------------------------------


@require_GET
@staff_required(*APPLICANTS, Role.CREDIT_ADMIN)
def special_list(request):
    queries = special_queries_visible_to(request.staff.department)
    page = Paginator(queries, 50).get_page(request.GET.get("page"))
    can_apply = request.staff.department is not None and request.staff.has(*APPLICANTS)
    return render(
        request, "queries/special_list.html", {"page": page, "today": timezone.localdate(), "can_apply": can_apply}
    )


@staff_required(*APPLICANTS)
def special_new(request):
    form = SpecialQueryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            special = special_query_submit(
                department=request.staff.department,
                applicant=request.user,
                purpose=data["purpose"],
                purpose_note=data["purpose_note"],
                legal_basis=data["legal_basis"],
                codes=form.codes(),
                record_types=data["record_types"],
                uploads=data["files"],
                actor=request_actor(request),
            )
        except QueryError as error:
            form_add_error(form, error)
        else:
            messages.success(request, f"已提交特殊查询申请 {special.number}，信用中心将在审批时限内办理。")
            return redirect("queries:special-detail", pk=special.pk)
    # Without a restricted type in the catalog there is nothing to apply for: the page says so instead of
    # showing a form whose required 信息类型 has no choice.
    available = form.fields["record_types"].queryset.exists()
    return render(request, "queries/special_new.html", {"form": form, "types_available": available})


def _special_for(request, pk: int) -> SpecialQuery:
    """An application the user may see: the department's own, or any for the credit centre; another
    department's is a 404."""
    return get_object_or_404(special_queries_visible_to(request.staff.department), pk=pk)


def _special_decide(request, special: SpecialQuery) -> None:
    """The credit centre's step on an application (approve, refuse, issue); anyone else is refused."""
    action = request.POST.get("action")
    actor = request_actor(request)
    if not request.staff.is_credit_admin or action not in ("approve", "refuse", "issue"):
        messages.error(request, "您无权执行此操作。")
        return
    try:
        if action == "approve":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                raise QueryError("请填写结果有效期（天）和审批意见。", code="invalid_decision")
            special_query_approve(
                query=special, valid_days=form.cleaned_data["valid_days"], note=form.cleaned_data["note"], actor=actor
            )
            messages.success(request, "已批准，请出具查询结果。")
        elif action == "refuse":
            special_query_refuse(query=special, reason=request.POST.get("reason", ""), actor=actor)
            messages.success(request, "已不予批准。")
        else:
            special_query_issue(query=special, actor=actor)
            messages.success(request, "已出具查询结果，申请单位可在有效期内查看。")
    except DomainError as error:
        messages.error(request, error.message)


@staff_required(*APPLICANTS, Role.CREDIT_ADMIN)
def special_detail(request, pk: int):
    special = _special_for(request, pk)
    if request.method == "POST":
        _special_decide(request, special)
        return redirect("queries:special-detail", pk=pk)
    special_query_read_record(query=special, action="special_query.view_application", actor=request_actor(request))
    return render(
        request,
        "queries/special_detail.html",
        {
            "special": special,
            "subjects": special.subjects.order_by("pk"),
            "record_types": special.record_types.order_by("code"),
            "files": special.files.all(),
            "events": special.events.all(),
            "approve_form": ApproveForm(),
            "refuse_form": RefuseForm(),
            "today": timezone.localdate(),
            "now": timezone.now(),
        },
    )


@require_GET
@staff_required(*APPLICANTS, Role.CREDIT_ADMIN)
def special_file(request, pk: int, file_pk: int):
    special = _special_for(request, pk)
    attachment = get_object_or_404(SpecialQueryFile, pk=file_pk, query=special)
    special_query_read_record(
        query=special,
        action="special_query.file_download",
        actor=request_actor(request),
        detail=attachment.original_name,
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def _result(request, pk: int, form: str):
    """The result for its applicant department only (another department's: 404), while issued and valid
    (otherwise 403 with the reason); each view is in the subjects' access logs."""
    special = _special_for(request, pk)
    try:
        return special_result_read(
            query=special, department=request.staff.department, actor=request_actor(request), form=form
        )
    except QueryError as error:
        if error.code == "not_your_query":
            raise Http404(error.message) from None
        raise PermissionDenied(error.message) from None


def _result_context(result) -> dict:
    special = result.query
    return {
        "special": special,
        "result": result,
        "rows": [(record, record_rows(record)) for record in result.records],
        "subjects": special.subjects.order_by("pk"),
        "record_types": special.record_types.order_by("code"),
        "watermark_tiles": range(WATERMARK_TILES),
        "watermark": (
            f"{special.department.name} · {special.number} · 有效期至 "
            f"{timezone.localtime(special.valid_until):%Y-%m-%d %H:%M} · {result.viewer} "
            f"{timezone.localtime(result.viewed_at):%Y-%m-%d %H:%M}"
        ),
    }


@never_cache
@require_GET
@staff_required(*APPLICANTS)
def special_result(request, pk: int):
    result = _result(request, pk, "页面")
    return render(request, "queries/special_result.html", _result_context(result))


@never_cache
@require_GET
@staff_required(*APPLICANTS)
def special_result_pdf(request, pk: int):
    result = _result(request, pk, "PDF")
    pdf = pdf_render("queries/special_result_pdf.html", _result_context(result))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{result.query.number}.pdf"'
    return response


@require_GET
@staff_required(Role.CREDIT_ADMIN)
def special_dashboard(request):
    return render(request, "queries/special_dashboard.html", special_queries_dashboard(today=timezone.localdate()))
