"""Reads of subject accounts: whose account a user is, and for which subjects it may act."""

from __future__ import annotations

from django.db.models import QuerySet

from subjects.models import CreditSubject

from .choices import AccountState, GrantState
from .models import AccountGrant, SubjectAccount


def account_of(user) -> SubjectAccount | None:
    """The active subject account of ``user`` (None for staff, anonymous visitors and suspended accounts)."""
    if user is None or not user.is_authenticated:
        return None
    return SubjectAccount.objects.filter(user=user, state=AccountState.ACTIVE).first()


def grant_acting(account: SubjectAccount | None, subject: CreditSubject) -> AccountGrant | None:
    """The verified grant by which ``account`` acts for ``subject`` now, or None. The one check behind every
    filing, self-query and authorisation: the account active and the grant verified (not pending, refused or
    suspended)."""
    if account is None or account.state != AccountState.ACTIVE:
        return None
    return (
        AccountGrant.objects.select_related("account", "subject")
        .filter(account=account, subject=subject, state=GrantState.VERIFIED, account__state=AccountState.ACTIVE)
        .first()
    )


def account_grants(account: SubjectAccount) -> QuerySet[AccountGrant]:
    return AccountGrant.objects.filter(account=account).select_related("subject").order_by("-created_at", "-id")


def verified_grants(account: SubjectAccount) -> QuerySet[AccountGrant]:
    return account_grants(account).filter(state=GrantState.VERIFIED)


def grants_queue(state: str = GrantState.PENDING) -> QuerySet[AccountGrant]:
    """The credit centre's queue, oldest first."""
    grants = AccountGrant.objects.select_related("account", "subject").order_by("created_at", "id")
    return grants.filter(state=state) if state else grants


def workbench_todo_grants(staff, user, today) -> list:
    """The credit centre's line for subject-account grants waiting for verification of their proofs
    (``organisations.workbench``)."""
    from django.urls import reverse

    from organisations.workbench import TodoItem

    if staff.department is not None or not staff.is_credit_admin:
        return []
    pending = AccountGrant.objects.filter(state=GrantState.PENDING).count()
    return [TodoItem("待核验的企业用户代表关系", pending, reverse("accounts:grants") + f"?state={GrantState.PENDING}")]
