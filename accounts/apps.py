from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "企业与个人用户"
    # The credit centre works on accounts and grants in the workbench (audited services), not in the admin.

    def ready(self) -> None:
        import outbox

        from .outbox_handlers import EMAIL_CONFIRM, email_confirm_deliver

        outbox.register(EMAIL_CONFIRM, email_confirm_deliver)
