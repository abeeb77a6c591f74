"""E-mail of the records app: to the credit centre (calendar gaps) and to department reviewers (new entries to
review); console backend in development, SMTP in production. Sent without a request, so its links are made
at the portal's public address (``core.links.site_url``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from core.links import site_url
from organisations.choices import StaffRoleName
from organisations.models import Department
from organisations.selectors import staff_emails
from outbox.services import outbox_add

from .choices import Channel, RecordStatus
from .models import CreditRecord, ReviewNotice
from .outbox_handlers import REVIEW_NOTICE
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
    link = site_url(reverse("admin:records_calendarday_changelist"))
    body = f"{calendar_gap_message(years)}\n{link}\n\n{settings.PLATFORM_NAME}"
    return send_mail(f"请录入 {'、'.join(map(str, years))} 年节假日安排", body, None, admins)


def review_notices_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail for new work: the reviewers of a department hear that entries wait for their review.

    An hourly task (``review_notices_task``) looks for departments with entries waiting for review that were
    submitted (or resubmitted) after the last notice (``ReviewNotice.sent_at``), at most once in
    ``REVIEW_NOTICE_MINUTES``: a 20,000-row upload makes one e-mail, not 20,000, and a clerk entering records
    all afternoon one an hour. A department whose reviewers have no address (``create_staff --email``) is
    skipped and not marked as told, so a reviewer given an address later hears of the entries.

    Each department's transaction only decides and records (the department's row locked): its ``ReviewNotice``
    and an outbox item. The mail is sent by ``review_notice_deliver`` after the commit, never while the lock is
    held: a mail server away fails the delivery, which the outbox tries again, not the hourly run.

    Returns how many departments' notices were recorded."""
    now = now or timezone.now()
    quiet_since = now - datetime.timedelta(minutes=settings.REVIEW_NOTICE_MINUTES)
    waiting = (
        CreditRecord.objects.filter(status=RecordStatus.PENDING_REVIEW)
        .values("department")
        .annotate(n=Count("id"), uploads=Count("id", filter=Q(channel=Channel.UPLOAD)), newest=Max("updated_at"))
        .order_by("department")
    )
    noticed = 0
    for row in waiting:
        department_id = row["department"]
        with transaction.atomic():
            # The department's row is the lock, not the notice's: a department's first notice has no row yet,
            # and two runs at once would both record it.
            list(Department.objects.select_for_update(no_key=True).filter(pk=department_id).values_list("pk"))
            notice = ReviewNotice.objects.filter(department_id=department_id).first()
            if notice is not None and (row["newest"] <= notice.sent_at or notice.sent_at > quiet_since):
                continue  # nothing new since the last notice, or one went out within the hour
            if not staff_emails(roles=(StaffRoleName.REVIEWER,), department_id=department_id):
                continue
            ReviewNotice.objects.update_or_create(
                department_id=department_id, defaults={"pending": row["n"], "sent_at": now}
            )
            outbox_add(
                topic=REVIEW_NOTICE,
                payload={
                    "department_id": department_id,
                    "pending": row["n"],
                    "uploads": row["uploads"],
                    "sent_at": now.isoformat(),  # exact: the delivery compares it with the notice's
                },
            )
            noticed += 1
    return noticed


def review_notice_deliver(payload: dict) -> int:
    """Send a notice recorded by ``review_notices_send`` (the outbox handler, after its commit): one message to
    all the department's reviewers with an address, read now; none left, nothing is sent. Returns the messages
    sent (0 or 1).

    One message for all of them: sent or not as a whole, so a mail server failing halfway never makes the
    outbox's next try mail some reviewers twice. A notice delivered after a newer one was recorded (the mail
    server was away for more than an hour) is dropped: the newer one tells the current count, and the
    reviewers still get one e-mail, not one for each hour of the outage."""
    notice = ReviewNotice.objects.select_related("department").filter(department_id=payload["department_id"]).first()
    if notice is None or notice.sent_at != datetime.datetime.fromisoformat(payload["sent_at"]):
        return 0
    recipients = staff_emails(roles=(StaffRoleName.REVIEWER,), department_id=notice.department_id)
    if not recipients:
        return 0
    pending, uploads = payload["pending"], payload["uploads"]
    body = (
        f"{notice.department.name}：目前有 {pending} 条在线填报或表格导入的信用记录等待审核。\n"
        f"请登录工作台，在“待审核”中处理：\n{site_url(reverse('records:review-queue'))}\n"
    )
    if uploads:
        body += f"其中 {uploads} 条为表格导入，可在导入页面按批次批量审核：\n{site_url(reverse('records:uploads'))}\n"
    return send_mail(f"有 {pending} 条信用记录待审核", f"{body}\n{settings.PLATFORM_NAME}", None, recipients)
