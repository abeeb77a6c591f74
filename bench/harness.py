"""The shared harness of the benchmark scripts in ``bench/``: Django setup, timings, figures, gunicorn and HTTP
clients, and the bench records.

Every script prints its headline figures as ``[figure] <name> = <value> <unit>`` lines (with the target and
whether it is met, where there is one); ``tests/bench/test_smoke.py`` runs each script at a small size on the
test database and reads those lines. A script exits with status 1 when something is wrong (a request failed,
a check found different results), not when a target is missed.

Run as a script, it brings the database to at least ``--records`` records (see ``records_ensure``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench .venv/bin/python bench/harness.py --records 6000000
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import math
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

# --- Django --------------------------------------------------------------------------------------------------


def setup(script: str) -> None:
    """Make the project importable and configure Django (once: under pytest it already is). PostgreSQL only."""
    if sys.path[0] != str(REPO_ROOT):  # before bench/, where sanctions.py would shadow the app
        sys.path.insert(0, str(REPO_ROOT))
    import django
    from django.apps import apps

    if not apps.ready:
        database = os.environ.get("DATABASE_URL", "").rstrip("/").rsplit("/", 1)[-1]
        # Reports and open-data files go to a folder of this database, not into the repository's media/.
        os.environ.setdefault("DJANGO_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / f"bench-media-{database}"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_portal.settings.base")
        os.environ.setdefault("DJANGO_DEBUG", "false")  # with DEBUG on, Django keeps every statement in memory
        django.setup()
    from django.db import connection

    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise, without collectstatic
    if connection.vendor != "postgresql":
        sys.exit(f"{script} needs PostgreSQL; set DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench")
    print(f"{script}: database {connection.settings_dict['NAME']}; {load_average()}", flush=True)


def database_url() -> str:
    """The URL of the database this process uses (under pytest, the test database), for subprocesses."""
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def raise_rate_limits() -> dict[str, str]:
    """Lift the public rate limits in this process (every request comes from one address) and return the
    environment that does the same for a server."""
    from django.conf import settings

    settings.PUBLIC_RATE_LIMITS = {scope: (10**9, window) for scope, (_, window) in settings.PUBLIC_RATE_LIMITS.items()}
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    return {f"RATE_LIMIT_{scope.upper()}": str(10**9) for scope in settings.PUBLIC_RATE_LIMITS}


def sql(statement: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


# --- samples -----------------------------------------------------------------------------------------------------


def sample(rng: random.Random, count: int, column: str, where: str) -> list:
    """``count`` values of ``column`` of subjects drawn at random by id (with repetition) among ``where``."""
    low, high = sql("SELECT min(id), max(id) FROM subjects_creditsubject")[0]
    values: list = []
    while len(values) < count:
        drawn = [rng.randint(low, high) for _ in range(count * 2)]
        found = dict(sql(f"SELECT id, {column} FROM subjects_creditsubject WHERE id = ANY(%s) AND {where}", [drawn]))
        values += [found[pk] for pk in drawn if pk in found]
    return values[:count]


def trade_queries(rng: random.Random, count: int) -> tuple[list[str], list[str]]:
    """``count`` 2-character and 4-character queries from the trade names of random companies."""
    from subjects.demo import INDUSTRIES, PREFECTURES, SUFFIXES, TRADE_CHARS

    regions = sorted({"吉林省", "吉林市", *PREFECTURES.values(), *(f"{p}市" for p in PREFECTURES.values())}, key=len)
    two, four = [], []
    while len(two) < count:
        for name in sample(rng, count, "name", "kind = 'legal_entity'"):
            suffix = next((s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(s)), None)
            rest = name[: -len(suffix)] if suffix else ""
            industry = next((i for i in sorted(INDUSTRIES, key=len, reverse=True) if rest.endswith(i)), None)
            rest = rest[: -len(industry)] if industry else ""
            region = next((r for r in reversed(regions) if rest.startswith(r)), None)
            trade = rest[len(region) :] if region else ""
            if len(two) < count and 2 <= len(trade) <= 3 and all(c in TRADE_CHARS for c in trade):
                start = rng.randrange(len(trade) - 1)
                two.append(trade[start : start + 2])
                four.append((trade + industry)[:4])
    return two, four


def windows(rng: random.Random, count: int, length: int) -> list[str]:
    """Random windows of whole names of searchable subjects (natural persons are never searched by name)."""
    names = [n for n in sample(rng, count * 2, "name", "kind <> 'natural_person'") if len(n) >= length]
    return [name[(s := rng.randrange(len(name) - length + 1)) : s + length] for name in names[:count]]


def words() -> list[str]:
    from subjects.demo import INDUSTRIES, PREFECTURES

    found = [*PREFECTURES.values(), "吉林省", "长春市", *(w[:2] for w in INDUSTRIES)]
    found += [w[:4] for w in INDUSTRIES if len(w) >= 4] + [
        "有限",
        "公司",
        "有限公司",
        "责任",
        "有限责任",
        "股份",
        "集团",
    ]
    return list(dict.fromkeys(found))


def subjects_with_records(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """Up to ``count`` distinct organisations with at least one record, drawn uniformly: (id, USCC)."""
    low, high = sql("SELECT min(id), max(id) FROM subjects_creditsubject")[0]
    chosen: dict[int, str] = {}
    for _ in range(50):  # fewer on a small table
        drawn = [rng.randint(low, high) for _ in range(count * 10)]
        found = dict(sql(
            "SELECT s.id, s.uscc FROM subjects_creditsubject s WHERE s.id = ANY(%s) AND s.uscc IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM records_creditrecord r WHERE r.subject_id = s.id)",
            [drawn],
        ))  # fmt: skip
        chosen.update((pk, found[pk]) for pk in drawn if pk in found and len(chosen) < count)
        if len(chosen) == count:
            break
    return list(chosen.items())


# --- timings and figures ---------------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank; 0 for no values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


@dataclass(frozen=True)
class Timings:
    """Latencies in milliseconds."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        return percentile(self.values, 0.95)

    def summary(self) -> str:
        return f"median {self.median:.2f}  p95 {self.p95:.2f}  max {max(self.values):.2f} ms (n={len(self.values)})"


