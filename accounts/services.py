"""Every change of a subject account, one transaction each with its audit event: registration and e-mail
confirmation, asking to act for a subject (with proof), the credit centre's verification, an identity
provider's vouching, suspension, and the purge of proof files past their retention.

Seed 002 item 77 (personal information: collect what is needed, keep it no longer than needed) and seed 000
四(七) (graded query rights): only a verified account acts for a subject.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core.errors import DomainError
from core.uploads import upload_store, uploads_check
from outbox.services import outbox_add
from subjects import identifiers as ids
from subjects.models import CreditSubject
from subjects.privacy import citizen_id_digest
from subjects.selectors import subject_get_by_code
from subjects.services import subject_name_matches

from .choices import REQUIRED_PROOFS, AccountKind, AccountState, GrantRole, GrantState, ProofKind, VerifiedBy
from .models import AccountGrant, AccountIdentity, GrantProof, SubjectAccount
from .outbox_handlers import EMAIL_CONFIRM, EMAIL_TAKEN, GRANT_DECIDED, PASSWORD_RESET

CONFIRM_SALT = "accounts.email-confirm"
USERNAME_PREFIX = "acct:"  # subject accounts' user names: never the same as a staff user name


class SubjectAccountError(DomainError):
    """A refused step of a subject account (registration, a grant, a verification)."""


def _snapshot(grant: AccountGrant) -> dict:
    return {"account": grant.account_id, "subject": grant.subject_id, "role": grant.role, "state": grant.state}


# Registration -----------------------------------------------------------------------------------------------


@transaction.atomic
def account_register(
    *, kind: str, email: str, password: str, display_name: str, mobile: str = "", actor: Actor, confirm_base_url: str
) -> SubjectAccount:
    """A new account, waiting for its e-mail address to be confirmed (a link is mailed after the commit).
    The user is a new one, never staff; nothing is written when anything is wrong."""
    email = email.strip().lower()
    if kind not in AccountKind.values:
        raise SubjectAccountError("请选择用户类型。", code="kind_required", field="kind")
    if not display_name.strip():
        raise SubjectAccountError("请填写名称。", code="name_required", field="display_name")
    User = get_user_model()
    if SubjectAccount.objects.filter(email=email).exists():
        raise SubjectAccountError("该电子邮箱已注册，请直接登录。", code="email_taken", field="email")
    user = User(username=f"{USERNAME_PREFIX}{email}"[:150], email=email, first_name=display_name.strip()[:150])
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise SubjectAccountError(" ".join(error.messages), code="weak_password", field="password") from None
    user.set_password(password)
    user.save()
    account = SubjectAccount(
        user=user, kind=kind, display_name=display_name.strip(), email=email, mobile=mobile.strip()
    )
    account.full_clean()
    account.save()
    outbox_add(topic=EMAIL_CONFIRM, payload={"account_id": account.pk, "base_url": confirm_base_url})
    audit_event_record(
        actor=actor, action="account.register", obj=account, after={"kind": kind, "email": email, "mobile": mobile}
    )
    return account


@transaction.atomic
def registration_submit(
    *,
    kind: str,
    email: str,
    password: str,
    display_name: str,
    mobile: str,
    code: str,
    name: str,
    role: str,
    proofs: dict,
    actor: Actor,
    base_url: str,
) -> None:
    """The registration form: a new account asking to act for the subject it names, with the proofs. The proofs
    (which depend on the kind of subject only) are checked before the subject is looked up, and both before the
    address is looked at; an address that already has
    an account gets a mail saying so (and how to reset its password) instead of a confirmation link, and the
    caller answers the same either way: whether an address is registered is not told to whoever types it."""
    _proofs_checked(kind == AccountKind.PERSON, role, proofs)  # first: it says nothing about who is on record
    subject = subject_for_claim(kind=kind, code=code, name=name)
    if SubjectAccount.objects.filter(email=email.strip().lower()).exists():
        outbox_add(topic=EMAIL_TAKEN, payload={"email": email.strip().lower(), "base_url": base_url})
        return
    account = account_register(
        kind=kind,
        email=email,
        password=password,
        display_name=display_name,
        mobile=mobile,
        actor=actor,
        confirm_base_url=base_url,
    )
    grant_request(account=account, subject=subject, role=role, proofs=proofs, actor=actor)


def email_confirm_token(account: SubjectAccount) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(f"{account.pk}:{account.email}")


@transaction.atomic
def account_email_confirm(*, token: str, actor: Actor) -> SubjectAccount:
    """The link of the confirmation mail: the account becomes active (unless the centre suspended it)."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=datetime.timedelta(days=settings.ACCOUNT_CONFIRM_DAYS)
        )
    except signing.BadSignature:
        raise SubjectAccountError("确认链接无效或已过期，请重新注册或联系信用中心。", code="bad_token") from None
    pk, _, email = value.partition(":")
    account = SubjectAccount.objects.select_for_update().filter(pk=pk, email=email).first()
    if account is None:
        raise SubjectAccountError("确认链接无效或已过期，请重新注册或联系信用中心。", code="bad_token")
    if account.email_confirmed_at is None:
        account.email_confirmed_at = timezone.now()
        if account.state == AccountState.PENDING:
            account.state = AccountState.ACTIVE
        account.save(update_fields=["email_confirmed_at", "state"])
        audit_event_record(actor=actor, action="account.email_confirm", obj=account, after={"state": account.state})
    return account


