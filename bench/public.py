"""Public site benchmark (issues 5 and 12): search and subject pages over HTTP, served by gunicorn, a load test,
and the crawler mix of issue 12 (``bench/crawl.py``; ``--only crawl`` runs it alone).

What it measures, in order, in one run:

1. the bench data (``bench/_common.py``: ``records_ensure(--records)``, idempotent; ``--skip-data`` skips it),
   the data summary and the load average. It refuses to time while ``bench/ingest.py`` runs
   (``--wait-quiet`` waits instead). When no list membership exists yet it runs ``recompute_status --all``
   first (untimed), so the pages show lists and statuses;
2. it starts gunicorn itself (``-c gunicorn.conf.py credit_portal.wsgi`` and a bind address, as docker-compose.yml
   does: the shipped worker settings unless ``--workers``/``--threads`` are given; ``DJANGO_DEBUG=false``,
   ``DJANGO_ALLOWED_HOSTS=127.0.0.1``, the same ``DATABASE_URL``, ``REDIS_URL`` = ``--redis-url`` (the
   cache: pages, rate limits), and the public rate limits raised to 1,000,000 via ``RATE_LIMIT_*``) on a
   free port of 127.0.0.1, waits until it answers, and stops it at the end, also on error;
3. **search**, ``--queries`` (200) 2-character and as many 4-character queries drawn as ``bench/search.py``
   draws them (fragments of the trade names of random companies), ``GET /search/?q=…`` over one keep-alive
   connection (``http.client``; it reconnects when the server closes, as sync workers do). Each set is
   run once untimed, then timed. Next to each request, alternately first, the raw SQL of the same query
   through a plain cursor in this process: the candidate statement alone (``LIMIT cap + 1``), and the
   search page's whole database work by hand (``bench/search.py``'s raw path: candidates, ranking in
   Python, the page's 20 rows; plus the statuses of those 20);
4. **subject pages**, ``--pages`` (200) distinct subjects with records (organisations, drawn uniformly
   among subjects with at least one record), ``GET /subjects/<USCC>/`` (the default tab, 行政处罚). Six
   other subjects' pages are requested first, over HTTP and in this process, so that template loading in
   each worker does not land on the measured pages. Cold: the Redis cache database is then flushed
   (``FLUSHDB``), so every page is rendered and stored. Cached:
   the same URLs again. Beside the cold pages, the queries ``subject_get_by_code`` and
   ``disclosure.selectors.public_profile_get`` run for that subject, captured in this process with
   ``CaptureQueriesContext`` and replayed as raw SQL, and the selector and the whole page render
   (``views._profile_page``) in this process; beside the cached pages, the subject lookup replayed and the
   two raw Redis GETs a cached view does (the subject's cache version and the page);
5. **load test**: ``wrk`` (Debian package) for ``--duration`` (60) seconds against the cached subject pages
   (the same URLs, cycled by a Lua script that also counts every non-200 answer), ``--wrk-threads`` and
   ``--connections``; requests/s, latency percentiles, socket errors and non-200 answers (must be 0). With
   ``--load-configs 2x1,3x1,4x1,2x4`` (workers x threads) gunicorn is restarted for each configuration
   and the load test repeated (latencies are measured with the first);
6. a summary with the targets of issue 5: search p95 ≤ 50 ms, cached subject page p95 ≤ 20 ms, ≥ 300
   requests/s for cached subject pages on 2 cores, 0 errors;
7. the **crawler mix** (issue 12, ``bench/crawl.py``): 8 connections for 60 s over every public page type on
   the shipped settings with the heavy pool beside (``--heavy``), again on each of ``--mix-configs``; the raw
   SQL of the same work per page type; one crawler against the shipped rate limits (``--limits-redis-url``,
   flushed); per-type figures beside the targets of issue 12 (every page p95 ≤ 200 ms, search ≤ 50 ms,
   cached subject page ≤ 20 ms, 0 errors and timeouts).

Run it (PostgreSQL only; Redis database 3 is flushed; ``wrk`` from ``apt-get install wrk``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench .venv/bin/python bench/public.py \\
        [--records 3000000] [--redis-url redis://127.0.0.1:6379/3] [--workers 2] [--threads 1] \\
        [--load-configs 2x1,3x1,4x1,2x4] [--queries 200] [--pages 200] [--duration 60] [--seed 1]

Exit status 1 when a request failed (non-200, socket error) during the measurements or the load test, or when the
crawler mix on the shipped settings missed a target or met an error or timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    REPO_ROOT,
    Timings,
    data_summary,
    database_name,
    heading,
    load_average,
    print_data_summary,
    ratio,
    records_ensure,
    setup_django,
    timed,
    wait_for_quiet,
)

TARGET_SEARCH_P95 = 50
TARGET_CACHED_P95 = 20
TARGET_RPS = 300
HOST = "127.0.0.1"
WARM_UP_PAGES = 6  # pages of other subjects requested before the cold set (templates load in each worker)


# --- gunicorn ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_settings(environment: dict[str, str]) -> dict[str, object]:
    """The worker settings ``gunicorn.conf.py`` gives under ``environment`` (the file read as gunicorn reads it)."""
    import runpy

    saved = {key: os.environ.get(key) for key in GUNICORN_ENV}
    try:
        for key in GUNICORN_ENV:
            os.environ.pop(key, None)
            if key in environment:
                os.environ[key] = environment[key]
        conf = runpy.run_path(str(REPO_ROOT / "gunicorn.conf.py"))
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None)
            if value is not None:
                os.environ[key] = value
    return {key: conf[key] for key in ("workers", "threads", "worker_class", "timeout")}


GUNICORN_ENV = ("WEB_WORKERS", "WEB_THREADS", "WEB_TIMEOUT")
# The public rate limits raised for the measurements (one client address makes every request); the shipped
# limits are checked on their own (``shipped_limits``).
RAISED_LIMITS = {
    f"RATE_LIMIT_{scope}": "1000000"
    for scope in ("PAGE", "FILTER", "SEARCH", "DOWNLOAD", "REPORT", "VERIFY", "OPENDATA")
}


@dataclass
class Server:
    """gunicorn as it ships: ``-c gunicorn.conf.py`` (workers, threads, class, timeout, the masking access
    log) and only the bind address on the command line, as docker-compose.yml starts it. ``workers`` and
    ``threads`` (when given) go through ``WEB_WORKERS``/``WEB_THREADS``, the variables the file reads."""

    workers: int | None
    threads: int | None
    redis_url: str
    raised_limits: bool = True
    extra_env: dict = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    log_path: str = ""
    settings: dict = field(default_factory=dict)

    @property
    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in GUNICORN_ENV}
        if self.workers is not None:
            env["WEB_WORKERS"] = str(self.workers)
        if self.threads is not None:
            env["WEB_THREADS"] = str(self.threads)
        env.update(self.extra_env)
        return env

    @property
    def label(self) -> str:
        s = self.settings or gunicorn_settings(self.environment)
        threads = s["threads"]
        shipped = " (shipped)" if self.workers is None and self.threads is None and not self.extra_env else ""
        return (
            f"{s['workers']} workers × {threads} thread{'s' if threads > 1 else ''} ({s['worker_class']}, "
            f"timeout {s['timeout']} s){shipped}"
        )

    def start(self) -> None:
        self.port = free_port()
        self.settings = gunicorn_settings(self.environment)
        env = {
            **self.environment,
            "DJANGO_SETTINGS_MODULE": "credit_portal.settings.base",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "REDIS_URL": self.redis_url,
        }
        for key in RAISED_LIMITS:
            env.pop(key, None)
        if self.raised_limits:
            env.update(RAISED_LIMITS)
        handle, self.log_path = tempfile.mkstemp(prefix="bench-public-gunicorn-", suffix=".log")
        os.close(handle)
        command = [
            str(REPO_ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "credit_portal.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
        ]
        with open(self.log_path, "ab") as log:  # the access log (one line a request) and the error log
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    limits = "rate limits raised (RATE_LIMIT_*=1000000)" if self.raised_limits else "shipped limits"
                    print(
                        f"gunicorn {self.label} on {HOST}:{self.port} (pid {self.process.pid}), {limits}, "
                        f"log {self.log_path}"
                    )
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        sys.exit(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the group this script started (start_new_session)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        print(f"gunicorn (pid {self.process.pid}) stopped")


@contextlib.contextmanager
def serving(
    workers: int | None, threads: int | None, redis_url: str, *, raised_limits: bool = True, extra_env=None
) -> Iterator[Server]:
    server = Server(workers, threads, redis_url, raised_limits=raised_limits, extra_env=extra_env or {})
    try:
        server.start()
        yield server
    finally:
        server.stop()


class Client:
    """One keep-alive HTTP connection; reconnects when the server closes it (sync workers always do)."""

    def __init__(self, port: int):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.reconnects = 0
        self.errors: list[str] = []

    def get(self, path: str) -> tuple[int, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            self.reconnects += 1
        try:
            self.connection.request("GET", path)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = None
            self.errors.append(f"{path}: {error!r}")
            return 0, b""
        if response.will_close:
            self.connection.close()
            self.connection = None
        if response.status != 200:
            self.errors.append(f"{path}: HTTP {response.status}")
        return response.status, body


# --- samples ---------------------------------------------------------------------------------------------------


def search_module():
    import search  # bench/search.py: the same queries and raw path as the search benchmark

    return search


def sample_subjects(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """``count`` distinct organisations with at least one record, uniformly among them: (id, USCC)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM subjects_creditsubject")
        low, high = cursor.fetchone()
        chosen: dict[int, str] = {}
        while len(chosen) < count:
            drawn = [rng.randint(low, high) for _ in range(count * 10)]
            cursor.execute(
                "SELECT s.id, s.uscc FROM subjects_creditsubject s WHERE s.id = ANY(%s) AND s.uscc IS NOT NULL "
                "AND EXISTS (SELECT 1 FROM records_creditrecord r WHERE r.subject_id = s.id)",
                [drawn],
            )
            found = dict(cursor.fetchall())
            for pk in drawn:
                if pk in found and len(chosen) < count:
                    chosen[pk] = found[pk]
    return list(chosen.items())


