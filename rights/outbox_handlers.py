"""The rights app's outbox topics and their handlers (registered in rights/apps.py)."""

from __future__ import annotations

APPLICATION_NOTIFY = "application.notify"
COMPLAINT_NOTIFY = "complaint.notify"


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


def complaint_notify_deliver(payload: dict) -> None:
    """E-mail about a complaint at the state the item was written for: filed (to the credit centre) or
    answered (to the complaining account)."""
    from .models import Complaint
    from .notifications import complaint_notify

    complaint = Complaint.objects.select_related("account").filter(pk=payload["complaint_id"]).first()
    if complaint is not None:
        complaint_notify(complaint, state=payload["state"])
