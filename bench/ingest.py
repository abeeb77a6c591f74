"""Record ingestion (issue 3): penalty records pushed through the API, in process, and a raw COPY of the same rows.

Each API pass pushes ``--records`` new xzcf items (real subjects, a document number unique to the run and pass)
as ``POST /api/v1/records/`` requests of ``--batch`` items from ``--clients`` threads to gunicorn as it ships
(bodies encoded before the clock starts; every item must come back ``created``). What follows a push's commit
(the outbox: list evaluation, page versions) runs as ``--tasks`` says: ``eager`` in the request (no
``REDIS_URL``), ``worker`` in one Celery worker process on the same cores (production; needs ``REDIS_URL``; a
pass counts until the outbox is empty), or ``defer`` not at all. Then ``records_ingest`` is called in process,
and the records of the first pass are read back and COPYed into a scratch copy of the table (with its indexes).

    DATABASE_URL=… .venv/bin/python bench/ingest.py [--records 100000] [--clients 1 2 4] [--tasks eager|worker|defer]

The records stay (department ``bench-scjg``). Exit status 1 when an item is not created or a request fails.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REPO_ROOT, Connection, Timings, database_url, figure, heading, load_average, serving, setup, sql

DEPARTMENT = "bench-scjg"
TARGET_RATE = 5000  # records/s end to end
TARGET_COPY_SHARE = 0.05  # of raw COPY


def department():
    from audit.services import Actor
    from organisations.models import Department
    from organisations.services import department_create
    from subjects.identifiers import make_uscc

    found = Department.objects.filter(code=DEPARTMENT).first()
    return found or department_create(
        code=DEPARTMENT,
        name="基准测试市场监督管理局",
        uscc=make_uscc(division_code="220000", organization_body="BE000001", registration_authority="1"),
        level="province",
        division_code="220000",
        actor=Actor.system("bench/ingest.py"),
    )


def token(dept) -> str:
    """A token for this run, issued as the credit centre issues it (active at once), expiring tomorrow."""
    from django.db import transaction
    from django.utils import timezone

    from audit.services import Actor
    from organisations.services import api_token_create

    with transaction.atomic():
        _, raw = api_token_create(
            department=dept,
            name="ingest benchmark",
            scopes=["records:write", "records:read"],
            expires_on=timezone.localdate() + datetime.timedelta(days=1),
            actor=Actor.system("bench/ingest.py"),
            by_credit_centre=True,
        )
    return raw


def subjects(count: int) -> list[tuple[str, str, str]]:
    """``count`` (uscc, name, kind) of organisations spread over the table (every k-th), shuffled by id."""
    total = sql("SELECT count(*) FROM subjects_creditsubject WHERE uscc IS NOT NULL AND kind <> 'natural_person'")[0][0]
    step = max(1, total // count)
    rows = sql(
        "SELECT uscc, name, kind FROM (SELECT uscc, name, kind, row_number() OVER (ORDER BY id) AS n "
        "FROM subjects_creditsubject WHERE uscc IS NOT NULL AND kind <> 'natural_person') s "
        "WHERE n %% %s = 0 ORDER BY n LIMIT %s",
        [step, count],
    )
    return [rows[i % len(rows)] for i in range(count)]  # a small table gives a subject more than one record


def items(rows: Sequence[tuple[str, str, str]], tag: str) -> list[dict]:
    from tests.records.helpers import xzcf_item

    category = {"individual_business": "个体工商户"}
    day = datetime.date(2026, 6, 1)
    return [
        xzcf_item(
            n,
            decided_on=day - datetime.timedelta(days=n % 60),
            CF_XDR_MC=name,
            CF_XDR_LB=category.get(kind, "法人及非法人组织"),
            CF_XDR_SHXYM=uscc,
            CF_WSH=f"吉基准罚〔{tag}〕{n}号",
        )
        for n, (uscc, name, kind) in enumerate(rows)
    ]


def push(port: int, raw_token: str, bodies: list[bytes], clients: int) -> tuple[float, list, list[float]]:
    """POST every body from ``clients`` threads; (seconds, [(status, body)], latencies in ms)."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {raw_token}"}
    answers: list = [None] * len(bodies)
    latencies = [0.0] * len(bodies)
    queue = iter(range(len(bodies)))
    lock = threading.Lock()

    def client() -> None:
        connection = Connection(port, timeout=300)
        while True:
            with lock:
                index = next(queue, None)
            if index is None:
                return connection.close()
            start = time.perf_counter()
            status, body, failure, _ = connection.request("POST", "/api/v1/records/", bodies[index], headers)
            latencies[index] = (time.perf_counter() - start) * 1000
            answers[index] = (status, body or failure.encode())

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, answers, latencies


