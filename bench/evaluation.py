"""Graded evaluation (issue 15): a full evaluation in subjects/s, from scratch and on unchanged data, beside raw
SQL reading the same facts; and what the evaluation adds to a push of records.

1. data: ``seed_demo --subjects N --records-share S`` (skipped with ``--skip-data``), the outbox delivered, the
   tables analysed;
2. a full evaluation as ``manage.py evaluate_all --jobs J`` does it, from scratch (results and files emptied first:
   only on a database named ``*bench*`` unless ``--any-database``), then again on the data it wrote (the
   nightly case: everything read and evaluated, nothing written);
3. raw SQL through a plain cursor, in the run's chunks: the four statements that read the same facts (subjects
   locked, their active records of the types the models read, their lists in force, their current results);
4. ``--pushes`` pushes of ``--push`` penalties for companies (``records_ingest``, as the API does), the handlers
   of their ``records.changed`` item and of the items those write timed one by one (the outbox waits for this
   script): the evaluation's share (grading and its pages) of the rest, median of the pushes.

    DATABASE_URL=… .venv/bin/python bench/evaluation.py [--subjects 100000] [--records-share 0.3] [--jobs 1]
        [--skip-data] [--any-database] [--pushes 5]

Exit status 1 when a run fails, evaluates a different number of subjects, writes no results from scratch or
writes any on unchanged data, when the raw SQL reads a different number of subjects, or when a push's
penalties are not all created or not graded.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Timings, figure, heading, load_average, setup, sql, timed

TARGET_RATE, FIRST_BAR = 10_000, 3_300  # subjects/s of a full evaluation from scratch
TARGET_PUSH_SHARE = 20  # % the evaluation adds to a push
ACTOR = "bench/evaluation.py"


@contextlib.contextmanager
def outbox_waiting() -> Iterator[None]:
    """Outbox items wait for this script (it delivers them, or times their handlers one by one): their tasks go
    to an in-memory broker nobody reads, neither run eagerly (the test settings) nor sent to a worker."""
    from credit_portal.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://localhost/"
    app._pool, app.amqp._producer_pool = None, None  # the next task is sent through the broker just set
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool, app.amqp._producer_pool = None, None


def deliver() -> int:
    """Deliver every due outbox item, including those the deliveries add; how many were delivered."""
    from outbox.services import outbox_sweep

    return outbox_sweep(seconds=3600)["delivered"]


def full_run(label: str, jobs: int, subjects: int, problems: list[str]):
    """One full evaluation as ``evaluate_all`` runs it; (the run, seconds)."""
    from django.db import transaction

    from audit.services import Actor
    from evaluation.choices import RunKind, RunState
    from evaluation.runs import evaluation_run, evaluation_run_request

    with transaction.atomic():
        run = evaluation_run_request(actor=Actor.system(ACTOR), kind=RunKind.MANUAL, background=False)
    ms, run = timed(lambda: evaluation_run(run.pk, jobs=jobs))
    print(
        f"full evaluation {label} (jobs {jobs}): {run.get_state_display()}, {run.processed:,} subjects, "
        f"{run.changed:,} results written, {ms / 1000:.1f} s; {load_average()}"
    )
    if run.state != RunState.DONE:
        problems.append(f"full evaluation {label}: run #{run.pk} {run.state} ({run.message})")
    if run.processed != subjects:
        problems.append(f"full evaluation {label}: {run.processed:,} of {subjects:,} subjects evaluated")
    return run, ms / 1000


def raw_reads(ids: list[int]) -> tuple[int, float]:
    """The facts of ``ids`` read by hand, chunk by chunk, each chunk in a transaction (rolled back): (subjects
    read, seconds)."""
    from django.db import connection, transaction

    from evaluation.runs import CHUNK
    from evaluation.selectors import model_set

    models = model_set()
    fields = "".join(", data ->> %s" for _ in models.fields)
    types = sorted(models.record_types)
    model_ids = [version.model_id for version in models.versions.values()]
    read, start = 0, time.perf_counter()
    for first in range(0, len(ids), CHUNK):
        part = ids[first : first + CHUNK]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, kind, registration_status, established_on FROM subjects_creditsubject "
                "WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                [part],
            )
            read += len(cursor.fetchall())
            cursor.execute(
                f"SELECT subject_id, id, record_type_id, severity, decided_on, disclosure_end{fields} "
                "FROM records_creditrecord WHERE subject_id = ANY(%s) AND status = 'active' "
                "AND record_type_id = ANY(%s) ORDER BY id",
                [*models.fields, part, types],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT m.subject_id, m.id, t.code, t.colour FROM sanctions_membership m "
                "JOIN sanctions_listtype t ON t.id = m.list_type_id "
                "WHERE m.subject_id = ANY(%s) AND m.state = 'active' ORDER BY m.id",
                [part],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT s.id, m.id, r.grade, r.score, r.digest, r.grade_since "
                "FROM unnest(%s::bigint[]) AS s(id) CROSS JOIN unnest(%s::bigint[]) AS m(id) "
                "CROSS JOIN LATERAL (SELECT grade, score, digest, grade_since FROM evaluation_evaluationresult "
                "WHERE subject_id = s.id AND model_id = m.id ORDER BY id DESC LIMIT 1) AS r",
                [part, model_ids],
            )
            cursor.fetchall()
            transaction.set_rollback(True)
    return read, time.perf_counter() - start


def penalty(subject, department, number: str, today) -> dict:
    return {
        "CF_XDR_MC": subject.name,
        "CF_XDR_LB": "个体工商户" if subject.kind == "individual_business" else "法人及非法人组织",
        "CF_XDR_SHXYM": subject.uscc,
        "CF_WSH": number,
        "CF_WFXW": "销售不符合食品安全标准的食品",
        "CF_SY": "经查，当事人销售的食品经抽检不合格。",
        "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
        "CF_CFLB": "罚款",
        "CF_NR": "罚款人民币1万元",
        "CF_NR_FK": "1",
        "CF_JDRQ": today.isoformat(),
        "CF_CFJG": department.name,
        "CF_CFJGDM": department.uscc,
        "CF_SJLY": department.name,
        "CF_SJLYDM": department.uscc,
    }


def push(count: int, seed: int, stamp: str, problems: list[str]) -> dict[str, float]:
    """Ingest ``count`` penalties for random subjects with a USCC (document numbers unique to ``stamp`` and
    ``seed``), then time each handler of the outbox item it wrote and of the items those write; ms by step."""
    from django.db import transaction
    from django.utils import timezone

    from audit.services import Actor
    from organisations.models import Department
    from outbox import registry
    from outbox.models import OutboxItem
    from records.services import RecordInput, records_ingest
    from subjects.models import CreditSubject

    department = Department.objects.get(code="jl-scjg")
    ids = list(CreditSubject.objects.exclude(uscc=None).order_by("pk").values_list("pk", flat=True))
    chosen = CreditSubject.objects.in_bulk(random.Random(seed).sample(ids, min(count, len(ids))))
    today = timezone.localdate()
    items = [
        RecordInput(record_type="xzcf", data=penalty(s, department, f"吉市监罚〔基准{stamp}〕{seed}-{n}号", today))
        for n, s in enumerate(chosen.values())
    ]
    before = OutboxItem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def ingest():
        with transaction.atomic():
            return records_ingest(department=department, items=items, channel="api", actor=Actor.system(ACTOR))

    ms, results = timed(ingest)
    times = {"records_ingest": ms}
    if refused := [r for r in results if r.status != "created"]:
        problems.append(f"push {seed}: {len(refused)} of {len(items)} penalties not created: {refused[0]}")
    item = OutboxItem.objects.filter(pk__gt=before, topic="records.changed").first()
    if item is None:
        problems.append(f"push {seed}: no records.changed outbox item")
        return times
    last = OutboxItem.objects.order_by("-pk").values_list("pk", flat=True).first()
    for handler in registry.handlers(item.topic):
        times[registry.handler_name(handler)] = timed(lambda handler=handler: handler(item.payload))[0]
    # What the handlers wrote in turn: the lists' item (the evaluation runs again for subjects whose lists
    # changed) and the evaluation's own (public grades changed: their pages).
    for follow in OutboxItem.objects.filter(
        pk__gt=last, topic__in=["subjects.lists_changed", "subjects.grades_changed"]
    ).order_by("pk"):
        for handler in registry.handlers(follow.topic):
            ms = timed(lambda handler=handler, payload=follow.payload: handler(payload))[0]
            name = f"{follow.topic}: {registry.handler_name(handler)}"
            times[name] = times.get(name, 0) + ms
    if not any(evaluation_step(name) for name in times):
        problems.append(f"push {seed}: no evaluation handler ran ({', '.join(times)})")
    return times


def evaluation_step(name: str) -> bool:
    """Whether a step of a push is the evaluation's: its grading, and the page refresh of changed grades."""
    return name.startswith(("evaluation.", "subjects.grades_changed")) or ": evaluation." in name


