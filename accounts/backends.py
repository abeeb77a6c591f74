"""Staff and subject accounts never mix: the staff login (and the admin's) authenticates staff only, the
account login subject accounts only, and a session is loaded only by the backend that made it.

Django tries each backend whose ``authenticate`` accepts the credentials given: the account login passes
``account_login=True``, which ``StaffBackend`` does not accept and ``SubjectAccountBackend`` requires.
django-axes (first in ``AUTHENTICATION_BACKENDS``) throttles both logins.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .choices import AccountState
from .models import SubjectAccount


class StaffBackend(ModelBackend):
    """Django's user-name and password check for staff: a subject account's user is refused, here and when
    a session is loaded."""

    def authenticate(self, request, username=None, password=None):  # no **kwargs: the account login is not ours
        user = super().authenticate(request, username=username, password=password)
        return None if user is None or SubjectAccount.objects.filter(user=user).exists() else user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return None if user is None or SubjectAccount.objects.filter(user=user).exists() else user


class SubjectAccountBackend(ModelBackend):
    """E-mail and password of an active subject account. Its users have no permissions (no staff role)."""

    def authenticate(self, request, username=None, password=None, *, account_login: bool):
        if not account_login or not username or password is None:
            return None
        account = (
            SubjectAccount.objects.select_related("user")
            .filter(email=username.strip().lower(), state=AccountState.ACTIVE)
            .first()
        )
        if account is None:
            get_user_model()().set_password(password)  # the same work as a real check: no timing difference
            return None
        user = account.user
        return user if user.check_password(password) and self.user_can_authenticate(user) else None

    def get_user(self, user_id):
        account = (
            SubjectAccount.objects.select_related("user").filter(user_id=user_id, state=AccountState.ACTIVE).first()
        )
        return account.user if account is not None and self.user_can_authenticate(account.user) else None

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False
