"""State changes of departments, staff accounts and API tokens. Every change writes its audit event in its
transaction."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core.errors import DomainError
from subjects import identifiers as ids
from subjects.models import Division, validate_registers

from .choices import (
    DEPARTMENT_ROLES,
    TOKEN_SCOPES_NEEDING_APPROVAL,
    DepartmentLevel,
    Sector,
    StaffRoleName,
    TokenScope,
    TokenState,
)
from .models import ApiToken, Department, StaffRole

# Departments and staff ---------------------------------------------------------------------------------


@transaction.atomic
def department_create(
    *,
    code: str,
    name: str,
    uscc: str,
    level: str,
    division_code: str,
    parent_code: str = "",
    actor: Actor,
    sector: str = Sector.OTHER,
    registers: str = "",
) -> Department:
    """Register a data-providing department (数据提供单位).

    ``registers``: the registration-authority codes (GB 32100-2015, the USCC's first character) of the
    subjects it registers, e.g. "9" for 市场监管; only such a department's items change a subject's name.
    Given in any order ("51" or "1,5"); an unknown code is refused with the list of valid ones.
    """
    registers = registers_normalize(registers)
    if level not in DepartmentLevel.values:
        raise ValueError(f"层级“{level}”无效，应为：{'、'.join(DepartmentLevel.values)}")
    parent = Department.objects.get(code=parent_code) if parent_code else None
    if sector not in Sector.values:
        raise ValueError(f"行业领域“{sector}”无效，应为：{'、'.join(Sector.values)}")
    department = Department(
        sector=sector,
        registers=registers,
        code=code,
        name=name,
        uscc=ids.normalize_uscc(uscc),
        level=level,
        division=Division.objects.get(code=division_code),
        parent=parent,
    )
    department.full_clean()
    department.save()
    audit_event_record(
        actor=actor,
        action="department.create",
        obj=department,
        after={
            "code": code,
            "name": name,
            "uscc": department.uscc,
            "level": level,
            "division": division_code,
            "parent": parent_code,
            "sector": sector,
            "registers": registers,
        },
    )
    return department


def registers_normalize(value: str) -> str:
    """ "9", "1,5", " n 9 " → the canonical sorted codes; an unknown code raises ``ValueError`` (Chinese)."""
    codes = "".join(sorted({ch for ch in value.upper() if ch not in ", ，、\t"}))
    try:
        validate_registers(codes)
    except ValidationError as error:
        raise ValueError("；".join(error.messages)) from error
    return codes


def role_admin_permissions() -> dict[str, list[str]]:
    """The Django admin permissions that come with each global role (``app_label.codename``), as the apps
    declare them: each app's ``AppConfig.admin_grants`` maps a role to ``{model: "view add change ..."}`` for
    its own models (a dotted ``"auth.user"`` names one of Django's). Collected from the app registry, so no
    app names another's models. Department roles work in the workbench only and have none."""
    wanted: dict[str, list[str]] = {}
    for config in apps.get_app_configs():
        for role, models in getattr(config, "admin_grants", {}).items():
            for model, actions in models.items():
                app_label, _, model_name = model.rpartition(".")
                wanted.setdefault(role, []).extend(
                    f"{app_label or config.label}.{action}_{model_name}" for action in actions.split()
                )
    return wanted


def _role_group(role: str) -> Group:
    """The auth group that carries a global role's admin permissions, kept in step with the apps' grants."""
    group, _ = Group.objects.get_or_create(name=StaffRoleName(role).label)
    wanted = role_admin_permissions().get(role, [])
    permissions = [
        Permission.objects.get(content_type__app_label=label.split(".")[0], codename=label.split(".")[1])
        for label in wanted
    ]
    group.permissions.set(permissions)
    return group


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    role: str,
    department_code: str = "",
    full_name: str = "",
    email: str = "",
    actor: Actor,
):
    """Create a staff account with one role. Department roles need a department; global roles must not have one.

    The password must pass the password validators (``AUTH_PASSWORD_VALIDATORS``: length, common passwords,
    similarity to the user name); ``email`` is where case notifications and escalations reach the person.
    """
    role = StaffRoleName(role)
    if role in DEPARTMENT_ROLES and not department_code:
        raise ValueError(f"角色“{role.label}”必须指定部门（--department）。")
    if role not in DEPARTMENT_ROLES and department_code:
        raise ValueError(f"角色“{role.label}”不属于任何部门，请勿指定 --department。")
    department = Department.objects.get(code=department_code) if department_code else None
    User = get_user_model()
    user = User(username=username, first_name=full_name, email=email.strip(), is_staff=role not in DEPARTMENT_ROLES)
    validate_password(password, user=user)
    user.set_password(password)
    user.full_clean()
    user.save()
    staff_role = StaffRole(user=user, role=role, department=department)
    staff_role.full_clean()
    staff_role.save()
    if role not in DEPARTMENT_ROLES:
        user.groups.add(_role_group(role))
    audit_event_record(
        actor=actor,
        action="staff.create",
        obj=user,
        after={"username": username, "role": role.value, "department": department_code, "email": user.email},
    )
    return user


# API tokens ---------------------------------------------------------------------------------------------

TOKEN_PREFIX = "cpt_"


class ApiTokenError(DomainError):
    """A token request or decision that cannot be made."""


def api_token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def api_token_max_days() -> int:
    return settings.API_TOKEN_MAX_DAYS


def _token_scopes_clean(scopes) -> list[str]:
    """Explicit scopes, at least one, all known; returned in catalog order without repeats."""
    scopes = set(scopes or ())
    if not scopes:
        raise ApiTokenError("请至少选择一项权限范围。", field="scopes")
    unknown = sorted(scopes - set(TokenScope.values))
    if unknown:
        raise ApiTokenError(f"未知的权限范围：{'、'.join(unknown)}", field="scopes")
    return [scope for scope in TokenScope.values if scope in scopes]


def _token_expiry(expires_on: datetime.date | None) -> datetime.datetime:
    """The end of the chosen local day, which must be after today and at most API_TOKEN_MAX_DAYS away."""
    if expires_on is None:
        raise ApiTokenError("请填写到期日期。", field="expires_on")
    today = timezone.localdate()
    if expires_on <= today:
        raise ApiTokenError("到期日期须晚于今天。", field="expires_on")
    latest = today + datetime.timedelta(days=api_token_max_days())
    if expires_on > latest:
        raise ApiTokenError(
            f"令牌有效期最长{api_token_max_days()}天，到期日期不能晚于{latest:%Y-%m-%d}。", field="expires_on"
        )
    return timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))


