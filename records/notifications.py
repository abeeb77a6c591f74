"""E-mail of the records app: to the credit centre (calendar gaps) and to department reviewers (new entries to
review); console backend in development, SMTP in production."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from organisations.choices import StaffRoleName
from organisations.models import Department
from organisations.selectors import staff_emails

from .choices import RecordStatus
from .models import CreditRecord, ReviewNotice
from .selectors import calendar_missing_years


def calendar_gap_message(years: list[int]) -> str:
    """What the credit centre reads (admin index and e-mail) when the holidays of ``years`` are not known."""
    named = "、".join(f"{year} 年" for year in years)
    return (
        f"{named}的法定节假日和调休安排尚未录入：这些年份的异议、修复等办理期限将只按周一至周五计算，"
        "春节、国庆等假期不会顺延。国务院办公厅公布放假安排后，请在管理后台“节假日调整”中录入全部假日和调休上班日。"
    )


def calendar_gaps_notify(today: datetime.date | None = None) -> int:
    """Daily (Celery beat): one message to the credit-centre admins while a year due has no holidays. Returns
    the number of messages sent (0 when the calendar is complete or no admin has an address)."""
    years = calendar_missing_years(today or timezone.localdate())
    admins = staff_emails(roles=(StaffRoleName.CREDIT_ADMIN,))
    if not years or not admins:
        return 0
    body = f"{calendar_gap_message(years)}\n\n{settings.PLATFORM_NAME}"
    return send_mail(f"请录入 {'、'.join(map(str, years))} 年节假日安排", body, None, admins)


def review_notices_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail for new work: the reviewers of a department hear that entries wait for their review.

    An hourly task (``review_notices_task``) looks for departments with entries waiting for review that were
    submitted (or resubmitted) after the last notice (``ReviewNotice.sent_at``) and mails each of the department's
    reviewers who has an address (``create_staff --email``), at most once in ``REVIEW_NOTICE_MINUTES``: a
    20,000-row upload makes one e-mail, not 20,000, and a clerk entering records all afternoon one an hour.

    Returns how many e-mails were sent."""
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
            recipients = staff_emails(roles=(StaffRoleName.REVIEWER,), department_id=department.pk)
            if not recipients:
                continue
            # One message to all of them: sent or not as a whole, so a mail server failing halfway never makes
            # the next hour's retry mail some reviewers twice.
            sent += send_mail(
                f"有 {row['n']} 条信用记录待审核",
                f"{department.name}：目前有 {row['n']} 条在线填报或表格导入的信用记录等待审核。\n"
                "请登录工作台，在“待审核”中处理；整批导入的记录可在导入页面批量审核。\n\n"
                f"{settings.PLATFORM_NAME}",
                None,
                recipients,
            )
            ReviewNotice.objects.update_or_create(
                department=department,
                defaults={"pending": row["n"], "sent_at": now},
            )
    return sent
