"""Pages of supervision: the department workbench (plans, the draw, results, the inspector pool). The public
"一公开" pages (every drawn plan from its draw, and its verification) are the public site's:
``disclosure/inspection_views.py``.

Workbench pages are limited to the user's own department (another department's plan or inspector is a 404); the
credit-centre admin reads every plan and acts on none (plans, draws and results are the department's)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.errors import form_add_error
from core.paging import CappedCountPaginator
from organisations.access import request_actor, staff_required
from organisations.choices import StaffRoleName as Role
from records.selectors import calendar_overrides
from records.workdays import add_workdays

from . import selectors
from .choices import PlanState
from .forms import InspectorForm, PlanForm, ResultForm, rule_field_name
from .models import InspectionPlan, InspectionTarget, Inspector
from .rules import CLASSES, class_label, rules_display
from .services import (
    SupervisionError,
    inspection_result_enter,
    inspector_add,
    inspector_set_active,
    plan_create,
    plan_draw,
)

DEPARTMENT_ROLES = (Role.CLERK, Role.REVIEWER, Role.DEPT_ADMIN)
REFUSED = "您无权执行此操作：抽查任务由本部门管理员制定和抽取。"
#: Drawn subjects per page of a plan (a plan draws hundreds: D at 100% of a large population).
TARGETS_PAGE_SIZE = 100


def _plan_for(request, pk: int) -> InspectionPlan:
    """A plan the user may see; another department's plan is a 404."""
    return get_object_or_404(selectors.plans_visible_to(request.staff.department), pk=pk)


@staff_required(*DEPARTMENT_ROLES, Role.CREDIT_ADMIN)
def plan_list(request):
    plans = selectors.plans_visible_to(request.staff.department).order_by("-created_at", "-id")
    page = CappedCountPaginator(plans, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/plan_list.html", {"page": page})


@staff_required(Role.DEPT_ADMIN)
def plan_new(request):
    department = request.staff.department
    form = PlanForm(department, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plan_create(
                department=department,
                title=data["title"],
                basis=data["basis"],
                scope=data["scope"],
                model=data["model"],
                rule_texts=form.rule_texts(),
                inspectors_per_subject=data["inspectors_per_subject"],
                subject_kinds=data["subject_kinds"],
                division_prefix=data["division_prefix"],
                industry=data["industry"],
                actor=request_actor(request),
            )
        except SupervisionError as error:
            if error.field in CLASSES:
                error.field = rule_field_name(error.field)
            form_add_error(form, error)
        else:
            messages.success(request, "抽查任务已保存为草稿。请核对抽取范围后进行抽取。")
            return redirect("supervision:plan-detail", pk=plan.pk)
    return render(request, "supervision/plan_new.html", {"form": form})


@require_GET
@staff_required(*DEPARTMENT_ROLES, Role.CREDIT_ADMIN)
def plan_detail(request, pk: int):
    plan = _plan_for(request, pk)
    classes = None
    if plan.state == PlanState.DRAFT:
        counts = selectors.population_classes(plan)
        classes = [(class_label(grade), counts.get(grade, 0)) for grade in CLASSES]
    page = Paginator(selectors.targets_of(plan), TARGETS_PAGE_SIZE).get_page(request.GET.get("page"))
    deadline_days = selectors.result_deadline_days()
    overrides = calendar_overrides() if deadline_days else {}
    rows = [
        (t, add_workdays(t.inspected_on, deadline_days, overrides) if t.inspected_on and deadline_days else None)
        for t in page
    ]
    staff = request.staff
    return render(
        request,
        "supervision/plan_detail.html",
        {
            "plan": plan,
            "rules": rules_display(plan.rules),
            "classes": classes,
            "rows": rows,
            "page": page,
            "deadline_days": deadline_days,
            "pool_size": len(selectors.active_pool(plan.department)),
            "can_draw": plan.state == PlanState.DRAFT and staff.has(Role.DEPT_ADMIN) and staff.department is not None,
            "can_enter": plan.state == PlanState.DRAWN
            and staff.department is not None
            and staff.has(*DEPARTMENT_ROLES),
        },
    )


@require_POST
@staff_required(*DEPARTMENT_ROLES, Role.CREDIT_ADMIN)
def plan_draw_view(request, pk: int):
    plan = _plan_for(request, pk)
    if not request.staff.has(Role.DEPT_ADMIN) or request.staff.department is None:
        messages.error(request, REFUSED)
        return redirect("supervision:plan-detail", pk=plan.pk)
    try:
        plan = plan_draw(plan=plan, actor=request_actor(request))
    except SupervisionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已抽取{plan.targets.count()}户，随机种子和抽取范围快照已记录，可供核验。")
    return redirect("supervision:plan-detail", pk=plan.pk)


@staff_required(*DEPARTMENT_ROLES)
def result_entry(request, pk: int):
    target = get_object_or_404(
        InspectionTarget.objects.select_related("plan", "subject").filter(plan__department=request.staff.department),
        pk=pk,
    )
    form = ResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection_result_enter(
                target=target,
                result=data["result"],
                inspected_on=data["inspected_on"],
                findings=data["findings"],
                handling=data["handling"],
                actor=request_actor(request),
                user=request.user,
            )
        except SupervisionError as error:
            form_add_error(form, error)
        else:
            messages.success(request, "检查结果已录入，并已形成信用记录向社会公示。")
            return redirect("supervision:plan-detail", pk=target.plan_id)
    return render(request, "supervision/result_entry.html", {"form": form, "target": target})


@staff_required(Role.DEPT_ADMIN)
def inspector_list(request):
    department = request.staff.department
    form = InspectorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspector_add(department=department, actor=request_actor(request), **form.cleaned_data)
        except SupervisionError as error:
            form_add_error(form, error)
        else:
            messages.success(request, "检查人员已加入名录。")
            return redirect("supervision:inspectors")
    inspectors = Inspector.objects.filter(department=department).order_by("staff_number")
    page = Paginator(inspectors, 100).get_page(request.GET.get("page"))
    return render(request, "supervision/inspector_list.html", {"form": form, "page": page})


@require_POST
@staff_required(Role.DEPT_ADMIN)
def inspector_active(request, pk: int):
    inspector = get_object_or_404(Inspector, pk=pk, department=request.staff.department)
    active = request.POST.get("active") == "1"
    inspector_set_active(inspector=inspector, active=active, actor=request_actor(request))
    messages.success(request, f"{inspector.name}已{'恢复在册' if active else '移出在册名单'}。")
    return redirect("supervision:inspectors")
