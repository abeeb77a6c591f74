"""Absolute links in mail sent without a request (a task, an outbox handler in the worker): the portal's public
address ``SITE_URL`` before a path from ``reverse()``. Mail sent in answer to a request (registration, password
reset) builds its links from that request's address instead (``accounts.outbox_handlers``)."""

from django.conf import settings


def site_url(path: str) -> str:
    """``path`` (absolute, as ``reverse()`` returns it) at the portal's public address."""
    if not path.startswith("/"):
        raise ValueError(f"site_url needs a path from the site's root, not {path!r}")
    return settings.SITE_URL.rstrip("/") + path
