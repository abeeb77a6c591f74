"""Record ingestion benchmark (issue 3): penalty records (xzcf) pushed through the API, against raw COPY.

What it measures, in order, in one run:

1. setup, idempotent: a bench department (code ``bench-scjg``, created with ``department_create``) and a
   fresh API token (``api_token_create``, revoked at the end of the run); for each pass, N existing
   subjects with a USCC spread over the table (its own slice: ids congruent to one remainder modulo
   k), and for each an xzcf item in the national format (``tests.records.helpers.xzcf_item`` with the
   subject's real name, USCC and category). Every run and every pass gets its own document numbers
   (``CF_WSH``), so every item creates a new record;
2. the API end to end: the script starts gunicorn itself (``credit_portal.wsgi``, ``--workers`` sync
   workers, ``DJANGO_DEBUG=false``, no ``REDIS_URL``, so Celery tasks enqueued after a push run inside the
   request unless ``--defer-tasks``), waits until it answers, and for each client count in
   ``--clients`` pushes the N items as ``POST /api/v1/records/`` requests of ``--batch`` items from that
   many client threads (``http.client``, keep-alive when the server allows it). Request bodies are encoded
   before the clock starts and responses parsed after it stops, so the clients take as little CPU as
   possible from the server on these shared cores. It checks that every item came back ``created``
   and reports records/s (N / wall time) and the request latencies. gunicorn is stopped at the end,
   also on error. With ``--celery-worker`` (needs ``REDIS_URL``) gunicorn enqueues the subjects'
   evaluations in Redis and one Celery worker process runs them, as in production; each pass then also
   reports how long after the last answer the last evaluation was done, and records/s pushed and
   evaluated (N / (wall time + that));
3. in-process, no HTTP: ``records_ingest`` called directly with ``--inprocess`` items in calls of
   ``--batch`` (what the view calls, without JSON, DRF, WSGI and the network; the objects of the script
   itself are frozen out of the garbage collector first), a few calls with the garbage collector on and off,
   and items through the view with Django's test ``Client`` (``--view-requests`` requests: adds DRF
   parsing, authentication and rendering, still no server). Then one call with every SQL statement, the
   two bulk inserts, the COMMIT and the ``records_changed`` receivers (run after the COMMIT) timed; one
   call under cProfile, summarised by stage (validation, subject resolution, record lookup, inserts,
   statistics, audit, COMMIT, receivers); and the cost of JSON for one request (``json.loads`` of the
   body, rendering of the answer);
4. raw COPY of the same rows: the records the first pass created are read back and written with
   psycopg2 ``copy_expert`` from an in-memory text buffer into a scratch table created
   ``(LIKE records_creditrecord INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING
   INDEXES)``; best and median of ``--copy-repeats`` (the buffer's formatting in Python is timed apart).
   For context: COPY into a table without indexes, ``execute_values`` (pages of 1,000), COPY of the records
   together with their versions (the API also writes one ``RecordVersion`` per record), and COPY into
   ``records_creditrecord`` itself with its foreign keys checked, rolled back. The scratch tables are
   dropped;
5. a summary: API records/s per client count, in-process records/s, COPY rows/s, the ratio API/COPY and
   the targets of issue 3 (API at >= 5% of raw COPY; >= 5,000 records/s end to end).

The created records stay in the database (a scratch database): a default run adds 3 x N records and as
many versions, plus the in-process ones. Autovacuum is off on the bench server, so the run first ANALYZEs
the record tables (``--no-analyze`` skips it). The load average and a CPU probe (the time to parse a fixed
JSON body) are printed at the start and end of each stage: the machine is shared, and the probe shows when
something else took the cores. A client count may be given more than once (``--clients 1 2 4 4 2 1``);
the passes then run in that order, and the summary also gives each count's passes together.

Run it (PostgreSQL only; the database is seeded with ``seed_demo --subjects 1000000`` and migrated)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench .venv/bin/python bench/ingest.py \\
        [--records 100000] [--clients 1 2 4] [--workers 2] [--batch 1000] [--inprocess 20000] [--defer-tasks] \\
        [--celery-worker]

A default run takes 6–10 minutes on the bench machine.

Exit status 1 when an item is not created or a request fails; the targets do not change the exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime
import gc
import http.client
import io
import json
import os
import pstats
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "credit_portal.settings.base"
PUSH_PATH = "/api/v1/records/"
DEPARTMENT_CODE = "bench-scjg"
DEPARTMENT_NAME = "基准测试市场监督管理局"
TOKEN_NAME = "ingest benchmark"
RECORD_TABLE = "records_creditrecord"
VERSION_TABLE = "records_recordversion"
SCRATCH_RECORDS = "bench_copy_creditrecord"
SCRATCH_VERSIONS = "bench_copy_recordversion"
SCRATCH_BARE = "bench_copy_bare"
CATEGORY_BY_KIND = {"legal_entity": "法人及非法人组织", "individual_business": "个体工商户"}
COPY_TARGET_SHARE = 0.05
RATE_TARGET = 5000


def setup_django() -> None:
    """Make the project importable, configure Django (DEBUG off, as on the server), refuse anything but PostgreSQL."""
    sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    # DEBUG would keep every SQL statement in memory; the server runs without it, and so does this process.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            f"bench/ingest.py needs PostgreSQL (raw COPY is the reference, and the project's bulk inserts use COPY); "
            f"the configured database is {connection.vendor}. Set DATABASE_URL, e.g. "
            f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench"
        )


# --- output --------------------------------------------------------------------------------------------


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 100 - len(title)), flush=True)


def load_average() -> str:
    """The load average, and a CPU probe: how long parsing a fixed 1.8 MB JSON body takes (best of 5).

    On an idle core the probe takes about 3.5 ms; when other processes compete for the cores it grows, and
    so does everything else measured at that moment.
    """
    one, five, fifteen = os.getloadavg()
    probe = min(timed_seconds(lambda: json.loads(_PROBE_BODY)) for _ in range(5)) * 1000
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} CPUs; CPU probe {probe:.1f} ms"


_PROBE_BODY = json.dumps(
    [
        {
            "record_type": "xzcf",
            "data": {f"CF_FIELD_{field}": f"行政处罚决定书内容{n}-{field}" * 3 for field in range(15)},
        }
        for n in range(1000)
    ],
    ensure_ascii=False,
)


def say(text: str) -> None:
    print(f"  {text}", flush=True)


def ms_summary(values: Sequence[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
    return f"median {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms"


# --- setup ---------------------------------------------------------------------------------------------


def bench_actor():
    from audit.services import Actor

    return Actor.system("bench/ingest.py")


def bench_department():
    """The bench department, created on the first run (code ``bench-scjg``, province level, division 220000)."""
    from organisations.choices import DepartmentLevel
    from organisations.models import Department
    from organisations.services import department_create
    from subjects.identifiers import make_uscc

    department = Department.objects.filter(code=DEPARTMENT_CODE).first()
    if department is None:
        uscc = make_uscc(division_code="220000", organization_body="BE000001", registration_authority="1")
        department = department_create(
            code=DEPARTMENT_CODE,
            name=DEPARTMENT_NAME,
            uscc=uscc,
            level=DepartmentLevel.PROVINCE,
            division_code="220000",
            actor=bench_actor(),
        )
        say(f"created department {department.code} ({department.name}, USCC {department.uscc})")
    else:
        say(f"department {department.code} exists (id {department.pk})")
    return department


def bench_token(department):
    """A new token for this run (the raw value is shown only once); earlier runs' tokens were revoked."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from organisations.choices import TokenScope
    from organisations.services import api_token_create

    # The operator runs the benchmark, so the token is issued as the credit centre issues it (active at once).
    with transaction.atomic():
        token, raw = api_token_create(
            department=department,
            name=TOKEN_NAME,
            scopes=[TokenScope.RECORDS_WRITE, TokenScope.RECORDS_READ],
            expires_on=timezone.localdate() + datetime.timedelta(days=1),
            actor=bench_actor(),
            by_credit_centre=True,
        )
    say(f"API token {token.prefix}… issued for this run (id {token.pk})")
    return token, raw


