"""Subject accounts made through the services, as registration and the credit centre make them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.choices import AccountKind, GrantRole
from accounts.models import AccountGrant, SubjectAccount
from accounts.services import (
    account_email_confirm,
    account_register,
    email_confirm_token,
    grant_request,
    grant_verify,
    required_proofs,
)
from audit.services import Actor

PASSWORD = "Account-pass-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CENTRE = Actor.system("测试 信用中心")


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def proofs_for(subject, role: str) -> dict:
    return {kind: pdf(f"{kind}.pdf") for kind in required_proofs(subject, role)}


def account_make(
    email: str, *, kind: str = AccountKind.ORGANISATION, name: str = "", confirmed: bool = True
) -> SubjectAccount:
    with transaction.atomic():
        account = account_register(
            kind=kind,
            email=email,
            password=PASSWORD,
            display_name=name or email.split("@")[0],
            mobile="13800000000",
            actor=Actor.public(),
            confirm_base_url="http://testserver/",
        )
    if confirmed:
        account = account_email_confirm(token=email_confirm_token(account), actor=Actor.public())
    return account


def grant_make(account: SubjectAccount, subject, *, role: str = "", verified: bool = True) -> AccountGrant:
    role = role or (GrantRole.SELF if subject.is_natural_person else GrantRole.LEGAL_REPRESENTATIVE)
    grant = grant_request(
        account=account, subject=subject, role=role, proofs=proofs_for(subject, role), actor=Actor.public()
    )
    return grant_verify(grant=grant, actor=CENTRE) if verified else grant


def account_client(client, account: SubjectAccount):
    """``client`` signed in as ``account`` through the account login's backend."""
    client.force_login(account.user, backend="accounts.backends.SubjectAccountBackend")
    return client


def acting_account(subject, email: str = ""):
    """An active account acting for ``subject`` by a verified grant (made once per subject and address)."""
    from accounts.selectors import grant_acting

    email = email or f"subject-{subject.pk}@example.com"
    account = SubjectAccount.objects.filter(email=email).first() or account_make(email)
    if grant_acting(account, subject) is None:
        grant_make(account, subject)
    return account
