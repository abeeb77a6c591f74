"""Reads of applications that pages reuse: the credit centre's dashboard."""

from __future__ import annotations

import datetime
from collections import Counter
from statistics import median

from django.utils import timezone

from records.selectors import calendar_overrides
from records.workdays import workdays_between
from sanctions.selectors import bars

from .choices import ApplicationState
from .models import Application, ApplicationEvent


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
