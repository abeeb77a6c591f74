"""The consistency check: every subject's stored status and memberships against what the rules compute now.

A consequence lost after a commit (a re-evaluation the broker never received, a task that spent its retries
during a database outage) leaves a subject's lists as they were: nothing fails, the subject is simply wrong.
This check finds such subjects by running the compute step of an evaluation (``services.evaluation_plans``)
without its write step, and lists the differences. It never fixes them by itself: the credit centre decides,
and ``status_check --fix`` re-evaluates the listed subjects through ``subjects_recompute`` (audited as any
evaluation). The nightly ``status_check_task`` reports what it finds (log lines and an audit event).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record

from . import selectors
from .services import EVALUATION_CHUNK, EvaluationPlan, evaluation_plans

logger = logging.getLogger(__name__)

AUDITED_IDS_MAX = 1000  # subject ids named in the audit event; the count is always exact


@dataclass(frozen=True)
class Drift:
    """A subject whose stored lists or status differ from what the rules compute on ``as_of``."""

    subject_id: int
    stored_status: str
    computed_status: str
    stored_lists: tuple[str, ...]  # "list_code:state" of the memberships not ended
    computed_lists: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"subject {self.subject_id}: stored {self.stored_status} [{', '.join(self.stored_lists)}]"
            f" != computed {self.computed_status} [{', '.join(self.computed_lists)}]"
        )


def _drift(plan: EvaluationPlan) -> Drift:
    decision = plan.decision
    ended = {ending.membership_id for ending in decision.end}
    updated = dict(decision.update)
    stored = [(c.membership.pk, c.membership.list_type.code, c.membership.state) for c in plan.current]
    computed = [
        f"{code}:{updated[pk].state if pk in updated else state}" for pk, code, state in stored if pk not in ended
    ]
    computed += [f"{wanted.list_code}:{wanted.state}" for wanted in decision.open]
    return Drift(
        subject_id=plan.subject_id,
        stored_status=plan.stored_status,
        computed_status=decision.status,
        stored_lists=tuple(sorted(f"{code}:{state}" for _, code, state in stored)),
        computed_lists=tuple(sorted(computed)),
    )


def _drifting(subject_ids: list[int], as_of: datetime.date) -> list[Drift]:
    rule_set = selectors.list_rules()
    found = []
    for start in range(0, len(subject_ids), EVALUATION_CHUNK):
        chunk = subject_ids[start : start + EVALUATION_CHUNK]
        # One snapshot per chunk (repeatable read on PostgreSQL would be stricter; the second pass below
        # drops what a concurrent evaluation was changing instead).
        with transaction.atomic():
            plans = evaluation_plans(chunk, rule_set, as_of)
        found += [_drift(plan) for plan in plans if plan.changes_anything()]
    return found


def status_drift(
    subject_ids: list[int] | None = None, *, as_of: datetime.date | None = None
) -> tuple[int, list[Drift]]:
    """How many subjects were checked (all that could be listed, or ``subject_ids``), and those whose stored
    lists or status differ from a fresh evaluation. Writes nothing.

    Any other subject has no record the rules read, no membership and no stored status: it is "normal" with
    no lists, as stored. A subject being evaluated while the check reads can look different for a moment:
    the differences found are read a second time and only those still there are reported."""
    as_of = as_of or timezone.localdate()
    ids = sorted(set(subject_ids)) if subject_ids is not None else selectors.subjects_to_evaluate()
    first = _drifting(ids, as_of)
    if not first:
        return len(ids), []
    return len(ids), _drifting([drift.subject_id for drift in first], as_of)


@transaction.atomic
def status_check_record(*, drifts: list[Drift], checked: int | None, actor: Actor) -> None:
    """Audit the result of a check (found differences are named by subject id, up to ``AUDITED_IDS_MAX``)."""
    audit_event_record(
        actor=actor,
        action="sanctions.status_check",
        object_type="subjects.creditsubject",
        object_id=f"{len(drifts)} subjects",
        reason="名单与信用状态一致性检查" + (f"：{len(drifts)} 个主体与重新计算结果不一致" if drifts else "：一致"),
        after={
            "checked": checked,
            "drifted": len(drifts),
            "subject_ids": [drift.subject_id for drift in drifts[:AUDITED_IDS_MAX]],
        },
    )
