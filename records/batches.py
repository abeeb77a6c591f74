"""Batches: files of records processed by a Celery task in chunks that survive a worker's death.

The web request only stores the file (size-capped) and queues it: every byte of the file is read in the
worker. The task first reads the whole file once (header, every row, the row and size caps), so a file that
cannot be read fails before anything of it is imported; then each chunk of rows is ingested and the batch's
``processed_rows`` advanced in one transaction, so a task that dies mid-chunk leaves the chunk undone, and
the retried task starts after the last committed chunk: no row is lost and none is applied twice (and
ingestion is idempotent besides: a re-sent row is ``unchanged``). API batches are imported at once;
workbench uploads are first validated (nothing written), then imported on the clerk's request, into review.

A batch always ends: what is wrong with one row is that row's error; what is wrong with the file, or an
unexpected failure, fails the batch with a message for the department; a transient database error is
retried by Celery. The watchdog (``batches_watch``) catches the rest — a lost message, a worker that kept
dying, retries exhausted: a batch that has not moved for ``BATCH_STALL_MINUTES`` is queued once more (safe,
for the reasons above), and failed if it stalls again. Whenever a batch ends, its file is deleted.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import traceback
from collections import Counter
from dataclasses import replace
from functools import partial
from itertools import islice

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core.enqueue import enqueue
from organisations.models import ApiToken, Department
from outbox.services import outbox_add
from subjects import identifiers as ids

from .choices import BatchState, Channel, IngestOutcome
from .models import BatchRowError, IngestBatch, RecordType
from .selectors import catalog_entries
from .services import ItemResult, RecordError, RecordInput, records_check, records_ingest
from .signals import BATCH_PROCESS
from .spreadsheets import FileFormatError, Row, file_format, printable, read_rows, rows_count

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
RUNNING = (BatchState.QUEUED, BatchState.VALIDATING, BatchState.IMPORTING)
# Worth a retry by Celery (the database is away for a moment), never a verdict on the file.
TRANSIENT = (OperationalError, InterfaceError)
# Failures of the whole task, never of the row being processed when they happen.
NOT_ROW_FAULTS = (*TRANSIENT, SoftTimeLimitExceeded)
SYSTEM_ERROR = (
    "处理文件时发生系统错误（已记录），批次已终止，文件已删除。已导入的行保留；请稍后重新上传，或联系信用中心。"
)
ROW_SYSTEM_ERROR = "本行无法保存（系统错误已记录）。请检查本行内容，或联系信用中心。"


def _spec(batch: IngestBatch):
    if batch.record_type_id is None:
        return None
    return catalog_entries(active_only=False)[batch.record_type.code].spec


def _masked(data: dict, spec) -> dict:
    """Row data as kept for the error report: a citizen ID number never stays in clear, and nothing the
    database cannot hold (a NUL, a lone surrogate) or should not keep (a cell of megabytes) is stored."""
    field = spec.citizen_id_field if spec else ""
    masked = {printable(k, 64): printable(v, 1000) if v is not None else "" for k, v in data.items()}
    for code, value in masked.items():
        if code == field or code.endswith("_ZJHM"):
            masked[code] = ids.mask_document_number(value)
    return ids.mask_citizen_ids_deep(masked)


class _Repeats:
    """The rows of one file that repeat a record's id (the 文书号) of an earlier row: each is a row error naming
    the first row, never an "unchanged" that hides the second version (issue 16). Keys are the record type and
    its id fields' values, spaces collapsed; a row without an id is left to validation."""

    def __init__(self):
        self.first_row: dict[tuple, int] = {}
        self.catalog = catalog_entries(active_only=False)

    def _key(self, row: Row) -> tuple[tuple, str] | None:
        entry = self.catalog.get(row.record_type)
        if entry is None or not entry.spec.record_id_fields:
            return None
        values = tuple(" ".join(str(row.data.get(code) or "").split()) for code in entry.spec.record_id_fields)
        return ((row.record_type, values), entry.spec.record_id_fields[0]) if any(values) else None

    def check(self, row: Row) -> Row:
        """Remember the row's id; a repeated one comes back with its error."""
        found = self._key(row)
        if found is None or row.errors:
            return row
        key, field = found
        first = self.first_row.setdefault(key, row.number)
        if first == row.number:
            return row
        message = f"与第{first}行的记录编号（文书号）重复：同一文件中每条记录只能出现一次，请删除或合并重复的行。"
        return replace(row, errors={field: [message]})


