"""Bulk review: a reviewer approves or sends back many entries at once, in the background.

After a large upload the reviewer decides the whole file (its total, error summary and a sample shown first)
or a filtered selection of the review queue. The request only stores a ``BulkReview`` — the department, the
decision, the selection (a batch or filters, bounded by the highest entry id at the time, so entries that
arrive later are not in it) and how many entries it holds — and hands it to its task through the outbox, in
the request's transaction. The task (``bulk_review_run``) works in id order from ``last_id``, one chunk a
transaction, as ``records.redecisions`` does: each entry is decided by ``record_approve`` / ``record_reject``
(version, audit event per record, as a single review), the reviewer's own entries are skipped and counted
(``record_is_own_entry``, the same rule single review refuses them by), entries no longer waiting (decided or
changed meanwhile) are skipped, and one ``records.changed`` per chunk makes the lists and pages follow. A task
that dies mid-chunk leaves the chunk undone; the retried task resumes after the last committed chunk. Only
the reviewer's own department is ever read.
"""

from __future__ import annotations

import dataclasses

from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.services import Actor, audit_event_record
from organisations.models import Department
from outbox.services import outbox_add

from .choices import BulkDecision, BulkReviewState, RecordStatus
from .models import BatchRowError, BulkReview, CreditRecord, IngestBatch, RecordType
from .services import RecordError, record_approve, record_is_own_entry, record_reject
from .signals import BULK_REVIEW, RECORDS_CHANGED
from .watchdog import run_failed, stalled_runs_requeue

CHUNK_SIZE = 500
SAMPLE_SIZE = 10
SKIPPED_IDS_KEPT = 200
#: The filters of a selection of the review queue (``records.forms.ReviewQueueFilterForm``): record type code, batch id,
#: clerk's user id.
FILTER_KEYS = ("record_type", "batch", "submitted_by")


def pending_entries(department: Department, filters: dict | None = None) -> QuerySet[CreditRecord]:
    """The department's entries waiting for review, narrowed by ``filters`` (``FILTER_KEYS``; invalid or
    unknown values select nothing)."""
    entries = CreditRecord.objects.filter(department=department, status=RecordStatus.PENDING_REVIEW)
    filters = filters or {}
    if filters.get("record_type"):
        type_id = RecordType.objects.filter(code=filters["record_type"]).values_list("pk", flat=True).first()
        entries = entries.filter(record_type_id=type_id) if type_id else entries.none()
    for key in ("batch", "submitted_by"):
        value = filters.get(key)
        if value in (None, ""):
            continue
        try:
            entries = entries.filter(**{f"{key}_id": int(value)})
        except (TypeError, ValueError):
            return entries.none()
    return entries


def batch_review_summary(batch: IngestBatch, *, reviewer=None) -> dict:
    """What a reviewer sees before deciding a whole upload: its rows, the entries still waiting (and how many
    are the reviewer's own, which bulk review skips), the row errors by field code, and a sample of entries."""
    waiting = pending_entries(batch.department, {"batch": batch.pk})
    own = waiting.filter(submitted_by=reviewer).count() if reviewer is not None else 0
    errors_by_field: dict[str, int] = {}
    error_rows = 0
    for errors in BatchRowError.objects.filter(batch=batch).values_list("errors", flat=True).iterator():
        error_rows += 1
        for code in errors:
            errors_by_field[code] = errors_by_field.get(code, 0) + 1
    labels = {}
    if batch.record_type_id is not None:
        labels = {f.code: f.label for f in batch.record_type.fields.all()}
    by_field = sorted(errors_by_field.items(), key=lambda item: (-item[1], item[0]))[:20]
    return {
        "waiting": waiting.count(),
        "own": own,
        "error_rows": error_rows,
        "errors_by_field": [(code, labels.get(code, "记录"), n) for code, n in by_field],
        "sample": list(waiting.select_related("subject", "record_type", "submitted_by").order_by("id")[:SAMPLE_SIZE]),
    }


def clerk_name(full_name: str, username: str) -> str:
    """A clerk as people know them: the full name with the user name, or the user name alone."""
    return f"{full_name}（{username}）" if full_name else username


def clerk_label(user_id) -> str:
    """The clerk of a user id (``clerk_name``), or a placeholder for an id nobody has."""
    user = None
    if str(user_id).isdigit():
        user = get_user_model().objects.filter(pk=int(user_id)).values_list("first_name", "username").first()
    return clerk_name(*user) if user is not None else "（未知用户）"


def _describe(batch: IngestBatch | None, filters: dict) -> str:
    if batch is not None:
        return f"导入批次 #{batch.pk}（{batch.file_name}）"
    parts = []
    if filters.get("record_type"):
        name = RecordType.objects.filter(code=filters["record_type"]).values_list("name", flat=True).first()
        parts.append(f"类型：{name or filters['record_type']}")
    if filters.get("submitted_by"):
        parts.append(f"填报人：{clerk_label(filters['submitted_by'])}")
    return "待审核记录" + (f"（{'，'.join(parts)}）" if parts else "（全部）")