@transaction.atomic
def password_reset_request(*, email: str, actor: Actor, base_url: str) -> None:
    """Mail a reset link if ``email`` is an active account's (after the commit). The caller says the same
    either way: whether an address is registered is not told to whoever types it."""
    account = SubjectAccount.objects.filter(email=email.strip().lower(), state=AccountState.ACTIVE).first()
    if account is None:
        return
    outbox_add(topic=PASSWORD_RESET, payload={"account_id": account.pk, "base_url": base_url})
    audit_event_record(actor=actor, action="account.password_reset_request", obj=account)


@transaction.atomic
def password_reset_done(*, account: SubjectAccount, actor: Actor) -> None:
    audit_event_record(actor=actor, action="account.password_reset", obj=account)


# Acting for a subject ---------------------------------------------------------------------------------------


def subject_for_claim(*, kind: str, code: str, name: str) -> CreditSubject:
    """The registered subject an account says it acts for: by USCC (or a legacy code) for an organisation, by
    citizen ID for a person (only its keyed hash is compared; the number is not kept), under its registered or
    a former name. ``SubjectAccountError`` on the field that is wrong.

    For a person one answer whether the number is unknown or the name wrong: the public site never tells whether
    a citizen ID is on record (a person is not found by the number), and neither does this form."""
    if kind == AccountKind.PERSON:
        try:
            digest = citizen_id_digest(ids.normalize_citizen_id(code))
        except ids.IdentifierError as error:
            raise SubjectAccountError(str(error), code="invalid_code", field="code") from None
        subject = CreditSubject.objects.filter(citizen_id_hash=digest).first()
        if subject is None or not subject_name_matches(subject, name):
            raise SubjectAccountError(
                "未能核对身份证号和姓名：请核对后重试。平台没有您的信用记录时无须注册，可直接查询公示信息。",
                code="person_not_matched",
                field="code",
            )
        return subject
    try:
        subject = subject_get_by_code(code)
    except ids.IdentifierError as error:
        raise SubjectAccountError(str(error), code="invalid_code", field="code") from None
    except CreditSubject.DoesNotExist:
        subject = None
    if subject is not None and subject.is_natural_person:
        subject = None
    if subject is None:
        raise SubjectAccountError(
            "平台暂无该主体的登记信息，请核对代码；没有信用记录的主体无须注册即可查询公示信息。",
            code="unknown_subject",
            field="code",
        )
    if not subject_name_matches(subject, name):
        raise SubjectAccountError("名称与登记名称不一致，请按登记名称填写。", code="name_mismatch", field="name")
    return subject


def _role_allowed(person: bool, role: str) -> None:
    allowed = {GrantRole.SELF, GrantRole.AGENT} if person else {GrantRole.LEGAL_REPRESENTATIVE, GrantRole.AGENT}
    if role not in allowed:
        raise SubjectAccountError("所选身份不适用于该主体。", code="invalid_role", field="role")


def required_proofs(subject: CreditSubject, role: str) -> tuple[str, ...]:
    return REQUIRED_PROOFS[("person" if subject.is_natural_person else "organisation", role)]