def _storable(errors: dict) -> dict:
    return {printable(code, 64): [printable(m) for m in messages] for code, messages in errors.items()}


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
    """Accept a file: check its name, size and record type, store it and queue it.

    Nothing of the file is read here — not its header, not its rows: a crafted file (an XLSX whose text
    inflates a thousandfold) costs the worker, within bounds, never the web process. What is wrong inside
    the file fails the batch, with a message, in the worker.
    """
    try:
        fmt = file_format(upload.name)
    except FileFormatError as error:
        raise RecordError(str(error), code="invalid_file") from error
    if upload.size > settings.BATCH_MAX_BYTES:
        raise RecordError(
            f"文件过大（{upload.size // 1_048_576} MB），上限为 {settings.BATCH_MAX_BYTES // 1_048_576} MB。",
            code="file_too_large",
        )
    if not upload.size:
        raise RecordError("文件为空。", code="empty_file")
    record_type = None
    if fmt != "jsonl" or record_type_code:
        record_type = None
        if printable(record_type_code, 64) == record_type_code:  # the database cannot even be asked about a NUL
            record_type = RecordType.objects.filter(code=record_type_code, is_active=True).first()
        if record_type is None:
            raise RecordError(
                f"请指定有效的记录类型（当前为“{printable(record_type_code, 40)}”）。", code="invalid_record_type"
            )
        if not record_type.accepts(channel):
            raise RecordError(record_type.channel_refusal(channel), code="channel_reserved", field="record_type")
    batch = IngestBatch(
        department=department,
        record_type=record_type,
        channel=channel,
        file_name=printable(ids.mask_citizen_ids_in_text(upload.name), 255),
        file_format=fmt,
        created_by=user,
        created_by_token=token,
    )
    # The stored name is ours: the uploaded one is shown (file_name) but may hold anything, an ID included.
    batch.file.save(f"{department.code}-{secrets.token_hex(8)}.{fmt}", upload, save=False)
    batch.save()
    audit_event_record(
        actor=actor,
        action="batch.create",
        obj=batch,
        after={"file": batch.file_name, "bytes": upload.size, "channel": channel},
    )
    # In the batch's transaction: once committed, the batch always gets its task (the outbox sweep re-drives
    # it while the broker is away); the request never fails on the broker.
    outbox_add(topic=BATCH_PROCESS, payload={"batch_id": batch.pk})
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
    # In the batch's transaction: once committed, the batch always gets its task (the outbox sweep re-drives
    # it while the broker is away); the request never fails on the broker.
    outbox_add(topic=BATCH_PROCESS, payload={"batch_id": batch.pk})
    return batch


def _store_errors(batch: IngestBatch, rows: list[Row], results, spec) -> None:
    errors = [
        BatchRowError(
            batch=batch,
            row_number=row.number,
            errors=ids.mask_citizen_ids_deep(_storable(result.errors)),
            data=_masked(row.data, spec),
        )
        for row, result in zip(rows, results, strict=True)
        if result.status == IngestOutcome.REJECTED
    ]
    BatchRowError.objects.bulk_create(errors, ignore_conflicts=True)


def _results_for(rows: list[Row], run) -> list[ItemResult]:
    """Run ``run`` on the readable rows and give unreadable ones their own rejection, in row order.

    The chunk runs in a savepoint; if it fails for a reason other than a transient one (a row the database
    refuses, a value the checks did not foresee), each row is run on its own, and the rows that still fail
    become row errors: one row never stops the batch.
    """
    readable = [row for row in rows if not row.errors]
    inputs = [RecordInput(record_type=r.record_type, data=r.data, severity=r.severity) for r in readable]
    try:
        with transaction.atomic():
            outcomes = list(run(inputs))
    except NOT_ROW_FAULTS:
        raise
    except Exception as error:
        _log_failure("chunk", error)
        outcomes = [_run_one(run, index, item) for index, item in enumerate(inputs)]
    outcome = iter(outcomes)
    return [
        ItemResult(i, IngestOutcome.REJECTED, errors=row.errors) if row.errors else next(outcome)
        for i, row in enumerate(rows)
    ]


