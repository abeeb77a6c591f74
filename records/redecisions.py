"""Policy changes reach stored records: the publication decisions are recomputed, in the background.

A record's publication decision (``records.rules.decide``) is stored on it, so the public queries filter
columns. When the policy changes — a regime's dates or periods, a severity rule, a record type's period or
default severity (records admin), a list's sources or durations (sanctions admin) — the admin asks for a
``Redecision`` in the transaction of the change; once committed, the outbox hands it to its task, which
recomputes the records concerned chunk by chunk in id order. Each chunk is one transaction: the changed
records get a new version (``change = "redecide"``, with the reason) and one audit event names them, and a
``records.changed`` outbox item makes the lists, the pages and open data follow (the sanctions app
re-evaluates the subjects; a 较重 watch-list membership that ends with its penalty's publication moves with
it). ``reevaluate_all`` sends every record of the chunk, changed or not: a list's new durations change no
record but every subject it may list. The row's ``last_id`` is the cursor, so a worker restart resumes
where the last committed chunk ended, and the watchdog (``redecisions_watch``) queues again a run that stopped
moving; the admin shows the progress. ``manage.py records_redecide`` does the same for a type or everything, in
the foreground, and resumes a failed run (``--resume``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core import bulk
from organisations.models import Department
from outbox.services import outbox_add

from . import rules
from .choices import DisclosureRule, RedecideState
from .models import CreditRecord, RecordType, RecordVersion, Redecision
from .selectors import CatalogEntry, catalog_entries, disclosure_regimes
from .services import RecordError, data_hash, given_severity_of
from .signals import RECORDS_CHANGED, REDECIDE
from .watchdog import run_failed, stalled_runs_requeue

CHUNK_SIZE = 2000


def redecision_request(
    *,
    record_types: Sequence[str] = (),
    reason: str,
    actor: Actor,
    reevaluate_all: bool = False,
    background: bool = True,
) -> Redecision:
    """Ask for the stored decisions of these record types (codes; none: every type) to be recomputed once
    the caller's transaction commits (``background``: by the worker; else the caller runs ``redecision_run``).
    Call it in the transaction of the policy change. The reason is recorded in the recomputation, each changed
    record's version and the audit trail: it must be given, and fit."""
    reason = reason.strip()
    limit = Redecision._meta.get_field("reason").max_length
    if not reason:
        raise RecordError("请填写重算原因。", code="reason_required", field="reason")
    if len(reason) > limit:
        raise RecordError(f"重算原因最多{limit}个字，本次{len(reason)}个字。", code="reason_too_long", field="reason")
    redecision = Redecision.objects.create(
        record_types=sorted(set(record_types)),
        reason=reason,
        requested_by=actor.label,
        reevaluate_all=reevaluate_all,
    )
    audit_event_record(
        actor=actor,
        action="records.redecide_request",
        obj=redecision,
        reason=reason,
        after={"record_types": redecision.record_types, "reevaluate_all": reevaluate_all},
    )
    if background:
        outbox_add(topic=REDECIDE, payload={"redecision_id": redecision.pk})
    return redecision


def regime_types() -> list[str]:
    """The record types whose decisions follow the disclosure regimes (penalties)."""
    return list(
        RecordType.objects.filter(disclosure_rule=DisclosureRule.SEVERITY_REGIME)
        .order_by("code")
        .values_list("code", flat=True)
    )


def _records(redecision: Redecision):
    records = CreditRecord.objects.all()
    if redecision.record_types:
        records = records.filter(record_type__code__in=redecision.record_types)
    return records


