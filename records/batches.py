"""Batches: files of records processed by a Celery task in chunks that survive a worker's death.

Each chunk of rows is ingested and the batch's ``processed_rows`` advanced in one transaction, so a task
that dies mid-chunk leaves the chunk undone, and the retried task starts after the last committed chunk:
no row is lost and none is applied twice (and ingestion is idempotent besides: a re-sent row is
``unchanged``). API batches are imported at once; workbench uploads are first validated (nothing
written), then imported on the clerk's request, into review.
"""

from __future__ import annotations

import datetime
from collections import Counter
from functools import partial
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from subjects import identifiers as ids
from subjects.models import ApiToken, Department

from .choices import BatchState, Channel, IngestOutcome
from .models import BatchRowError, IngestBatch, RecordType
from .selectors import catalog_entries
from .services import RecordError, RecordInput, records_check, records_ingest
from .spreadsheets import MAX_ROWS, FileFormatError, Row, count_rows, file_format, read_rows

CHUNK_SIZE = 1000


def _spec(batch: IngestBatch):
    if batch.record_type_id is None:
        return None
    return catalog_entries(active_only=False)[batch.record_type.code].spec


def _masked(data: dict, spec) -> dict:
    """Row data as kept for the error report: a citizen ID number never stays in clear, in any column."""
    field = spec.citizen_id_field if spec else ""
    masked = {str(k): str(v) if v is not None else "" for k, v in data.items()}
    for code, value in masked.items():
        if code == field or code.endswith("_ZJHM"):
            masked[code] = ids.mask_document_number(value)
    return ids.mask_citizen_ids_deep(masked)


@transaction.atomic
def batch_create(
    *,
    department: Department,
    upload,
    record_type_code: str,
    channel: str,
    actor: Actor,
    user=None,
    token: ApiToken | None = None,
) -> IngestBatch:
    """Accept a file: check its format, size and header now (a wrong header imports nothing), queue the rest."""
    try:
        fmt = file_format(upload.name)
    except FileFormatError as error:
        raise RecordError(str(error), code="invalid_file") from error
    if upload.size > settings.BATCH_MAX_BYTES:
        raise RecordError(
            f"文件过大（{upload.size // 1_048_576} MB），上限为 {settings.BATCH_MAX_BYTES // 1_048_576} MB。",
            code="file_too_large",
        )
    record_type = None
    if fmt != "jsonl" or record_type_code:
        record_type = RecordType.objects.filter(code=record_type_code, is_active=True).first()
        if record_type is None:
            raise RecordError(f"请指定有效的记录类型（当前为“{record_type_code}”）。", code="invalid_record_type")
    content = upload.read()
    spec = catalog_entries()[record_type.code].spec if record_type else None
    try:
        total = count_rows(content, fmt)
        next(read_rows(content, fmt, spec), None)  # reads the header: a wrong one fails here, before queueing
    except FileFormatError as error:
        raise RecordError(str(error), code="invalid_file") from error
    if total == 0:
        raise RecordError("文件中没有数据行。", code="empty_file")
    if total > MAX_ROWS:
        raise RecordError(f"文件共{total}行，超过单个文件{MAX_ROWS}行的上限，请拆分后上传。", code="too_many_rows")
    upload.seek(0)
    batch = IngestBatch(
        department=department,
        record_type=record_type,
        channel=channel,
        file_name=ids.mask_citizen_ids_in_text(upload.name)[:255],
        file_format=fmt,
        total_rows=total,
        created_by=user,
        created_by_token=token,
    )
    batch.file.save(f"{department.code}-{batch.file_name[-80:]}", upload, save=False)
    batch.save()
    audit_event_record(
        actor=actor,
        action="batch.create",
        obj=batch,
        after={"file": batch.file_name, "rows": total, "channel": channel},
    )
    from .tasks import batch_process_task

    transaction.on_commit(lambda: batch_process_task.delay(batch.pk))
    return batch


@transaction.atomic
def batch_import(*, batch: IngestBatch, actor: Actor) -> IngestBatch:
    """The clerk imports the valid rows of a validated upload; they go to review like form entries."""
    batch = IngestBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != BatchState.VALIDATED:
        raise RecordError(f"当前状态为“{batch.get_state_display()}”，不能导入。", code="invalid_state")
    if not batch.valid_rows:
        raise RecordError("没有可导入的有效行。", code="nothing_to_import")
    batch.state = BatchState.IMPORTING
    batch.processed_rows = 0
    batch.save(update_fields=["state", "processed_rows", "updated_at"])
    audit_event_record(actor=actor, action="batch.import", obj=batch, after={"valid_rows": batch.valid_rows})
    from .tasks import batch_process_task

    transaction.on_commit(lambda: batch_process_task.delay(batch.pk))
    return batch


