"""Third-party authorisations (授权查询): a subject, through an account acting for it, lets another account read
the categories of its record it names, for a stated purpose, until a date, revocably. Seed 000 四(七) (查询权限),
seed 002 item 77 (personal information used only as authorised). Each service runs in one transaction with its
audit event; each read by the third party is recorded in the subject's access log where it is served."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.choices import AccountState
from accounts.models import SubjectAccount
from accounts.selectors import grant_acting, verified_grants
from audit.services import Actor, audit_event_record
from subjects.models import CreditSubject

from .models import Authorisation
from .selfquery import CATEGORIES
from .services import ApplicationError, account_acting_check


def _snapshot(authorisation: Authorisation) -> dict:
    return {
        "subject": authorisation.subject_id,
        "grantee": authorisation.grantee_id,
        "categories": authorisation.categories,
        "purpose": authorisation.purpose,
        "valid_until": authorisation.valid_until.isoformat(),
        "revoked": authorisation.revoked_at is not None,
    }


@transaction.atomic
def authorisation_grant(
    *,
    account: SubjectAccount,
    subject: CreditSubject,
    grantee_email: str,
    categories: list[str],
    purpose: str,
    valid_until: datetime.date,
    actor: Actor,
) -> Authorisation:
    """Authorise the account registered under ``grantee_email`` to read ``categories`` of ``subject``'s record
    until ``valid_until`` (at most ``AUTHORISATION_MAX_DAYS`` ahead). Only an account acting for the subject by
    a verified grant may; nothing is written when anything is wrong."""
    account_acting_check(account, subject)
    today = timezone.localdate()
    grantee = SubjectAccount.objects.filter(email=grantee_email.strip().lower(), state=AccountState.ACTIVE).first()
    if grantee is None:
        raise ApplicationError("未找到该电子邮箱注册的有效账户。", code="unknown_grantee", field="grantee_email")
    if grantee.pk == account.pk:
        raise ApplicationError("不能授权给本账户。", code="self_grantee", field="grantee_email")
    chosen = sorted(set(categories))
    if not chosen or not set(chosen) <= set(CATEGORIES):
        raise ApplicationError("请选择授权查询的信息类别。", code="categories_required", field="categories")
    if not purpose.strip():
        raise ApplicationError("请填写查询用途。", code="purpose_required", field="purpose")
    latest = today + datetime.timedelta(days=settings.AUTHORISATION_MAX_DAYS)
    if not today <= valid_until <= latest:
        raise ApplicationError(
            f"有效期须在今天至 {latest:%Y-%m-%d} 之间。", code="invalid_valid_until", field="valid_until"
        )
    authorisation = Authorisation.objects.create(
        number=f"SQ{timezone.localtime():%Y%m%d}{secrets.randbelow(10**8):08d}",
        subject=subject,
        granted_by=account,
        grantee=grantee,
        categories=chosen,
        purpose=purpose.strip(),
        valid_until=valid_until,
    )
    audit_event_record(actor=actor, action="authorisation.grant", obj=authorisation, after=_snapshot(authorisation))
    return authorisation


@transaction.atomic
def authorisation_revoke(
    *, authorisation: Authorisation, account: SubjectAccount, actor: Actor, reason: str = ""
) -> Authorisation:
    """Withdraw an authorisation: any account acting for the subject may; the third party reads nothing more."""
    locked = Authorisation.objects.select_for_update().select_related("subject").get(pk=authorisation.pk)
    account_acting_check(account, locked.subject)
    if locked.revoked_at is not None:
        raise ApplicationError("该授权已撤回。", code="already_revoked")
    before = _snapshot(locked)
    locked.revoked_at, locked.revoked_reason = timezone.now(), reason.strip()[:200]
    locked.save(update_fields=["revoked_at", "revoked_reason"])
    audit_event_record(
        actor=actor, action="authorisation.revoke", obj=locked, reason=reason, before=before, after=_snapshot(locked)
    )
    return locked


def authorisation_for_reader(account: SubjectAccount | None, pk: int) -> Authorisation | None:
    """The authorisation ``pk`` if ``account`` is its third party and it is in force today; else None (another
    account's, revoked, expired, the reader's account suspended, or the account that gave it no longer acting
    for the subject: an authorisation given on the word of an agent the credit centre stopped stops too)."""
    if account is None or account.state != AccountState.ACTIVE:
        return None
    authorisation = (
        Authorisation.objects.select_related("subject", "grantee", "granted_by").filter(pk=pk, grantee=account).first()
    )
    if authorisation is None or not authorisation.in_force(timezone.localdate()):
        return None
    return authorisation if grant_acting(authorisation.granted_by, authorisation.subject) is not None else None


def reader_label(account: SubjectAccount) -> tuple[str, str]:
    """How a third party is named in the subject's access log: its account's name and, when it acts for an
    organisation by a verified grant, that organisation's USCC."""
    grant = verified_grants(account).exclude(subject__uscc__isnull=True).first()
    return account.display_name, (grant.subject.uscc if grant is not None else "")
