from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "企业与个人用户"
    # The credit centre works on accounts and grants in the workbench (audited services), not in the admin.

    def ready(self) -> None:
        import outbox

        from . import outbox_handlers as handlers

        outbox.register(handlers.EMAIL_CONFIRM, handlers.email_confirm_deliver)
        outbox.register(handlers.EMAIL_TAKEN, handlers.email_taken_deliver)
        outbox.register(handlers.PASSWORD_RESET, handlers.password_reset_deliver)
        outbox.register(handlers.GRANT_DECIDED, handlers.grant_decided_deliver)