def _store_errors(batch: IngestBatch, rows: list[Row], results, spec) -> None:
    errors = [
        BatchRowError(
            batch=batch,
            row_number=row.number,
            errors=ids.mask_citizen_ids_deep(result.errors),
            data=_masked(row.data, spec),
        )
        for row, result in zip(rows, results, strict=True)
        if result.status == IngestOutcome.REJECTED
    ]
    BatchRowError.objects.bulk_create(errors, ignore_conflicts=True)


def _results_for(rows: list[Row], run) -> list:
    """Run ``run`` on the readable rows and give unreadable ones their own rejection, in row order."""
    from .services import ItemResult

    readable = [row for row in rows if not row.error]
    outcomes = iter(run([RecordInput(record_type=r.record_type, data=r.data, severity=r.severity) for r in readable]))
    return [
        ItemResult(i, IngestOutcome.REJECTED, errors={"row": [row.error]}) if row.error else next(outcomes)
        for i, row in enumerate(rows)
    ]


def batch_run(batch_id: int, *, actor: Actor | None = None) -> IngestBatch:
    """Advance a batch as far as it goes: validate an upload, or import (API batches, or a confirmed upload)."""
    batch = IngestBatch.objects.select_related("department", "record_type", "created_by", "created_by_token").get(
        pk=batch_id
    )
    if batch.state == BatchState.QUEUED:
        batch.state = BatchState.VALIDATING if batch.channel == Channel.UPLOAD else BatchState.IMPORTING
        batch.save(update_fields=["state", "updated_at"])
    if batch.state not in (BatchState.VALIDATING, BatchState.IMPORTING):
        return batch
    actor = actor or Actor.system(f"批量导入 #{batch.pk}")
    spec = _spec(batch)
    importing = batch.state == BatchState.IMPORTING
    invalid_rows = set(batch.row_errors.values_list("row_number", flat=True)) if importing else set()
    with batch.file.open("rb") as handle:
        content = handle.read()

    def ingest(items):
        return records_ingest(
            department=batch.department,
            items=items,
            channel=batch.channel,
            actor=actor,
            user=batch.created_by,
            token=batch.created_by_token,
            review=batch.channel == Channel.UPLOAD,
        )

    run = ingest if importing else partial(records_check, department=batch.department)
    try:
        offset = batch.processed_rows
        rows = islice(read_rows(content, batch.file_format, spec), offset, None)
        while chunk := list(islice(rows, CHUNK_SIZE)):
            with transaction.atomic():
                locked = IngestBatch.objects.select_for_update().get(pk=batch.pk)
                if locked.processed_rows != offset:
                    return locked  # another worker (a redelivered task) is processing this batch
                offset += len(chunk)
                todo = [row for row in chunk if row.number not in invalid_rows]
                results = _results_for(todo, run)
                _store_errors(locked, todo, results, spec)
                counts = Counter(locked.counts)
                for result in results:
                    counts[str(result.status)] += 1
                locked.counts = dict(counts)
                locked.processed_rows += len(chunk)
                if not importing:
                    locked.valid_rows += sum(1 for r in results if r.status != IngestOutcome.REJECTED)
                locked.save(update_fields=["counts", "processed_rows", "valid_rows", "updated_at"])
    except FileFormatError as error:
        IngestBatch.objects.filter(pk=batch.pk).update(
            state=BatchState.FAILED, message=ids.mask_citizen_ids_in_text(str(error))
        )
        batch.refresh_from_db()
        _file_discard(batch)
        return batch
    finished = IngestBatch.objects.get(pk=batch.pk)
    finished.state = BatchState.DONE if importing else BatchState.VALIDATED
    if not importing:
        finished.counts = {}
    finished.save(update_fields=["state", "counts", "updated_at"])
    if importing:
        _file_discard(finished)
    return finished


def batches_expire(*, actor: Actor) -> int:
    """Close the uploads validated but not imported within ``BATCH_IMPORT_DAYS`` and delete their files
    (citizen IDs in clear). The clerk can upload the file again. Returns how many were closed."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.BATCH_IMPORT_DAYS)
    expired = 0
    for batch_id in IngestBatch.objects.filter(state=BatchState.VALIDATED, updated_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            batch = IngestBatch.objects.select_for_update().get(pk=batch_id)
            if batch.state != BatchState.VALIDATED:
                continue  # imported meanwhile
            batch.state = BatchState.FAILED
            batch.message = f"校验完成后{settings.BATCH_IMPORT_DAYS}天内未导入，文件已删除；如需导入请重新上传。"
            batch.save(update_fields=["state", "message", "updated_at"])
            audit_event_record(actor=actor, action="batch.expire", obj=batch, reason=batch.message)
            transaction.on_commit(lambda batch=batch: _file_discard(batch))
        expired += 1
    return expired


def _file_discard(batch: IngestBatch) -> None:
    """Delete the uploaded file once the batch is done or failed: it holds citizen ID numbers in clear, and
    everything it gave is kept elsewhere — the records and their versions (IDs masked), the rejected rows
    (masked) and the audit trail. An upload that is validated but not imported keeps its file for the
    import."""
    if batch.file:
        batch.file.delete(save=False)
        batch.save(update_fields=["file", "updated_at"])
