"""A demo subject account for ``seed_demo`` (only where ``DEMO_ACCOUNTS_ENABLED``): the showcase company's legal
representative, e-mail confirmed and verified, so a newcomer can try the self-query, the report, authorisations
and complaints at once."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from audit.services import Actor
from subjects.models import CreditSubject

from .choices import AccountKind, GrantRole
from .models import SubjectAccount
from .services import (
    account_email_confirm,
    account_register,
    email_confirm_token,
    grant_request,
    grant_verify,
    required_proofs,
)

DEMO_SUBJECT_ACCOUNT = ("hongda@demo.example", "Demo-Account-2026", "长春宏达食品有限公司")
DEMO_PROOF = b"%PDF-1.4\n% demo proof\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A bank's account, which the showcase company authorises to read its record (rights.demo): a third party.
DEMO_THIRD_PARTY_ACCOUNT = ("bank@demo.example", "Demo-Bank-2026", "吉林银行股份有限公司长春分行")
# An agent of 恒泰 who registered and uploaded the proofs: the grant waits in the credit centre's verification queue.
DEMO_PENDING_ACCOUNT = ("hengtai-agent@demo.example", "Demo-Agent-2026", "吉林省恒泰建筑工程有限公司")


def _account(email: str, password: str, display_name: str, mobile: str, actor: Actor) -> SubjectAccount:
    """A demo account registered and its e-mail confirmed, as the registration and its link make it."""
    account = account_register(
        kind=AccountKind.ORGANISATION,
        email=email,
        password=password,
        display_name=display_name,
        mobile=mobile,
        actor=actor,
        confirm_base_url="http://127.0.0.1:8000/",
    )
    return account_email_confirm(token=email_confirm_token(account), actor=actor)


def _grant_requested(account: SubjectAccount, subject: CreditSubject, role: str, actor: Actor):
    proofs = {kind: SimpleUploadedFile(f"{kind}.pdf", DEMO_PROOF) for kind in required_proofs(subject, role)}
    return grant_request(account=account, subject=subject, role=role, proofs=proofs, actor=actor)


def demo_subject_account_seed() -> tuple[str, str, str] | None:
    """Create the demo account once; None when it exists already or the showcase company does not."""
    email, password, name = DEMO_SUBJECT_ACCOUNT
    subject = CreditSubject.objects.filter(name=name, uscc__isnull=False).first()
    if subject is None or SubjectAccount.objects.filter(email=email).exists():
        return None
    actor = Actor.system("演示数据")
    with transaction.atomic():
        account = _account(email, password, name, "13800000000", actor)
        grant = _grant_requested(account, subject, GrantRole.LEGAL_REPRESENTATIVE, actor)
        grant_verify(grant=grant, actor=actor, note="演示数据")
    return DEMO_SUBJECT_ACCOUNT


def demo_third_party_account_seed() -> tuple[str, str, str] | None:
    """Create the third party's account once (e-mail confirmed, no grant: it reads what it is authorised to);
    None when it exists already."""
    email, password, name = DEMO_THIRD_PARTY_ACCOUNT
    if SubjectAccount.objects.filter(email=email).exists():
        return None
    with transaction.atomic():
        _account(email, password, name, "13900000000", Actor.system("演示数据"))
    return DEMO_THIRD_PARTY_ACCOUNT


def demo_pending_grant_seed() -> tuple[str, str, str] | None:
    """Register the agent's account and its request to act for 恒泰 (with the proofs the role needs), left for the
    credit centre to verify; once, None when the account exists already or the company does not."""
    email, password, name = DEMO_PENDING_ACCOUNT
    subject = CreditSubject.objects.filter(name=name, uscc__isnull=False).first()
    if subject is None or SubjectAccount.objects.filter(email=email).exists():
        return None
    actor = Actor.system("演示数据")
    with transaction.atomic():
        account = _account(email, password, f"{name}（经办人 张建国）", "13700000000", actor)
        _grant_requested(account, subject, GrantRole.AGENT, actor)
    return DEMO_PENDING_ACCOUNT
