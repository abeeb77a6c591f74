"""Every request of a logged-in user passes here: the idle-session rule and the second-factor gate.

A gate in middleware, not a decorator on each view, so that no page, admin screen or API call escapes it:
until a user owes nothing (``organisations.accounts.two_factor_pending``) only the second-factor pages and logout
answer them.
"""

from __future__ import annotations

import contextvars
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from core.http import is_api

from .accounts import LAST_SEEN_SESSION_KEY, two_factor_pending

# The request being served, for the receivers of changes Django makes in its own views (a password changed on
# the password page or in the admin): they need to know who did it. Reset at the end of every request.
current_request: contextvars.ContextVar = contextvars.ContextVar("current_request", default=None)

# How often the last-seen time is written back (seconds): the idle rule is exact to this, and a busy user
# does not cost a session write per request.
LAST_SEEN_RESOLUTION = 60


def _open_paths() -> set[str]:
    return {
        reverse("organisations:two-factor-verify"),
        reverse("organisations:two-factor-setup"),
        reverse("login"),
        reverse("logout"),
        reverse("admin:logout"),
    }


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self._handle(request)
        finally:
            current_request.reset(token)

    def _handle(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if self._idle_expired(request):
            request.session_idle_expired = True  # the logout receiver records why
            logout(request)
            if is_api(request):
                return JsonResponse({"detail": "登录已超时，请重新登录。", "code": "session_expired"}, status=401)
            messages.info(request, f"超过 {settings.STAFF_SESSION_IDLE_MINUTES} 分钟未操作，请重新登录。")
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        pending = two_factor_pending(user)
        if pending and request.path not in _open_paths():
            if is_api(request):
                return JsonResponse(
                    {"detail": "请先在工作台完成双因素认证。", "code": "two_factor_required"}, status=403
                )
            target = "organisations:two-factor-verify" if pending == "verify" else "organisations:two-factor-setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _idle_expired(request) -> bool:
        now = int(timezone.now().timestamp())
        last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
        if last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_MINUTES * 60:
            return True
        if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN_SESSION_KEY] = now
        return False
