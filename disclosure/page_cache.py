"""Caching of subject pages, dropped when the subject's records or lists change.

Each subject has a version number in the cache; the page key includes it, the tab and today's date (a
disclosure window can close overnight without any change). A change bumps the version, so the old pages
are simply never read again and expire on their own.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache


def _version_key(subject_id: int) -> str:
    return f"subject-version:{subject_id}"


def page_key(subject_id: int, tab: str, today: datetime.date) -> str:
    version = cache.get(_version_key(subject_id), 0)
    return f"subject-page:{subject_id}:{version}:{tab}:{today.isoformat()}"


def subjects_touch(subject_ids) -> None:
    for subject_id in subject_ids:
        try:
            cache.incr(_version_key(subject_id))
        except ValueError:
            cache.set(_version_key(subject_id), 1, timeout=None)


def on_records_changed(sender, *, record_ids: list[int], subject_ids: list[int], **kwargs) -> None:
    subjects_touch(subject_ids)


def on_subjects_changed(sender, *, subject_ids: list[int], **kwargs) -> None:
    subjects_touch(subject_ids)


def timeout() -> int:
    return settings.SUBJECT_PAGE_CACHE_SECONDS
