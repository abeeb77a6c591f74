"""Evaluating every subject: after a model's publication (in the background, with progress), every night (Celery
beat), or on demand (``manage.py evaluate_all``).

A run works through the subjects in id order, ``CHUNK`` at a time, each chunk one transaction that grades its
subjects (``services.subjects_grade``: four reads for the chunk, the pure engine per subject, COPY for the new
rows) and advances the run's ``last_subject_id``, so a run stopped by a worker restart resumes after the last
committed chunk, and a second delivery of the same run waits on the run's row and then finds the chunk done.
With ``jobs`` > 1 (PostgreSQL) the chunks are graded in that many processes and the run row follows the chunks
in order (a chunk graded twice after a crash writes nothing the second time).
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from itertools import repeat

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, connection, connections, transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from outbox.services import outbox_add
from subjects.models import CreditSubject

from . import selectors
from .choices import RunKind, RunState
from .models import EvaluationModel, EvaluationRun, ModelVersion
from .services import GradeOutcome, subjects_grade
from .signals import EVALUATION_RUN

logger = logging.getLogger(__name__)

CHUNK = 2000
# Not a subject's fault: the database away, or the task out of time. They end the work at once.
NOT_SUBJECT_FAULTS = (OperationalError, InterfaceError, SoftTimeLimitExceeded)


def evaluation_run_request(
    *,
    actor: Actor,
    kind: str = RunKind.PUBLICATION,
    model: EvaluationModel | None = None,
    version: ModelVersion | None = None,
    background: bool = True,
) -> EvaluationRun:
    """Ask for every subject to be evaluated once the caller's transaction commits (``background``: by the
    worker, through the outbox; else the caller runs ``evaluation_run``). Call it in the transaction of the
    change that needs it (a model's publication)."""
    run = EvaluationRun.objects.create(kind=kind, model=model, version=version, requested_by=actor.label)
    audit_event_record(
        actor=actor,
        action="evaluation.run_request",
        obj=run,
        after={"kind": kind, "model": model.code if model else None, "version": version.number if version else None},
    )
    if background:
        outbox_add(topic=EVALUATION_RUN, payload={"run_id": run.pk})
    return run


def _next_chunk(after: int, size: int) -> list[int]:
    return list(CreditSubject.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:size])


def _start(run_id: int) -> EvaluationRun:
    run = EvaluationRun.objects.get(pk=run_id)
    if run.state == RunState.QUEUED:
        with transaction.atomic():
            EvaluationRun.objects.filter(pk=run.pk, state=RunState.QUEUED).update(
                state=RunState.RUNNING,
                started_at=timezone.now(),
                as_of=timezone.localdate(),
                total=CreditSubject.objects.count(),
            )
            audit_event_record(
                actor=Actor.system(f"全量评价 #{run.pk}"),
                action="evaluation.run_start",
                obj=run,
                after={"kind": run.kind},
            )
        run.refresh_from_db()
    return run


def _finish(run: EvaluationRun) -> EvaluationRun:
    run.state, run.finished_at = RunState.DONE, timezone.now()
    run.total = max(run.total, run.processed)
    run.save(update_fields=["state", "finished_at", "total"])
    audit_event_record(
        actor=Actor.system(f"全量评价 #{run.pk}"),
        action="evaluation.run_finish",
        obj=run,
        after={"processed": run.processed, "changed": run.changed, "as_of": run.as_of.isoformat()},
    )
    return run


def _grade_chunk(subject_ids: list[int], run_id: int) -> tuple[int, int, float]:
    """One chunk in a worker process (its own connection and transaction)."""
    started = time.perf_counter()
    run = EvaluationRun.objects.get(pk=run_id)
    outcome = subjects_grade(
        subject_ids=subject_ids, actor=Actor.system(f"全量评价 #{run_id}"), as_of=run.as_of, run=run
    )
    return len(subject_ids), outcome.written, time.perf_counter() - started


