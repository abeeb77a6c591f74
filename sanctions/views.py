"""Workbench pages for joint rewards and punishments: the check page, feedback, and the centre's dashboard."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.errors import form_add_error
from organisations.access import request_actor, staff_required
from organisations.choices import DEPARTMENT_ROLES
from organisations.choices import StaffRoleName as Role

from .choices import FeedbackResult, Scenario
from .forms import CheckForm
from .models import Check
from .selectors import check_dashboard, check_entry_is_name, check_names_match, check_results_shown
from .services import SanctionsError, check_certificate, check_feedback, check_perform


def _checks_for(request):
    checks = Check.objects.select_related("department").order_by("-id")
    department = request.staff.department
    return checks if department is None else checks.filter(department=department)


def _check_run(request, form_or_none, *, scenario: str, reference: str, codes: list[str]):
    """Perform the check and go to its answer; a refusal is shown on the form (or flashed, after confirmation)."""
    try:
        check = check_perform(
            department=request.staff.department,
            scenario=scenario,
            reference=reference,
            codes=codes,
            actor=request_actor(request),
        )
    except SanctionsError as error:
        if form_or_none is None:
            messages.error(request, error.message)
            return redirect("sanctions:checks")
        form_add_error(form_or_none, error)
        return None
    messages.success(
        request,
        f"已完成核查：共 {check.subject_count} 项，查到主体 {check.found_count} 个。可下载核查结果单留存备查。",
    )
    return redirect("sanctions:check-detail", pk=check.pk)


def _confirmed_codes(request) -> tuple[list[str], int]:
    """The codes of a confirmed list: those typed as codes and the subjects picked for the names; and how many
    names were left without a subject."""
    codes = request.POST.getlist("code")
    names = len(request.POST.getlist("name"))
    picked = [request.POST.get(f"pick-{i}", "") for i in range(names)]
    return codes + [code for code in picked if code], sum(1 for code in picked if not code)


@staff_required(*DEPARTMENT_ROLES)
def check_page(request):
    if request.method == "POST" and request.POST.get("step") == "confirm":
        codes, left_out = _confirmed_codes(request)
        if not codes:
            messages.error(request, "没有确认任何主体，未进行核查。")
            return redirect("sanctions:checks")
        if left_out:
            messages.warning(request, f"有 {left_out} 个名称未确认对应的主体，未纳入本次核查。")
        scenario, reference = request.POST.get("scenario", ""), request.POST.get("reference", "")
        return _check_run(request, None, scenario=scenario, reference=reference, codes=codes)
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        entries = form.cleaned_data["subject_codes"]
        names = [entry for entry in entries if check_entry_is_name(entry)]
        if names:
            # Names are checked only once the department has confirmed which subject each one means.
            return render(
                request,
                "sanctions/check_confirm.html",
                {
                    "scenario": form.cleaned_data["scenario"],
                    "scenario_label": Scenario(form.cleaned_data["scenario"]).label,
                    "reference": form.cleaned_data["reference"],
                    "codes": [entry for entry in entries if not check_entry_is_name(entry)],
                    "matches": check_names_match(names),
                },
            )
        response = _check_run(
            request,
            form,
            scenario=form.cleaned_data["scenario"],
            reference=form.cleaned_data["reference"],
            codes=entries,
        )
        if response is not None:
            return response
    page = Paginator(_checks_for(request), 20).get_page(request.GET.get("page"))
    return render(request, "sanctions/check.html", {"form": form, "page": page})


@staff_required()
def check_detail(request, pk: int):
    check = get_object_or_404(_checks_for(request), pk=pk)
    given = {(f.subject_code, f.measure.code): f for f in check.feedback.select_related("measure")}
    shown = check_results_shown(check)
    rows = [
        {
            **result,
            "measures": [
                {**measure, "feedback": given.get((result["subject"], measure["code"]))}
                for measure in result["measures"]
            ],
        }
        if result.get("found")
        else result
        for result in shown
    ]
    can_feedback = request.staff.department is not None and request.staff.department.pk == check.department_id
    if request.method == "POST" and can_feedback:
        items = []
        for result in check.results:
            for measure in result.get("measures", []):
                key = f"fb-{result['subject']}-{measure['code']}"
                choice = request.POST.get(key)
                if choice in FeedbackResult.values:
                    items.append(
                        {
                            "subject": result["subject"],
                            "measure": measure["code"],
                            "applied": choice == FeedbackResult.APPLIED,
                            "note": request.POST.get(f"{key}-note", ""),
                        }
                    )
        if items:
            try:
                check_feedback(
                    check=check, department=request.staff.department, items=items, actor=request_actor(request)
                )
                messages.success(request, f"已保存 {len(items)} 项反馈。")
            except SanctionsError as error:
                messages.error(request, error.message)
        return redirect("sanctions:check-detail", pk=pk)
    return render(request, "sanctions/check_detail.html", {"check": check, "rows": rows, "can_feedback": can_feedback})


@require_GET
@staff_required()
def check_certificate_download(request, pk: int):
    """The check's 核查结果单 (PDF): for the staff who may read the check (its department, the credit centre)."""
    check = get_object_or_404(_checks_for(request), pk=pk)
    try:
        certificate = check_certificate(
            check=check, actor=request_actor(request), base_url=request.build_absolute_uri("/")
        )
    except SanctionsError as error:
        messages.error(request, error.message)
        return redirect("sanctions:check-detail", pk=pk)
    return FileResponse(
        certificate.file.open("rb"),
        as_attachment=True,
        filename=f"核查结果单-{certificate.number}.pdf",
        content_type="application/pdf",
    )


@staff_required(Role.CREDIT_ADMIN)
def dashboard(request):
    since = timezone.localdate() - datetime.timedelta(days=183)
    return render(request, "sanctions/dashboard.html", {"since": since, **check_dashboard(since=since)})