def created_ids(answers: list) -> tuple[list[int], Counter]:
    ids, outcomes = [], Counter()
    for status, body in answers:
        if status != 200:
            outcomes[f"HTTP {status}: {body[:200].decode(errors='replace')}"] += 1
            continue
        for result in json.loads(body)["results"]:
            outcomes[result["status"]] += 1
            if result["status"] == "created":
                ids.append(result["record_id"])
    return ids, outcomes


def outbox_pending() -> int:
    from outbox.selectors import outbox_figures

    return outbox_figures()["pending"]


def api_passes(args, raw_token: str, stamp: str, pool: list) -> tuple[dict[int, float], list[int], bool]:
    """Every pass of ``--clients``; the best records/s per client count, the first pass's record ids, success."""
    env = {"CELERY_TASK_ALWAYS_EAGER": "true" if args.tasks == "eager" else "false"}
    env["CELERY_BROKER_URL"] = os.environ["REDIS_URL"] if args.tasks == "worker" else "memory://localhost/"
    saved = os.environ.pop("REDIS_URL", None) if args.tasks != "worker" else None
    worker = None
    rates: dict[int, float] = {}
    first_ids: list[int] = []
    ok = True
    try:
        with serving(env=env, label="ingest") as port:
            if args.tasks == "worker":
                log = Path(tempfile.gettempdir()) / f"bench-celery-{stamp}.log"
                command = [sys.executable, "-m", "celery", "-A", "credit_portal", "worker", "--concurrency", "1"]
                with log.open("wb") as output:
                    worker = subprocess.Popen(
                        [*command, "--without-gossip", "--without-mingle", "--without-heartbeat"],
                        cwd=REPO_ROOT,
                        env={**os.environ, **env, "DATABASE_URL": database_url()},
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                print(f"Celery worker (1 process), log {log}")
            warm = items(pool[: min(800, args.records)], f"{stamp}-warm")
            push(port, raw_token, [json.dumps(warm[i : i + 100]).encode() for i in range(0, len(warm), 100)], 2)
            baseline = outbox_pending()  # items a deferred run left behind: no worker will deliver them here
            for number, clients in enumerate(args.clients):
                rows = pool[number * args.records : (number + 1) * args.records]
                batch = items(rows, f"{stamp}-{number}")
                bodies = [json.dumps(batch[i : i + args.batch]).encode() for i in range(0, len(batch), args.batch)]
                while worker and outbox_pending() > baseline:
                    time.sleep(0.1)
                seconds, answers, latencies = push(port, raw_token, bodies, clients)
                drained = time.perf_counter()
                while worker and outbox_pending() > baseline:
                    time.sleep(0.05)
                seconds += time.perf_counter() - drained if worker else 0
                ids, outcomes = created_ids(answers)
                ok &= outcomes == Counter(created=args.records)
                first_ids = first_ids or ids
                rate = args.records / seconds
                rates[clients] = max(rates.get(clients, 0), rate)
                print(
                    f"{clients} client(s): {args.records:,} records in {seconds:.1f} s = {rate:,.0f} records/s"
                    f"{' pushed and evaluated' if worker else ''}; request {Timings(tuple(latencies)).summary()}; "
                    f"{dict(outcomes)}; {load_average()}"
                )
    finally:
        if worker:
            worker.terminate()
            worker.wait(timeout=60)
        if saved:
            os.environ["REDIS_URL"] = saved
    return rates, first_ids, ok


def in_process(dept, stamp: str, rows: list, batch: int) -> float:
    """``records_ingest`` called directly, in calls of ``batch`` items; records/s."""
    from audit.services import Actor
    from records.services import RecordInput, records_ingest

    actor = Actor.system("bench/ingest.py")
    pushed = items(rows, f"{stamp}-inproc")
    seconds = 0.0
    for start in range(0, len(pushed), batch):
        inputs = [RecordInput(**item) for item in pushed[start : start + batch]]
        begin = time.perf_counter()
        records_ingest(department=dept, items=inputs, channel="api", actor=actor)
        seconds += time.perf_counter() - begin
    return len(pushed) / seconds


def raw_copy(ids: list[int], repeats: int) -> float:
    """The records read back as COPY text and COPYed into a scratch copy of the table with its indexes and
    constraints; best rows/s of ``repeats``."""
    from django.db import connection, transaction

    columns = ", ".join(name for (name,) in sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'records_creditrecord' "
        "AND column_name <> 'id' ORDER BY ordinal_position"
    ))  # fmt: skip
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        selected = cursor.mogrify(f"SELECT {columns} FROM records_creditrecord WHERE id = ANY(%s)", [ids]).decode()
        cursor.copy_expert(f"COPY ({selected}) TO STDOUT", buffer)
    times = []
    try:
        for _ in range(repeats):
            sql("DROP TABLE IF EXISTS bench_copy")
            sql("CREATE TABLE bench_copy (LIKE records_creditrecord INCLUDING ALL)")
            buffer.seek(0)
            with transaction.atomic(), connection.cursor() as cursor:
                start = time.perf_counter()
                cursor.copy_expert(f"COPY bench_copy ({columns}) FROM STDIN", buffer)
            times.append(time.perf_counter() - start)
    finally:
        sql("DROP TABLE IF EXISTS bench_copy")
    print(f"raw COPY of {len(ids):,} rows: best {min(times):.2f} s, median {statistics.median(times):.2f} s")
    return len(ids) / min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="records per API pass")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--batch", type=int, default=1000, help="items per request and per call")
    parser.add_argument("--inprocess", type=int, default=20_000, help="records pushed in process")
    parser.add_argument("--tasks", choices=("eager", "worker", "defer"), default="eager")
    parser.add_argument("--copy-repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.tasks == "worker" and not os.environ.get("REDIS_URL"):
        sys.exit("--tasks worker needs REDIS_URL")
    # This process's own pushes (in process) follow the same setting; deferred, their tasks are dropped.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true" if args.tasks == "eager" else "false"
    if args.tasks != "eager":
        os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    setup("bench/ingest.py")
    dept = department()
    sql("ANALYZE records_creditrecord, records_recordversion")  # autovacuum may lag behind a bulk load
    stamp = time.strftime("%Y%m%d%H%M%S")
    pool = subjects(args.records * len(args.clients) + args.inprocess)
    heading(f"API: {args.records:,} records per pass, requests of {args.batch}, tasks {args.tasks}")
    rates, first_ids, ok = api_passes(args, token(dept), stamp, pool)
    heading(f"In process: records_ingest, {args.inprocess:,} records")
    inprocess = in_process(dept, stamp, pool[-args.inprocess :], args.batch)
    heading("Raw COPY of the first pass's records")
    copy_rate = raw_copy(first_ids, args.copy_repeats)
    heading("Figures")
    for clients, rate in rates.items():
        figure(f"ingest API, {clients} client(s), tasks {args.tasks}", rate, "records/s", at_least=TARGET_RATE)
        figure(f"ingest API/COPY, {clients} client(s)", 100 * rate / copy_rate, "%", at_least=100 * TARGET_COPY_SHARE)
    figure("ingest records_ingest in process", inprocess, "records/s")
    figure("raw COPY into a copy of the records table", copy_rate, "rows/s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