@transaction.atomic
def bulk_review_request(
    *,
    department: Department,
    reviewer,
    actor: Actor,
    decision: str,
    note: str = "",
    batch: IngestBatch | None = None,
    filters: dict | None = None,
) -> BulkReview:
    """Ask for a decision on every entry of a batch (``batch``) or of a selection of the review queue
    (``filters``); it is carried out by the task once the caller's transaction commits."""
    if department is None:
        raise RecordError("只有部门审核员可以批量审核。", code="no_department")
    if decision not in BulkDecision.values:
        raise RecordError("请选择审核结论。", code="decision_required", field="decision")
    note = note.strip()
    if decision == BulkDecision.REJECT and not note:
        raise RecordError("退回时必须填写原因。", code="reason_required", field="note")
    if batch is not None and batch.department_id != department.pk:
        raise RecordError("只能审核本部门的导入批次。", code="other_department")
    filters = {k: str(v) for k, v in (filters or {}).items() if k in FILTER_KEYS and v not in (None, "")}
    if batch is not None:
        filters = {"batch": str(batch.pk)}
    selection = pending_entries(department, filters)
    max_id = selection.order_by("-id").values_list("pk", flat=True).first()
    if max_id is None:
        raise RecordError("所选范围内没有待审核的记录。", code="nothing_to_review")
    bulk = BulkReview.objects.create(
        department=department,
        reviewer=reviewer,
        actor=dataclasses.asdict(actor),
        decision=decision,
        note=note,
        batch=batch,
        filters=filters,
        description=_describe(batch, filters),
        max_id=max_id,
        total=selection.count(),
    )
    audit_event_record(
        actor=actor,
        action="records.bulk_review_request",
        obj=bulk,
        reason=note,
        after={"decision": decision, "filters": filters, "total": bulk.total, "max_id": max_id},
    )
    outbox_add(topic=BULK_REVIEW, payload={"bulk_review_id": bulk.pk})
    return bulk


def bulk_reviews_watch(*, actor: Actor) -> int:
    """The watchdog (every ten minutes) of bulk reviews (``records.watchdog``). Returns how many were queued
    again."""
    from .tasks import bulk_review_task

    return stalled_runs_requeue(
        BulkReview,
        states=(BulkReviewState.QUEUED, BulkReviewState.RUNNING),
        task=bulk_review_task,
        action="records.bulk_review_redrive",
        actor=actor,
    )


def _chunk_locked(bulk: BulkReview, chunk_size: int) -> list[CreditRecord]:
    """The next entries of the selection, locked in primary-key order (as every taker of several record locks)."""
    keys = list(
        pending_entries(bulk.department, bulk.filters)
        .filter(pk__gt=bulk.last_id, pk__lte=bulk.max_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:chunk_size]
    )
    return list(
        CreditRecord.objects.filter(pk__in=keys)
        .select_related("record_type", "department", "subject")
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def bulk_review_run(bulk_review_id: int, *, chunk_size: int | None = None) -> BulkReview:
    """Work through a bulk review from its ``last_id`` to the end; a finished one is left as it is."""
    chunk_size = chunk_size or CHUNK_SIZE
    bulk = BulkReview.objects.get(pk=bulk_review_id)
    if bulk.state in (BulkReviewState.DONE, BulkReviewState.FAILED):
        return bulk
    BulkReview.objects.filter(pk=bulk.pk, state=BulkReviewState.QUEUED).update(
        state=BulkReviewState.RUNNING, progressed_at=timezone.now()
    )
    try:
        while True:
            with transaction.atomic():
                # Locked for the chunk: a second delivery of the task waits here, then finds the chunk done.
                bulk = BulkReview.objects.select_for_update().select_related("reviewer", "department").get(pk=bulk.pk)
                if bulk.state != BulkReviewState.RUNNING:
                    return bulk
                records = _chunk_locked(bulk, chunk_size)
                if not records:
                    bulk.state, bulk.finished_at = BulkReviewState.DONE, timezone.now()
                    # Entries of the selection that left the queue before their chunk (decided one by one,
                    # changed by a new upload) were not decided here.
                    bulk.skipped_changed = max(bulk.total - bulk.processed, 0)
                    bulk.save(update_fields=["state", "finished_at", "skipped_changed"])
                    audit_event_record(
                        actor=Actor(**bulk.actor),
                        action="records.bulk_review_done",
                        obj=bulk,
                        after={
                            "decided": bulk.decided,
                            "skipped_own": bulk.skipped_own,
                            "skipped_changed": bulk.skipped_changed,
                        },
                    )
                    return bulk
                _decide_chunk(bulk, records)
                bulk.last_id = records[-1].pk
                bulk.progressed_at = timezone.now()
                bulk.save()
    except (OperationalError, InterfaceError):
        raise  # transient: the task retries from the last committed chunk
    except Exception as error:
        return run_failed(
            BulkReview,
            bulk_review_id,
            state=BulkReviewState.FAILED,
            message=f"批量审核中断：{type(error).__name__}（已记录）。已处理的记录保留，其余仍在待审核队列中。",
            what="bulk review",
        )


def _decide_chunk(bulk: BulkReview, records: list[CreditRecord]) -> None:
    actor = Actor(**bulk.actor)
    decide = record_approve if bulk.decision == BulkDecision.APPROVE else record_reject
    note = bulk.note or ("批量审核通过" if bulk.decision == BulkDecision.APPROVE else "")
    decided = []
    for record in records:
        bulk.processed += 1
        if record_is_own_entry(record, bulk.reviewer):
            bulk.skipped_own += 1
            if len(bulk.skipped_ids) < SKIPPED_IDS_KEPT:
                bulk.skipped_ids.append(record.pk)
            continue
        decide(record=record, reviewer=bulk.reviewer, actor=actor, note=note, notify=False)
        decided.append(record)
    bulk.decided += len(decided)
    if decided:
        outbox_add(
            topic=RECORDS_CHANGED,
            payload={
                "record_ids": [record.pk for record in decided],
                "subject_ids": sorted({r.subject_id for r in decided if r.subject_id is not None}),
            },
        )


def bulk_reviews_recent(department: Department, *, limit: int = 10) -> list[BulkReview]:
    """The department's latest bulk reviews, newest first."""
    return list(BulkReview.objects.filter(department=department).select_related("reviewer").order_by("-id")[:limit])
