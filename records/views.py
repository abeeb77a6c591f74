"""The department workbench for records: entry, review, uploads, lists, history, quality, tokens, matching.

Every page is limited to the user's own department; the credit-centre admin sees all departments.
"""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import form_add_error
from core.paging import CappedCountPaginator
from organisations.access import request_actor, staff_required
from organisations.choices import StaffRoleName as Role
from organisations.choices import TokenState
from organisations.models import ApiToken
from organisations.services import (
    ApiTokenError,
    api_token_approve,
    api_token_create,
    api_token_refuse,
    api_token_revoke,
)
from subjects.choices import SubjectKind
from subjects.models import CreditSubject
from subjects.selectors import SearchQueryError, subject_candidates

from .batches import batch_create, batch_import
from .bulk_review import batch_review_summary, bulk_review_request, bulk_reviews_recent, clerk_name, pending_entries
from .choices import BatchState, BulkReviewState, Channel, IngestOutcome, RecordStatus, SeveritySource
from .filtersets import RecordFilterSet
from .forms import (
    MatchForm,
    ReasonForm,
    RecordEntryForm,
    ReviewForm,
    ReviewQueueFilterForm,
    TokenDecisionForm,
    TokenForm,
    UploadForm,
    department_prefill,
)
from .models import BatchRowError, BulkReview, QualityReport, RecordType
from .quality import default_period
from .selectors import (
    batches_visible_to,
    catalog_entries,
    record_versions,
    records_visible_to,
    unmatched_candidates,
)
from .services import (
    RecordError,
    RecordInput,
    record_approve,
    record_match,
    record_read_record,
    record_reject,
    record_resubmit,
    record_revoke,
    records_ingest,
)
from .spreadsheets import error_label, error_report_workbook, template_workbook
from .tasks import quality_reports_compute_task
from .validation import TypeSpec

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _record_for(request, pk: int):
    """A record the user may see; another department's record is a 404, as in the API."""
    return get_object_or_404(records_visible_to(request.staff.department), pk=pk)


@staff_required()
def record_list(request):
    records = records_visible_to(request.staff.department).order_by("-id")
    filterset = RecordFilterSet(request.GET, queryset=records)
    # The department's records can be millions: the count stops at a cap (core/paging.py).
    page = CappedCountPaginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "records/record_list.html",
        {"filter": filterset, "page": page, "types": RecordType.objects.order_by("code")},
    )


@staff_required(Role.CLERK, Role.REVIEWER, Role.DEPT_ADMIN)
def record_entry_start(request):
    # Types reserved to another channel (the results of random inspections) are not offered for entry here.
    types = RecordType.objects.filter(RecordType.writable_q(Channel.FORM), is_active=True).order_by("code")
    return render(request, "records/record_entry_start.html", {"types": types})


@staff_required(Role.CLERK)
def record_entry(request, type_code: str):
    """A clerk's entry of one record; the authority and data source come prefilled from the clerk's department
    (``department_prefill``) and the subject can be looked up by name or code (``subject_lookup``)."""
    record_type = get_object_or_404(
        RecordType.objects.prefetch_related("fields").filter(RecordType.writable_q(Channel.FORM)),
        code=type_code,
        is_active=True,
    )
    form = RecordEntryForm(
        record_type, request.POST or None, initial=department_prefill(record_type, request.staff.department)
    )
    if request.method == "POST" and form.is_valid():
        data, severity = form.record_data()
        [result] = records_ingest(
            department=request.staff.department,
            items=[RecordInput(record_type=type_code, data=data, severity=severity)],
            channel=Channel.FORM,
            actor=request_actor(request),
            user=request.user,
            review=True,
        )
        if result.status != IngestOutcome.REJECTED:
            messages.success(request, "已提交，等待本部门审核员审核。")
            return redirect("records:record-detail", pk=result.record_id)
        for code, problems in result.errors.items():
            for problem in problems:
                form.add_error(code if code in form.fields else None, problem)
    return render(request, "records/record_entry.html", {"form": form, "record_type": record_type})