def _token_snapshot(token: ApiToken) -> dict:
    return {
        "department": token.department.code,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": list(token.scopes),
        "expires_at": token.expires_at,
        "state": token.state,
    }


@transaction.atomic
def api_token_create(
    *,
    department: Department,
    name: str,
    scopes: list[str],
    expires_on: datetime.date,
    actor: Actor,
    by_credit_centre: bool,
) -> tuple[ApiToken, str]:
    """Issue a token for a department system. Returns the row and the raw token, which is shown only once.

    Scopes are explicit and expiry is required (at most ``API_TOKEN_MAX_DAYS`` days away). A token that can
    publish records (``records:write``) asked for by a department admin is ``pending`` until the credit
    centre approves it; issued by the credit centre (its admin, or the operator's ``create_api_token``
    command: ``by_credit_centre``) it is active at once. Issue 10: one department's admin alone must not be
    able to publish without a reviewer (seed 004 九(一)).
    """
    name = " ".join((name or "").split())
    if not name:
        raise ApiTokenError("请填写令牌名称。", field="name")
    scopes = _token_scopes_clean(scopes)
    expires_at = _token_expiry(expires_on)
    if not department.is_active:
        raise ApiTokenError("该部门已停用，不能签发令牌。")
    needs_approval = bool(TOKEN_SCOPES_NEEDING_APPROVAL & set(scopes)) and not by_credit_centre
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        department=department,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=api_token_digest(raw),
        scopes=scopes,
        expires_at=expires_at,
        state=TokenState.PENDING if needs_approval else TokenState.ACTIVE,
        created_by=actor.label,
    )
    if by_credit_centre:
        token.decided_at = timezone.now()
        token.decided_by = actor.label
        token.decision_reason = "信用中心签发"
    token.full_clean()
    token.save()
    audit_event_record(actor=actor, action="api_token.create", obj=token, after=_token_snapshot(token))
    return token, raw


def _token_pending_locked(token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("department").get(pk=token.pk)
    if token.state != TokenState.PENDING:
        raise ApiTokenError(f"该令牌当前状态为“{token.get_state_display()}”，不能审批。")
    return token


def _token_decide(*, token: ApiToken, actor: Actor, reason: str, state: str, action: str) -> ApiToken:
    reason = (reason or "").strip()
    if not reason:
        raise ApiTokenError("请填写审批意见。", field="reason")
    token = _token_pending_locked(token)
    before = _token_snapshot(token)
    token.state = state
    token.decided_at = timezone.now()
    token.decided_by = actor.label
    token.decision_reason = reason[:500]
    token.save(update_fields=["state", "decided_at", "decided_by", "decision_reason"])
    after = _token_snapshot(token)
    audit_event_record(actor=actor, action=action, obj=token, reason=reason, before=before, after=after)
    return token


@transaction.atomic
def api_token_approve(*, token: ApiToken, actor: Actor, reason: str) -> ApiToken:
    """The credit centre approves a pending token, with a reason; from then on it authenticates.

    An expired pending token cannot be approved: the department asks again with a new expiry.
    """
    if token.expires_at <= timezone.now():
        raise ApiTokenError("该令牌已过期，请部门重新申请。")
    return _token_decide(token=token, actor=actor, reason=reason, state=TokenState.ACTIVE, action="api_token.approve")


@transaction.atomic
def api_token_refuse(*, token: ApiToken, actor: Actor, reason: str) -> ApiToken:
    """The credit centre refuses a pending token, with a reason; it never authenticates."""
    return _token_decide(token=token, actor=actor, reason=reason, state=TokenState.REFUSED, action="api_token.refuse")


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Actor, reason: str = "") -> ApiToken:
    """Revoke a pending or active token at once; revoking a revoked or refused token changes nothing."""
    token = ApiToken.objects.select_for_update().select_related("department").get(pk=token.pk)
    if token.state in (TokenState.PENDING, TokenState.ACTIVE) and token.revoked_at is None:
        before = {"state": token.state, "revoked_at": None}
        token.state = TokenState.REVOKED
        token.revoked_at = timezone.now()
        token.save(update_fields=["state", "revoked_at"])
        audit_event_record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            reason=reason,
            before=before,
            after={"state": token.state, "revoked_at": token.revoked_at},
        )
    return token
