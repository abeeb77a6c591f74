"""Caching of subject pages and search result pages, dropped when a subject's records, lists or facts change.

Each subject has a version token in the cache; the page key includes it, the catalog's display version, the
tab and today's date (a disclosure window can close overnight without any change). A change sets a new
token, so the old pages are simply never read again and expire on their own. The token is new for every
call (not a counter), so a push or a recompute of a thousand subjects sets all of theirs in one round trip,
without reading them.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache

from records.selectors import CATALOG_DISPLAY_VERSION_KEY


def version_key(subject_id: int) -> str:
    return f"subject-version:{subject_id}"


def page_key(subject_id: int, tab: str, today: datetime.date) -> str:
    """The subject's version token, the catalog's display version (a change of what a type shows reaches the
    pages at once), the tab and the day; both versions in one round trip."""
    versions = cache.get_many([version_key(subject_id), CATALOG_DISPLAY_VERSION_KEY])
    version = versions.get(version_key(subject_id), 0)
    display = versions.get(CATALOG_DISPLAY_VERSION_KEY, 0)
    return f"subject-page:{subject_id}:{version}:{display}:{tab}:{today.isoformat()}"


def search_page_key(
    *, query: str, number: int, count: int, capped: bool, subject_ids: list[int], today: datetime.date
) -> str:
    """A search results page: the query as typed, which page of how many results, the subjects it shows
    and their version tokens (one round trip for all)."""
    versions = cache.get_many([version_key(pk) for pk in subject_ids])
    shown = ",".join(f"{pk}:{versions.get(version_key(pk), 0)}" for pk in subject_ids)
    digest = hashlib.sha256(f"{query}|{number}|{count}|{capped}|{today.isoformat()}|{shown}".encode()).hexdigest()
    return f"search-page:{digest}"


def subjects_touch(subject_ids) -> str:
    """Set a new version token for the subjects; returns it (disclosure/outbox_handlers.py checks it)."""
    token = uuid.uuid4().hex[:12]
    cache.set_many({version_key(subject_id): token for subject_id in subject_ids}, timeout=None)
    return token


def timeout() -> int:
    return settings.SUBJECT_PAGE_CACHE_SECONDS