def revoke_token(token) -> None:
    from organisations.services import api_token_revoke

    api_token_revoke(token=token, actor=bench_actor(), reason="bench/ingest.py finished")


class SubjectPool:
    """Existing subjects with a USCC, in disjoint slices spread over the table: slice k holds the subjects whose
    id is congruent to (base + k) modulo ``step``. Each pass takes its own slice, so that a run gives a subject
    at most one record per pass, as real pushes spread over many subjects (and the subjects' evaluation after
    a push sees ordinary histories)."""

    def __init__(self, size: int, rng: random.Random):
        from subjects.models import CreditSubject

        self.size = size
        self.total = CreditSubject.objects.filter(uscc__isnull=False, kind__in=list(CATEGORY_BY_KIND)).count()
        self.step = self.total // size
        if self.step < 1:
            sys.exit(f"only {self.total:,} subjects with a USCC; seed more or ask for fewer --records")
        self.base = rng.randrange(self.step)

    def slice(self, number: int) -> list[tuple[str, str, str]]:
        """``size`` (uscc, name, kind) of slice ``number``, in id order."""
        from django.db.models import F

        from subjects.models import CreditSubject

        remainder = (self.base + number) % self.step
        rows = list(
            CreditSubject.objects.filter(uscc__isnull=False, kind__in=list(CATEGORY_BY_KIND))
            .alias(slot=F("pk") % self.step)
            .filter(slot=remainder)
            .order_by("pk")
            .values_list("uscc", "name", "kind")[: self.size]
        )
        if len(rows) < self.size:
            sys.exit(f"only {len(rows):,} subjects in slice {remainder} (mod {self.step}); ask for fewer --records")
        kinds = dict(Counter(kind for _, _, kind in rows))
        say(
            f"subjects: {len(rows):,} of {self.total:,} with a USCC, ids = {remainder} (mod {self.step}); kinds {kinds}"
        )
        return rows


def build_items(subjects: Sequence[tuple[str, str, str]], tag: str, start: int = 0) -> list[dict]:
    """One valid xzcf item per subject, numbered from ``start``.

    The document number carries ``tag`` and the number, so each pass creates new records.
    """
    from tests.records.helpers import xzcf_item

    base = datetime.date(2026, 6, 1)
    return [
        xzcf_item(
            n,
            decided_on=base - datetime.timedelta(days=n % 60),
            CF_XDR_MC=name,
            CF_XDR_LB=CATEGORY_BY_KIND[kind],
            CF_XDR_SHXYM=uscc,
            CF_WSH=f"吉基准罚〔{tag}〕{n}号",
        )
        for n, (uscc, name, kind) in enumerate(subjects, start)
    ]


def pass_tag(stamp: str, number: int, clients: int) -> str:
    """The document-number tag of one API pass (a client count may be given more than once)."""
    return f"{stamp}-p{number}c{clients}"


def taker(rows: Sequence):
    """``take(n)``: the next ``n`` rows, going round when the rows run out."""
    position = 0

    def take(count: int) -> list:
        nonlocal position
        chosen = [rows[(position + offset) % len(rows)] for offset in range(count)]
        position += count
        return chosen

    return take


def batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- the HTTP server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the project on 127.0.0.1:<free port>, as a subprocess of this script."""

    def __init__(self, *, workers: int, worker_class: str, threads: int, log_path: Path, redis: bool = False):
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.redis = redis  # keep REDIS_URL: tasks go to Redis for a Celery worker, as in production
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        # ``python -m gunicorn`` with this script's interpreter: the virtualenv's gunicorn, as .venv/bin/gunicorn.
        command = [sys.executable, "-m", "gunicorn", "credit_portal.wsgi", "-b", f"127.0.0.1:{self.port}"]
        command += ["-w", str(self.workers)]
        command += ["--timeout", "120", "-k", self.worker_class]
        if self.threads > 1:
            command += ["--threads", str(self.threads)]
        return command

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"):  # this script's own, see main()
            env.pop(name, None)
        if not self.redis:
            env.pop("REDIS_URL", None)
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            DJANGO_DEBUG="false",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=os.environ["DATABASE_URL"],
        )
        return env

    def start(self, timeout: float = 60) -> None:
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.command(), cwd=REPO_ROOT, env=self.environment(), stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/v1/catalog/xzcf/")
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status == 200:
                    say(f"gunicorn answers on 127.0.0.1:{self.port}: {' '.join(self.command()[2:])}")
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        say(f"gunicorn stopped (exit {self.process.returncode}); its log: {self.log_path}")
        self.process = None


class Worker:
    """A Celery worker (one process) evaluating what the pushes enqueue, as a subprocess of this script."""

    QUEUE = "celery"

    def __init__(self, *, log_path: Path, environment: dict[str, str]):
        import redis

        self.log_path, self.environment = log_path, environment
        self.redis = redis.Redis.from_url(os.environ["REDIS_URL"])
        self.process: subprocess.Popen | None = None

    def pending(self) -> int:
        """Tasks waiting in the queue or taken by the worker and not yet acknowledged (acks_late)."""
        return self.redis.llen(self.QUEUE) + self.redis.hlen("unacked")

    def start(self) -> None:
        """Start the worker; the warm-up's ``drain`` waits until it consumes."""
        self.redis.delete(self.QUEUE, "unacked", "unacked_index")
        self.log = self.log_path.open("w")
        command = [sys.executable, "-m", "celery", "-A", "credit_portal", "worker", "--concurrency", "1"]
        command += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=self.environment, stdout=self.log, stderr=subprocess.STDOUT
        )
        say(f"Celery worker started (1 process): {' '.join(command[2:])}")

    def drain(self, timeout: float = 600) -> float:
        """Seconds until nothing is pending."""
        start = time.perf_counter()
        while self.pending():
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {self.process.returncode}; see {self.log_path}")
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"{self.pending()} tasks still pending after {timeout:.0f} s")
            time.sleep(0.05)
        return time.perf_counter() - start

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        failures = self.log_path.read_text(errors="replace").count(" raised unexpected")
        say(f"Celery worker stopped (exit {self.process.returncode}); failed tasks logged: {failures}; {self.log_path}")
        self.process = None


# --- pushing through the API ---------------------------------------------------------------------------


@dataclass
class PushRun:
    clients: int
    records: int
    seconds: float
    latencies_ms: list[float]
    statuses: Counter
    http_errors: Counter
    connections: int
    first_ids: list[int]
    drain_seconds: float | None = None  # with a Celery worker: until the evaluations enqueued were done

    @property
    def rate(self) -> float:
        return self.records / self.seconds

    @property
    def evaluated_rate(self) -> float | None:
        return None if self.drain_seconds is None else self.records / (self.seconds + self.drain_seconds)


def push(port: int, token: str, bodies: Sequence[bytes], clients: int) -> tuple[float, list, list[float], int]:
    """POST every body from ``clients`` threads; (wall seconds, [(status, answer bytes)], latencies, connects)."""
    answers: list = [None] * len(bodies)
    latencies: list[float] = [0.0] * len(bodies)
    connects = [0] * clients
    headers = {"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {token}"}
    next_index = iter(range(len(bodies)))
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        try:
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                if connection.sock is None:
                    connects[number] += 1
                start = time.perf_counter()
                try:
                    connection.request("POST", PUSH_PATH, body=bodies[index], headers=headers)
                    response = connection.getresponse()
                    answers[index] = (response.status, response.read())
                except (OSError, http.client.HTTPException) as error:
                    answers[index] = (0, repr(error).encode())
                    connection.close()
                latencies[index] = (time.perf_counter() - start) * 1000
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, answers, latencies, sum(connects)


def check_answers(answers: Sequence, expected: int) -> tuple[Counter, Counter, list[int], list[str]]:
    """Count item outcomes and HTTP failures; the ids of created records; a few sample errors."""
    statuses: Counter = Counter()
    http_errors: Counter = Counter()
    ids: list[int] = []
    samples: list[str] = []
    for status, body in answers:
        if status != 200:
            http_errors[status] += 1
            if len(samples) < 3:
                samples.append(f"HTTP {status}: {body[:300].decode(errors='replace')}")
            continue
        for result in json.loads(body)["results"]:
            statuses[result["status"]] += 1
            if result["status"] == "created":
                ids.append(result["record_id"])
            elif len(samples) < 3:
                samples.append(json.dumps(result, ensure_ascii=False)[:300])
    if not http_errors and sum(statuses.values()) != expected:
        samples.append(f"{sum(statuses.values())} results for {expected} items")
    return statuses, http_errors, ids, samples


