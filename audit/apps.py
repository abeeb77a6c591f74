from django.apps import AppConfig

from core.vocabulary import ROLE_AUDITOR


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计日志"
    # The admin permissions this app gives each global staff role (collected from every app's when a role's
    # group is set up): the auditor reads the trail, nobody changes it.
    admin_grants = {ROLE_AUDITOR: {"auditevent": "view"}}
