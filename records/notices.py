"""E-mail for new work: the reviewers of a department hear that entries wait for their review.

An hourly task (``review_notices_task``) looks for departments with entries waiting for review that were
submitted (or resubmitted) after the last notice (``ReviewNotice.sent_at``) and mails each of the department's
reviewers who has an address (``create_staff --email``), at most once in ``REVIEW_NOTICE_MINUTES``: a
20,000-row upload makes one e-mail, not 20,000, and a clerk entering records all afternoon one an hour.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from organisations.choices import StaffRoleName
from organisations.models import Department
from organisations.selectors import staff_emails

from .choices import RecordStatus
from .models import CreditRecord, ReviewNotice

logger = logging.getLogger(__name__)


def review_notices_send(*, now: datetime.datetime | None = None) -> int:
    """Mail the reviewers of every department with new entries waiting; returns how many e-mails were sent."""
    now = now or timezone.now()
    quiet_since = now - datetime.timedelta(minutes=settings.REVIEW_NOTICE_MINUTES)
    waiting = (
        CreditRecord.objects.filter(status=RecordStatus.PENDING_REVIEW)
        .values("department")
        .annotate(n=Count("id"), newest=Max("updated_at"))
        .order_by("department")
    )
    sent = 0
    for row in waiting:
        with transaction.atomic():
            department = Department.objects.get(pk=row["department"])
            notice = ReviewNotice.objects.select_for_update().filter(department=department).first()
            if notice is not None and (row["newest"] <= notice.sent_at or notice.sent_at > quiet_since):
                continue  # nothing new since the last notice, or one went out within the hour
            recipients = staff_emails(roles=(StaffRoleName.REVIEWER,), department=department)
            if not recipients:
                continue
            for address in recipients:
                sent += send_mail(
                    f"有 {row['n']} 条信用记录待审核",
                    f"{department.name}：目前有 {row['n']} 条在线填报或表格导入的信用记录等待审核。\n"
                    f"请登录工作台“待审核”处理（{reverse('records:review-queue')}），整批导入的记录可在导入页面批量审核。\n\n"
                    f"{settings.PLATFORM_NAME}",
                    None,
                    [address],
                )
            ReviewNotice.objects.update_or_create(
                department=department,
                defaults={"pending": row["n"], "sent_at": now},
            )
    return sent
