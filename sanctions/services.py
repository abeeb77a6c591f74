"""State changes of the sanctions app: evaluating subjects (memberships and status), checks and feedback."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from subjects.models import CreditSubject

from . import rules, selectors
from .choices import MembershipChangeKind, MembershipState
from .models import CreditStatus, ListType, Membership, MembershipChange

EVALUATION_CHUNK = 1000


def _facts_json(records: list[rules.RecordFact], as_of: datetime.date) -> dict:
    return {
        "as_of": as_of.isoformat(),
        "records": [
            {
                "id": r.id,
                "type": r.record_type,
                "status": r.status,
                "severity": r.severity,
                "decided_on": r.decided_on.isoformat(),
                "end": r.end.isoformat() if r.end else None,
                **r.fields,
            }
            for r in records
        ],
    }


def _change_kind(old_state: str, new_state: str) -> str:
    if old_state != new_state:
        return (
            MembershipChangeKind.SUSPENDED if new_state == MembershipState.SUSPENDED else MembershipChangeKind.RESUMED
        )
    return MembershipChangeKind.UPDATED


@transaction.atomic
def subjects_evaluate(*, subject_ids: list[int], actor: Actor, as_of: datetime.date | None = None) -> dict[int, str]:
    """Re-evaluate subjects: open, update, suspend, resume and end their memberships, and set their status.

    Safe to run twice: on unchanged facts the engine keeps everything and nothing is written. The subject
    rows are locked in primary-key order first, so two evaluations of overlapping subjects (a record
    pushed while the nightly task runs) wait for each other instead of opening the same membership twice.
    Returns the status of each subject.
    """
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    subject_ids = sorted(set(subject_ids))
    list(CreditSubject.objects.select_for_update().filter(pk__in=subject_ids).order_by("pk").values_list("pk"))
    rule_set = selectors.list_rules()
    list_types = {lt.code: lt for lt in ListType.objects.all()}
    facts = selectors.record_facts(subject_ids, rule_set)
    current = selectors.current_memberships(subject_ids)
    statuses = selectors.statuses(subject_ids)

    changes: list[MembershipChange] = []
    new_statuses: list[CreditStatus] = []
    changed_statuses: list[CreditStatus] = []
    changed_subjects = 0
    result = {}
    for subject_id in subject_ids:
        records = facts.get(subject_id, [])
        memberships = {m.pk: m for m in current.get(subject_id, [])}
        decision = rules.evaluate(
            records=records,
            memberships=[selectors.membership_fact(m) for m in memberships.values()],
            rules=rule_set,
            as_of=as_of,
        )
        touched = bool(decision.open or decision.update or decision.end)
        facts_json = _facts_json(records, as_of) if touched else {}
        for wanted in decision.open:
            membership = Membership.objects.create(
                subject_id=subject_id,
                list_type=list_types[wanted.list_code],
                state=wanted.state,
                started_on=wanted.started_on,
                planned_end=wanted.planned_end,
                reason=wanted.reason,
                rule_version=decision.rule_version,
                facts=facts_json,
            )
            membership.records.set(wanted.record_ids)
            changes.append(
                MembershipChange(
                    membership=membership,
                    kind=MembershipChangeKind.OPENED,
                    state=wanted.state,
                    planned_end=wanted.planned_end,
                    reason=wanted.reason,
                    actor_label=actor.label,
                )
            )
        for membership_id, wanted in decision.update:
            membership = memberships[membership_id]
            kind = _change_kind(membership.state, wanted.state)
            membership.state, membership.planned_end = wanted.state, wanted.planned_end
            membership.started_on, membership.reason = wanted.started_on, wanted.reason
            membership.rule_version, membership.facts = decision.rule_version, facts_json
            membership.save(
                update_fields=["state", "planned_end", "started_on", "reason", "rule_version", "facts", "updated_at"]
            )
            membership.records.set(wanted.record_ids)
            changes.append(
                MembershipChange(
                    membership=membership,
                    kind=kind,
                    state=wanted.state,
                    planned_end=wanted.planned_end,
                    reason=wanted.reason,
                    actor_label=actor.label,
                )
            )
        for ending in decision.end:
            membership = memberships[ending.membership_id]
            membership.state, membership.ended_on, membership.end_reason = MembershipState.ENDED, as_of, ending.reason
            membership.save(update_fields=["state", "ended_on", "end_reason", "updated_at"])
            changes.append(
                MembershipChange(
                    membership=membership,
                    kind=MembershipChangeKind.ENDED,
                    state=MembershipState.ENDED,
                    planned_end=membership.planned_end,
                    reason=ending.note,
                    actor_label=actor.label,
                )
            )
        status = statuses.get(subject_id)
        if status is None and decision.status != rules.STATUS_NORMAL:
            # Subjects with nothing on record have no row: "normal" is the default (see status_of).
            new_statuses.append(
                CreditStatus(
                    subject_id=subject_id,
                    status=decision.status,
                    reason=decision.status_reason,
                    rule_version=decision.rule_version,
                    since=now,
                    evaluated_at=now,
                )
            )
        elif status is not None and (status.status, status.reason) != (decision.status, decision.status_reason):
            if status.status != decision.status:
                status.since = now
            status.status, status.reason = decision.status, decision.status_reason
            status.rule_version, status.evaluated_at = decision.rule_version, now
            changed_statuses.append(status)
            touched = True
        changed_subjects += touched
        result[subject_id] = decision.status

    MembershipChange.objects.bulk_create(changes, batch_size=1000)
    CreditStatus.objects.bulk_create(new_statuses, batch_size=1000)
    CreditStatus.objects.bulk_update(
        changed_statuses, ["status", "reason", "rule_version", "since", "evaluated_at"], batch_size=1000
    )
    if changes or changed_statuses:
        audit_event_record(
            actor=actor,
            action="sanctions.evaluate",
            object_type="subjects.creditsubject",
            object_id=str(subject_ids[0]) if len(subject_ids) == 1 else f"{len(subject_ids)} subjects",
            after={
                "membership_changes": len(changes),
                "status_changes": len(changed_statuses),
                "subjects_changed": changed_subjects,
                "rule_version": rules.RULE_VERSION,
            },
        )
    return result


def status_of(subject_ids: list[int]) -> dict[int, str]:
    """Stored statuses; subjects never evaluated are ``normal`` (they have nothing that could list them)."""
    stored = selectors.statuses(subject_ids)
    return {pk: stored[pk].status if pk in stored else rules.STATUS_NORMAL for pk in subject_ids}
