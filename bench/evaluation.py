"""Graded evaluation benchmark (issue 15): a full evaluation in subjects per second beside the raw SQL reading
the same facts, and what the evaluation adds to a push of 1,000 records.

Standalone: it uses only the project's public functions and builds its data with ``seed_demo``.

1. data: ``seed_demo --subjects N --records-share S`` (skipped with ``--skip-data``), then the outbox items the
   seeding left are delivered (lists, grades, pages), and the tables analysed;
2. **full evaluation from scratch**: the current grades and results emptied (``TRUNCATE``: only on a database
   whose name contains ``bench``, or with ``--any-database``), then one run over every subject, as
   ``manage.py evaluate_all --jobs J`` (``evaluation_run_request`` + ``evaluation_run``): subjects/s;
3. **the same on unchanged data** (the nightly case: everything read and evaluated, nothing written);
4. **raw SQL** through a plain cursor, for the same chunks of 2,000 subjects: the four statements that read
   the same facts (subjects locked, their active records of the types the models read with the fields
   their conditions read, their list memberships in force, their current results): subjects/s and the ratio;
5. **a push of 1,000 penalties** for 1,000 graded companies (``records_ingest``, as the API does), then the
   handlers of its ``records.changed`` outbox item timed one by one, and those of the items they wrote
   (``subjects.lists_changed``: the evaluation runs again for subjects whose lists changed;
   ``subjects.grades_changed``: their pages): the evaluation's share, median of ``--pushes`` pushes.

Run (PostgreSQL)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench .venv/bin/python bench/evaluation.py \\
        --subjects 100000 --records-share 0.3 [--jobs 2] [--skip-data] [--any-database]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET, FIRST_BAR, PUSH_SHARE = 10_000, 3_300, 0.20


def setup() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_portal.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    # Outbox items wait for this script (it delivers them, or times their handlers one by one).
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.setdefault("CELERY_BROKER_URL", "memory://localhost/")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/evaluation.py needs PostgreSQL: set DATABASE_URL")


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def deliver_pending() -> int:
    from outbox.models import OutboxItem
    from outbox.services import outbox_deliver

    done = 0
    while pending := list(OutboxItem.objects.filter(state="pending").order_by("pk").values_list("pk", flat=True)[:500]):
        for pk in pending:
            done += outbox_deliver(pk)
        if not done:
            break
    return done


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def full_run(jobs: int) -> tuple[int, int, float]:
    from django.db import transaction

    from audit.services import Actor
    from evaluation.runs import evaluation_run, evaluation_run_request

    with transaction.atomic():
        run = evaluation_run_request(actor=Actor.system("基准测试"), kind="manual", background=False)
    started = time.perf_counter()
    run = evaluation_run(run.pk, jobs=jobs)
    return run.processed, run.changed, time.perf_counter() - started


def raw_reads(chunk: int = 2000) -> tuple[int, float]:
    """The facts of every subject read by hand, chunk by chunk, each chunk in a transaction (rolled back)."""
    from django.db import connection, transaction

    from evaluation.selectors import model_set

    models = model_set()
    fields = ", ".join("data ->> %s" for _ in models.fields)
    ids = [row[0] for row in _rows("SELECT id FROM subjects_creditsubject ORDER BY id")]
    types = sorted(models.record_types)
    started = time.perf_counter()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, kind, registration_status, established_on FROM subjects_creditsubject "
                "WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                [part],
            )
            cursor.fetchall()
            cursor.execute(
                f"SELECT subject_id, id, record_type_id, severity, decided_on, disclosure_end, {fields} "
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
                "SELECT DISTINCT ON (subject_id, model_id) subject_id, model_id, grade, score, digest, grade_since "
                "FROM evaluation_evaluationresult WHERE subject_id = ANY(%s) ORDER BY subject_id, model_id, id DESC",
                [part],
            )
            cursor.fetchall()
            transaction.set_rollback(True)
    return len(ids), time.perf_counter() - started


def _rows(sql: str, params=None) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def penalty(subject, department, n: int, today: datetime.date) -> dict:
    return {
        "CF_XDR_MC": subject.name,
        "CF_XDR_LB": "个体工商户" if subject.kind == "individual_business" else "法人及非法人组织",
        "CF_XDR_SHXYM": subject.uscc,
        "CF_WSH": f"吉市监罚〔基准〕{n}号",
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


def push(count: int, seed: int) -> dict[str, float]:
    """Ingest ``count`` penalties for graded companies; then time each handler of the outbox item it wrote."""
    from django.db import transaction
    from django.utils import timezone

    from audit.services import Actor
    from organisations.models import Department
    from outbox import registry
    from outbox.models import OutboxItem
    from records.services import RecordInput, records_ingest
    from subjects.models import CreditSubject

    department = Department.objects.get(code="jl-scjg")
    ids = list(CreditSubject.objects.exclude(uscc=None).values_list("pk", flat=True))
    chosen = CreditSubject.objects.in_bulk(random.Random(seed).sample(ids, count))
    today, stamp = timezone.localdate(), int(time.time())
    items = [
        RecordInput(record_type="xzcf", data=penalty(s, department, stamp * 10_000 + n, today))
        for n, s in enumerate(chosen.values())
    ]
    before = OutboxItem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    with transaction.atomic():
        results = records_ingest(department=department, items=items, channel="api", actor=Actor.system("基准测试"))
    times = {"records_ingest": time.perf_counter() - started}
    assert sum(r.status == "created" for r in results) == count, [r.errors for r in results if r.errors][:3]
    item = OutboxItem.objects.get(pk__gt=before, topic="records.changed")
    last = OutboxItem.objects.order_by("-pk").values_list("pk", flat=True).first()
    for handler in registry.handlers(item.topic):
        started = time.perf_counter()
        handler(item.payload)
        times[registry.handler_name(handler)] = time.perf_counter() - started
    # What the handlers wrote in turn: the lists' item (the evaluation runs again for subjects whose lists changed)
    # and the evaluation's own (public grades changed: their pages). Both are the evaluation's share but the
    # lists' page refresh.
    for follow in OutboxItem.objects.filter(
        pk__gt=last, topic__in=["subjects.lists_changed", "subjects.grades_changed"]
    ):
        for handler in registry.handlers(follow.topic):
            started = time.perf_counter()
            handler(follow.payload)
            name = f"{follow.topic}: {registry.handler_name(handler)}"
            times[name] = times.get(name, 0) + time.perf_counter() - started
    return times


def _evaluation_share(name: str) -> bool:
    return name.startswith(("evaluation.", "subjects.grades_changed")) or ": evaluation." in name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--records-share", type=float, default=0.3)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--push", type=int, default=1000)
    parser.add_argument("--pushes", type=int, default=5)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--skip-data", action="store_true")
    parser.add_argument("--any-database", action="store_true")
    args = parser.parse_args()
    setup()
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name and not args.any_database:
        sys.exit(f"database {name!r}: the results tables are emptied; use a bench database or --any-database")
    if not args.skip_data:
        started = time.perf_counter()
        call_command("seed_demo", subjects=args.subjects, records_share=args.records_share, no_progress=True)
        print(f"seed_demo: {time.perf_counter() - started:.0f} s; outbox items delivered: {deliver_pending()}")
    analyze()
    subjects = _rows("SELECT count(*) FROM subjects_creditsubject")[0][0]
    records = _rows("SELECT count(*) FROM records_creditrecord")[0][0]
    memberships = _rows("SELECT count(*) FROM sanctions_membership WHERE state = 'active'")[0][0]
    print(f"data: {subjects:,} subjects, {records:,} records, {memberships:,} active memberships; {load()}")

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE evaluation_evaluationresult, evaluation_evaluationfile")
    evaluated, written, seconds = full_run(args.jobs)
    print(
        f"full run from scratch (jobs={args.jobs}): {evaluated:,} subjects, {written:,} results written, "
        f"{seconds:.1f} s = {evaluated / seconds:,.0f} subjects/s; {load()}"
    )
    analyze()
    evaluated, written, seconds = full_run(args.jobs)
    steady = evaluated / seconds
    print(
        f"full run on unchanged data (jobs={args.jobs}): {written:,} results written, {seconds:.1f} s = "
        f"{steady:,.0f} subjects/s; {load()}"
    )
    count, raw_seconds = raw_reads()
    print(
        f"raw SQL reading the same facts: {raw_seconds:.1f} s = {count / raw_seconds:,.0f} subjects/s; "
        f"evaluation / raw reads = {seconds / raw_seconds:.1f}x; {load()}"
    )
    runs = [push(args.push, args.seed + n) for n in range(args.pushes)]
    names = dict.fromkeys(name for run in runs for name in run)
    times = {name: statistics.median(run.get(name, 0) for run in runs) for name in names}
    print(
        f"push of {args.push} penalties, median of {args.pushes}: "
        + ", ".join(f"{name} {t * 1000:.0f} ms" for name, t in times.items())
    )
    added = [sum(t for name, t in run.items() if _evaluation_share(name)) for run in runs]
    shares = sorted(
        a / sum(t for n, t in run.items() if not _evaluation_share(n)) for a, run in zip(added, runs, strict=True)
    )
    of_ingest = sorted(a / run["records_ingest"] for a, run in zip(added, runs, strict=True))
    share = statistics.median(shares)
    print(
        f"evaluation adds {share:.0%} to the push (ingestion and its other handlers; per push "
        f"{', '.join(f'{x:.0%}' for x in shares)}), {statistics.median(of_ingest):.0%} of the ingestion alone "
        f"(per push {', '.join(f'{x:.0%}' for x in of_ingest)}); {load()}"
    )
    print(
        f"targets: full run >= {TARGET:,}/s (first bar {FIRST_BAR:,}/s): "
        f"{'PASS' if steady >= TARGET else 'first bar' if steady >= FIRST_BAR else 'FAIL'}; "
        f"push share <= {PUSH_SHARE:.0%}: {'PASS' if share <= PUSH_SHARE else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
