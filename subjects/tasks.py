"""Celery tasks of the subjects app: thin, safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .fragments import search_fragments_refresh


@shared_task(
    acks_late=False,  # a few minutes at provincial scale; lost with a killed worker, it runs again the next night
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def search_fragments_refresh_task() -> int:
    """Rebuild the precomputed results of frequent name fragments (nightly); returns how many are stored."""
    return search_fragments_refresh()
