"""API permissions by token scope. Department staff logged in to the site may read, never write."""

from rest_framework import permissions

from ..choices import TokenScope
from .authentication import caller_for


class ScopePermission(permissions.BasePermission):
    scope: str = ""
    message = "当前凭据无权执行此操作。"

    def has_permission(self, request, view) -> bool:
        caller = caller_for(request)
        if caller is None or self.scope not in caller.scopes:
            return False
        request.caller = caller
        return True


class CanReadSubjects(ScopePermission):
    scope = TokenScope.SUBJECTS_READ


class CanReadRecords(ScopePermission):
    scope = TokenScope.RECORDS_READ


class CanWriteRecords(ScopePermission):
    scope = TokenScope.RECORDS_WRITE