def _proofs_checked(person: bool, role: str, proofs: dict) -> dict:
    """The proofs ``role`` needs for a person (``person``) or an organisation, each checked by its content (kind →
    checked upload). It depends on the kind of subject only, not on which: checked before the subject is looked
    up, it tells nothing about who is on record."""
    _role_allowed(person, role)
    needed = REQUIRED_PROOFS[("person" if person else "organisation", role)]
    missing = [ProofKind(kind) for kind in needed if not proofs.get(kind)]
    if missing:
        labels = "、".join(kind.label for kind in missing)
        raise SubjectAccountError(f"请上传：{labels}。", code="proof_required", field=missing[0].value)
    return {
        kind: uploads_check(
            [proofs[kind]], max_files=1, max_bytes=settings.EVIDENCE_MAX_BYTES, error=SubjectAccountError, field=kind
        )[0]
        for kind in needed
    }


@transaction.atomic
def grant_request(
    *, account: SubjectAccount, subject: CreditSubject, role: str, proofs: dict, actor: Actor
) -> AccountGrant:
    """Ask to act for ``subject`` in ``role``, with the proofs the role needs (``proofs``: kind → upload),
    checked by their content. The grant waits for the credit centre. Asking again after a refusal replaces
    the refused request (with new proofs); a pending, verified or suspended grant stays as it is."""
    checked = _proofs_checked(subject.is_natural_person, role, proofs)
    grant = AccountGrant.objects.select_for_update().filter(account=account, subject=subject).first()
    if grant is not None and grant.state != GrantState.REFUSED:
        raise SubjectAccountError("您已申请代表该主体，请勿重复申请。", code="grant_exists")
    before = _snapshot(grant) if grant is not None else None
    if grant is None:
        grant = AccountGrant(account=account, subject=subject)
    grant.role, grant.state, grant.verified_by = role, GrantState.PENDING, ""
    grant.decided_at, grant.decided_by, grant.decision_note = None, "", ""
    grant.full_clean()
    grant.save()
    # Kept until the retention after the decision; a request never decided (an abandoned registration) does
    # not keep its ID copies longer than that either.
    keep_until = _proofs_keep_until()
    for kind, upload in checked.items():
        upload_store(GrantProof, upload, prefix=f"{grant.pk}-{kind}", grant=grant, kind=kind, purge_after=keep_until)
    audit_event_record(
        actor=actor,
        action="account.grant_request",
        obj=grant,
        before=before,
        after={**_snapshot(grant), "proofs": sorted(checked)},
    )
    return grant


def _proofs_keep_until() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.ACCOUNT_PROOF_RETENTION_DAYS)


def _proofs_served(grant: AccountGrant) -> None:
    """The grant is decided: its proofs have served their purpose, kept for the retention period from today,
    then their files are deleted (``proofs_purge``)."""
    grant.proofs.filter(purged_at__isnull=True).update(purge_after=_proofs_keep_until())


def _grant_locked(grant: AccountGrant) -> AccountGrant:
    return AccountGrant.objects.select_for_update().select_related("account", "subject").get(pk=grant.pk)


def _decide(grant: AccountGrant, *, to_state: str, allowed_from: set, actor: Actor, note: str, action: str, **fields):
    locked = _grant_locked(grant)
    if locked.state not in allowed_from:
        raise SubjectAccountError(
            f"该授权当前状态为“{locked.get_state_display()}”，不能执行此操作。", code="invalid_transition"
        )
    before = _snapshot(locked)
    locked.state = to_state
    locked.decided_at, locked.decided_by, locked.decision_note = timezone.now(), actor.label[:150], note[:500]
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if to_state in (GrantState.VERIFIED, GrantState.REFUSED):
        _proofs_served(locked)
    audit_event_record(actor=actor, action=action, obj=locked, reason=note, before=before, after=_snapshot(locked))
    outbox_add(topic=GRANT_DECIDED, payload={"grant_id": locked.pk, "state": to_state})
    return locked