def evaluation_run(
    run_id: int,
    *,
    chunk_size: int = CHUNK,
    jobs: int = 1,
    on_chunk: Callable[[EvaluationRun, GradeOutcome | None, float], None] | None = None,
) -> EvaluationRun:
    """Work through a run from its ``last_subject_id`` to the end; a finished run is left as it is."""
    run = _start(run_id)
    if run.state in (RunState.DONE, RunState.FAILED):
        return run
    try:
        if jobs > 1 and connection.vendor == "postgresql":
            return _run_parallel(run, chunk_size=chunk_size, jobs=jobs, on_chunk=on_chunk)
        actor = Actor.system(f"全量评价 #{run.pk}")
        while True:
            started = time.perf_counter()
            with transaction.atomic():
                # Locked for the chunk: a second delivery of the task waits here, then finds the chunk done.
                run = EvaluationRun.objects.select_for_update().get(pk=run_id)
                if run.state != RunState.RUNNING:
                    return run
                subject_ids = _next_chunk(run.last_subject_id, chunk_size)
                if not subject_ids:
                    return _finish(run)
                outcome = subjects_grade(subject_ids=subject_ids, actor=actor, as_of=run.as_of, run=run)
                run.last_subject_id = subject_ids[-1]
                run.processed += len(subject_ids)
                run.changed += outcome.written
                run.save(update_fields=["last_subject_id", "processed", "changed"])
            if on_chunk:
                on_chunk(run, outcome, time.perf_counter() - started)
    except (OperationalError, InterfaceError):
        raise  # transient: the task retries from the last committed chunk
    except Exception as error:
        logger.exception("evaluation run #%s failed", run_id)
        EvaluationRun.objects.filter(pk=run_id).update(
            state=RunState.FAILED, finished_at=timezone.now(), message=f"评价失败：{type(error).__name__}（已记录）"
        )
        return EvaluationRun.objects.get(pk=run_id)


def _run_parallel(run: EvaluationRun, *, chunk_size: int, jobs: int, on_chunk) -> EvaluationRun:
    remaining = list(
        CreditSubject.objects.filter(pk__gt=run.last_subject_id).order_by("pk").values_list("pk", flat=True)
    )
    chunks = [remaining[start : start + chunk_size] for start in range(0, len(remaining), chunk_size)]
    with ExitStack() as stack:
        connections.close_all()  # each process opens its own; a connection must never cross a fork
        context = multiprocessing.get_context("fork")
        pool = stack.enter_context(ProcessPoolExecutor(max_workers=jobs, mp_context=context))
        for chunk, (count, written, seconds) in zip(
            chunks, pool.map(_grade_chunk, chunks, repeat(run.pk)), strict=True
        ):
            run.last_subject_id, run.processed, run.changed = chunk[-1], run.processed + count, run.changed + written
            EvaluationRun.objects.filter(pk=run.pk).update(
                last_subject_id=run.last_subject_id, processed=run.processed, changed=run.changed
            )
            if on_chunk:
                on_chunk(run, None, seconds)
    with transaction.atomic():
        return _finish(EvaluationRun.objects.select_for_update().get(pk=run.pk))


@transaction.atomic
def evaluation_full_request(*, actor: Actor, kind: str = RunKind.SCHEDULED) -> EvaluationRun | None:
    """The nightly run (or one asked for): none when a scheduled run is still queued or running."""
    if kind == RunKind.SCHEDULED and selectors.running_full_run() is not None:
        return None
    return evaluation_run_request(actor=actor, kind=kind, background=False)


def grades_refresh(subject_ids: list[int], *, actor: Actor, chunk: int = 1000) -> GradeOutcome:
    """Evaluate these subjects now (while the outbox item of a change to their records, lists or facts is
    delivered), ``chunk`` per transaction."""
    total = GradeOutcome()
    models = selectors.model_set()
    for start in range(0, len(subject_ids), chunk):
        part = subject_ids[start : start + chunk]
        outcome = subjects_grade(subject_ids=part, actor=actor, models=models, after_change=True)
        total.evaluated += outcome.evaluated
        total.written += outcome.written
        total.grades_changed += outcome.grades_changed
    return total
