"""Celery tasks of the rights app: thin, ids in, safe to run twice."""

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from .choices import ApplicationState
from .models import Application
from .notifications import application_notify, overdue_escalate


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, soft_time_limit=60, time_limit=90)
def application_notify_task(application_id: int) -> int:
    """E-mail about the application's current state (a mail server hiccup is retried)."""
    return application_notify(Application.objects.select_related("department").get(pk=application_id))


@shared_task(soft_time_limit=300, time_limit=360)
def applications_overdue_task() -> int:
    """Daily: remind the credit centre of cases past their acceptance or department deadline."""
    today = timezone.localdate()
    overdue = list(
        Application.objects.filter(
            Q(state=ApplicationState.SUBMITTED, accept_due__lt=today)
            | Q(state=ApplicationState.WITH_DEPARTMENT, department_due__lt=today)
        )
        .select_related("department")
        .order_by("accept_due", "pk")
    )
    overdue_escalate(overdue)
    return len(overdue)
