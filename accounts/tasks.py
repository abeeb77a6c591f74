"""Celery tasks of subject accounts: thin, safe to run twice."""

from celery import shared_task

from .services import proofs_purge


@shared_task(soft_time_limit=600, time_limit=660)
def proofs_purge_task() -> int:
    """Nightly: delete the proof files past their retention (``ACCOUNT_PROOF_RETENTION_DAYS``)."""
    return proofs_purge()
