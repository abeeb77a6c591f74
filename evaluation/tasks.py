"""Celery tasks of the evaluation app: thin, ids in, safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from audit.services import Actor

from .files import evaluation_files_generate
from .runs import evaluation_full_request, evaluation_run

# A run of every subject may outlast the broker's visibility timeout (5 min): acknowledged on receipt, a run lost
# with a killed worker resumes from its last chunk with the next delivery (the outbox item, or the next night).
LONG = {
    "acks_late": False,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "max_retries": 5,
    "soft_time_limit": 3 * 60 * 60,
    "time_limit": 3 * 60 * 60 + 300,
}


@shared_task(**LONG)
def evaluation_run_task(run_id: int) -> str:
    """Evaluate every subject for a run (a model's publication), from its last committed chunk."""
    return evaluation_run(run_id).state


@shared_task(**LONG)
def evaluation_full_task() -> int:
    """Nightly: evaluate every subject (the passing of time moves windows and ages), then write each department's
    dated files. Returns how many subjects were evaluated (0 when a scheduled run was still going)."""
    run = evaluation_full_request(actor=Actor.system("定期全量评价"))
    if run is None:
        return 0
    run = evaluation_run(run.pk)
    evaluation_files_generate(run.as_of or timezone.localdate())
    return run.processed
