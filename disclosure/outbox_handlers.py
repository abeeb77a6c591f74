"""Handlers the disclosure app registers with the outbox (disclosure/apps.py)."""

from __future__ import annotations

from django.core.cache import cache

from . import page_cache


class PageCacheNotWritten(RuntimeError):
    """The cache ignored its error (Redis away: IGNORE_EXCEPTIONS): the pages would stay stale, so the outbox
    item is tried again."""


def pages_refresh(payload: dict) -> None:
    """Cached pages of the subjects are dropped: a new version token for each. The cache swallows its errors
    (a miss, for pages), so the last token is read back: not there means not written, and raising keeps the
    item pending until Redis takes it (otherwise the pages would stay stale for an hour). The last, not the
    first: a bounded cache (LocMemCache, the embedded default) culls its oldest keys while a long list is set.

    Nothing to do for the lists and grades changed while a change of the same subjects was delivered
    (``after_records``, ``after_change``): this handler of that change's own item runs after the sanctions and
    evaluation handlers (apps register in layer order) and drops the pages then, with the new lists and
    grades committed; a push of 1,000 records drops them once, not three times."""
    subject_ids = payload.get("subject_ids") or []
    if not subject_ids or payload.get("after_records") or payload.get("after_change"):
        return
    token = page_cache.subjects_touch(subject_ids)
    if cache.get(page_cache.version_key(subject_ids[-1])) != token:
        raise PageCacheNotWritten(f"subject-version of {len(subject_ids)} subjects not written")


def opendata_refresh(payload: dict) -> None:
    """The open-data files holding the changed records are marked stale and written again in the background."""
    from .opendata import opendata_records_changed

    opendata_records_changed(payload)
