"""Reads of applications that pages reuse: the credit centre's dashboard."""

from __future__ import annotations

import datetime
from collections import Counter
from statistics import median

from django.utils import timezone

from records.selectors import calendar_overrides
from records.workdays import workdays_between
from sanctions.selectors import bars

from .choices import ApplicationState, ComplaintState
from .models import Application, ApplicationEvent, Complaint


def applications_dashboard(*, today: datetime.date) -> dict:
    """For the credit centre: applications by kind, state and department, handling time in working days,
    and what is overdue."""
    applications = list(Application.objects.select_related("department"))
    decided_at = {
        e.application_id: timezone.localtime(e.occurred_at).date()
        for e in ApplicationEvent.objects.filter(to_state__in=[ApplicationState.DECIDED, ApplicationState.REFUSED])
    }
    overrides = calendar_overrides()
    durations = [
        workdays_between(a.submitted_on, decided_at[a.pk], overrides) for a in applications if a.pk in decided_at
    ]
    open_states = {ApplicationState.SUBMITTED, ApplicationState.WITH_DEPARTMENT}
    overdue = [a for a in applications if a.state in open_states and (a.department_due or a.accept_due) < today]
    by_kind = Counter(a.get_kind_display() for a in applications)
    by_state = Counter(a.get_state_display() for a in applications)
    by_department = Counter(a.department.name for a in applications)
    return {
        "total": len(applications),
        "overdue": len(overdue),
        "median_days": median(durations) if durations else None,
        "by_kind": bars([(k, n, "") for k, n in by_kind.most_common()]),
        "by_state": bars([(k, n, "") for k, n in by_state.most_common()]),
        "by_department": bars([(k, n, "") for k, n in by_department.most_common(10)]),
    }


def workbench_todo_cases(staff, user, today: datetime.date) -> list:
    """The workbench home's lines for cases (``organisations.workbench``): a department's objections and
    repairs waiting for its verification, those past their deadline apart (red); for the credit centre, the
    applications waiting to be accepted."""
    from django.urls import reverse

    from organisations.workbench import todo_due_items

    url = reverse("rights:cases")
    if staff.department is not None:
        open_cases = Application.objects.filter(department=staff.department, state=ApplicationState.WITH_DEPARTMENT)
        due_field, state = "department_due", ApplicationState.WITH_DEPARTMENT
        label = "待本部门核查的异议、修复"
    elif staff.is_credit_admin:
        open_cases = Application.objects.filter(state=ApplicationState.SUBMITTED)
        due_field, state = "accept_due", ApplicationState.SUBMITTED
        label = "待受理的申请"
    else:
        return []
    return todo_due_items(label, open_cases, due_field=due_field, url=f"{url}?state={state}", today=today)


def workbench_todo_complaints(staff, user, today: datetime.date) -> list:
    """The credit centre's lines for complaints about the handling of cases (``organisations.workbench``): those
    not yet answered, the ones past their answer deadline apart (red)."""
    from django.urls import reverse

    from organisations.workbench import todo_due_items

    if staff.department is not None or not staff.is_credit_admin:
        return []
    unanswered = Complaint.objects.filter(state=ComplaintState.SUBMITTED)
    url = reverse("rights:complaint-queue")
    return todo_due_items("待答复的投诉", unanswered, due_field="answer_due", url=url, today=today)