def _chunk_locked(redecision: Redecision, chunk_size: int) -> list[CreditRecord]:
    """The next chunk of records, read under the locks that writers of records take, so that nothing changes
    them between their reading and the writing of their new decisions: a push (``records_ingest``) locks its
    department's row before it reads the records it updates, so the chunk's departments are locked first (in
    primary-key order, as every taker of several of them must), then the records themselves (``_record_change``
    locks the one record it changes). Without them, a push between the reading and the writing had its new data
    decided by the old data's decision, or clashed with the recomputation's version number and failed it."""
    keys = list(
        _records(redecision)
        .filter(pk__gt=redecision.last_id)
        .order_by("pk")
        .values_list("pk", "department_id")[:chunk_size]
    )
    if not keys:
        return []
    departments = sorted({department_id for _, department_id in keys})
    list(Department.objects.select_for_update().filter(pk__in=departments).order_by("pk").values_list("pk"))
    return list(
        CreditRecord.objects.filter(pk__in=[pk for pk, _ in keys])
        .select_related("record_type")
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def redecision_run(
    redecision_id: int, *, chunk_size: int | None = None, on_chunk: Callable[[Redecision], None] | None = None
) -> Redecision:
    """Work through a redecision from its ``last_id`` to the end (``CHUNK_SIZE`` records a transaction); a
    finished one is left as it is."""
    chunk_size = chunk_size or CHUNK_SIZE
    redecision = Redecision.objects.get(pk=redecision_id)
    if redecision.state in (RedecideState.DONE, RedecideState.FAILED):
        return redecision
    if redecision.state == RedecideState.QUEUED:
        Redecision.objects.filter(pk=redecision.pk, state=RedecideState.QUEUED).update(
            state=RedecideState.RUNNING,
            started_at=timezone.now(),
            progressed_at=timezone.now(),
            total=_records(redecision).count(),
        )
    actor = Actor.system(f"公示决定重算 #{redecision.pk}")
    try:
        while True:
            with transaction.atomic():
                # Locked for the chunk: a second delivery of the task waits here, then finds the chunk done.
                redecision = Redecision.objects.select_for_update().get(pk=redecision_id)
                if redecision.state != RedecideState.RUNNING:
                    return redecision
                records = _chunk_locked(redecision, chunk_size)
                if not records:
                    redecision.state, redecision.finished_at = RedecideState.DONE, timezone.now()
                    redecision.total = max(redecision.total, redecision.processed)
                    redecision.save(update_fields=["state", "finished_at", "total"])
                    return redecision
                changed = records_redecide(records, actor=actor, reason=redecision.reason)
                notify = records if redecision.reevaluate_all else changed
                if notify:
                    outbox_add(
                        topic=RECORDS_CHANGED,
                        payload={
                            "record_ids": [record.pk for record in notify],
                            "subject_ids": sorted({r.subject_id for r in notify if r.subject_id is not None}),
                        },
                    )
                redecision.last_id = records[-1].pk
                redecision.processed += len(records)
                redecision.changed += len(changed)
                redecision.progressed_at = timezone.now()
                redecision.save(update_fields=["last_id", "processed", "changed", "progressed_at"])
            if on_chunk:
                on_chunk(redecision)
    except (OperationalError, InterfaceError):
        raise  # transient: the task retries from the last committed chunk
    except Exception as error:
        return run_failed(
            Redecision,
            redecision_id,
            state=RedecideState.FAILED,
            message=f"重算失败：{type(error).__name__}（已记录）",
            what="redecision",
        )


def redecisions_watch(*, actor: Actor) -> int:
    """The watchdog (every ten minutes) of recomputations (``records.watchdog``). A failed run (an error that is
    not transient) is left for an operator to resume once the cause is fixed (``records_redecide --resume``).
    Returns how many were queued again."""
    from .tasks import redecision_task

    return stalled_runs_requeue(
        Redecision,
        states=(RedecideState.QUEUED, RedecideState.RUNNING),
        task=redecision_task,
        action="records.redecide_redrive",
        actor=actor,
    )


def redecision_resume(redecision_id: int, *, actor: Actor) -> Redecision:
    """Resume a failed recomputation from its last committed chunk (after its cause is fixed)."""
    with transaction.atomic():
        redecision = Redecision.objects.select_for_update().get(pk=redecision_id)
        if redecision.state != RedecideState.FAILED:
            raise RecordError(
                f"公示决定重算 #{redecision.pk} 的状态为“{redecision.get_state_display()}”，只有失败的重算可以继续。",
                code="not_failed",
            )
        redecision.state, redecision.message, redecision.finished_at = RedecideState.RUNNING, "", None
        redecision.progressed_at = timezone.now()
        redecision.save(update_fields=["state", "message", "finished_at", "progressed_at"])
        audit_event_record(actor=actor, action="records.redecide_resume", obj=redecision, reason=redecision.reason)
    return redecision_run(redecision.pk)


def _end_date(entry: CatalogEntry, data: dict) -> datetime.date | None:
    value = data.get(entry.spec.end_date_field, "") if entry.spec.end_date_field else ""
    return datetime.date.fromisoformat(value) if value else None


def records_redecide(records: Sequence[CreditRecord], *, actor: Actor, reason: str) -> list[CreditRecord]:
    """Recompute the publication decision of these records under the policy as it stands now, and store
    those that differ (a version each, one audit event). Returns the changed records. Runs in the caller's
    transaction."""
    catalog = catalog_entries(active_only=False)
    regimes = disclosure_regimes()
    changed: list[CreditRecord] = []
    for record in records:
        entry = catalog[record.record_type.code]
        decision = rules.decide(
            entry.policy,
            data=record.data,
            decided_on=record.decided_on,
            end_date=_end_date(entry, record.data),
            given_severity=given_severity_of(record, entry),
            severity_rules=entry.severity_rules,
            regimes=regimes,
        )
        columns = {**decision.columns(), "data_hash": data_hash(record.data, decision, record.subject_id)}
        if all(getattr(record, name) == value for name, value in columns.items()):
            continue
        for name, value in columns.items():
            setattr(record, name, value)
        record.version += 1
        changed.append(record)
    if not changed:
        return changed
    bulk.update(CreditRecord, changed, [*rules.DECISION_COLUMNS, "data_hash", "version", "updated_at"])
    note = f"公示规则变更：{reason}"
    bulk.insert(
        RecordVersion,
        [
            RecordVersion(
                record=record,
                version=record.version,
                change="redecide",
                status=record.status,
                severity=record.severity,
                data=record.data,
                reason=note,
                actor_label=actor.label,
            )
            for record in changed
        ],
    )
    audit_event_record(
        actor=actor,
        action="records.redecide",
        object_type="records.creditrecord",
        object_id=f"{len(changed)} records",
        reason=note,
        after={"record_ids": [record.pk for record in changed]},
    )
    return changed