@transaction.atomic
def grant_verify(*, grant: AccountGrant, actor: Actor, note: str = "") -> AccountGrant:
    """The credit centre has checked the proofs: the account may act for the subject."""
    return _decide(
        grant,
        to_state=GrantState.VERIFIED,
        allowed_from={GrantState.PENDING},
        actor=actor,
        note=note or "材料核验通过",
        action="account.grant_verify",
        verified_by=VerifiedBy.CENTRE,
    )


@transaction.atomic
def grant_refuse(*, grant: AccountGrant, actor: Actor, note: str) -> AccountGrant:
    if not note.strip():
        raise SubjectAccountError("请说明未通过核验的原因。", code="reason_required", field="note")
    return _decide(
        grant,
        to_state=GrantState.REFUSED,
        allowed_from={GrantState.PENDING},
        actor=actor,
        note=note,
        action="account.grant_refuse",
    )


@transaction.atomic
def grant_suspend(*, grant: AccountGrant, actor: Actor, reason: str) -> AccountGrant:
    """The credit centre stops a grant (a mandate withdrawn, a dispute): at once, for every request."""
    if not reason.strip():
        raise SubjectAccountError("请说明暂停原因。", code="reason_required", field="reason")
    return _decide(
        grant,
        to_state=GrantState.SUSPENDED,
        allowed_from={GrantState.VERIFIED, GrantState.PENDING},
        actor=actor,
        note=reason,
        action="account.grant_suspend",
    )


@transaction.atomic
def grant_restore(*, grant: AccountGrant, actor: Actor, reason: str) -> AccountGrant:
    """A suspended grant in force again (it was verified before: the way it was verified stays)."""
    if not reason.strip():
        raise SubjectAccountError("请说明恢复原因。", code="reason_required", field="reason")
    locked = _grant_locked(grant)
    target = GrantState.VERIFIED if locked.verified_by else GrantState.PENDING
    return _decide(
        locked,
        to_state=target,
        allowed_from={GrantState.SUSPENDED},
        actor=actor,
        note=reason,
        action="account.grant_restore",
    )


@transaction.atomic
def account_suspend(*, account: SubjectAccount, actor: Actor, reason: str) -> SubjectAccount:
    """The credit centre suspends an account: it can no longer sign in, and a session it has ends at its next
    request (``accounts.backends`` loads only active accounts)."""
    if not reason.strip():
        raise SubjectAccountError("请说明暂停原因。", code="reason_required", field="reason")
    locked = SubjectAccount.objects.select_for_update().get(pk=account.pk)
    if locked.state == AccountState.SUSPENDED:
        raise SubjectAccountError("该账户已暂停。", code="invalid_transition")
    before = locked.state
    locked.state, locked.state_reason = AccountState.SUSPENDED, reason[:500]
    locked.save(update_fields=["state", "state_reason"])
    audit_event_record(
        actor=actor,
        action="account.suspend",
        obj=locked,
        reason=reason,
        before={"state": before},
        after={"state": locked.state},
    )
    return locked


@transaction.atomic
def account_restore(*, account: SubjectAccount, actor: Actor, reason: str) -> SubjectAccount:
    if not reason.strip():
        raise SubjectAccountError("请说明恢复原因。", code="reason_required", field="reason")
    locked = SubjectAccount.objects.select_for_update().get(pk=account.pk)
    if locked.state != AccountState.SUSPENDED:
        raise SubjectAccountError("该账户未被暂停。", code="invalid_transition")
    locked.state = AccountState.ACTIVE if locked.email_confirmed_at else AccountState.PENDING
    locked.state_reason = reason[:500]
    locked.save(update_fields=["state", "state_reason"])
    audit_event_record(
        actor=actor,
        action="account.restore",
        obj=locked,
        reason=reason,
        before={"state": AccountState.SUSPENDED},
        after={"state": locked.state},
    )
    return locked


@transaction.atomic
def proof_read_record(*, proof: GrantProof, actor: Actor) -> None:
    """A credit-centre reader opened a proof (an ID card, a licence): in the audit trail."""
    audit_event_record(actor=actor, action="account.proof_view", obj=proof.grant, reason=proof.original_name)


