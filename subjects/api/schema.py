"""OpenAPI description of the department-token authentication (loaded by SubjectsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "subjects.api.authentication.BearerTokenAuthentication"
    name = "departmentToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "部门接口令牌：Authorization: Bearer <令牌>（部门管理员在工作台或用 create_api_token 生成）",
        }
