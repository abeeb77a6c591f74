from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = "异议、修复与举报"

    def ready(self) -> None:
        import outbox

        from .outbox_handlers import APPLICATION_NOTIFY, application_notify_deliver

        # Each state change of an application mails its applicant and the staff who act next.
        outbox.register(APPLICATION_NOTIFY, application_notify_deliver)
