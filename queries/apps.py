from django.apps import AppConfig

from core.vocabulary import ROLE_CREDIT_ADMIN


class QueriesConfig(AppConfig):
    name = "queries"
    verbose_name = "信用信息查询"
    # The admin permissions this app gives the global staff roles (collected with the other apps' by
    # organisations.services.role_admin_permissions): the credit centre configures the departments' query
    # grants; special queries it decides in the workbench, and reads here.
    admin_grants = {
        ROLE_CREDIT_ADMIN: {
            "querygrant": "view add change",
            "specialquery": "view",
            "specialqueryevent": "view",
        }
    }
