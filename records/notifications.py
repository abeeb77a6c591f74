"""E-mail of the records app to the credit centre (console backend in development, SMTP in production)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from organisations.choices import StaffRoleName
from organisations.selectors import staff_emails

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
