"""Celery tasks of the sanctions app: thin, ids in, safe to run twice."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from audit.services import Actor

from .consistency import status_check_record, status_drift
from .selectors import subjects_due_for_reevaluation
from .services import subjects_recompute

logger = logging.getLogger(__name__)


# The nightly tasks are acknowledged on receipt: they may run longer than the broker's visibility timeout
# (5 min), which would deliver them again while they run; lost with a killed worker, they run the next night.
NIGHTLY = {
    "acks_late": False,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "max_retries": 3,
    "soft_time_limit": 55 * 60,
    "time_limit": 60 * 60,
}


@shared_task(**NIGHTLY)
def memberships_expire_task() -> int:
    """Nightly: end memberships whose time is up and resume suspended red memberships whose cause ended."""
    due = subjects_due_for_reevaluation(timezone.localdate())
    subjects_recompute(due, actor=Actor.system("名单到期处理"))
    return len(due)


@shared_task(**NIGHTLY)
def status_check_task() -> int:
    """Nightly: list the subjects whose stored lists or status differ from a fresh evaluation (logged and
    audited, not fixed: ``status_check --fix`` does that). Returns how many differ."""
    checked, drifts = status_drift()
    status_check_record(drifts=drifts, checked=checked, actor=Actor.system("名单一致性检查"))
    for drift in drifts[:100]:
        logger.warning("status check: %s", drift.describe())
    if drifts:
        logger.error(
            "status check: %d of %d subjects differ from a fresh evaluation; run `manage.py status_check --fix`",
            len(drifts),
            checked,
        )
    else:
        logger.info("status check: %d subjects consistent", checked)
    return len(drifts)