def timed(call: Callable[[], object]) -> tuple[float, object]:
    """(milliseconds, result) of one call."""
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def interleave(items: Sequence, paths: dict[str, Callable]) -> dict[str, Timings]:
    """Time every path on every item, item by item, taking turns to go first (the second path on an item finds
    its rows in the CPU caches), after one untimed pass."""
    for item in items:
        for path in paths.values():
            path(item)
    times: dict[str, list[float]] = {name: [] for name in paths}
    for index, item in enumerate(items):
        for name in list(paths)[:: 1 if index % 2 == 0 else -1]:
            times[name].append(timed(lambda path=paths[name], item=item: path(item))[0])
    return {name: Timings(tuple(values)) for name, values in times.items()}


def figure(name: str, value: float, unit: str, *, at_most: float | None = None, at_least: float | None = None) -> bool:
    """Print a headline figure (and its target); True when the target is met or there is none."""
    met = (at_most is None or value <= at_most) and (at_least is None or value >= at_least)
    target = f"  target ≤ {at_most:,g}" if at_most is not None else ""
    target += f"  target ≥ {at_least:,g}" if at_least is not None else ""
    shown = f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
    print(f"[figure] {name} = {shown} {unit}{target}{(': met' if met else ': NOT met') if target else ''}", flush=True)
    return met


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 100 - len(title)), flush=True)


def load_average() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


# --- gunicorn and HTTP -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(
    *, workers: int | None = None, threads: int | None = None, env: dict[str, str] | None = None, label: str = "web"
) -> Iterator[int]:
    """gunicorn as it ships (``-c gunicorn.conf.py`` and a bind address, as docker-compose.yml starts it) on a
    free port, on this process's database; ``workers``/``threads`` through ``WEB_WORKERS``/``WEB_THREADS``.
    Yields the port; stops the server (its process group) on the way out."""
    from django.conf import settings

    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("WEB_", "RATE_LIMIT_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="credit_portal.settings.base",
        DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),  # the files this process writes (reports, open data)
        OPENDATA_ROOT=str(settings.OPENDATA_ROOT),
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url(),
        **({"WEB_WORKERS": str(workers)} if workers else {}),
        **({"WEB_THREADS": str(threads)} if threads else {}),
        **(env or {}),
    )
    log = Path(tempfile.gettempdir()) / f"bench-gunicorn-{label}-{port}.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "credit_portal.wsgi", "-b", f"{HOST}:{port}"]
    with log.open("wb") as output:  # the server keeps its own handle
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while get(port, "/healthz")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.2)
        shown = f"WEB_WORKERS={workers or 'default'} WEB_THREADS={threads or 'default'}"
        print(f"gunicorn ({label}, {shown}) on {HOST}:{port}, log {log}", flush=True)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


