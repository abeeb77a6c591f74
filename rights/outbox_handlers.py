"""The rights app's outbox topic and its handler (registered in rights/apps.py)."""

from __future__ import annotations

APPLICATION_NOTIFY = "application.notify"


def application_notify_deliver(payload: dict) -> None:
    """E-mail about the state the item was written for, here in the worker (a mail server away raises: the
    item is tried again with backoff). That state, not the current one: delivered after the application moved
    on (the mail server or the worker away meanwhile), each step is still announced once, to its recipients
    (the credit centre's notice of a new case, the department's), not the latest step twice."""
    from .models import Application
    from .notifications import application_notify

    application = Application.objects.select_related("department").filter(pk=payload["application_id"]).first()
    if application is not None:
        # An item written before the payload named its state announces the current one.
        application.state = payload.get("state") or application.state
        application_notify(application)
