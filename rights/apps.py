from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = "异议、修复与举报"

    def ready(self) -> None:
        import outbox

        from . import outbox_handlers as handlers

        # Each state change of an application or a complaint mails its applicant and the staff who act next.
        outbox.register(handlers.APPLICATION_NOTIFY, handlers.application_notify_deliver)
        outbox.register(handlers.COMPLAINT_NOTIFY, handlers.complaint_notify_deliver)