class Connection:
    """One keep-alive HTTP connection, opened again when the server closes it (sync workers always do)."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, str, float | None]:
        """(status, body, failure, server ms): status 0 and "timeout" or "error: …" when there is no answer; the
        application's own time from its ``Server-Timing`` header."""
        return self.request("GET", path, headers=headers)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            content = response.read()
        except TimeoutError:
            self.close()
            return 0, b"", "timeout", None
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return 0, b"", f"error: {error.__class__.__name__}", None
        if response.will_close:
            self.close()
        timing = SERVER_TIMING.search(response.getheader("Server-Timing") or "")
        return response.status, content, "", float(timing.group(1)) if timing else None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None


def get(port: int, path: str) -> tuple[int, bytes, str, float | None]:
    connection = Connection(port, timeout=10)
    try:
        return connection.get(path)
    finally:
        connection.close()


@dataclass
class Sample:
    kind: str  # what the request is, as shown in the figures
    path: str
    status: int
    expected: int
    ms: float  # as the client saw it
    failure: str  # "", "timeout" or "error: …"
    server_ms: float | None  # the application's own time (Server-Timing)

    @property
    def error(self) -> bool:
        return self.failure.startswith("error") or (self.status != 0 and self.status != self.expected)


Fetch = Callable[[str, str, int], bytes]  # fetch(kind, path, expected status) -> body


def _client_process(index, port, heavy_port, heavy, drive, duration, seed, queue) -> None:
    rng = random.Random(seed * 1000 + index)
    pages = Connection(port, timeout=10)
    downloads = Connection(heavy_port, timeout=10) if heavy_port else pages
    samples: list[Sample] = []

    def fetch(kind: str, path: str, expected: int = 200) -> bytes:
        connection = downloads if heavy and heavy(path) else pages
        start = time.perf_counter()
        status, body, failure, server_ms = connection.get(path)
        samples.append(Sample(kind, path, status, expected, (time.perf_counter() - start) * 1000, failure, server_ms))
        return body

    deadline = time.monotonic() + duration
    try:
        while time.monotonic() < deadline:
            drive(rng, fetch)
    finally:
        queue.put(samples)


def run_clients(
    port: int,
    drive: Callable[[random.Random, Fetch], None],
    *,
    duration: float,
    connections: int,
    seed: int = 1,
    heavy_port: int | None = None,
    heavy: Callable[[str], bool] | None = None,
) -> list[Sample]:
    """``connections`` client processes (no shared interpreter lock between them), each calling ``drive(rng,
    fetch)`` over its own keep-alive connection until ``duration`` seconds have passed; paths for which
    ``heavy(path)`` is true go to ``heavy_port`` (as deploy/nginx.conf routes them). Every request's sample."""
    from django.db import connections as db_connections

    db_connections.close_all()  # the children inherit no database socket
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=_client_process, args=(i, port, heavy_port, heavy, drive, duration, seed, queue))
        for i in range(connections)
    ]
    for process in processes:
        process.start()
    samples = [sample for _ in processes for sample in queue.get(timeout=duration + 120)]
    for process in processes:
        process.join(timeout=30)
    return samples


def flush_cache() -> None:
    """Empty the cache (the Redis database of ``REDIS_URL``, shared with the servers started here)."""
    from django.core.cache import cache

    cache.clear()


# --- bench records -----------------------------------------------------------------------------------------------

