from django.apps import AppConfig


class SanctionsConfig(AppConfig):
    name = "sanctions"
    verbose_name = "联合奖惩"