def _run_one(run, index: int, item: RecordInput) -> ItemResult:
    try:
        with transaction.atomic():
            [result] = run([item])
    except NOT_ROW_FAULTS:
        raise
    except Exception as error:
        _log_failure("row", error)
        return ItemResult(index, IngestOutcome.REJECTED, errors={"row": [ROW_SYSTEM_ERROR]})
    return result


def _log_failure(what: str, error: BaseException) -> None:
    # The traceback without the exception's message: the message may quote a row's data, a citizen ID included.
    logger.error(
        "batch %s failed: %s\n%s", what, type(error).__name__, "".join(traceback.format_tb(error.__traceback__))
    )


def batch_run(batch_id: int, *, actor: Actor | None = None) -> IngestBatch:
    """Advance a batch as far as it goes: validate an upload, or import (API batches, or a confirmed upload).

    Ends every batch it cannot finish: a file that cannot be read, or any failure that is not transient,
    fails the batch with a message and deletes its file. Transient database errors propagate, for Celery to
    retry from the last committed chunk.
    """
    batch = IngestBatch.objects.select_related("department", "record_type", "created_by", "created_by_token").get(
        pk=batch_id
    )
    if batch.state not in RUNNING:
        return batch
    try:
        return _batch_advance(batch, actor or Actor.system(f"批量导入 #{batch.pk}"))
    except TRANSIENT:
        raise
    except FileFormatError as error:
        return batch_fail(batch_id, str(error))
    except SoftTimeLimitExceeded:
        return batch_fail(batch_id, "处理超时，批次已终止，文件已删除。已导入的行保留；请拆分文件后重新上传。")
    except Exception as error:
        _log_failure(f"#{batch_id}", error)
        return batch_fail(batch_id, SYSTEM_ERROR)


def _batch_advance(batch: IngestBatch, actor: Actor) -> IngestBatch:
    spec = _spec(batch)
    try:
        with batch.file.open("rb") as handle:
            content = handle.read()
    except (ValueError, FileNotFoundError) as error:  # no file on the batch, or gone from the storage
        raise FileFormatError("上传的文件已不存在，请重新上传。") from error
    if batch.state == BatchState.QUEUED:
        # Read the whole file once before acting on any of it: a file damaged at row 50,000 imports nothing.
        total = rows_count(content, batch.file_format, spec)
        if not total:
            raise FileFormatError("文件中没有数据行。")
        with transaction.atomic():
            batch = (
                IngestBatch.objects.select_for_update(of=("self",))  # record_type is nullable: an outer join
                .select_related("department", "record_type", "created_by", "created_by_token")
                .get(pk=batch.pk)
            )
            if batch.state != BatchState.QUEUED:
                return batch  # another delivery of the task got here first
            batch.state = BatchState.VALIDATING if batch.channel == Channel.UPLOAD else BatchState.IMPORTING
            batch.total_rows = total
            batch.save(update_fields=["state", "total_rows", "updated_at"])
    state = batch.state
    importing = state == BatchState.IMPORTING
    invalid_rows = set(batch.row_errors.values_list("row_number", flat=True)) if importing else set()

    def ingest(items):
        return records_ingest(
            department=batch.department,
            items=items,
            channel=batch.channel,
            actor=actor,
            user=batch.created_by,
            token=batch.created_by_token,
            review=batch.channel == Channel.UPLOAD,
            batch=batch,
        )

    run = ingest if importing else partial(records_check, channel=batch.channel, department=batch.department)
    offset = batch.processed_rows
    repeats = _Repeats()
    rows = (repeats.check(row) for row in read_rows(content, batch.file_format, spec))
    for _ in islice(rows, offset):
        pass  # the rows of the committed chunks: only their ids are remembered
    while chunk := list(islice(rows, CHUNK_SIZE)):
        with transaction.atomic():
            locked = IngestBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.state != state or locked.processed_rows != offset:
                return locked  # another delivery of the task is processing it, or the watchdog closed it
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
    with transaction.atomic():
        finished = IngestBatch.objects.select_for_update().get(pk=batch.pk)
        if finished.state != state:
            return finished
        if importing:
            finished.state = BatchState.DONE
            finished.message = _summary(finished.counts)
        elif finished.valid_rows:
            finished.state = BatchState.VALIDATED
            finished.counts = {}
        else:
            # Nothing to import: the upload ends here, and its file (citizen IDs in clear) goes now.
            finished.state = BatchState.FAILED
            finished.counts = {}
            finished.message = "校验完成，没有有效行。请按错误明细修改后重新上传。"
        finished.save(update_fields=["state", "counts", "message", "updated_at"])
        if finished.state != BatchState.VALIDATED:
            transaction.on_commit(lambda: _file_discard(finished))
    return finished


