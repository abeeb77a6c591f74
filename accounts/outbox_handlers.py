"""The accounts app's outbox topic and its handler (registered in accounts/apps.py)."""

from __future__ import annotations

EMAIL_CONFIRM = "account.email_confirm"


def email_confirm_deliver(payload: dict) -> None:
    """Mail the confirmation link, in the worker after the registration committed (a mail server away raises:
    the item is tried again)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    from .models import SubjectAccount
    from .services import email_confirm_token

    account = SubjectAccount.objects.filter(pk=payload["account_id"], email_confirmed_at__isnull=True).first()
    if account is None:
        return
    link = payload["base_url"].rstrip("/") + reverse("accounts:confirm", args=[email_confirm_token(account)])
    send_mail(
        f"请确认您在{settings.PLATFORM_NAME}注册的电子邮箱",
        f"{account.display_name}：\n\n请在 {settings.ACCOUNT_CONFIRM_DAYS} 天内打开以下链接确认电子邮箱：\n{link}\n\n"
        f"如非本人操作，请忽略本邮件。\n{settings.PLATFORM_NAME}",
        None,
        [account.email],
    )
