"""The public pages of random inspections (双随机、一公开): every drawn plan from its draw, a plan with the subjects
drawn and their results so far, and the verification of its draw. No login, read-only.

The plans are supervision's and are read through its selectors and ``plan_verify``; what the public sees of them
is decided here: natural persons' and inspectors' names masked, no staff numbers, each subject linked to its
public address (``subject_url``: a natural person by a signed token, never by an identifier).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.db_budget import statement_budget
from subjects.identifiers import mask_person_name
from supervision.rules import rules_display
from supervision.selectors import public_plan_get, public_plans, same_matter_plans, targets_of
from supervision.services import plan_verify

from .addresses import subject_url
from .throttle import throttled

if TYPE_CHECKING:
    from supervision.models import InspectionPlan

PLANS_PAGE_SIZE = 30
#: Drawn subjects per page of a plan (a plan draws hundreds: D at 100% of a large population).
TARGETS_PAGE_SIZE = 100
#: How many of the department's other draws of the same matter a plan's page lists.
MAX_SAME_MATTER = 20


def _public_plan(pk: int) -> InspectionPlan:
    """A drawn plan; a draft (or no plan) is a 404."""
    plan = public_plan_get(pk)
    if plan is None:
        raise Http404("没有找到该抽查任务。")
    return plan


@require_GET
@throttled("page")
@statement_budget
def inspection_list(request):
    page = Paginator(public_plans(), PLANS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "disclosure/inspection_list.html", {"page": page})


@require_GET
@throttled("page")
@statement_budget
def inspection_detail(request, pk: int):
    """A drawn plan as the public sees it, from its draw: the subjects drawn and their results so far ("检查中" while
    pending), and the department's other draws of the same matter that year; a natural person's name and the
    inspectors' names masked, no staff numbers."""
    plan = _public_plan(pk)
    page = Paginator(targets_of(plan), TARGETS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "target": t,
            "name": mask_person_name(t.subject.name) if t.subject.is_natural_person else t.subject.name,
            "url": subject_url(t.subject),
            "inspectors": "、".join(mask_person_name(i.name) for i in t.inspectors.all()),
        }
        for t in page
    ]
    others = list(same_matter_plans(plan)[:MAX_SAME_MATTER])
    context = {"plan": plan, "rows": rows, "page": page, "rules": rules_display(plan.rules), "others": others}
    return render(request, "disclosure/inspection_detail.html", context)


@require_GET
@throttled("verify")
@statement_budget
def inspection_verify(request, pk: int):
    """Anyone may have a drawn plan drawn again from its recorded seed and snapshot, and see that it agrees."""
    plan = _public_plan(pk)
    return render(request, "disclosure/inspection_verify.html", {"plan": plan, "verification": plan_verify(plan)})
