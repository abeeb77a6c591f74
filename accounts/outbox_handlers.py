"""The accounts app's outbox topics and their handlers (registered in accounts/apps.py): mail is sent in the
worker after the change committed, and a mail server away raises, so the item is tried again. Links carrying
a token are made at delivery, never stored in the outbox."""

from __future__ import annotations

EMAIL_CONFIRM = "account.email_confirm"
PASSWORD_RESET = "account.password_reset"
EMAIL_TAKEN = "account.email_taken"
GRANT_DECIDED = "account.grant_decided"


def email_confirm_deliver(payload: dict) -> None:
    """Mail the confirmation link."""
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


def email_taken_deliver(payload: dict) -> None:
    """Someone registered again with an address that has an account: tell its owner, not the form."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    base = payload["base_url"].rstrip("/")
    send_mail(
        f"您的电子邮箱已在{settings.PLATFORM_NAME}注册",
        f"有人使用本邮箱在{settings.PLATFORM_NAME}提交了注册申请，但该邮箱已注册账户，本次申请未予办理。\n\n"
        f"如是您本人且忘记了密码，请在此找回：{base}{reverse('accounts:password-reset')}\n"
        f"如需代表另一个主体办理业务，请登录后在“我的账户”中添加。\n如非本人操作，请忽略本邮件。\n{settings.PLATFORM_NAME}",
        None,
        [payload["email"]],
    )


def password_reset_deliver(payload: dict) -> None:
    """Mail a password reset link to an active account (Django's token: it stops working once the password
    changes, or after ``PASSWORD_RESET_TIMEOUT``)."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .choices import AccountState
    from .models import SubjectAccount

    account = (
        SubjectAccount.objects.select_related("user")
        .filter(pk=payload["account_id"], state=AccountState.ACTIVE)
        .first()
    )
    if account is None:
        return
    user = account.user
    path = reverse(
        "accounts:password-reset-confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    link = payload["base_url"].rstrip("/") + path
    send_mail(
        f"重置您在{settings.PLATFORM_NAME}的登录密码",
        f"{account.display_name}：\n\n请在 {hours} 小时内打开以下链接设置新密码：\n{link}\n\n"
        f"如非本人操作，请忽略本邮件，您的密码不会改变。\n{settings.PLATFORM_NAME}",
        None,
        [account.email],
    )


def grant_decided_deliver(payload: dict) -> None:
    """Tell the account the credit centre's decision on its request to act for a subject. Decided in the
    workbench, not at the account's request: the link is at the portal's public address."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    from core.links import site_url

    from .models import AccountGrant

    grant = AccountGrant.objects.select_related("account", "subject").filter(pk=payload["grant_id"]).first()
    if grant is None or grant.state != payload["state"]:
        return  # decided again since: that decision's own item tells the account
    note = f"\n说明：{grant.decision_note}" if grant.decision_note else ""
    send_mail(
        f"您代表“{grant.subject.name}”办理业务的申请：{grant.get_state_display()}",
        f"{grant.account.display_name}：\n\n主体：{grant.subject.name}\n身份：{grant.get_role_display()}\n"
        f"状态：{grant.get_state_display()}{note}\n\n登录“我的账户”查看详情：\n{site_url(reverse('accounts:home'))}\n\n"
        f"{settings.PLATFORM_NAME}",
        None,
        [grant.account.email],
    )