# --- raw paths ---------------------------------------------------------------------------------------------------


def raw_candidates(query: str) -> list[tuple]:
    from django.db import connection

    search = search_module()
    with connection.cursor() as cursor:
        cursor.execute(search.raw_candidates_sql(query), search._params(query))
        return cursor.fetchall()


def raw_search_page(query: str) -> list[int]:
    """The search page's database work by hand: bench/search.py's raw path plus the page's statuses."""
    from django.db import connection

    outcome = search_module().raw_search(query)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject_id, status FROM sanctions_creditstatus WHERE subject_id = ANY(%s)", [outcome.page_ids]
        )
        cursor.fetchall()
    return outcome.page_ids


@dataclass
class PageWork:
    """What serving one subject page costs the database, captured in this process."""

    path: str
    subject_id: int
    lookup_sql: str
    profile_sql: list[str] = field(default_factory=list)


def capture_page_work(subject_id: int, uscc: str) -> PageWork:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from disclosure.selectors import public_profile_get
    from subjects.selectors import subject_get_by_code

    connection.queries_log.clear()  # a full log (9,000 statements) would make the capture come back empty
    with CaptureQueriesContext(connection) as lookup:
        subject = subject_get_by_code(uscc)
    with CaptureQueriesContext(connection) as profile:
        public_profile_get(subject, tab="xzcf")
    return PageWork(
        path=f"/subjects/{uscc}/",
        subject_id=subject_id,
        lookup_sql=lookup.captured_queries[-1]["sql"],
        profile_sql=[query["sql"] for query in profile.captured_queries],
    )


