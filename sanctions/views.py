"""Workbench pages for joint rewards and punishments: the check page, feedback, and the centre's dashboard."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.errors import form_add_error
from organisations.access import request_actor, staff_required
from organisations.choices import DEPARTMENT_ROLES
from organisations.choices import StaffRoleName as Role

from .choices import FeedbackResult
from .forms import CheckForm
from .models import Check
from .selectors import check_dashboard
from .services import SanctionsError, check_feedback, check_perform


def _checks_for(request):
    checks = Check.objects.select_related("department").order_by("-id")
    department = request.staff.department
    return checks if department is None else checks.filter(department=department)


@staff_required(*DEPARTMENT_ROLES)
def check_page(request):
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = check_perform(
                department=request.staff.department,
                scenario=form.cleaned_data["scenario"],
                reference=form.cleaned_data["reference"],
                codes=form.cleaned_data["subject_codes"],
                actor=request_actor(request),
            )
        except SanctionsError as error:
            form_add_error(form, error)
        else:
            return redirect("sanctions:check-detail", pk=check.pk)
    page = Paginator(_checks_for(request), 20).get_page(request.GET.get("page"))
    return render(request, "sanctions/check.html", {"form": form, "page": page})


@staff_required()
def check_detail(request, pk: int):
    check = get_object_or_404(_checks_for(request), pk=pk)
    given = {(f.subject_code, f.measure.code): f for f in check.feedback.select_related("measure")}
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
        for result in check.results
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


@staff_required(Role.CREDIT_ADMIN)
def dashboard(request):
    since = timezone.localdate() - datetime.timedelta(days=183)
    return render(request, "sanctions/dashboard.html", {"since": since, **check_dashboard(since=since)})