def pushes(args, problems: list[str]) -> float:
    """The evaluation's share of a push in %, median of ``args.pushes`` pushes."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    runs = [push(args.push, args.seed + n, stamp, problems) for n in range(args.pushes)]
    steps = dict.fromkeys(name for run in runs for name in run)
    medians = {name: Timings(tuple(run.get(name, 0.0) for run in runs)).median for name in steps}
    print(
        f"push of {args.push:,} penalties, median of {args.pushes}, ms: "
        + ", ".join(f"{n} {t:.0f}" for n, t in medians.items())
    )
    added = [sum(t for name, t in run.items() if evaluation_step(name)) for run in runs]
    rest = [sum(t for name, t in run.items() if not evaluation_step(name)) for run in runs]
    shares = [100 * a / r for a, r in zip(added, rest, strict=True)]
    of_ingest = [100 * a / run["records_ingest"] for a, run in zip(added, runs, strict=True)]
    print(
        f"the evaluation adds {statistics.median(shares):.0f}% to the push (ingestion and its other handlers; per "
        f"push {', '.join(f'{x:.0f}%' for x in shares)}), {statistics.median(of_ingest):.0f}% of the ingestion "
        f"alone (per push {', '.join(f'{x:.0f}%' for x in of_ingest)}); {load_average()}"
    )
    return statistics.median(shares)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=100_000, help="seed_demo --subjects")
    parser.add_argument("--records-share", type=float, default=0.3, help="seed_demo --records-share")
    parser.add_argument("--jobs", type=int, default=1, help="processes, as evaluate_all --jobs")
    parser.add_argument("--push", type=int, default=1000, help="penalties per push")
    parser.add_argument("--pushes", type=int, default=5)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--skip-data", action="store_true", help="use the data as it is (no seed_demo)")
    parser.add_argument("--any-database", action="store_true", help="allow a database not named *bench*")
    args = parser.parse_args(argv)
    setup("bench/evaluation.py")
    from django.core.management import call_command
    from django.db import connection

    if "bench" not in connection.settings_dict["NAME"] and not args.any_database:
        sys.exit("bench/evaluation.py empties the evaluation results: use a database named *bench* or --any-database")
    problems: list[str] = []
    with outbox_waiting():
        if not args.skip_data:
            heading(f"Data: seed_demo --subjects {args.subjects:,} --records-share {args.records_share}")
            ms, _ = timed(lambda: call_command(
                "seed_demo", subjects=args.subjects, records_share=args.records_share, no_progress=True
            ))  # fmt: skip
            print(f"seed_demo: {ms / 1000:.0f} s; outbox items delivered: {deliver():,}")
        sql("ANALYZE")
        ids = [pk for (pk,) in sql("SELECT id FROM subjects_creditsubject ORDER BY id")]
        records = sql("SELECT count(*) FROM records_creditrecord")[0][0]
        memberships = sql("SELECT count(*) FROM sanctions_membership WHERE state = 'active'")[0][0]
        print(f"{len(ids):,} subjects, {records:,} records, {memberships:,} active memberships; {load_average()}")

        heading("Full evaluation from scratch")
        sql("TRUNCATE evaluation_evaluationresult, evaluation_evaluationfile")
        run, seconds = full_run("from scratch", args.jobs, len(ids), problems)
        if not run.changed or not sql("SELECT EXISTS (SELECT 1 FROM evaluation_evaluationresult)")[0][0]:
            problems.append("full evaluation from scratch: no results written")
        rate = run.processed / seconds
        figure(f"full evaluation from scratch, jobs {args.jobs}", rate, "subjects/s", at_least=TARGET_RATE)
        print(f"first bar ≥ {FIRST_BAR:,} subjects/s: {'met' if rate >= FIRST_BAR else 'NOT met'}")
        sql("ANALYZE")

        heading("Full evaluation on unchanged data")
        run, seconds = full_run("on unchanged data", args.jobs, len(ids), problems)
        if run.changed:
            problems.append(f"full evaluation on unchanged data: {run.changed:,} results written")
        figure(f"full evaluation on unchanged data, jobs {args.jobs}", run.processed / seconds, "subjects/s")

        heading("Raw SQL reading the same facts")
        read, raw_seconds = raw_reads(ids)
        print(f"{read:,} subjects in {raw_seconds:.1f} s; the evaluation takes {seconds / raw_seconds:.1f}× the reads")
        if read != run.processed:
            problems.append(f"raw SQL read {read:,} subjects, the evaluation {run.processed:,}")
        figure("raw SQL reading the same facts", read / raw_seconds, "subjects/s")

        heading(f"Pushes of {args.push:,} penalties (median of {args.pushes})")
        share = pushes(args, problems)
        figure(f"evaluation share of a push of {args.push:,} records", share, "%", at_most=TARGET_PUSH_SHARE)
        print(f"outbox items of the pushes delivered: {deliver():,}")
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
