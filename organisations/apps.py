from django.apps import AppConfig

from core.vocabulary import ROLE_CREDIT_ADMIN


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "部门、人员与接口令牌"
    # Admin permissions of the global staff roles on this app's models and Django's users (collected with the
    # other apps' by services.role_admin_permissions): staff accounts and roles are made by ``create_staff``.
    admin_grants = {
        ROLE_CREDIT_ADMIN: {"department": "view add change", "staffrole": "view", "auth.user": "view"},
    }

    def ready(self) -> None:
        from . import receivers
        from .api import schema  # noqa: F401  (registers the OpenAPI extension)

        receivers.connect()
