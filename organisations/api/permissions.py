"""API permissions by token scope. Department staff logged in to the site may read, never write."""

from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied

from ..choices import TokenScope
from .authentication import caller_for

SESSION_WRITE_REFUSED = "登录工作台的工作人员只能通过接口查询；报送、撤销、核查和反馈须使用部门接口令牌。"


class ScopePermission(permissions.BasePermission):
    """The one place API permissions are decided: the caller holds the view's scope, and anything but a
    safe method (GET, HEAD, OPTIONS) comes with a department token, never a logged-in session (issue 10)."""

    scope: str = ""
    message = "当前凭据无权执行此操作。"

    def has_permission(self, request, view) -> bool:
        caller = caller_for(request)
        if caller is None:
            return False
        if caller.token is None and request.method not in permissions.SAFE_METHODS:
            raise PermissionDenied(SESSION_WRITE_REFUSED)
        if self.scope not in caller.scopes:
            return False
        request.caller = caller
        return True


class CanReadSubjects(ScopePermission):
    scope = TokenScope.SUBJECTS_READ


class CanReadRecords(ScopePermission):
    scope = TokenScope.RECORDS_READ


class CanWriteRecords(ScopePermission):
    scope = TokenScope.RECORDS_WRITE