SPAN_DAYS = 3 * 365  # decisions over the last three years
MARKET = ["jl-scjg", "cc-scjg", "jlc-scjg", "yb-scjg", "cc-cy-scjg", "cc-nn-scjg", "yj-scjg"]
ABBREVIATION = {"jl-sthj": "吉环", "cc-sthj": "长环", "jl-zjt": "吉建", "jl-sw": "吉税", "cc-sw": "长税"}
ABBREVIATION |= {"jl-yjgl": "吉应急", "jl-rst": "吉人社", "jl-czt": "吉财", "jl-fgw": "吉发改", "jl-gyfy": "吉"}
ABBREVIATION |= {"cc-zjfy": "吉01", **{code: "吉市监" for code in MARKET}}
# (certificate, scope, departments, validity in years, weight)
LICENCES = [
    ("食品经营许可证", "预包装食品销售、散装食品销售", MARKET, 5, 6),
    ("食品生产许可证", "糕点、饮料生产", ["jl-scjg", "cc-scjg"], 5, 1),
    ("药品经营许可证", "中成药、化学药制剂零售", ["jl-scjg", "cc-scjg"], 5, 1),
    ("特种设备使用登记证", "承压类特种设备使用", MARKET, 3, 1),
    ("排污许可证", "大气污染物排放、水污染物排放", ["jl-sthj", "cc-sthj"], 5, 1),
    ("建筑工程施工许可证", "房屋建筑工程施工", ["jl-zjt"], 1, 1),
    ("危险化学品经营许可证", "危险化学品批发（不带储存设施）", ["jl-yjgl"], 3, 1),
]
# (violation, basis, CF_CFLB, departments, weight in % of penalties). The catalog's severity rules derive the
# severity from CF_CFLB: 93% general (罚款), 2% minor (警告), 3% serious (暂扣许可证件), 2% severe.
PENALTIES = [
    ("销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条", "罚款", MARKET, 40),
    ("虚假宣传", "《中华人民共和国反不正当竞争法》第二十条", "罚款;没收违法所得", MARKET, 20),
    ("无证经营", "《无证无照经营查处办法》第十三条", "罚款;没收非法财物", MARKET, 10),
    ("价格欺诈", "《中华人民共和国价格法》第四十条", "罚款", MARKET, 10),
    ("超标排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条", "罚款", ["jl-sthj", "cc-sthj"], 5),
    ("未按规定申报纳税", "《中华人民共和国税收征收管理法》第六十二条", "罚款", ["jl-sw", "cc-sw"], 5),
    ("未取得施工许可擅自施工", "《建筑工程施工许可管理办法》第十二条", "罚款", ["jl-zjt"], 3),
    ("未按规定公示年度报告", "《企业信息公示暂行条例》第十七条", "警告", MARKET, 2),
    ("生产经营过期食品", "《中华人民共和国食品安全法》第一百二十四条", "罚款;暂扣许可证件", MARKET, 2),
    ("未落实安全生产责任制", "《中华人民共和国安全生产法》第九十三条", "暂扣许可证件", ["jl-yjgl"], 1),
    ("生产销售伪劣产品", "《中华人民共和国产品质量法》第五十条", "吊销许可证件;罚款", MARKET, 1),
    ("重大安全事故隐患拒不整改", "《中华人民共和国安全生产法》第一百零二条", "责令停产停业", ["jl-yjgl"], 1),
]
# Records that feed lists: (record type, list code or "", departments, weight in % of them)
LISTED = [
    ("jyyc", "", MARKET, 45),
    ("hmd", "hmd_nsa", ["jl-sw", "cc-sw"], 17),
    ("hmd", "hmd_shtzxy", ["jl-scjg"], 5),
    ("hmd", "hmd_ry", ["jl-fgw"], 3),
    ("sxbzxr", "", ["jl-gyfy", "cc-zjfy"], 15),
    ("yzsxmd", "yzsx_scjg", ["jl-scjg"], 8),
    ("yzsxmd", "yzsx_sw", ["jl-sw"], 3),
    ("yzsxmd", "yzsx_qxgz", ["jl-rst"], 2),
    ("yzsxmd", "yzsx_zfcg", ["jl-czt"], 1),
    ("yzsxmd", "yzsx_aqsc", ["jl-yjgl"], 1),
]
SHARES = {"xzxk": 0.55, "xzcf": 0.40}  # of the records; the rest (5%) feed lists
ABNORMAL_REASONS = ["未按照规定的期限公示年度报告", "通过登记的住所或者经营场所无法联系"]
CATEGORY = {"individual_business": "个体工商户"}  # every other subject with a USCC: 法人及非法人组织


def _pick(rng: random.Random, rows: list[tuple]) -> tuple:
    return rng.choices(rows, weights=[row[-1] for row in rows])[0]