@staff_required(Role.CLERK)
def record_edit(request, pk: int):
    """A clerk modifies an entry the reviewer sent back and submits it again, from its page: the same record,
    a new version, its history kept (``record_resubmit``)."""
    record = _record_for(request, pk)
    if record.status != RecordStatus.REJECTED:
        messages.error(
            request, f"记录当前状态为“{record.get_status_display()}”，只有审核未通过的记录可以修改后重新提交。"
        )
        return redirect("records:record-detail", pk=pk)
    record_type = RecordType.objects.prefetch_related("fields").get(pk=record.record_type_id)
    multiple = {f.code for f in record_type.fields.all() if f.multiple}
    initial = {code: value.split(";") if code in multiple else value for code, value in record.data.items()}
    if record.severity_source == SeveritySource.DEPARTMENT:
        initial["severity"] = record.severity
    form = RecordEntryForm(record_type, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data, severity = form.record_data()
        try:
            result = record_resubmit(
                record=record,
                item=RecordInput(record_type=record_type.code, data=data, severity=severity),
                user=request.user,
                actor=request_actor(request),
            )
        except RecordError as error:
            messages.error(request, error.message)
            return redirect("records:record-detail", pk=pk)
        if result.status != IngestOutcome.REJECTED:
            messages.success(request, "已修改并重新提交，等待本部门审核员审核。")
            return redirect("records:record-detail", pk=pk)
        for code, problems in result.errors.items():
            for problem in problems:
                form.add_error(code if code in form.fields else None, problem)
    return render(request, "records/record_entry.html", {"form": form, "record_type": record_type, "record": record})


#: The subject-kind value of the national format for each kind of subject a lookup finds.
RECORD_KIND = {SubjectKind.LEGAL_ENTITY: "法人及非法人组织", SubjectKind.INDIVIDUAL_BUSINESS: "个体工商户"}


@staff_required(Role.CLERK, Role.REVIEWER, Role.DEPT_ADMIN)
def subject_lookup(request):
    """The entry form's lookup: subjects by name, former name or code, as JSON (department staff only; natural
    persons are never offered)."""
    try:
        found = subject_candidates(request.GET.get("q", ""))
    except SearchQueryError as error:
        return JsonResponse({"results": [], "message": str(error)})
    results = [
        {
            "name": c.subject.name,
            "code": c.subject.uscc or "",
            "kind": c.subject.get_kind_display(),
            "record_kind": RECORD_KIND.get(c.subject.kind, ""),
            "matched": c.matched,
        }
        for c in found
    ]
    return JsonResponse({"results": results, "message": "" if results else "未找到，请核对名称或代码。"})


@staff_required()
def record_detail(request, pk: int):
    record = _record_for(request, pk)
    staff = request.staff
    record_read_record(record=record, department=staff.department, actor=request_actor(request))
    own_entry = record.submitted_by_id == request.user.pk
    can_review = (
        staff.has(Role.REVIEWER)
        and record.status == RecordStatus.PENDING_REVIEW
        and not own_entry
        and staff.department is not None
    )
    can_revoke = (
        staff.has(Role.REVIEWER, Role.DEPT_ADMIN)
        and staff.department is not None
        and record.status in (RecordStatus.ACTIVE, RecordStatus.PENDING_REVIEW, RecordStatus.UNMATCHED)
        and not record.record_type.write_channel  # reserved to its own channel (record_revoke refuses it)
    )
    can_edit = staff.has(Role.CLERK) and record.status == RecordStatus.REJECTED and staff.department is not None
    fields = {f.code: f.label for f in record.record_type.fields.all()}
    return render(
        request,
        "records/record_detail.html",
        {
            "record": record,
            "rows": [(fields.get(code, code), code, value) for code, value in record.data.items()],
            "versions": record_versions(record),
            "can_review": can_review,
            "can_revoke": can_revoke,
            "can_edit": can_edit,
            "own_entry": own_entry,
            "review_form": ReviewForm(),
            "revoke_form": ReasonForm(),
        },
    )


@require_POST
@staff_required(Role.REVIEWER)
def record_review(request, pk: int):
    record = _record_for(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("records:record-detail", pk=pk)
    try:
        if form.cleaned_data["decision"] == "approve":
            record_approve(
                record=record, reviewer=request.user, actor=request_actor(request), note=form.cleaned_data["note"]
            )
            messages.success(request, "审核通过，记录已生效。")
        else:
            record_reject(
                record=record, reviewer=request.user, actor=request_actor(request), note=form.cleaned_data["note"]
            )
            messages.success(request, "已退回填报人。")
    except RecordError as error:
        messages.error(request, error.message)
    return redirect("records:record-detail", pk=pk)


@require_POST
@staff_required(Role.REVIEWER, Role.DEPT_ADMIN)
def record_revoke_view(request, pk: int):
    record = _record_for(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "撤销时必须填写原因。")
        return redirect("records:record-detail", pk=pk)
    try:
        record_revoke(record=record, actor=request_actor(request), reason=form.cleaned_data["reason"])
        messages.success(request, "记录已撤销。")
    except RecordError as error:
        messages.error(request, error.message)
    return redirect("records:record-detail", pk=pk)


def _queue_filter_form(request, data):
    department = request.staff.department
    clerks = (
        pending_entries(department)
        .filter(submitted_by__isnull=False)
        .values_list("submitted_by", "submitted_by__first_name", "submitted_by__username")
        .distinct()
        .order_by("submitted_by__username")
    )
    named = [(pk, clerk_name(full_name, username)) for pk, full_name, username in clerks]
    return ReviewQueueFilterForm(data, clerks=named)


@staff_required(Role.REVIEWER)
def review_queue(request):
    """The department's entries waiting for review, with their total, filters, and a decision on the whole
    filtered selection (carried out in the background: ``records.bulk_review``)."""
    department = request.staff.department
    form = _queue_filter_form(request, request.GET or None)
    selection = form.selection() if request.GET else {}
    pending = (
        pending_entries(department, selection).select_related("record_type", "subject", "submitted_by").order_by("id")
    )
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    own = pending.filter(submitted_by=request.user).count() if page.paginator.count else 0
    return render(
        request,
        "records/review_queue.html",
        {
            "page": page,
            "filter_form": form,
            "selection": selection,
            "total": page.paginator.count,
            "own": own,
            "bulk_form": ReviewForm(),
            "bulk_reviews": bulk_reviews_recent(department, limit=5) if department else [],
        },
    )


def _bulk_review_start(request, *, batch=None, filters=None):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return None
    try:
        bulk = bulk_review_request(
            department=request.staff.department,
            reviewer=request.user,
            actor=request_actor(request),
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            batch=batch,
            filters=filters,
        )
    except RecordError as error:
        messages.error(request, error.message)
        return None
    verb = "审核通过" if bulk.decision == "approve" else "退回"
    messages.success(request, f"已提交批量{verb}：{bulk.description}，共 {bulk.total} 条，正在后台处理。")
    return redirect("records:bulk-review-detail", pk=bulk.pk)


@require_POST
@staff_required(Role.REVIEWER)
def bulk_review_create(request):
    """Decide every entry of the filtered review queue (the filters come with the form)."""
    form = _queue_filter_form(request, request.POST)
    if not form.is_valid():
        messages.error(request, "筛选条件有误，请重新筛选后再批量审核。")
        return redirect("records:review-queue")
    return _bulk_review_start(request, filters=form.selection()) or redirect("records:review-queue")


@require_POST
@staff_required(Role.REVIEWER)
def upload_review(request, pk: int):
    """Decide every entry of an imported upload that is still waiting for review."""
    batch = _batch_for(request, pk)
    return _bulk_review_start(request, batch=batch) or redirect("records:upload-detail", pk=pk)


def _bulk_review_for(request, pk: int) -> BulkReview:
    return get_object_or_404(
        BulkReview.objects.select_related("reviewer", "batch"), pk=pk, department=request.staff.department
    )


@staff_required(Role.REVIEWER)
def bulk_review_detail(request, pk: int):
    bulk = _bulk_review_for(request, pk)
    running = bulk.state in (BulkReviewState.QUEUED, BulkReviewState.RUNNING)
    return render(request, "records/bulk_review_detail.html", {"bulk": bulk, "running": running})


@staff_required(Role.REVIEWER)
def bulk_review_progress(request, pk: int):
    bulk = _bulk_review_for(request, pk)
    return JsonResponse(
        {
            "state": bulk.state,
            "state_label": bulk.get_state_display(),
            "total": bulk.total,
            "processed": bulk.processed,
            "decided": bulk.decided,
            "skipped_own": bulk.skipped_own,
        }
    )


# Spreadsheets ---------------------------------------------------------------------------------------------


@staff_required()
def template_download(request, type_code: str):
    entry = catalog_entries().get(type_code)
    if entry is None or not entry.record_type.accepts(Channel.UPLOAD):
        raise Http404("未知的记录类型。")
    field_help = {f.code: f.help_text for f in entry.record_type.fields.all()}
    content = template_workbook(entry.spec, entry.record_type.name, field_help)
    return _xlsx_response(content, f"{type_code}-template.xlsx")


@staff_required(Role.CLERK)
def upload_list(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batch_create(
                department=request.staff.department,
                upload=form.cleaned_data["file"],
                record_type_code=form.cleaned_data["record_type"].code,
                channel=Channel.UPLOAD,
                actor=request_actor(request),
                user=request.user,
            )
        except RecordError as error:
            form.add_error("file", error.message)
        else:
            return redirect("records:upload-detail", pk=batch.pk)
    uploads = batches_visible_to(request.staff.department).filter(channel=Channel.UPLOAD)[:50]
    return render(
        request,
        "records/upload_list.html",
        {
            "form": form,
            "uploads": uploads,
            "max_rows": settings.BATCH_MAX_ROWS,
            "max_mb": settings.BATCH_MAX_BYTES // 1_048_576,
        },
    )


def _batch_for(request, pk: int):
    return get_object_or_404(batches_visible_to(request.staff.department), pk=pk)


@staff_required()
def upload_detail(request, pk: int):
    """An upload's progress and errors; once imported, a reviewer of the department decides its entries
    here as a whole, seeing how many wait, the errors by field and a sample first."""
    batch = _batch_for(request, pk)
    errors = BatchRowError.objects.filter(batch=batch).order_by("row_number")
    # Field names, as in the downloadable errors.xlsx (the code stays in a tooltip for the sender's system).
    labels = {f.code: f.label for f in batch.record_type.fields.all()} if batch.record_type_id else {}
    error_rows = [
        (e.row_number, [(error_label(code, labels), code, msgs) for code, msgs in e.errors.items()])
        for e in errors[:200]
    ]
    review = None
    if request.staff.has(Role.REVIEWER) and request.staff.department is not None and batch.state == BatchState.DONE:
        review = batch_review_summary(batch, reviewer=request.user)
    return render(
        request,
        "records/upload_detail.html",
        {
            "batch": batch,
            "error_rows": error_rows,
            "error_count": errors.count(),
            "running": batch.state in (BatchState.QUEUED, BatchState.VALIDATING, BatchState.IMPORTING),
            "review": review,
            "review_form": ReviewForm(),
        },
    )


@staff_required()
def upload_progress(request, pk: int):
    batch = _batch_for(request, pk)
    return JsonResponse(
        {
            "state": batch.state,
            "state_label": batch.get_state_display(),
            "total": batch.total_rows,
            "processed": batch.processed_rows,
        }
    )


@staff_required()
def upload_errors(request, pk: int):
    batch = _batch_for(request, pk)
    if batch.record_type is None:  # JSON Lines: each line names its own type; report the errors alone
        spec = TypeSpec(code="", fields=(), subject_name_field="")
    else:
        spec = catalog_entries(active_only=False)[batch.record_type.code].spec
    rows = [(e.row_number, e.data, e.errors) for e in batch.row_errors.order_by("row_number")]
    return _xlsx_response(error_report_workbook(spec, rows), f"errors-{batch.pk}.xlsx")


@require_POST
@staff_required(Role.CLERK)
def upload_import(request, pk: int):
    batch = _batch_for(request, pk)
    try:
        batch_import(batch=batch, actor=request_actor(request))
        messages.success(request, "正在导入有效行，导入后将进入审核。")
    except RecordError as error:
        messages.error(request, error.message)
    return redirect("records:upload-detail", pk=pk)


# Data quality -----------------------------------------------------------------------------------------------


@staff_required()
def quality(request):
    start, end = default_period()
    reports = (
        QualityReport.objects.filter(period_start=start, period_end=end)
        .select_related("department", "record_type")
        .order_by("department__code", "record_type__code")
    )
    if request.staff.department is not None:
        reports = reports.filter(department=request.staff.department)
    totals = reports.aggregate(
        received=Sum("received"),
        accepted=Sum("accepted"),
        rejected=Sum("rejected"),
        timely=Sum("timely"),
        base=Sum("timeliness_base"),
    )
    return render(
        request,
        "records/quality.html",
        {
            "reports": reports,
            "totals": totals,
            "period": (start, end),
            "computed_at": max((r.computed_at for r in reports), default=None),
        },
    )


@require_POST
@staff_required(Role.CREDIT_ADMIN)
def quality_recompute(request):
    quality_reports_compute_task.delay(requested_by=dataclasses.asdict(request_actor(request)))
    messages.success(request, "已提交重新统计，稍后刷新页面查看。")
    return redirect("records:quality")


# API tokens (department admins ask, the credit centre approves) ---------------------------------------------


def _token_create_from(request, form: TokenForm, *, by_credit_centre: bool) -> str | None:
    """Issue the token the form asks for; a refused request puts the service's message on its field."""
    department = form.cleaned_data["department"] if by_credit_centre else request.staff.department
    try:
        token, raw = api_token_create(
            department=department,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_on=form.cleaned_data["expires_on"],
            actor=request_actor(request),
            by_credit_centre=by_credit_centre,
        )
    except ApiTokenError as error:
        form_add_error(form, error)
        return None
    if token.state == TokenState.PENDING:
        messages.warning(request, f"令牌“{token.name}”含报送权限，须经信用中心审批通过后才能使用。")
    return raw


#: The session key that holds a new token's secret until the page after the redirect has shown it once.
NEW_TOKEN_SESSION_KEY = "records.new_api_token"


@never_cache
@staff_required(Role.DEPT_ADMIN, Role.CREDIT_ADMIN)
def token_list(request):
    """Department admins ask for tokens of their department; the credit centre issues tokens for any
    department and approves or refuses the pending ones (those that may publish).

    A new token is issued by a POST that redirects (a reload then asks for nothing); its secret waits in the
    session (server-side, never in the URL) for the one page that shows it."""
    by_centre = request.staff.has(Role.CREDIT_ADMIN)
    form = TokenForm(request.POST or None, for_credit_centre=by_centre)
    if request.method == "POST" and form.is_valid():
        raw = _token_create_from(request, form, by_credit_centre=by_centre)
        if raw:
            request.session[NEW_TOKEN_SESSION_KEY] = raw
            return redirect("records:tokens")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    tokens = ApiToken.objects.select_related("department").order_by("-created_at")
    if not by_centre:
        tokens = tokens.filter(department=request.staff.department)
    pending = tokens.filter(state=TokenState.PENDING).order_by("created_at") if by_centre else None
    page = Paginator(tokens, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "tokens": page.object_list,
        "pending": pending,
        "decision_form": TokenDecisionForm(),
        "new_token": new_token,
        "by_centre": by_centre,
    }
    return render(request, "records/token_list.html", context)


def _token_for(request, pk: int) -> ApiToken:
    """A department admin reaches only its department's tokens; the credit centre reaches all."""
    tokens = ApiToken.objects.select_related("department")
    if not request.staff.has(Role.CREDIT_ADMIN):
        tokens = tokens.filter(department=request.staff.department)
    return get_object_or_404(tokens, pk=pk)


@require_POST
@staff_required(Role.DEPT_ADMIN, Role.CREDIT_ADMIN)
def token_revoke(request, pk: int):
    token = _token_for(request, pk)
    reason = "信用中心吊销" if request.staff.has(Role.CREDIT_ADMIN) else "部门管理员吊销"
    api_token_revoke(token=token, actor=request_actor(request), reason=reason)
    messages.success(request, f"令牌“{token.name}”已吊销。")
    return redirect("records:tokens")


@require_POST
@staff_required(Role.CREDIT_ADMIN)
def token_decide(request, pk: int, decision: str):
    """Approve or refuse a pending token, with a reason (the credit centre only)."""
    token = _token_for(request, pk)
    form = TokenDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写审批意见。")
        return redirect("records:tokens")
    service = api_token_approve if decision == "approve" else api_token_refuse
    try:
        service(token=token, actor=request_actor(request), reason=form.cleaned_data["reason"])
    except ApiTokenError as error:
        messages.error(request, error.message)
        return redirect("records:tokens")
    verb = "批准" if decision == "approve" else "拒绝"
    messages.success(request, f"已{verb}令牌“{token.name}”（{token.department.name}）。")
    return redirect("records:tokens")


# Unmatched records (credit centre) ---------------------------------------------------------------------------


@staff_required(Role.CREDIT_ADMIN)
def unmatched_queue(request):
    """Records whose subject could not be identified, each with the candidate subjects to pick from."""
    records = records_visible_to(None).filter(status=RecordStatus.UNMATCHED).order_by("id")
    page = Paginator(records, 20).get_page(request.GET.get("page"))
    rows = [(record, unmatched_candidates(record)) for record in page]
    return render(request, "records/unmatched.html", {"page": page, "rows": rows, "form": MatchForm()})


def _match_subject(form: MatchForm) -> CreditSubject:
    """The subject picked, or found by the code typed (a natural person by the full citizen ID number)."""
    if form.cleaned_data.get("subject"):
        return CreditSubject.objects.get(pk=form.cleaned_data["subject"])
    found = subject_candidates(form.cleaned_data["code"], persons_by_id=True)
    if not found or not found[0].exact:
        raise CreditSubject.DoesNotExist
    return found[0].subject


@require_POST
@staff_required(Role.CREDIT_ADMIN)
def unmatched_match(request, pk: int):
    record = _record_for(request, pk)
    form = MatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("records:unmatched")
    try:
        subject = _match_subject(form)
        record_match(record=record, subject=subject, actor=request_actor(request), reason=form.cleaned_data["reason"])
        messages.success(request, f"已将记录 {record.source_id} 匹配到 {subject.name}。")
    except SearchQueryError as error:
        messages.error(request, str(error))
    except CreditSubject.DoesNotExist:
        messages.error(request, "未找到该代码对应的信用主体。")
    except RecordError as error:
        messages.error(request, error.message)
    return redirect("records:unmatched")