def proofs_purge(*, today: datetime.date | None = None) -> int:
    """Delete the files of proofs past their retention (``purge_after``); the rows stay with their digest.
    Safe to run twice: a purged proof is skipped. Returns how many files were deleted."""
    today = today or timezone.localdate()
    purged = 0
    due = GrantProof.objects.filter(purge_after__lt=today, purged_at__isnull=True).order_by("pk")
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            proof = GrantProof.objects.select_for_update().filter(pk=pk, purged_at__isnull=True).first()
            if proof is None:
                continue
            if proof.file:
                proof.file.delete(save=False)
            proof.file = ""
            proof.purged_at = timezone.now()
            proof.save(update_fields=["file", "purged_at"])
            audit_event_record(
                actor=Actor.system("证明材料到期清理"),
                action="account.proof_purge",
                obj=proof.grant,
                reason=f"{proof.get_kind_display()}（保存期限 {proof.purge_after:%Y-%m-%d}）",
            )
            purged += 1
    return purged


# Identity providers -----------------------------------------------------------------------------------------


@transaction.atomic
def account_from_identity(
    *,
    issuer: str,
    sub: str,
    email: str,
    display_name: str,
    kind: str,
    vouched: list[tuple[CreditSubject, str]],
    actor: Actor,
) -> SubjectAccount:
    """The account an identity provider's user signs in as, created at the first sign-in (active: the
    provider has identified the person), and the grants it vouches for (``vouched``: subject, role), verified
    by the provider; a grant the provider verified and no longer vouches for lapses. A grant the credit centre
    suspended or refused stays so: the provider does not override the centre. The same provider identity is
    always the same account."""
    identity = AccountIdentity.objects.select_related("account").filter(issuer=issuer, sub=sub).first()
    if identity is not None:
        account = identity.account
    else:
        email = (email or f"{hashlib.sha256(f'{issuer}|{sub}'.encode()).hexdigest()[:24]}@idp.invalid").lower()
        if SubjectAccount.objects.filter(email=email).exists():
            raise SubjectAccountError("该邮箱已注册本地账户，请使用本地账户登录。", code="email_taken", field="email")
        User = get_user_model()
        user = User(username=f"{USERNAME_PREFIX}{issuer}|{sub}"[:150], email=email, first_name=display_name[:150])
        user.set_unusable_password()
        user.save()
        account = SubjectAccount.objects.create(
            user=user,
            kind=kind,
            display_name=display_name or email,
            email=email,
            state=AccountState.ACTIVE,
            email_confirmed_at=timezone.now(),
        )
        AccountIdentity.objects.create(account=account, issuer=issuer, sub=sub)
        audit_event_record(
            actor=actor, action="account.identity_link", obj=account, after={"issuer": issuer, "sub": sub}
        )
    for subject, role in vouched:
        grant = AccountGrant.objects.select_for_update().filter(account=account, subject=subject).first()
        if grant is not None and grant.state in (GrantState.VERIFIED, GrantState.SUSPENDED, GrantState.REFUSED):
            continue
        before = _snapshot(grant) if grant is not None else None
        grant = grant or AccountGrant(account=account, subject=subject)
        grant.role, grant.state, grant.verified_by = role, GrantState.VERIFIED, VerifiedBy.IDENTITY_PROVIDER
        grant.decided_at, grant.decided_by, grant.decision_note = timezone.now(), issuer[:150], "统一身份认证核验"
        grant.full_clean()
        grant.save()
        _proofs_served(grant)
        audit_event_record(
            actor=actor, action="account.grant_vouch", obj=grant, reason=issuer, before=before, after=_snapshot(grant)
        )
    # What the provider vouched for and no longer does (the person left the company, or represents another
    # now) lapses: a grant it verified follows what it says at each sign-in. The centre's own verifications stay.
    lapsed = (
        AccountGrant.objects.select_for_update()
        .filter(account=account, state=GrantState.VERIFIED, verified_by=VerifiedBy.IDENTITY_PROVIDER)
        .exclude(subject_id__in=[subject.pk for subject, _ in vouched])
    )
    for grant in lapsed:
        before = _snapshot(grant)
        grant.state = GrantState.LAPSED
        grant.decided_at, grant.decided_by, grant.decision_note = (
            timezone.now(),
            issuer[:150],
            "统一身份认证不再确认该身份",
        )
        grant.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
        audit_event_record(
            actor=actor, action="account.grant_lapse", obj=grant, reason=issuer, before=before, after=_snapshot(grant)
        )
    return account
