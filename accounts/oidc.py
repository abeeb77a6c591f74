"""Sign-in through an OpenID Connect provider (a province's 统一身份认证), with mozilla-django-oidc.

Pluggable: nothing here runs unless ``OIDC_RP_CLIENT_ID`` is set (``settings.OIDC_ENABLED``); without it
the site has local accounts only and the two addresses below answer 404. The provider's user becomes a
subject account (never a staff user: ``SubjectAccountOIDCBackend`` creates and loads subject accounts only),
keyed by issuer and ``sub``; the claims that carry a unified social credit code or a citizen ID number are
named in settings (``OIDC_CLAIM_USCC``, ``OIDC_CLAIM_CITIZEN_ID``), and a subject the provider vouches for
gets a grant verified by the provider. The citizen ID is used for the keyed-hash lookup only, never kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from audit.services import Actor, client_ip
from subjects import identifiers as ids
from subjects.models import CreditSubject
from subjects.privacy import citizen_id_digest
from subjects.selectors import subject_get_by_code

from .choices import AccountKind, AccountState, GrantRole
from .models import AccountIdentity, SubjectAccount
from .services import SubjectAccountError, account_from_identity


def vouched_subjects(claims: dict) -> tuple[str, list[tuple[CreditSubject, str]]]:
    """The account kind and the (subject, role) pairs the provider's claims vouch for: a valid USCC claim
    names an organisation (as its legal representative when the role claim says so, else as its agent); a
    valid citizen ID claim names the person themself. Invalid codes and unknown subjects vouch for nothing."""
    uscc = str(claims.get(settings.OIDC_CLAIM_USCC) or "").strip()
    citizen_id = str(claims.get(settings.OIDC_CLAIM_CITIZEN_ID) or "").strip()
    if uscc:
        role = (
            GrantRole.LEGAL_REPRESENTATIVE
            if str(claims.get(settings.OIDC_CLAIM_ROLE) or "") in settings.OIDC_LEGAL_REPRESENTATIVE_VALUES
            else GrantRole.AGENT
        )
        try:
            subject = subject_get_by_code(uscc)
        except (ids.IdentifierError, CreditSubject.DoesNotExist):
            return AccountKind.ORGANISATION, []
        return AccountKind.ORGANISATION, ([] if subject.is_natural_person else [(subject, role)])
    if citizen_id:
        try:
            digest = citizen_id_digest(ids.normalize_citizen_id(citizen_id))
        except ids.IdentifierError:
            return AccountKind.PERSON, []
        subject = CreditSubject.objects.filter(citizen_id_hash=digest).first()
        return AccountKind.PERSON, ([(subject, GrantRole.SELF)] if subject is not None else [])
    return AccountKind.PERSON, []


class SubjectAccountOIDCBackend(OIDCAuthenticationBackend):
    """The provider's user as a subject account: found by (issuer, sub), created at the first sign-in."""

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        identity = AccountIdentity.objects.filter(issuer=settings.OIDC_ISSUER, sub=claims.get("sub", "")).first()
        return [identity.account.user] if identity is not None else []

    def _account(self, claims):
        kind, vouched = vouched_subjects(claims)
        with transaction.atomic():
            try:
                account = account_from_identity(
                    issuer=settings.OIDC_ISSUER,
                    sub=claims["sub"],
                    email=str(claims.get("email") or "") if claims.get("email_verified", True) else "",
                    display_name=str(claims.get(settings.OIDC_CLAIM_NAME) or ""),
                    kind=kind,
                    vouched=vouched,
                    actor=Actor.public(client_ip=client_ip(self.request)),
                )
            except SubjectAccountError as error:
                raise SuspiciousOperation(error.message) from None
        if account.state != AccountState.ACTIVE:
            raise SuspiciousOperation("该账户已被暂停。")
        return account.user

    def create_user(self, claims):
        return self._account(claims)

    def update_user(self, user, claims):
        return self._account(claims)

    def get_user(self, user_id):
        account = (
            SubjectAccount.objects.select_related("user").filter(user_id=user_id, state=AccountState.ACTIVE).first()
        )
        return account.user if account is not None else None

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False


def _enabled(view):
    def wrapper(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("未配置统一身份认证。")
        return view(request, *args, **kwargs)

    return wrapper


class CallbackView(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return "/account/login/?oidc=failed"

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or "/account/"


oidc_login = _enabled(OIDCAuthenticationRequestView.as_view())
oidc_callback = _enabled(CallbackView.as_view())
