"""Staff accounts: who must use a second factor, enrolling and verifying it, and the idle-session rule.

等保 2.0 level 3 (GB/T 22239-2019 8.1.4.1 身份鉴别) asks for two authentication factors for administrators and
for session end after inactivity; django-otp supplies the TOTP device, this module decides who needs one and
records every step in the audit trail.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from audit.services import Actor, audit_event_record
from core.errors import DomainError

from .models import StaffRole

# Session keys: when the session last saw a request, and the secret of an enrolment not yet confirmed.
LAST_SEEN_SESSION_KEY = "staff_last_seen"
SETUP_KEY_SESSION_KEY = "two_factor_setup_key"


class AccountError(DomainError):
    """A refused account step (sign-in, second factor, password)."""


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in Chinese (Django's own zh-hans catalogue lacks the plural form)."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


def demo_account(user) -> bool:
    """True for the demo accounts of ``seed_demo`` where the settings exempt them from the second factor."""
    if not settings.TWO_FACTOR_DEMO_EXEMPT:
        return False
    from .demo import DEMO_ACCOUNTS  # the demo module pulls in the seeding code: only load it when exempting

    return user.get_username() in {username for username, *_ in DEMO_ACCOUNTS}


def two_factor_required(user) -> bool:
    """The credit-centre admin, the auditor, department admins and superusers must use a second factor."""
    if not user.is_authenticated:
        return False
    required = (
        user.is_superuser or StaffRole.objects.filter(user=user, role__in=settings.TWO_FACTOR_REQUIRED_ROLES).exists()
    )
    return required and not demo_account(user)


def two_factor_pending(user) -> str:
    """What a logged-in user still owes before using the site: ``"verify"`` (a code for the device they have),
    ``"enrol"`` (a device, as their role requires one) or ``""`` (nothing)."""
    if not user.is_authenticated or user.is_verified():
        return ""
    if user_has_device(user, confirmed=True):
        return "verify"
    return "enrol" if two_factor_required(user) else ""


def totp_setup_key() -> str:
    """A new random TOTP secret (hex, 20 bytes as RFC 4226 recommends), kept in the session until confirmed."""
    return random_hex(20)


def totp_config_url(user, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key).config_url


def _token_matches(device: TOTPDevice, token: str) -> bool:
    token = token.strip()
    if not (token.isdigit() and len(token) == device.digits):
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(token), device.tolerance):
        return False
    device.last_t = totp.t()  # the code just used cannot be used again
    return True


@transaction.atomic
def totp_device_enrol(*, user, key: str, token: str, actor: Actor) -> TOTPDevice:
    """Confirm an authenticator app: ``token`` must be the app's current code for ``key``. The new device
    replaces any earlier one (a lost or changed phone). Nothing is written when the code is wrong."""
    device = TOTPDevice(user=user, name="身份验证器", key=key, confirmed=True)
    if not _token_matches(device, token):
        raise AccountError("验证码不正确，请输入身份验证器当前显示的6位数字。", code="invalid_token")
    replaced = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
    TOTPDevice.objects.filter(pk__in=replaced).delete()
    device.full_clean()
    device.save()
    audit_event_record(
        actor=actor,
        action="auth.two_factor_enrol",
        obj=user,
        before={"devices": replaced} if replaced else None,
        after={"device": device.persistent_id},
    )
    return device


def two_factor_verify(*, user, token: str, actor: Actor) -> TOTPDevice | None:
    """Check a code against the user's confirmed device; the device when it matches, else None. Failures are
    throttled by django-otp (each one doubles the wait before the next try) and both outcomes are audited."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        verified = device is not None and token.strip().isdigit() and device.verify_token(token.strip())
    with transaction.atomic():
        audit_event_record(
            actor=actor, action="auth.two_factor_verify" if verified else "auth.two_factor_failed", obj=user
        )
    return device if verified else None


@transaction.atomic
def two_factor_reset(*, user, reason: str, actor: Actor) -> int:
    """Remove a user's devices (a lost phone), so that they enrol again at their next login. Returns how many
    were removed; the reason is required and kept in the audit trail."""
    if not reason.strip():
        raise AccountError("请说明重置原因。", code="reason_required")
    devices = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
    TOTPDevice.objects.filter(pk__in=devices).delete()
    audit_event_record(
        actor=actor, action="auth.two_factor_reset", obj=user, reason=reason, before={"devices": devices}
    )
    return len(devices)
