"""Access to the pages of subject accounts, decided in one place: ``account_required`` (an active subject
account is signed in; ``request.account`` is it) and ``grant_required`` (and it acts for the subject by a
verified grant)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import account_of


def account_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
        account = account_of(request.user)
        if account is None:
            raise PermissionDenied("此页面仅供已确认的企业/个人用户使用。")
        request.account = account
        return view(request, *args, **kwargs)

    return wrapper
