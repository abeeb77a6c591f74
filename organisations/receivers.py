"""Audit events for what happens to staff accounts: logins, logouts, failures, lockouts, password changes and
second-factor devices removed (seed 001 第五章 安全审计; 等保 2.0 8.1.4.3). Connected in
``OrganisationsConfig.ready``.

Django and django-axes announce these through signals; the receivers only record them, in a transaction of
their own (the login itself is not a database change of ours). A password is never recorded; the user name is
recorded as typed, since a failure may name no account at all.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from audit.choices import ActorType
from audit.services import Actor, audit_event_record, client_ip

from .accounts import LAST_SEEN_SESSION_KEY
from .middleware import LAST_SEEN_RESOLUTION, current_request

USERNAME_MAX = 150


def _typed_username(value) -> str:
    """The user name as typed, made safe to store: printable characters only, bounded length."""
    text = str(value or "")
    return "".join(ch for ch in text if ch.isprintable())[:USERNAME_MAX]


def _address(request) -> str | None:
    return client_ip(request) if request is not None else None


def _record(*, actor: Actor, action: str, user=None, reason: str = "", after: dict | None = None) -> None:
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action=action,
            obj=user,
            object_type="" if user is not None else "auth.user",
            reason=reason,
            after=after,
        )


def login_recorded(sender, request, user, **kwargs) -> None:
    """A successful password login. The session gets the idle lifetime of staff sessions."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_SESSION_KEY] = int(timezone.now().timestamp())
        # The middleware enforces the idle rule (and says why); the session row and cookie go at twice the idle
        # time at the latest, so that the middleware, not a silently missing session, is what the user meets.
        request.session.set_expiry(2 * settings.STAFF_SESSION_IDLE_MINUTES * 60 + LAST_SEEN_RESOLUTION)
    _record(actor=Actor.for_user(user, client_ip=_address(request)), action="auth.login", user=user)


def logout_recorded(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    idle = getattr(request, "session_idle_expired", False)
    _record(
        actor=Actor.for_user(user, client_ip=_address(request)),
        action="auth.logout",
        user=user,
        reason="空闲超时" if idle else "",
    )


def login_failure_recorded(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password, an unknown user name, or any try while locked out (django-axes refuses it first)."""
    username = _typed_username(credentials.get("username"))
    user = get_user_model().objects.filter(username=username).first() if username else None
    locked = bool(getattr(request, "axes_locked_out", False))
    _record(
        actor=Actor(type=ActorType.PUBLIC, label=username or "（未填写用户名）", client_ip=_address(request)),
        action="auth.login_failed",
        user=user,
        after={"username": username, "locked_out": locked},
    )


def lockout_recorded(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """django-axes locked an account or a client address after repeated failures."""
    typed = _typed_username(username)
    user = get_user_model().objects.filter(username=typed).first() if typed else None
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    _record(
        actor=Actor(type=ActorType.PUBLIC, label=typed or "（未填写用户名）", client_ip=ip_address),
        action="auth.lockout",
        user=user,
        reason=f"连续登录失败达到 {settings.AXES_FAILURE_LIMIT} 次，锁定 {minutes} 分钟",
        after={"username": typed},
    )


def _acting(fallback: str) -> Actor:
    request = current_request.get()
    if request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        return Actor.for_user(request.user, client_ip=client_ip(request))
    return Actor.system(fallback)


def password_change_recorded(sender, instance, created, **kwargs) -> None:
    """``set_password`` then ``save``: on the password page, in the admin, or by ``changepassword``. (A hash
    upgraded at login is not a change: Django clears the pending password before that save.)"""
    if created or getattr(instance, "_password", None) is None:
        return
    _record(actor=_acting("命令行或系统"), action="auth.password_change", user=instance)


def device_removal_recorded(sender, instance, **kwargs) -> None:
    """A second-factor device deleted (in the admin when a phone is lost, or replaced by a new enrolment)."""
    _record(
        actor=_acting("命令行或系统"),
        action="auth.two_factor_remove",
        user=instance.user,
        after={"device": instance.persistent_id},
    )


def connect() -> None:
    from axes.signals import user_locked_out
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user_logged_in.connect(login_recorded, dispatch_uid="organisations.login_recorded")
    user_logged_out.connect(logout_recorded, dispatch_uid="organisations.logout_recorded")
    user_login_failed.connect(login_failure_recorded, dispatch_uid="organisations.login_failure_recorded")
    user_locked_out.connect(lockout_recorded, dispatch_uid="organisations.lockout_recorded")
    post_save.connect(password_change_recorded, sender=get_user_model(), dispatch_uid="organisations.password_change")
    post_delete.connect(device_removal_recorded, sender=TOTPDevice, dispatch_uid="organisations.device_removal")