def replay(statements: Sequence[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def render_in_process(uscc: str) -> int:
    """The cold view's work without HTTP and cache: lookup, selector, template (``views._profile_page``)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from disclosure import views
    from subjects.selectors import subject_get_by_code

    request = RequestFactory().get(f"/subjects/{uscc}/", HTTP_HOST=HOST)
    request.user = AnonymousUser()
    subject = subject_get_by_code(uscc)
    return len(views._profile_page(request, subject, "xzcf").content)


def selector_in_process(uscc: str) -> None:
    from disclosure.selectors import public_profile_get
    from subjects.selectors import subject_get_by_code

    public_profile_get(subject_get_by_code(uscc), tab="xzcf")


# --- measurements -------------------------------------------------------------------------------------------------


def interleave(items: Sequence, paths: dict[str, Callable]) -> dict[str, Timings]:
    """Time every path on every item, item by item, taking turns to go first."""
    names = list(paths)
    timings: dict[str, list[float]] = {name: [] for name in names}
    for index, item in enumerate(items):
        order = names if index % 2 == 0 else list(reversed(names))
        for name in order:
            elapsed, _ = timed(lambda item=item, path=paths[name]: path(item))
            timings[name].append(elapsed)
    return {name: Timings(tuple(values)) for name, values in timings.items()}


def print_timings(label: str, timings: dict[str, Timings], base: str) -> None:
    print(label)
    for name, t in timings.items():
        extra = ""
        if name != base:
            extra = (
                f"   HTTP/this: median {ratio(timings[base].median, t.median)}, p95 {ratio(timings[base].p95, t.p95)}"
            )
        print(f"  {name:<34} {t.summary()}{extra}")


def measure_search(client: Client, two: list[str], four: list[str]) -> dict[str, dict[str, Timings]]:
    results = {}
    for label, queries in (("2-character", two), ("4-character", four)):
        for query in queries:  # warm-up, untimed
            client.get(f"/search/?q={quote(query)}")
            raw_search_page(query)
        print(f"{load_average()} (start of {label} search)")
        timings = interleave(
            queries,
            {
                "HTTP GET /search/": lambda q: client.get(f"/search/?q={quote(q)}"),
                "raw: candidate statement": raw_candidates,
                "raw: the page's database work": raw_search_page,
            },
        )
        print_timings(f"search, {label} ({len(queries)} queries; {load_average()})", timings, "HTTP GET /search/")
        results[label] = timings
    return results


def flush_cache(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def measure_pages(
    client: Client, works: list[PageWork], usccs: dict[str, str], redis_url: str, warm_up: list[PageWork]
) -> dict:
    """Cold pages (cache flushed), then the same pages cached. A few other subjects' pages are requested first,
    over HTTP and in this process, so that template loading and first-use costs do not land on the cold set."""
    import redis
    from django.core.cache import cache
    from django.utils import timezone

    for work in warm_up:
        client.get(work.path)
        replay([work.lookup_sql, *work.profile_sql])
        selector_in_process(usccs[work.path])
        render_in_process(usccs[work.path])
    flush_cache(redis_url)
    print(f"Redis {redis_url} flushed; {load_average()} (start of cold pages)")
    bodies: dict[str, bytes] = {}

    def cold_http(work: PageWork):
        status, body = client.get(work.path)
        bodies[work.path] = body
        return status

    cold = interleave(
        works,
        {
            "HTTP GET, cold (renders, stores)": cold_http,
            "raw: lookup + profile queries": lambda w: replay([w.lookup_sql, *w.profile_sql]),
            "in-process: lookup + selector": lambda w: selector_in_process(usccs[w.path]),
            "in-process: page render": lambda w: render_in_process(usccs[w.path]),
        },
    )
    print_timings(
        f"subject pages, cold ({len(works)} pages; {load_average()})", cold, "HTTP GET, cold (renders, stores)"
    )
    raw_redis = redis.Redis.from_url(redis_url)
    today = timezone.localdate().isoformat()

    def raw_cached(work: PageWork):
        """The cached view's work by hand: the subject lookup, then the version and the page from Redis
        (django-redis stores integers as plain numbers, so the version needs no unpickling)."""
        replay([work.lookup_sql])
        version = raw_redis.get(cache.make_key(f"subject-version:{work.subject_id}"))
        number = 0 if version is None else int(version)
        return raw_redis.get(cache.make_key(f"subject-page:{work.subject_id}:{number}:xzcf:{today}"))

    same = 0

    def cached_http(work: PageWork):
        nonlocal same
        status, body = client.get(work.path)
        same += body == bodies.get(work.path)
        return status

    print(f"{load_average()} (start of cached pages)")
    cached = interleave(
        works,
        {"HTTP GET, cached": cached_http, "raw: lookup + 2 Redis GETs": raw_cached},
    )
    print_timings(f"subject pages, cached ({len(works)} pages; {load_average()})", cached, "HTTP GET, cached")
    hits = sum(1 for work in works if raw_cached(work) is not None)
    sizes = sorted(len(body) for body in bodies.values())
    print(
        f"cached body identical to the cold one: {same} of {len(works)}; pages found in Redis by the raw path: "
        f"{hits} of {len(works)}; page size median {sizes[len(sizes) // 2]:,} bytes"
    )
    statements = sorted(1 + len(work.profile_sql) for work in works)
    print(f"statements per cold page (lookup + profile): {statements[0]}–{statements[-1]}")
    return {"cold": cold, "cached": cached, "same": same}


WRK_SCRIPT = """
local paths = {%(paths)s}
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 37)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  i = offset
end

function request()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("non200")
  end
  io.write(string.format("RESULT requests=%%d duration_us=%%d non200=%%d connect=%%d read=%%d "
    .. "write=%%d status=%%d timeout=%%d\\n", summary.requests, summary.duration, total,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  for _, p in ipairs({50, 75, 90, 95, 99, 99.9}) do
    io.write(string.format("PCT %%g %%.3f\\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("PCT max %%.3f\\n", latency.max / 1000))
end
"""


def load_test(server: Server, paths: list[str], *, duration: int, threads: int, connections: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk not found: apt-get install -y wrk")
    script = WRK_SCRIPT % {"paths": ", ".join(f'"{path}"' for path in paths)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        handle.name,
        f"http://{HOST}:{server.port}",
    ]
    # warm: every URL once (they were cached by the measurements already; this refills after a restart)
    client = Client(server.port)
    for path in paths:
        client.get(path)
    print(f"{' '.join(command[:-3])} … ({server.label}); {load_average()} (start)")
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False).stdout
    print(f"{load_average()} (end)")
    os.unlink(handle.name)
    result_line = next((line for line in output.splitlines() if line.startswith("RESULT")), "")
    values = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", result_line)}
    percentiles = {
        parts[1]: float(parts[2]) for line in output.splitlines() if (parts := line.split()) and parts[0] == "PCT"
    }
    rps = values.get("requests", 0) / (values.get("duration_us", 1) / 1e6)
    errors = sum(values.get(key, 0) for key in ("non200", "connect", "read", "write", "status", "timeout"))
    print(
        f"{server.label}: {values.get('requests', 0):,} requests in {values.get('duration_us', 0) / 1e6:.1f} s = "
        f"{rps:,.0f} requests/s; latency ms "
        + ", ".join(f"p{k} {v:.1f}" if k != "max" else f"max {v:.1f}" for k, v in percentiles.items())
    )
    print(
        f"errors: non-200 {values.get('non200', 0)}, socket connect {values.get('connect', 0)} read "
        f"{values.get('read', 0)} write {values.get('write', 0)} timeout {values.get('timeout', 0)} "
        f"(wrk status errors {values.get('status', 0)}) → {errors} in all; warm-up errors {len(client.errors)}"
    )
    return {"label": server.label, "rps": rps, "percentiles": percentiles, "errors": errors + len(client.errors)}


# --- main ----------------------------------------------------------------------------------------------------------


def parse_configs(text: str) -> list[tuple[int, int]]:
    configs = []
    for part in text.split(","):
        workers, _, threads = part.partition("x")
        configs.append((int(workers), int(threads or 1)))
    return configs


def crawler_mix(args, rng: random.Random, failed_before: bool) -> bool:
    """The issue-12 crawler mix (bench/crawl.py) on the shipped gunicorn settings, then on each of
    ``--mix-configs``; the raw SQL of the same work; what one crawler gets with the shipped limits. Returns
    whether a target was missed or a request failed."""
    import crawl

    heading("Crawler mix: plan (untimed)")
    crawl.opendata_ensure()
    subjects = [uscc for _, uscc in sample_subjects(rng, args.subjects)]
    plan = crawl.plan_make(rng, subjects, searches=args.queries * 2)
    for note in plan.notes:
        print(note)
    failed = failed_before
    configs = [(None, None), *parse_configs(args.mix_configs)] if args.mix_configs else [(None, None)]
    summaries = []
    heavy = parse_configs(args.heavy)[0] if args.heavy != "none" else None
    for index, (workers, threads) in enumerate(configs):
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(serving(workers, threads, args.redis_url))
            heavy_server = None
            if heavy:  # the heavy pool of docker-compose.yml (web-heavy), as the proxy routes to it
                heavy_server = stack.enter_context(
                    serving(heavy[0], heavy[1], args.redis_url, extra_env={"WEB_TIMEOUT": "60"})
                )
            if index == 0:
                check_cursors(server, plan)
            flush_cache(args.redis_url)
            warm_up_concurrently(
                server.port,
                [f"/subjects/{uscc}/" for uscc in plan.subjects_cached] + plan.first_pages + plan.list_pages[:1],
            )
            pools = server.label + (f"; heavy pool {heavy_server.label}" if heavy_server else "")
            heading(f"Crawler mix: {args.connections} connections, {args.duration} s ({pools})")
            print(f"{load_average()} (start)")
            samples = crawl.run(server.port, plan, duration=args.duration, connections=args.connections, seed=args.seed)
            print(f"{load_average()} (end)")
            rows = crawl.figures(samples)
            crawl.print_figures(rows, samples, args.duration)
            summaries.append((pools, rows, samples, os.getloadavg()))
            if index == 0:
                failed |= not all(row.met for row in rows)
                heading("Raw SQL of the same work (sample of the mix's URLs, replayed through a plain cursor)")
                crawl.raw_sql(samples, rows, per_kind=args.raw_per_type, seed=args.seed)
    with serving(None, None, args.limits_redis_url, raised_limits=False) as server:
        heading(f"One crawler with the shipped rate limits ({server.label})")
        flush_cache(server.redis_url)
        deep = [path for path, _ in plan.chains.get("sgs_walk", [])] or plan.first_pages
        for line in crawl.shipped_limits_check(server.port, deep, count=130):
            print(f"双公示 pages: {line}")
        filtered = plan.filters_first
        flush_cache(server.redis_url)  # each check starts with fresh counters
        for line in crawl.shipped_limits_check(server.port, filtered, count=40):
            print(f"双公示 filtered: {line}")
        flush_cache(server.redis_url)
        searches = [f"/search/?q={quote(q)}" for q in plan.searches]
        for line in crawl.shipped_limits_check(server.port, searches, count=70):
            print(f"search: {line}")
        flush_cache(server.redis_url)
    heading("Summary: crawler mix (targets of issue 12)")
    for label, rows, samples, load in summaries:
        missed = [row.kind for row in rows if not row.met]
        answered = [s.ms for s in samples if not s.failure]
        print(
            f"{label}: {len(samples) / args.duration:,.0f} requests/s, p95 {crawl.percentile(answered, 0.95):.1f} ms, "
            f"errors {sum(r.errors for r in rows)}, timeouts {sum(r.timeouts for r in rows)}; load average at end "
            f"{load[0]:.2f}; missed: {', '.join(missed) or 'none'}"
        )
    print(
        f"targets: every public page p95 ≤ {crawl.TARGET_PAGE_P95} ms, search p95 ≤ {crawl.TARGET_SEARCH_P95} ms, "
        f"cached subject page p95 ≤ {crawl.TARGET_SUBJECT_P95} ms, 0 errors and 0 timeouts (judged on the first "
        "configuration, the shipped one)"
    )
    return failed


def warm_up_concurrently(port: int, paths: list[str], connections: int = 4) -> None:
    """Request ``paths`` once (half the subject pages are cached before the run), over a few connections."""
    from concurrent.futures import ThreadPoolExecutor

    def part(index: int) -> int:
        client = Client(port)
        for path in paths[index::connections]:
            client.get(path)
        return len(client.errors)

    start = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        errors = sum(pool.map(part, range(connections)))
    print(f"warm-up: {len(paths)} pages requested in {time.monotonic() - start:.0f} s ({errors} errors)")


def check_cursors(server: Server, plan) -> None:
    """The made cursors are the ones the site prints: walk three next links from the first page and compare."""
    import crawl

    client = Client(server.port)
    path = "/shuanggongshi/xzcf/"
    for _ in range(3):
        _, body = client.get(path)
        match = crawl.NEXT_LINK.search(body.decode())
        if match is None:
            print("cursor check: fewer than 4 pages, skipped")
            return
        from html import unescape

        path = "/shuanggongshi/xzcf/" + unescape(match.group(1))
    from django.db import connection

    from disclosure.selectors import shuanggongshi_filter
    from records.models import RecordType

    keys = crawl._seek_keys(shuanggongshi_filter({}, RecordType.objects.get(code="xzcf")), [4], "decided_on")
    made = "/shuanggongshi/xzcf/?cursor=" + quote(crawl._cursor(*keys[4], 4, "shuanggongshi:xzcf", {}))
    connection.close()
    verdict = "equal" if made == path else f"DIFFERENT ({made} vs {path})"
    print(f"cursor check: page 4 reached by three next links and the made cursor of depth 4 are {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=3_000_000, help="bench data: records the table holds at least")
    parser.add_argument("--skip-data", action="store_true", help="do not check or add bench data")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3", help="cache of the served site (flushed)")
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py (what ships)")
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py (what ships)")
    parser.add_argument("--load-configs", default="", help="extra load tests, e.g. 3x1,4x1,2x4 (workers x threads)")
    parser.add_argument("--only", choices=("all", "issue5", "crawl"), default="all", help="which parts to run")
    parser.add_argument("--mix-configs", default="", help="the crawler mix again on e.g. 2x1,3x1,2x4,4x2")
    parser.add_argument(
        "--heavy",
        default="2x1",
        help="the heavy pool (reports, open-data downloads; docker-compose.yml web-heavy) or none",
    )
    parser.add_argument(
        "--limits-redis-url", default="redis://127.0.0.1:6379/15", help="cache of the shipped-limits check (flushed)"
    )
    parser.add_argument("--subjects", type=int, default=3000, help="distinct subjects of the crawler mix")
    parser.add_argument("--raw-per-type", type=int, default=30, help="URLs per page type replayed as raw SQL")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wait-quiet", action="store_true", help="wait while bench/ingest.py runs")
    args = parser.parse_args(argv)
    os.environ["REDIS_URL"] = args.redis_url  # this process reads the same cache as the server
    os.environ.update(RAISED_LIMITS)  # the in-process requests of the raw-SQL comparison
    # Reports and open-data files go to a folder of this database, not into the repository's media/ (a report
    # issued today is reused by the next run, so the folder must outlive the run).
    database = os.environ.get("DATABASE_URL", "default").rstrip("/").rsplit("/", 1)[-1]
    os.environ.setdefault("DJANGO_MEDIA_ROOT", os.path.join(tempfile.gettempdir(), f"bench-public-media-{database}"))
    os.environ.setdefault("OPENDATA_ROOT", os.path.join(os.environ["DJANGO_MEDIA_ROOT"], "opendata"))
    setup_django("bench/public.py")
    from django.core.management import call_command
    from django.db import connection

    heading("Data")
    print(f"database {database_name()}; {load_average()}")
    if not args.skip_data:
        records_ensure(args.records)
    print_data_summary(data_summary())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sanctions_membership")
        if cursor.fetchone()[0] == 0:
            print("no list memberships yet: recompute_status --all (untimed)")
            call_command("recompute_status", "--all", "--no-progress")
    wait_for_quiet(wait=args.wait_quiet)

    rng = random.Random(args.seed)
    failed = False
    if args.only in ("all", "issue5"):
        failed |= issue5(args, rng)
    if args.only in ("all", "crawl"):
        failed |= crawler_mix(args, rng, failed)
    print(load_average())
    return 1 if failed else 0


def issue5(args, rng: random.Random) -> bool:
    """Search and subject pages one at a time beside their raw SQL, and the cached-page load test (issue 5)."""
    two, four = search_module().realistic_queries(rng, args.queries)
    subjects = sample_subjects(rng, args.pages + WARM_UP_PAGES)
    works = [capture_page_work(pk, uscc) for pk, uscc in subjects]
    usccs = {work.path: uscc for work, (_, uscc) in zip(works, subjects, strict=True)}
    works, warm_up = works[: args.pages], works[args.pages :]
    print(f"queries: {two[:5]}… {four[:5]}…; pages: {[w.path for w in works[:3]]}…")

    failed = False
    loads = []
    configs = parse_configs(args.load_configs) if args.load_configs else []
    with serving(args.workers, args.threads, args.redis_url) as server:
        client = Client(server.port)
        heading(f"Search over HTTP ({server.label})")
        searches = measure_search(client, two, four)
        heading(f"Subject pages over HTTP ({server.label})")
        pages = measure_pages(client, works, usccs, args.redis_url, warm_up)
        print(f"client: {client.reconnects} connections opened for the measurements; errors {len(client.errors)}")
        for error in client.errors[:10]:
            print(f"  {error}")
        failed |= bool(client.errors)
        heading(f"Load test: cached subject pages, {args.duration} s ({server.label})")
        loads.append(
            load_test(
                server,
                [work.path for work in works],
                duration=args.duration,
                threads=args.wrk_threads,
                connections=args.connections,
            )
        )
    for workers, threads in configs:
        with serving(workers, threads, args.redis_url) as server:
            heading(f"Load test: cached subject pages, {args.duration} s ({server.label})")
            loads.append(
                load_test(
                    server,
                    [work.path for work in works],
                    duration=args.duration,
                    threads=args.wrk_threads,
                    connections=args.connections,
                )
            )
    failed |= any(load["errors"] for load in loads)

    heading("Summary (targets of issue 5)")
    for label, timings in searches.items():
        t = timings["HTTP GET /search/"]
        verdict = "met" if t.p95 <= TARGET_SEARCH_P95 else "NOT met"
        print(
            f"search {label}: median {t.median:.1f} ms, p95 {t.p95:.1f} ms "
            f"(target p95 ≤ {TARGET_SEARCH_P95} ms: {verdict})"
        )
    cold, cached = pages["cold"]["HTTP GET, cold (renders, stores)"], pages["cached"]["HTTP GET, cached"]
    print(f"subject page cold: median {cold.median:.1f} ms, p95 {cold.p95:.1f} ms")
    verdict = "met" if cached.p95 <= TARGET_CACHED_P95 else "NOT met"
    print(
        f"subject page cached: median {cached.median:.1f} ms, p95 {cached.p95:.1f} ms "
        f"(target p95 ≤ {TARGET_CACHED_P95} ms: {verdict})"
    )
    for load in loads:
        verdict = "met" if load["rps"] >= TARGET_RPS and not load["errors"] else "NOT met"
        print(
            f"load, {load['label']}: {load['rps']:,.0f} requests/s, p95 {load['percentiles'].get('95', 0):.1f} ms, "
            f"{load['errors']} errors (target ≥ {TARGET_RPS} requests/s with 0 errors: {verdict})"
        )
    return failed


if __name__ == "__main__":
    sys.exit(main())