def run_api(args, pool: SubjectPool, token_raw: str, stamp: str, log_path: Path) -> tuple[list[PushRun], bool]:
    heading(f"API end to end: {args.records:,} records, requests of {args.batch}, clients {args.clients}")
    say(f"load average at start: {load_average()}")
    server = Server(
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        log_path=log_path,
        redis=args.celery_worker,
    )
    worker = None
    if args.celery_worker:
        worker = Worker(log_path=log_path.with_suffix(".celery.log"), environment=server.environment())
    runs: list[PushRun] = []
    ok = True
    try:
        server.start()
        if worker:
            worker.start()
        subjects = pool.slice(0)
        warm_items = build_items(subjects[: 4 * args.workers * 100], f"{stamp}-warm")
        warm = [json.dumps(batch, ensure_ascii=False).encode() for batch in batches(warm_items, 100)]
        seconds, answers, _, _ = push(server.port, token_raw, warm, args.workers)
        statuses, errors, _, samples = check_answers(answers, len(warm_items))
        if worker:
            worker.drain()
        say(f"warm-up: {len(warm)} requests of 100 items in {seconds:.1f} s: {dict(statuses)} {dict(errors)}")
        for sample in samples:
            say(f"  e.g. {sample}")
        for number, clients in enumerate(args.clients):
            subjects = subjects if number == 0 else pool.slice(number)
            items = build_items(subjects[: args.records], pass_tag(stamp, number, clients))
            bodies = [json.dumps(batch, ensure_ascii=False).encode() for batch in batches(items, args.batch)]
            del items
            megabytes = sum(len(body) for body in bodies) / 1e6
            before = load_average()
            seconds, answers, latencies, connects = push(server.port, token_raw, bodies, clients)
            after = load_average()
            statuses, errors, ids, samples = check_answers(answers, args.records)
            run = PushRun(clients, args.records, seconds, latencies, statuses, errors, connects, ids)
            if worker:
                pending = worker.pending()
                run.drain_seconds = worker.drain()
            runs.append(run)
            passed = statuses.get("created", 0) == args.records and not errors
            ok &= passed
            print()
            say(
                f"{clients} client(s): {args.records:,} records in {seconds:.1f} s = {run.rate:,.0f} records/s "
                f"({len(bodies)} requests, {megabytes:.0f} MB of JSON, {connects} TCP connection(s))"
            )
            say(f"  request latency: {ms_summary(latencies)}")
            if worker:
                say(
                    f"  evaluations: {pending} tasks pending when the last answer came, done {run.drain_seconds:.1f} s "
                    f"later: {run.evaluated_rate:,.0f} records/s pushed and evaluated"
                )
            say(f"  {'PASS' if passed else 'FAIL'}: outcomes {dict(statuses)}, HTTP errors {dict(errors) or 'none'}")
            for sample in samples:
                say(f"  e.g. {sample}")
            say(f"  load average before {before}; after {after}")
    finally:
        server.stop()
        if worker:
            worker.stop()
    return runs, ok


# --- in process ----------------------------------------------------------------------------------------


def record_inputs(items: Sequence[dict]):
    from records.services import RecordInput

    return [RecordInput(record_type=item["record_type"], data=item["data"]) for item in items]


def token_actor(token):
    from audit.choices import ActorType
    from audit.services import Actor

    return Actor(type=ActorType.TOKEN, id=str(token.pk), label=f"{token.department.code}/{token.name}")


def ingest_call(department, token, items: Sequence[dict]) -> list:
    from records.choices import Channel
    from records.services import records_ingest

    return records_ingest(
        department=department, items=record_inputs(items), channel=Channel.API, actor=token_actor(token), token=token
    )


# (label, file of the function, function, files of the callers counted: None = every caller). The time of a
# stage is the cumulative time of the calls from those callers.
RECORDS_CODE = ("records/services.py", "core/bulk.py")
STAGES = (
    ("validation (_check_item)", "records/services.py", "_check_item", RECORDS_CODE),
    ("subject resolution (subjects_resolve_many)", "subjects/services.py", "subjects_resolve_many", RECORDS_CODE),
    ("existing-record lookup (records_by_source_id)", "records/selectors.py", "records_by_source_id", RECORDS_CODE),
    ("data hash", "records/services.py", "_data_hash", RECORDS_CODE),
    ("disclosure window", "records/services.py", "_window", RECORDS_CODE),
    ("inserts: records + versions (bulk.insert)", "core/bulk.py", "insert", RECORDS_CODE),
    ("bulk_update of changed records", "django/db/models/query.py", "bulk_update", RECORDS_CODE),
    ("audit event", "audit/services.py", "audit_event_record", RECORDS_CODE),
    ("ingest statistics (_record_stats)", "records/services.py", "_record_stats", RECORDS_CODE),
    ("department lock (select_for_update)", "django/db/models/query.py", "get", RECORDS_CODE),
    (
        "COMMIT (deferred foreign-key checks)",
        "~",
        "<method 'commit' of 'psycopg2.extensions.connection' objects>",
        None,
    ),
    ("after commit: records_changed receivers", "django/dispatch/dispatcher.py", "send", ("records/services.py",)),
)


def profile_call(department, token, items: Sequence[dict]) -> None:
    """One call under cProfile: the share of each stage, and the functions that cost most on their own."""
    profiler = cProfile.Profile()
    profiler.enable()
    start = time.perf_counter()
    results = ingest_call(department, token, items)
    elapsed = time.perf_counter() - start
    profiler.disable()
    stats = pstats.Stats(profiler)
    created = sum(1 for result in results if result.status == "created")
    say(f"profiled call: {len(items)} items, {created} created, {elapsed * 1000:.0f} ms under cProfile")
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, name), (_, _, _, ct, _) in entries.items() if name == "records_ingest")
    for label, path, function, caller_files in STAGES:
        cumulative = sum(
            (ct if caller_files is None else sum(edge[3] for c, edge in callers.items() if c[0].endswith(caller_files)))
            for (filename, _, name), (_, _, _, ct, callers) in entries.items()
            if name == function and filename.endswith(path)
        )
        say(f"  {label:<46} {cumulative * 1000:7.1f} ms  {cumulative / total:5.1%}")
    say(f"  {'records_ingest, total':<46} {total * 1000:7.1f} ms  100.0%")
    say("  functions with the most own time (tottime), top 12:")
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(12)
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    start_at = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
    for line in lines[start_at : start_at + 13]:
        say("    " + line.replace(str(REPO_ROOT) + "/", "").replace(sys.prefix + "/", ""))