def bench_item(n: int, subject, departments: dict, lists: dict, today: datetime.date, seed: int) -> tuple[str, dict]:
    """(department code, item in the national format) of bench record ``n`` about ``subject``: the same every
    time for the same ``n``, ``subject`` and day, so pushing it again changes nothing."""
    rng = random.Random(f"{seed}-{n}")
    u = rng.random()  # the kind of record: drawn first, so that ``records_ensure`` can pick its subject
    decided = today - datetime.timedelta(days=rng.randrange(SPAN_DAYS))
    who = {"XDR_MC": subject.name, "XDR_SHXYM": subject.uscc, "XDR_LB": CATEGORY.get(subject.kind, "法人及非法人组织")}
    if u < SHARES["xzxk"]:
        certificate, scope, codes, years, _ = _pick(rng, LICENCES)
        code = rng.choice(codes)
        name, uscc = departments[code]
        number = f"{ABBREVIATION[code]}许〔{decided.year}〕{n}号"
        until = decided.replace(year=decided.year + years, day=min(decided.day, 28)) - datetime.timedelta(days=1)
        data = {
            "XK_XKWS": f"{certificate}准予许可决定书", "XK_WSH": number, "XK_XKLB": "普通", "XK_XKZS": certificate,
            "XK_XKBH": f"JY{subject.division_code}{n:09d}", "XK_NR": scope, "XK_JDRQ": decided.isoformat(),
            "XK_YXQZ": decided.isoformat(), "XK_YXQZI": until.isoformat(), "XK_XKJG": name, "XK_XKJGDM": uscc,
            "XK_SJLY": name, "XK_SJLYDM": uscc,
        }  # fmt: skip
        return code, {"record_type": "xzxk", "data": {f"XK_{k}": v for k, v in who.items()} | data}
    if u < SHARES["xzxk"] + SHARES["xzcf"]:
        violation, basis, kinds, codes, _ = _pick(rng, PENALTIES)
        code = rng.choice(codes)
        name, uscc = departments[code]
        fine = rng.choice(["0.5", "1", "2", "5", "10", "20"]) if "罚款" in kinds else None
        data = {
            "CF_WSH": f"{ABBREVIATION[code]}罚〔{decided.year}〕{n}号", "CF_WFXW": violation,
            "CF_SY": f"经查，当事人存在{violation}的违法行为，事实清楚，证据确凿。", "CF_YJ": basis, "CF_CFLB": kinds,
            "CF_NR": kinds.replace(";", "、") + (f"，罚款人民币{fine}万元" if fine else ""), "CF_NR_FK": fine,
            "CF_JDRQ": decided.isoformat(), "CF_CFJG": name, "CF_CFJGDM": uscc, "CF_SJLY": name, "CF_SJLYDM": uscc,
        }  # fmt: skip
        data = {f"CF_{k}": v for k, v in who.items()} | {k: v for k, v in data.items() if v is not None}
        return code, {"record_type": "xzcf", "data": data}
    record_type, list_code, codes, _ = _pick(rng, LISTED)
    code = rng.choice(codes)
    name, uscc = departments[code]
    number = f"{ABBREVIATION[code]}信〔{decided.year}〕{n}号"
    ended = decided + datetime.timedelta(days=30 + rng.randrange(1000))
    ended = ended.isoformat() if rng.random() < 0.3 and ended < today else None
    if record_type == "jyyc":
        data = {"YC_LRWH": number, "YC_LRYY": rng.choice(ABNORMAL_REASONS), "YC_LRRQ": decided.isoformat()}
        data |= {"YC_ZCJG": name, "YC_YCRQ": ended, "YC_YCYY": "已依法履行公示义务，申请移出" if ended else None}
        data |= {"YC_XDR_MC": subject.name, "YC_XDR_SHXYM": subject.uscc}
    elif record_type == "sxbzxr":
        data = {f"SX_{k}": v for k, v in who.items()} | {
            "SX_AH": f"（{decided.year}）{ABBREVIATION[code]}执{n}号", "SX_ZXFY": name, "SX_YWNR": "支付货款及利息",
            "SX_LXQK": "全部未履行", "SX_SXQX": "有履行能力而拒不履行生效法律文书确定义务",
            "SX_FBRQ": decided.isoformat(), "SX_YCRQ": ended,
        }  # fmt: skip
    else:
        list_name, basis = lists[list_code]
        months = 36 if record_type == "yzsxmd" else 24
        until = (decided + datetime.timedelta(days=months * 365 // 12)).isoformat()
        p = "YZ" if record_type == "yzsxmd" else "HM"
        data = {f"{p}_XDR_MC": subject.name, f"{p}_XDR_SHXYM": subject.uscc, f"{p}_MDDM": list_code}
        data |= {f"{p}_MDMC": list_name, f"{p}_RDWH": number, f"{p}_RDYJ": basis, f"{p}_RDRQ": decided.isoformat()}
        data |= {f"{p}_YXQZ": until, f"{p}_RDJG": name}
        if p == "YZ":
            data |= {"YZ_XDR_LB": who["XDR_LB"], "YZ_RDYY": "提交虚假材料取得登记", "YZ_RDJGDM": uscc}
    return code, {"record_type": record_type, "data": {k: v for k, v in data.items() if v is not None}}


_PUSH: dict = {}  # what ``_push`` needs, set before the worker processes are forked


def _push(chunk: range) -> None:
    """Push bench records ``chunk``, grouped by department, in calls of at most 1,000."""
    from audit.services import Actor
    from records.services import RecordInput, records_ingest
    from subjects.models import CreditSubject

    seed, every, covered, departments = _PUSH["seed"], _PUSH["every"], _PUSH["covered"], _PUSH["departments"]
    picks = {}
    for i in chunk:
        listed = random.Random(f"{seed}-{i}").random() >= SHARES["xzxk"] + SHARES["xzcf"]
        pool = every if listed else covered
        picks[i] = pool[random.Random(f"{seed}-{i}-subject").randrange(len(pool))]
    subjects = CreditSubject.objects.in_bulk(set(picks.values()))
    by_department: dict[str, list] = {}
    for i in chunk:
        code, item = bench_item(i, subjects[picks[i]], _PUSH["names"], _PUSH["lists"], _PUSH["today"], seed)
        by_department.setdefault(code, []).append(RecordInput(**item))
    for code, items in by_department.items():
        for start in range(0, len(items), 1000):
            results = records_ingest(
                department=departments[code], items=items[start : start + 1000], channel="api",
                actor=Actor.system("bench/harness.py"),
            )  # fmt: skip
            if refused := [r for r in results if r.status not in ("created", "updated", "unchanged")]:
                raise RuntimeError(f"bench item refused: {refused[0]}")


def records_ensure(target: int, *, seed: int = 2026, jobs: int = 1, log=print) -> int:
    """Push bench records through ``records_ingest`` (the API's own path) until the database holds at least
    ``target`` records, in ``jobs`` processes; returns how many were pushed. Idempotent: record ``n`` is always
    the same item (a second call adds nothing, an interrupted one resumes).

    Licences and penalties go to a third of the subjects with a USCC, records that feed lists to any of them;
    decisions are spread over the last three years; the mix is ``SHARES``, ``PENALTIES`` and ``LISTED``. What
    follows a push (list memberships, statuses, page versions) runs as Celery is configured: ``main`` runs it
    in the pushing process (eager), as the test settings do."""
    from django.db import connections
    from django.utils import timezone

    from organisations.models import Department
    from records.models import CreditRecord
    from sanctions.models import ListType
    from subjects.models import CreditSubject

    have = CreditRecord.objects.count()
    if have >= target:
        return 0
    departments = Department.objects.in_bulk(list(ABBREVIATION), field_name="code")
    if missing := set(ABBREVIATION) - set(departments):
        sys.exit(f"departments missing: {', '.join(sorted(missing))} (manage.py seed_demo creates them)")
    every = list(CreditSubject.objects.exclude(uscc=None).order_by("pk").values_list("pk", flat=True))
    if not every:
        sys.exit("no subjects: run manage.py seed_demo --subjects N first")
    _PUSH.update(
        seed=seed, every=every, covered=every[::3], departments=departments, today=timezone.localdate(),
        names={code: (d.name, d.uscc) for code, d in departments.items()},
        lists={row.code: (row.name, row.legal_basis) for row in ListType.objects.all()},
    )  # fmt: skip
    log(f"bench records: {have:,} now, pushing up to {target - have:,} through records_ingest in {jobs} process(es)")
    pushed, n, started = 0, have, time.time()
    while have < target:
        chunks = [range(i, min(i + 5000, n + target - have)) for i in range(n, n + target - have, 5000)]
        if jobs > 1:
            connections.close_all()  # each process opens its own
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for done, _ in enumerate(pool.imap_unordered(_push, chunks), 1):
                    log(f"  {done * 5000:,} of {target - have:,} ({load_average()})")
        else:
            for chunk in chunks:
                _push(chunk)
        pushed += target - have
        n += target - have
        have = CreditRecord.objects.count()
        log(f"  {have:,} records ({pushed / max(time.time() - started, 1e-9):,.0f} items/s; {load_average()})")
    return pushed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bring the database to at least --records bench records.")
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=2, help="pushing processes (default 2)")
    args = parser.parse_args(argv)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # no task left in a broker for a later worker to find
    setup("bench/harness.py")
    start = time.perf_counter()
    if records_ensure(args.records, seed=args.seed, jobs=args.jobs):
        sql("VACUUM (ANALYZE) records_creditrecord")
        sql("VACUUM (ANALYZE) records_recordversion")
    print(f"done in {time.perf_counter() - start:,.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
