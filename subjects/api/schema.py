"""OpenAPI description of the department-token authentication (loaded by SubjectsConfig.ready) and of the
error answers every API operation can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "subjects.api.authentication.BearerTokenAuthentication"
    name = "departmentToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "部门接口令牌：Authorization: Bearer <令牌>"
                "（在工作台申请，含报送权限的须经信用中心审批；或由运维用 create_api_token 签发）"
            ),
        }


def _error_response(description: str, *, retry_after: bool = False) -> dict:
    properties = {"detail": {"type": "string", "description": "说明（中文）"}, "code": {"type": "string"}}
    if retry_after:
        properties["retry_after"] = {"type": "integer", "minimum": 1, "description": "秒"}
    response = {
        "description": description,
        "content": {
            "application/json": {"schema": {"type": "object", "properties": properties, "required": ["detail"]}}
        },
    }
    if retry_after:
        response["headers"] = {
            "Retry-After": {"schema": {"type": "integer", "minimum": 1}, "description": "多少秒后可以重试"}
        }
    return response


class ApiAutoSchema(AutoSchema):
    """The project's schema class (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``): every operation documents the
    answers every API view can give, in one place rather than on each view: 429 (the rate limit applies to
    every call, subjects/api/throttling.py) and, unless the view is public, 401 (no valid token) and 403
    (a token without the scope, or a logged-in session trying to write)."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        responses = operation.setdefault("responses", {})
        if not self._is_public():
            responses.setdefault("401", _error_response("未提供接口令牌，或令牌无效、已过期、待审批、已被拒绝或吊销"))
            responses.setdefault("403", _error_response("令牌无此权限范围；登录会话只能查询，不能写入"))
        responses.setdefault("429", _error_response("超过接口调用频率限制", retry_after=True))
        return operation

    def _is_public(self) -> bool:
        return any(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
