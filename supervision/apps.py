from django.apps import AppConfig

from core.vocabulary import ROLE_CREDIT_ADMIN


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "信用监管（双随机、一公开）"
    # The admin permissions this app gives each global staff role: the credit centre manages every department's
    # inspector pool and reads the plans.
    admin_grants = {
        ROLE_CREDIT_ADMIN: {
            "inspector": "view add change",
            "inspectionplan": "view",
            "inspectiontarget": "view",
        },
    }
