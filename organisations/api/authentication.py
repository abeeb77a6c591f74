"""Bearer-token authentication for department systems, and who a request acts for."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from rest_framework import authentication, exceptions

from audit.choices import ActorType
from audit.services import Actor, client_ip

from ..choices import TokenScope, TokenState
from ..models import ApiToken, Department
from ..selectors import staff_context
from ..services import api_token_digest

# A token's last use is written at most this often, so that reading does not turn every call into a write.
LAST_USED_GRANULARITY = datetime.timedelta(minutes=5)


class TokenUser:
    """What ``request.user`` is for a call authenticated by a department token."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, token: ApiToken):
        self.token = token
        self.username = f"{token.department.code}/{token.name}"

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return self.username


# Why a known token is refused, in the words the department's developers read in the 401.
REFUSED_STATES = {
    TokenState.PENDING: "接口令牌尚待信用中心审批，审批通过前不能使用。",
    TokenState.REFUSED: "接口令牌的申请已被信用中心拒绝，不能使用。",
    TokenState.REVOKED: "接口令牌无效或已被吊销。",
}


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``; only an active token that has not expired, of an active department,
    authenticates: pending, refused, revoked, expired or unknown tokens get 401 with the reason in Chinese."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization 头格式应为“Bearer <令牌>”。")
        raw = header[1].decode("latin-1")
        token = ApiToken.objects.select_related("department").filter(token_hash=api_token_digest(raw)).first()
        now = timezone.now()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("接口令牌无效或已被吊销。")
        if token.state != TokenState.ACTIVE:
            raise exceptions.AuthenticationFailed(REFUSED_STATES.get(token.state, "接口令牌不可用。"))
        if token.expires_at is None or token.expires_at <= now:
            raise exceptions.AuthenticationFailed("接口令牌已过期，请联系部门管理员重新申请。")
        if not token.department.is_active:
            raise exceptions.AuthenticationFailed("该部门已停用。")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return TokenUser(token), token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


@dataclass(frozen=True)
class Caller:
    """Who a request acts for: one department (a token or department staff), or the whole province (admin)."""

    actor: Actor
    department: Department | None
    scopes: frozenset[str]
    token: ApiToken | None = None
    user: object | None = None

    @property
    def is_province_wide(self) -> bool:
        return self.department is None


def caller_for(request) -> Caller | None:
    """The caller of an API request, or None when the user holds no role that may use the API.

    Staff logged in to the site (a session, no token) only read: their scopes hold no write scope, and
    ``ScopePermission`` refuses them every unsafe method, so a change through the API always carries a
    token whose scopes were approved (issue 10).
    """
    token = request.auth if isinstance(request.auth, ApiToken) else None
    if token is not None:
        actor = Actor(type=ActorType.TOKEN, id=str(token.pk), label=str(request.user), client_ip=client_ip(request))
        return Caller(actor=actor, department=token.department, scopes=frozenset(token.scopes), token=token)
    user = request.user
    context = staff_context(user)
    if not context.roles:
        return None
    actor = Actor.for_user(user, client_ip=client_ip(request))
    read_scopes = frozenset({TokenScope.RECORDS_READ, TokenScope.SUBJECTS_READ, TokenScope.CHECKS})
    return Caller(actor=actor, department=context.department, scopes=read_scopes, user=user)