def _summary(counts: dict) -> str:
    parts = [f"{label}{counts[value]}条" for value, label in IngestOutcome.choices if counts.get(value)]
    return f"导入完成：{'，'.join(parts) or '没有数据行'}。"


def batch_fail(batch_id: int, message: str, *, actor: Actor | None = None) -> IngestBatch:
    """End a running batch as failed, with ``message`` for the department, and delete its file. What was
    imported before stays (each chunk was committed whole); a batch that has already ended is left as it is."""
    with transaction.atomic():
        batch = IngestBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state not in RUNNING:
            return batch
        batch.state = BatchState.FAILED
        batch.message = printable(ids.mask_citizen_ids_in_text(message))
        batch.save(update_fields=["state", "message", "updated_at"])
        audit_event_record(
            actor=actor or Actor.system(f"批量导入 #{batch.pk}"),
            action="batch.fail",
            obj=batch,
            reason=batch.message,
            after={"processed_rows": batch.processed_rows, "counts": batch.counts},
        )
        transaction.on_commit(lambda: _file_discard(batch))
    return batch


def batches_watch(*, actor: Actor) -> dict[str, int]:
    """The watchdog: a batch queued, validating or importing that has not moved for ``BATCH_STALL_MINUTES``
    is queued once more, and failed (its file deleted) if it stalls again.

    Queuing again is safe: the task resumes after the last committed chunk, a second delivery finds the
    chunk taken and stops, and ingestion is idempotent. A running task moves its batch at every chunk, so
    only a batch no task is working on looks stalled. It also deletes the file of any batch that ended
    with its file kept (a deletion that failed when it ended). Returns what it did, by count.
    """
    now = timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.BATCH_STALL_MINUTES)
    done = {"redriven": 0, "failed": 0, "files_deleted": 0}
    ended = IngestBatch.objects.filter(state__in=(BatchState.DONE, BatchState.FAILED)).exclude(file="")
    for batch in ended.only("pk", "file").order_by("pk"):
        try:
            _file_discard(batch)
        except OSError as error:  # the storage still refuses: try again next time, and watch the stalled ones now
            _log_failure(f"#{batch.pk} file deletion", error)
            continue
        done["files_deleted"] += 1
    stalled = IngestBatch.objects.filter(state__in=RUNNING, updated_at__lt=cutoff).order_by("pk")
    for batch_id in stalled.values_list("pk", flat=True):
        with transaction.atomic():
            batch = IngestBatch.objects.select_for_update().get(pk=batch_id)
            if batch.state not in RUNNING or batch.updated_at >= cutoff:
                continue  # it moved meanwhile
            if batch.redriven_at is None:
                batch.redriven_at = now
                batch.save(update_fields=["redriven_at", "updated_at"])
                audit_event_record(
                    actor=actor,
                    action="batch.redrive",
                    obj=batch,
                    reason=f"超过{settings.BATCH_STALL_MINUTES}分钟没有进展，重新排队处理",
                    after={"state": batch.state, "processed_rows": batch.processed_rows},
                )
                from .tasks import batch_process_task

                # A broker still away must not stop the watchdog (enqueue logs it); the batch fails at the next stall.
                transaction.on_commit(lambda batch_id=batch_id: enqueue(batch_process_task, batch_id))
                done["redriven"] += 1
            else:
                batch_fail(
                    batch_id,
                    f"处理中断：重新排队后仍超过{settings.BATCH_STALL_MINUTES}分钟没有进展，批次已终止，文件已删除。"
                    f"已处理{batch.processed_rows}行，已导入的记录保留；请重新上传（已导入的行不会重复导入）。",
                    actor=actor,
                )
                done["failed"] += 1
    return done


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
        IngestBatch.objects.filter(pk=batch.pk).update(file="")
