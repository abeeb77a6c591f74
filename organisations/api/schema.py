"""OpenAPI description of the department-token authentication (loaded by OrganisationsConfig.ready) and of the
error answers every API operation can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny

# What the API accepts as a code. Input is normalised before it is checked (spaces dropped, full-width folded,
# letters upper-cased), so lower case is accepted too; the check characters are verified by the server (400).
# The GB 32100-2015 alphabet (USCC_ALPHABET: no I, O, S, V, Z) in either case; tests check the two agree.
_USCC_CHARS = "0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy"
USCC_PATTERN = f"^[{_USCC_CHARS}]{{18}}$"
# A USCC, a 15-digit registration number (工商注册号) or a 9-character organisation code (组织机构代码,
# optionally printed "12345678-9"): the codes a subject is looked up by.
SUBJECT_CODE_PATTERN = f"^([{_USCC_CHARS}]{{18}}|[0-9]{{15}}|[0-9A-Za-z]{{8}}-?[0-9Xx])$"
# A USCC or an 18-character citizen ID (digits, last character a digit or X): the codes a check names.
CHECK_CODE_PATTERN = f"^([{_USCC_CHARS}]{{18}}|[0-9]{{17}}[0-9Xx])$"


@extend_schema_field({"type": "string", "pattern": CHECK_CODE_PATTERN, "minLength": 18, "maxLength": 18})
class CheckCodeField(serializers.CharField):
    """A subject code in a check or its feedback. The schema says what is valid; the server still accepts any
    text up to 40 characters and answers an invalid code in that subject's own result, not as a 400."""


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "organisations.api.authentication.BearerTokenAuthentication"
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


def _validation_response() -> dict:
    return {
        "description": (
            "请求有误：字段校验错误（以字段名为键、错误说明列表为值，嵌套对象同此），"
            "或业务规则拒绝、查询参数含非法字符（detail 说明、code 错误代码）"
        ),
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "detail": {"type": "string", "description": "说明（中文）"},
                        "code": {"description": "错误代码；字段 code 有误时为错误说明列表"},
                        "parameter": {"type": "string", "description": "有误的查询参数"},
                    },
                    "additionalProperties": {"description": "该字段的错误说明"},
                }
            }
        },
    }


class ApiAutoSchema(AutoSchema):
    """The project's schema class (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``): every operation documents the
    answers every API view can give, in one place rather than on each view, so a new view documents them too:

    - 400 for an operation with parameters or a body (field validation, business rules, and the query guard
      of credit_portal/request_guard.py);
    - 401 always (no valid token; a public operation still refuses a token that is invalid);
    - 403 unless the view is public (a token without the scope, or a logged-in session trying to write);
    - 404 for an operation with a path parameter (no such object, or another department's) or a cursor
      (an invalid cursor);
    - 413 for an operation with a body (over the body limit of credit_portal/request_guard.py);
    - 429 always (the rate limit applies to every call, organisations/api/throttling.py).

    A view's own declaration of one of these (a more precise description) is kept; it gets the error body."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        responses = operation.setdefault("responses", {})
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        public = self._is_public()
        answers = {
            "400": _validation_response() if has_body or parameters else None,
            "401": _error_response(
                "令牌无效、已过期、待审批、已被拒绝或吊销"
                if public
                else "未提供接口令牌，或令牌无效、已过期、待审批、已被拒绝或吊销"
            ),
            "403": None if public else _error_response("令牌无此权限范围；登录会话只能查询，不能写入"),
            "404": _error_response("未找到：对象不存在或属于其他部门，或分页游标无效")
            if any(p["in"] == "path" or p["name"] == "cursor" for p in parameters)
            else None,
            "413": _error_response("请求体超过大小上限") if has_body else None,
            "429": _error_response("超过接口调用频率限制", retry_after=True),
        }
        for status, answer in answers.items():
            if answer is None:
                continue
            declared = responses.get(status)
            if declared is None:
                responses[status] = answer
            elif "content" not in declared:
                declared["content"] = answer["content"]
        return operation

    def _unwrap_list_serializer(self, serializer, direction):
        """A list body (``ListSerializer``) with ``min_length``/``max_length`` says so as ``minItems``/``maxItems``,
        which drf-spectacular leaves out."""
        schema = super()._unwrap_list_serializer(serializer, direction)
        if schema and schema.get("type") == "array":
            for bound, key in (("min_length", "minItems"), ("max_length", "maxItems")):
                if getattr(serializer, bound, None) is not None:
                    schema[key] = getattr(serializer, bound)
        return schema

    def _is_public(self) -> bool:
        return any(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