class StatementTimer:
    """A ``connection.execute_wrapper`` that times every statement."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((" ".join(sql.split())[:90], time.perf_counter() - start))


def statement_times(department, token, items: Sequence[dict]) -> None:
    """One call (not profiled) with every SQL statement timed from Python, and the COMMIT."""
    from django.db import connection
    from django.dispatch import Signal

    from core import bulk
    from records.signals import records_changed

    timer = StatementTimer()
    original_commit = connection.commit
    commit_seconds: list[float] = []

    def timed_commit():
        start = time.perf_counter()
        try:
            return original_commit()
        finally:
            commit_seconds.append(time.perf_counter() - start)

    original_insert = bulk.insert

    def timed_insert(model, objs):
        # bulk.insert sends its COPY on the psycopg2 cursor, past Django's execute wrappers: time the call.
        start = time.perf_counter()
        try:
            return original_insert(model, objs)
        finally:
            timer.statements.append(
                (
                    f"bulk.insert({model.__name__}, {len(objs)} rows): ids, COPY, Python included",
                    time.perf_counter() - start,
                )
            )

    receivers_seconds: list[float] = []

    def timed_send(sender, **named):
        start = time.perf_counter()
        try:
            return Signal.send(records_changed, sender, **named)
        finally:
            receivers_seconds.append(time.perf_counter() - start)

    connection.commit = timed_commit
    bulk.insert = timed_insert
    records_changed.send = timed_send
    try:
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            ingest_call(department, token, items)
            elapsed = time.perf_counter() - start
    finally:
        del connection.commit
        del records_changed.send
        bulk.insert = original_insert
    in_sql = sum(seconds for _, seconds in timer.statements) + sum(commit_seconds)
    say(
        f"one call of {len(items)} items, not profiled: {elapsed * 1000:.0f} ms, of which {in_sql * 1000:.0f} ms in "
        f"{len(timer.statements)} SQL statements, the 2 bulk inserts and COMMIT (timed from Python)"
    )
    for sql, seconds in sorted(timer.statements, key=lambda entry: -entry[1])[:8]:
        say(f"  {seconds * 1000:7.1f} ms  {sql}")
    say(f"  {sum(commit_seconds) * 1000:7.1f} ms  COMMIT (deferred foreign-key checks run here)")
    say(
        f"  {sum(receivers_seconds) * 1000:7.1f} ms  after the COMMIT: records_changed receivers, their SQL included "
        f"({len(records_changed.receivers)} connected)"
    )


def json_costs(items: Sequence[dict], results: Sequence) -> None:
    """What JSON costs for one request: parsing the body as DRF does, rendering the answer."""
    from rest_framework.renderers import JSONRenderer

    body = json.dumps(list(items), ensure_ascii=False).encode()
    answer = {
        "results": [
            {"index": r.index, "record_id": r.record_id, "status": str(r.status), "errors": r.errors} for r in results
        ]
    }
    parse = min(timed_seconds(lambda: json.loads(body.decode())) for _ in range(5))
    render = min(timed_seconds(lambda: JSONRenderer().render(answer)) for _ in range(5))
    encode = min(timed_seconds(lambda: json.dumps(list(items), ensure_ascii=False).encode()) for _ in range(5))
    say(
        f"JSON for one request of {len(items)} items ({len(body) / 1e6:.2f} MB): parse {parse * 1000:.1f} ms, "
        f"render the answer {render * 1000:.1f} ms (client side: encode {encode * 1000:.1f} ms)"
    )


def timed_seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def run_inprocess(args, department, token, token_raw: str, subjects, stamp: str) -> tuple[float, float | None]:
    from django.test import Client

    heading(f"In process, no HTTP: records_ingest on {args.inprocess:,} records in calls of {args.batch}")
    say(f"load average at start: {load_average()}")
    take = taker(subjects)
    ingest_call(department, token, build_items(take(args.batch), f"{stamp}-inproc-warm"))  # warm-up
    # This process holds far more objects than a server worker (the subjects and items of the whole run), and
    # every collection of the oldest generation walks them all: freeze what exists now, as a worker's
    # baseline is small. The items of each call are built just before it, outside the clock.
    gc.collect()
    gc.freeze()
    times: list[float] = []
    outcomes: Counter = Counter()
    for start_at in range(0, args.inprocess, args.batch):
        end_at = min(start_at + args.batch, args.inprocess)
        batch = build_items(take(end_at - start_at), f"{stamp}-inproc", start_at)
        start = time.perf_counter()
        results = ingest_call(department, token, batch)
        times.append(time.perf_counter() - start)
        outcomes.update(str(result.status) for result in results)
    rate = args.inprocess / sum(times)
    say(
        f"records_ingest: {args.inprocess:,} records in {sum(times):.1f} s = {rate:,.0f} records/s; per call "
        f"{ms_summary([t * 1000 for t in times])}; outcomes {dict(outcomes)}"
    )
    # The garbage collector's share: calls with it on and off, alternating.
    gc_times: dict[bool, list[float]] = {True: [], False: []}
    for call in range(6):
        enabled = call % 2 == 0
        batch = build_items(take(args.batch), f"{stamp}-gc{call}")
        gc.collect()
        if not enabled:
            gc.disable()
        try:
            gc_times[enabled].append(timed_seconds(lambda b=batch: ingest_call(department, token, b)))
        finally:
            gc.enable()
    on, off = statistics.median(gc_times[True]), statistics.median(gc_times[False])
    say(
        f"garbage collector on / off, 3 calls each, alternating: median {on * 1000:.0f} / {off * 1000:.0f} ms per "
        f"call ({args.batch / on:,.0f} / {args.batch / off:,.0f} records/s)"
    )

    view_rate = None
    if args.view_requests:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token_raw}", HTTP_HOST="127.0.0.1")
        warm = json.dumps(build_items(take(100), f"{stamp}-view-warm"), ensure_ascii=False).encode()
        client.post(PUSH_PATH, data=warm, content_type="application/json")  # loads the URLconf, DRF, ...
        view_items = build_items(take(args.view_requests * args.batch), f"{stamp}-view")
        bodies = [json.dumps(batch, ensure_ascii=False).encode() for batch in batches(view_items, args.batch)]
        view_times = []
        view_outcomes: Counter = Counter()
        for body in bodies:
            start = time.perf_counter()
            response = client.post(PUSH_PATH, data=body, content_type="application/json")
            view_times.append(time.perf_counter() - start)
            if response.status_code != 200:
                view_outcomes[f"HTTP {response.status_code}"] += 1
                continue
            view_outcomes.update(result["status"] for result in response.json()["results"])
        view_rate = len(view_items) / sum(view_times)
        say(
            f"the view through Django's test Client (DRF, auth, JSON; no server, no socket): {len(view_items):,} "
            f"records in {sum(view_times):.1f} s = {view_rate:,.0f} records/s; per request "
            f"{ms_summary([t * 1000 for t in view_times])}; outcomes {dict(view_outcomes)}"
        )

    statement_times(department, token, build_items(take(args.batch), f"{stamp}-sql"))
    profile_items = build_items(take(args.batch), f"{stamp}-profile")
    profile_call(department, token, profile_items)
    json_items = build_items(take(args.batch), f"{stamp}-json")
    json_costs(json_items, ingest_call(department, token, json_items))
    say(f"load average at end: {load_average()}")
    return rate, view_rate


# --- raw COPY and execute_values -----------------------------------------------------------------------


def table_columns(table: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id' "
            "ORDER BY ordinal_position",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


def fetch_rows(table: str, columns: Sequence[str], key: str, ids: Sequence[int]) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = ANY(%s) ORDER BY id", [list(ids)])
        return cursor.fetchall()


def copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, datetime.date | datetime.datetime):
        value = value.isoformat()
    else:
        value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_buffer(rows: Sequence[tuple]) -> io.StringIO:
    return io.StringIO("".join("\t".join(copy_text(value) for value in row) + "\n" for row in rows))


def scratch_table(name: str, like: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        # INCLUDING IDENTITY as well: the id column is an identity column, and COPY leaves it out.
        cursor.execute(
            f"CREATE TABLE {name} "
            f"(LIKE {like} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )


def drop_scratch() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH_RECORDS}, {SCRATCH_VERSIONS}, {SCRATCH_BARE}")


def copy_once(loads: Sequence[tuple[str, Sequence[str], Sequence[tuple]]]) -> tuple[float, float]:
    """TRUNCATE the scratch tables, then COPY each (table, columns, rows) in one transaction.

    Returns (seconds formatting the buffers in Python, seconds of copy_expert + COMMIT).
    """
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(table for table, _, _ in loads)}")
    start = time.perf_counter()
    buffers = [copy_buffer(rows) for _, _, rows in loads]
    formatting = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for (table, columns, _), buffer in zip(loads, buffers, strict=True):
            cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return formatting, time.perf_counter() - start


def execute_values_once(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> float:
    from django.db import connection, transaction
    from psycopg2.extras import Json, execute_values

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")

    def wrap(value):
        return (
            Json(value, dumps=lambda data: json.dumps(data, ensure_ascii=False)) if isinstance(value, dict) else value
        )

    start = time.perf_counter()
    wrapped = [tuple(wrap(value) for value in row) for row in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        execute_values(cursor.cursor, f"INSERT INTO {table} ({', '.join(columns)}) VALUES %s", wrapped, page_size=1000)
    return time.perf_counter() - start


class _Rollback(Exception):
    pass


def copy_into_records_table(columns: Sequence[str], rows: Sequence[tuple]) -> float:
    """COPY the rows into ``records_creditrecord`` itself, foreign keys checked at once, then roll back.

    The document numbers get a suffix so they do not collide with the records they were read from. The
    rolled-back rows stay behind as dead tuples until the next VACUUM (autovacuum is off on this server).
    """
    from django.db import connection, transaction

    position = list(columns).index("source_id")
    renamed = [(*row[:position], f"{row[position]}#copy", *row[position + 1 :]) for row in rows]
    buffer = copy_buffer(renamed)
    elapsed = 0.0
    with contextlib.suppress(_Rollback), transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.cursor.copy_expert(f"COPY {RECORD_TABLE} ({', '.join(columns)}) FROM STDIN", buffer)
        elapsed = time.perf_counter() - start
        raise _Rollback
    return elapsed


@dataclass
class RawFigures:
    rows: int
    copy_best: float
    copy_median: float
    formatting: float
    values_best: float
    with_versions_best: float
    bare_best: float
    version_rows: int


def run_raw(args, record_ids: Sequence[int]) -> RawFigures:
    from django.db import connection

    heading(f"Raw COPY of the same rows: the {len(record_ids):,} records created by the first pass of this run")
    say(f"load average at start: {load_average()}")
    record_columns = table_columns(RECORD_TABLE)
    version_columns = table_columns(VERSION_TABLE)
    records = fetch_rows(RECORD_TABLE, record_columns, "id", record_ids)
    versions = fetch_rows(VERSION_TABLE, version_columns, "record_id", record_ids)
    say(f"read back {len(records):,} records and {len(versions):,} versions; columns: {', '.join(record_columns)}")
    try:
        scratch_table(SCRATCH_RECORDS, RECORD_TABLE)
        scratch_table(SCRATCH_VERSIONS, VERSION_TABLE)
        copies = [copy_once([(SCRATCH_RECORDS, record_columns, records)]) for _ in range(args.copy_repeats)]
        copy_times = [seconds for _, seconds in copies]
        formatting = statistics.median(f for f, _ in copies)
        say(
            f"COPY records: best {len(records) / min(copy_times):,.0f} rows/s ({min(copy_times):.2f} s), median "
            f"{len(records) / statistics.median(copy_times):,.0f} rows/s over {args.copy_repeats}; formatting the "
            f"text buffer in Python {formatting:.2f} s more "
            f"({len(records) / (formatting + min(copy_times)):,.0f} rows/s both together)"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH_BARE}")
            cursor.execute(f"CREATE TABLE {SCRATCH_BARE} (LIKE {RECORD_TABLE} INCLUDING DEFAULTS INCLUDING IDENTITY)")
        bare = [copy_once([(SCRATCH_BARE, record_columns, records)])[1] for _ in range(args.copy_repeats)]
        say(
            f"COPY records into a table without indexes or constraints: best {len(records) / min(bare):,.0f} rows/s "
            f"({min(bare):.2f} s)"
        )
        values = [execute_values_once(SCRATCH_RECORDS, record_columns, records) for _ in range(args.copy_repeats)]
        say(
            f"execute_values records (pages of 1,000, Json wrapping included): best "
            f"{len(records) / min(values):,.0f} rows/s ({min(values):.2f} s)"
        )
        both = [
            copy_once([(SCRATCH_RECORDS, record_columns, records), (SCRATCH_VERSIONS, version_columns, versions)])[1]
            for _ in range(args.copy_repeats)
        ]
        say(
            f"COPY records + versions (what the API writes, minus audit and statistics): best {min(both):.2f} s = "
            f"{len(records) / min(both):,.0f} records/s"
        )
        real = copy_into_records_table(record_columns, records)
        say(
            f"COPY into {RECORD_TABLE} itself (its 5 indexes and 4 foreign keys checked at once; rolled back), "
            f"once: {real:.2f} s = {len(records) / real:,.0f} rows/s"
        )
    finally:
        drop_scratch()
    say(f"scratch tables dropped; load average at end: {load_average()}")
    return RawFigures(
        len(records),
        min(copy_times),
        statistics.median(copy_times),
        formatting,
        min(values),
        min(both),
        min(bare),
        len(versions),
    )


# --- checks of the database state ----------------------------------------------------------------------


def analyze_records() -> None:
    """ANALYZE the tables a push reads and writes.

    Autovacuum is off on this server, so nothing else gives them statistics. Without them the planner
    takes the department's records to be few, and the lookup of existing records (``source_id IN (...)``)
    walks all of the department's records of that type (see ``report_lookup_plan``), so each pass would be
    slower than the one before.
    """
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {RECORD_TABLE}, {VERSION_TABLE}, records_ingeststat, audit_auditevent")
    say(
        f"ANALYZE {RECORD_TABLE}, {VERSION_TABLE} and the statistics and audit tables: "
        f"{time.perf_counter() - start:.1f} s"
    )


def report_lookup_plan(department, tag: str, count: int) -> None:
    """How the existing-record lookup of ``records_ingest`` is planned now that the table holds the bench records."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from records.models import CreditRecord, RecordType
    from records.selectors import records_by_source_id

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_live_tup, last_analyze, last_autoanalyze, last_vacuum, last_autovacuum FROM pg_stat_user_tables "
            "WHERE relname = %s",
            [RECORD_TABLE],
        )
        live, analyzed, autoanalyzed, vacuumed, autovacuumed = cursor.fetchone()
    xzcf = RecordType.objects.get(code="xzcf")
    keys = {(xzcf.pk, f"吉基准罚〔{tag}〕{n}号") for n in range(count)}
    with CaptureQueriesContext(connection) as captured:
        found = records_by_source_id(department, keys)
    say(
        f"{RECORD_TABLE}: {live:,} live rows; last analyze {analyzed or autoanalyzed or 'never'}, "
        f"last vacuum {vacuumed or autovacuumed or 'never'}"
    )
    say(
        f"existing-record lookup of records_ingest (records_by_source_id) for {count} existing document numbers "
        f"({len(found)} found), EXPLAIN ANALYZE:"
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + captured.captured_queries[-1]["sql"])
        for (line,) in cursor.fetchall():
            say(f"  {line[:150]}")
    # The plain filter it replaced, for comparison: planned on the index prefix when the statistics lag.
    lookup = CreditRecord.objects.filter(
        department=department, record_type__in={xzcf.pk}, source_id__in=[source_id for _, source_id in keys]
    )
    plan = lookup.order_by().explain(analyze=True).splitlines()
    say("the plain filter source_id IN (…) it replaced: " + next(line for line in plan if "Execution Time" in line))


