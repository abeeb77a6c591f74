"""Staff pages of the organisations app: the workbench landing page, the second factor, the lockout page."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp import user_has_device

from .access import request_actor
from .accounts import (
    SETUP_KEY_SESSION_KEY,
    AccountError,
    totp_config_url,
    totp_device_enrol,
    totp_setup_key,
    two_factor_required,
    two_factor_verify,
)
from .forms import TokenForm
from .selectors import staff_context, staff_roles_of
from .workbench import workbench_todo


@login_required
def workbench(request):
    """Where a staff member lands after login: who they are, for which department, in which roles, and what
    waits for them (``organisations.workbench``)."""
    request.staff = staff_context(request.user)
    return render(
        request,
        "organisations/workbench.html",
        {
            "roles": staff_roles_of(request.user),
            "has_device": user_has_device(request.user),
            "todo": workbench_todo(request.staff, request.user, timezone.localdate()) if request.staff.roles else [],
        },
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def _qr_data_uri(text: str) -> str:
    """The QR code as an SVG data: URI, so the page needs no inline script or style (strict CSP)."""
    out = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@login_required
def two_factor_verify_view(request):
    """The second step of a login for an account with an authenticator: the current six-digit code."""
    if request.user.is_verified() or not user_has_device(request.user):
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor_verify(user=request.user, token=form.cleaned_data["token"], actor=request_actor(request))
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()  # a new session id for the fully authenticated session
            return redirect(_next_url(request))
        form.add_error("token", "验证码不正确或已使用，请等待身份验证器显示新的验证码后重试。")
    return render(request, "organisations/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_setup_view(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code.

    Someone who has a device but has not given its code in this session may not enrol another one: with only
    the password, that would replace the second factor."""
    user = request.user
    request.staff = staff_context(user)  # the workbench navigation
    if user_has_device(user) and not user.is_verified():
        return redirect(f"{reverse('organisations:two-factor-verify')}?{urlencode({'next': _next_url(request)})}")
    key = request.session.get(SETUP_KEY_SESSION_KEY)
    if not key:
        key = request.session[SETUP_KEY_SESSION_KEY] = totp_setup_key()
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_enrol(
                user=user, key=key, token=form.cleaned_data["token"], actor=request_actor(request)
            )
        except AccountError as error:
            form.add_error("token", error.message)
        else:
            del request.session[SETUP_KEY_SESSION_KEY]
            otp_login(request, device)
            messages.success(request, "双因素认证已启用，今后登录时须输入身份验证器显示的验证码。")
            return redirect(_next_url(request))
    url = totp_config_url(user, key)
    secret = base64.b32encode(bytes.fromhex(key)).decode()
    return render(
        request,
        "organisations/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": two_factor_required(user),
            "enrolled": user_has_device(user),
            "next": _next_url(request),
        },
    )


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes calls this instead of answering the login: a Chinese page that says for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