# --- main ----------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="records per API pass (default 100000)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4], help="client counts (default 1 2 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (default 1)")
    parser.add_argument("--batch", type=int, default=1000, help="items per request and per call (default 1000)")
    parser.add_argument("--inprocess", type=int, default=20_000, help="records for records_ingest in process")
    parser.add_argument("--view-requests", type=int, default=5, help="requests through the test Client (default 5)")
    parser.add_argument("--copy-repeats", type=int, default=3, help="COPY / execute_values repeats (default 3)")
    parser.add_argument("--skip-api", action="store_true", help="in-process and raw figures only")
    parser.add_argument(
        "--defer-tasks",
        action="store_true",
        help="CELERY_TASK_ALWAYS_EAGER=false: tasks enqueued after a push go to the in-memory broker and are not run",
    )
    parser.add_argument(
        "--celery-worker",
        action="store_true",
        help="needs REDIS_URL: gunicorn enqueues the evaluations in Redis and a Celery worker (1 process) runs them, "
        "as in production; each pass also reports the time until they are done",
    )
    parser.add_argument(
        "--no-analyze", action="store_true", help="do not ANALYZE the record tables first (autovacuum is off here)"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the run tag (default: clock)")
    args = parser.parse_args(argv)
    if "DATABASE_URL" not in os.environ:
        sys.exit("set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench")
    if args.celery_worker and not os.environ.get("REDIS_URL"):
        sys.exit("--celery-worker needs REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/3")
    if args.defer_tasks or args.celery_worker:
        # This process's own calls (in process, below) enqueue into the in-memory broker, private to the
        # process: nothing runs those tasks. With --celery-worker, gunicorn and the worker use Redis.
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
        os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    setup_django()
    from django.conf import settings
    from django.db import connection

    rng = random.Random(args.seed)
    stamp = time.strftime("%Y%m%d%H%M%S") + f"{rng.randrange(16**4):04x}"
    heading("Setup")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        say(cursor.fetchone()[0])
    import records.services

    say(f"project code from {Path(records.services.__file__).parent.parent} (gunicorn runs there too)")
    from records.signals import records_changed

    mode = "in the caller (eager)" if settings.CELERY_TASK_ALWAYS_EAGER else "not here (deferred to the broker)"
    say(
        f"Celery: broker {settings.CELERY_BROKER_URL}, tasks run {mode}; "
        f"records_changed receivers connected: {len(records_changed.receivers)}"
    )
    say(f"load average at start: {load_average()}")
    say(f"run tag {stamp} (in every document number of this run)")
    department = bench_department()
    if not args.no_analyze:
        analyze_records()
    token, token_raw = bench_token(department)
    ok = True
    try:
        pool = SubjectPool(max(args.records, args.inprocess + 12 * args.batch), rng)
        log_path = Path(f"/tmp/bench-ingest-gunicorn-{stamp}.log")
        runs: list[PushRun] = []
        if not args.skip_api:
            runs, ok = run_api(args, pool, token_raw, stamp, log_path)
        inprocess_subjects = pool.slice(0 if args.skip_api else len(args.clients))
        inprocess_rate, view_rate = run_inprocess(args, department, token, token_raw, inprocess_subjects, stamp)
        if runs and runs[0].first_ids:
            record_ids = runs[0].first_ids
        else:  # no API pass: copy what the in-process calls created
            from records.models import CreditRecord

            record_ids = list(
                CreditRecord.objects.filter(department=department, source_id__contains=f"〔{stamp}-inproc〕")
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        raw = run_raw(args, record_ids)
        heading("Database state after the run")
        report_lookup_plan(department, pass_tag(stamp, 0, args.clients[0]) if runs else f"{stamp}-inproc", args.batch)
    finally:
        revoke_token(token)

    heading("Summary")
    copy_rate = raw.rows / raw.copy_best
    say(f"raw COPY (best of {args.copy_repeats}, {raw.rows:,} rows): {copy_rate:,.0f} rows/s")
    say(
        f"raw COPY, median: {raw.rows / raw.copy_median:,.0f} rows/s; "
        f"with the formatting in Python: {raw.rows / (raw.copy_best + raw.formatting):,.0f} rows/s"
    )
    say(f"raw COPY into a table without indexes (best): {raw.rows / raw.bare_best:,.0f} rows/s")
    say(f"raw execute_values (best): {raw.rows / raw.values_best:,.0f} rows/s")
    say(f"raw COPY records + versions (best): {raw.rows / raw.with_versions_best:,.0f} records/s")
    say(f"records_ingest in process: {inprocess_rate:,.0f} records/s ({inprocess_rate / copy_rate:.1%} of COPY)")
    if view_rate:
        say(f"the view in process (test Client): {view_rate:,.0f} records/s ({view_rate / copy_rate:.1%} of COPY)")
    print()
    header = (
        f"{'pass':>4}  {'clients':>7}  {'records/s':>10}  {'API/COPY':>8}  {'>= 5% of COPY':>13}  {'>= 5,000/s':>10}"
    )
    print(f"  {header}  outcome")
    for number, run in enumerate(runs):
        share = run.rate / copy_rate
        outcome = "all created" if run.statuses.get("created") == run.records and not run.http_errors else "FAIL"
        share_met = "met" if share >= COPY_TARGET_SHARE else "not met"
        rate_met = "met" if run.rate >= RATE_TARGET else "not met"
        evaluated = f"; pushed and evaluated {run.evaluated_rate:,.0f} records/s" if run.evaluated_rate else ""
        print(
            f"  {number + 1:>4}  {run.clients:>7}  {run.rate:>10,.0f}  {share:>8.2%}  {share_met:>13}  "
            f"{rate_met:>10}  {outcome}{evaluated}"
        )
    for clients in sorted({run.clients for run in runs}):
        rates = [run.rate for run in runs if run.clients == clients]
        if len(rates) > 1:
            mean = len(rates) * args.records / sum(args.records / rate for rate in rates)
            say(
                f"{clients} client(s), {len(rates)} passes together: {mean:,.0f} records/s "
                f"({mean / copy_rate:.1%} of COPY)"
            )
    say(f"load average at end: {load_average()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
