"""Shared helpers of ``bench/sanctions.py`` and ``bench/public.py``: Django setup, timings, and the bench data.

The data function, ``records_ensure(target)``, brings ``records_creditrecord`` to at least ``target`` records
with a realistic mix, generated in SQL (``INSERT … SELECT`` over ``generate_series`` joined to the subjects):
ingestion speed is not what these benchmarks measure (that is ``bench/ingest.py``). The rows are what
``records_ingest`` would have written for items in the national format (``tests/records/helpers.py``):

- department: an existing department that issues that kind of record (market regulation, environment,
  housing, tax, courts…); ``source_id`` = the document number, unique per (department, type); status
  ``active``; ``channel`` ``batch``; ``version`` 1; ``objection`` ``none``; ``data_hash`` the SHA-256 of the
  data; one ``records_recordversion`` row (version 1, ``create``, the same data) per record;
- ``data``: the national field codes, with the subject's real name, USCC and category;
- severity from the catalog's severity rules (``records.rules.derive_severity``: 罚款 → general, 警告 → minor,
  暂扣许可证件 → serious, 吊销许可证件 / 责令停产停业 → severe) or the type's default; the disclosure window from
  ``records.rules`` exactly as ingestion computes it: penalties by the regime in force on the decision date
  (``severity_window`` over the ``DisclosureRegime`` rows, computed in Python for every date and joined),
  list records and licences from the decision date to their end date (licences: the end of validity
  ``XK_YXQZI``).

The mix is a quota per kind, and the function only adds what is missing (idempotent: a second call with
the same target adds nothing). Of the target: licences (xzxk) fill what the rest leaves (about 55%),
penalties (xzcf) 40%, of which 93% general (罚款…), 2% minor (警告, not published), 3% serious (暂扣许可证件)
and 2% severe (吊销许可证件, 责令停产停业); records already in the table (e.g. the 罚款 penalties left by
``bench/ingest.py``) count towards their kind's quota. List-feeding records for 3% of the subjects with a
USCC, one each: 经营异常名录 jyyc 45%, 守信激励 hmd 25% (hmd_nsa, hmd_shtzxy, hmd_ry), 失信被执行人 sxbzxr 15%,
严重失信主体名单 yzsxmd 15% (yzsx_scjg, _sw, _qxgz, _zfcg, _aqsc). Decision dates are uniform over the last
3 years. Licences and penalties go to a "covered" set of subjects: those that already have a record, plus
random others so that about 30% of all subjects end up with at least one record; each covered subject
gets 1 + floor(Exp(μ)) licences (μ set by the quota, a long tail up to about 10μ), and penalties go to
random covered subjects.

Run it alone (the two benchmark scripts call it too, with their ``--records``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench .venv/bin/python bench/_common.py --records 3000000
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SPAN_DAYS = 3 * 365  # decisions spread over the last 3 years
TARGET_COVERAGE = 0.30  # share of all subjects with at least one record
LIST_SHARE = 0.03  # share of subjects (with a USCC) with a list-feeding record
PENALTY_SHARE = 0.40
PENALTY_CLASSES = {"general": 0.93, "minor": 0.02, "serious": 0.03, "severe": 0.02}
LIST_TYPES = {"jyyc": 0.45, "hmd": 0.25, "sxbzxr": 0.15, "yzsxmd": 0.15}
CHUNK = 400_000
ACTOR_LABEL = "基准数据（SQL 生成）"


# --- Django and environment ------------------------------------------------------------------------------


def setup_django(script: str) -> None:
    """Make the project importable, configure Django (DEBUG off unless DJANGO_DEBUG says otherwise), and refuse
    anything but PostgreSQL."""
    sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_portal.settings.base")
    # As in production: with DEBUG on, Django logs every statement of this process (slower, and memory).
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            f"{script} needs PostgreSQL; the configured database is {connection.vendor}. Set DATABASE_URL, e.g. "
            f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench"
        )


def database_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def other_benchmarks() -> list[str]:
    """Command lines of a running ``bench/ingest.py`` (timings taken meanwhile would be meaningless)."""
    found = subprocess.run(["pgrep", "-af", "bench/ingest.py"], capture_output=True, text=True, check=False)
    return [line for line in found.stdout.splitlines() if line.strip() and "pgrep" not in line]


def wait_for_quiet(*, wait: bool, log: Callable[[str], None] = print) -> None:
    """Refuse to time while ``bench/ingest.py`` runs; with ``wait``, wait for it to end instead."""
    while running := other_benchmarks():
        if not wait:
            sys.exit(f"bench/ingest.py is running ({running[0]}); rerun later or pass --wait-quiet")
        log(f"waiting for bench/ingest.py to finish ({load_average()})")
        time.sleep(30)


# --- statistics and output ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timings:
    """Latencies in milliseconds; p95 is the nearest-rank percentile."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.values)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    @property
    def p95(self) -> float:
        return self.percentile(0.95)

    @property
    def max(self) -> float:
        return max(self.values)

    def summary(self) -> str:
        return f"median {self.median:8.2f}  p95 {self.p95:8.2f}  max {self.max:8.2f} ms  (n={len(self.values)})"


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 100 - len(title)), flush=True)


def timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "—"


# --- bench data -----------------------------------------------------------------------------------------------

MARKET = ["jl-scjg", "cc-scjg", "jlc-scjg", "yb-scjg", "cc-cy-scjg", "cc-nn-scjg", "yj-scjg"]
WSH_PREFIX = {  # department → abbreviation used in its document numbers
    "jl-scjg": "吉市监",
    "cc-scjg": "长市监",
    "jlc-scjg": "吉市市监",
    "yb-scjg": "延州市监",
    "cc-cy-scjg": "长朝市监",
    "cc-nn-scjg": "长南市监",
    "yj-scjg": "延市监",
    "jl-sthj": "吉环",
    "cc-sthj": "长环",
    "jl-zjt": "吉建",
    "jl-sw": "吉税",
    "cc-sw": "长税",
    "jl-yjgl": "吉应急",
    "jl-rst": "吉人社",
    "jl-czt": "吉财",
    "jl-fgw": "吉发改",
    "jl-gyfy": "吉",
    "cc-zjfy": "吉01",
}
# (certificate, scope, departments, validity in years, weight)
LICENCES = [
    ("食品经营许可证", "预包装食品销售、散装食品销售", MARKET, 5, 6),
    ("食品生产许可证", "糕点、饮料生产", ["jl-scjg", "cc-scjg"], 5, 1),
    ("药品经营许可证", "中成药、化学药制剂零售", ["jl-scjg", "cc-scjg"], 5, 1),
    ("特种设备使用登记证", "承压类特种设备使用", MARKET, 3, 1),
    ("排污许可证", "大气污染物排放、水污染物排放", ["jl-sthj", "cc-sthj"], 5, 1),
    ("建筑工程施工许可证", "房屋建筑工程施工", ["jl-zjt"], 1, 1),
    ("建筑业企业资质证书", "施工总承包三级", ["jl-zjt"], 5, 1),
    ("危险化学品经营许可证", "危险化学品批发（不带储存设施）", ["jl-yjgl"], 3, 1),
]
# (violation, basis, penalty kinds, departments, weight) by severity class; the severity itself is derived
# from CF_CFLB by the catalog's severity rules.
PENALTIES = {
    "general": [
        ("销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条", "罚款", MARKET, 4),
        ("虚假宣传", "《中华人民共和国反不正当竞争法》第二十条", "罚款;没收违法所得", MARKET, 2),
        ("无证经营", "《无证无照经营查处办法》第十三条", "罚款;没收非法财物", MARKET, 1),
        ("价格欺诈", "《中华人民共和国价格法》第四十条", "罚款", MARKET, 1),
        ("超标排放大气污染物", "《中华人民共和国大气污染防治法》第九十九条", "罚款", ["jl-sthj", "cc-sthj"], 1),
        ("未按规定申报纳税", "《中华人民共和国税收征收管理法》第六十二条", "罚款", ["jl-sw", "cc-sw"], 1),
        ("未取得施工许可擅自施工", "《建筑工程施工许可管理办法》第十二条", "罚款", ["jl-zjt"], 1),
    ],
    "minor": [
        ("未按规定公示年度报告", "《企业信息公示暂行条例》第十七条", "警告", MARKET, 1),
    ],
    "serious": [
        ("生产经营过期食品", "《中华人民共和国食品安全法》第一百二十四条", "罚款;暂扣许可证件", MARKET, 2),
        ("未落实安全生产责任制", "《中华人民共和国安全生产法》第九十三条", "暂扣许可证件", ["jl-yjgl"], 1),
    ],
    "severe": [
        ("生产销售伪劣产品", "《中华人民共和国产品质量法》第五十条", "吊销许可证件;罚款", MARKET, 2),
        ("重大安全事故隐患拒不整改", "《中华人民共和国安全生产法》第一百零二条", "责令停产停业", ["jl-yjgl"], 1),
    ],
}
ABNORMAL_REASONS = [
    "未按照规定的期限公示年度报告",
    "未在责令的期限内公示有关企业信息",
    "公示企业信息隐瞒真实情况、弄虚作假",
    "通过登记的住所或者经营场所无法联系",
]
# list code → (departments, weight) for hmd and yzsxmd records
HONOURS = {"hmd_nsa": (["jl-sw", "cc-sw"], 14, 12), "hmd_shtzxy": (["jl-scjg"], 4, 24), "hmd_ry": (["jl-fgw"], 2, 36)}
SERIOUS_LISTS = {
    "yzsx_scjg": (["jl-scjg"], 11, "提交虚假材料取得登记"),
    "yzsx_sw": (["jl-sw"], 3, "虚开增值税专用发票"),
    "yzsx_qxgz": (["jl-rst"], 2, "拒不支付劳动报酬"),
    "yzsx_zfcg": (["jl-czt"], 2, "提供虚假材料谋取中标"),
    "yzsx_aqsc": (["jl-yjgl"], 2, "发生较大生产安全事故"),
}
COURTS = ["jl-gyfy", "cc-zjfy"]


def _one(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _all(sql: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _run(sql: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def records_counts() -> dict[str, int]:
    """Records per kind: type code, and for penalties ``xzcf:<severity>`` (one pass over the table)."""
    counts: dict[str, int] = {}
    for code, severity, n in _all(
        "SELECT t.code, r.severity, count(*) FROM records_creditrecord r "
        "JOIN records_recordtype t ON t.id = r.record_type_id GROUP BY 1, 2"
    ):
        counts[code] = counts.get(code, 0) + n
        if code == "xzcf":
            counts[f"xzcf:{severity or 'none'}"] = n
    return counts


def data_summary() -> dict[str, object]:
    """What the bench data looks like now (for the report)."""
    subjects = _one("SELECT count(*) FROM subjects_creditsubject")[0]
    covered = _one("SELECT count(DISTINCT subject_id) FROM records_creditrecord WHERE subject_id IS NOT NULL")[0]
    versions = _one("SELECT count(*) FROM records_recordversion")[0]
    counts = records_counts()
    total = sum(n for code, n in counts.items() if ":" not in code)
    public_today = _one(
        "SELECT count(*) FROM records_creditrecord WHERE status = 'active' AND publishable "
        "AND disclosure_start <= current_date AND (disclosure_end IS NULL OR disclosure_end >= current_date)"
    )[0]
    sizes = _all(
        "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
        "WHERE relname IN ('records_creditrecord', 'records_recordversion', 'subjects_creditsubject')"
    )
    return {
        "subjects": subjects,
        "subjects_with_records": covered,
        "records": total,
        "versions": versions,
        "by_kind": counts,
        "in_window_today": public_today,
        "sizes": dict(sizes),
    }


def print_data_summary(summary: dict) -> None:
    total = summary["records"]
    print(
        f"subjects {summary['subjects']:,}; with at least one record {summary['subjects_with_records']:,} "
        f"({100 * summary['subjects_with_records'] / summary['subjects']:.1f}%)"
    )
    print(
        f"records {total:,} ({summary['versions']:,} versions); active and inside their window today: "
        f"{summary['in_window_today']:,}"
    )
    for code, n in sorted(summary["by_kind"].items()):
        print(f"  {code:<14} {n:>10,}  {100 * n / total:5.1f}%")
    print("sizes: " + ", ".join(f"{name} {size}" for name, size in sorted(summary["sizes"].items())))


def _quotas(target: int, counts: dict[str, int], uscc_subjects: int) -> dict[str, int]:
    """What to add, per kind, so that every kind reaches its share of ``target`` and the total reaches it."""
    want = {f"xzcf:{cls}": round(target * PENALTY_SHARE * share) for cls, share in PENALTY_CLASSES.items()}
    list_total = round(LIST_SHARE * uscc_subjects)
    want |= {code: round(list_total * share) for code, share in LIST_TYPES.items()}
    add = {kind: max(0, n - counts.get(kind, 0)) for kind, n in want.items()}
    total = sum(n for code, n in counts.items() if ":" not in code)
    add["xzxk"] = max(0, target - total - sum(add.values()))
    return add


def _decided_sql() -> str:
    """A decision date uniform over the last SPAN_DAYS days up to today (the platform's local date)."""
    from django.utils import timezone

    return f"(DATE '{timezone.localdate().isoformat()}' - floor(random() * {SPAN_DAYS})::int)"


def _today_sql() -> str:
    from django.utils import timezone

    return f"DATE '{timezone.localdate().isoformat()}'"


def _dept_table(departments: dict[str, tuple[int, str, str]]) -> None:
    _run("DROP TABLE IF EXISTS bm_dept")
    _run("CREATE TEMP TABLE bm_dept (code text PRIMARY KEY, id bigint, name text, uscc text, prefix text)")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bm_dept VALUES (%s, %s, %s, %s, %s)",
            [(code, pk, name, uscc, WSH_PREFIX.get(code, "吉")) for code, (pk, name, uscc) in departments.items()],
        )


def _template_table(name: str, columns: str, rows: list[tuple]) -> int:
    """A temp table of templates, each repeated by its weight, numbered from 0 in column ``v``."""
    from django.db import connection

    _run(f"DROP TABLE IF EXISTS {name}")
    _run(f"CREATE TEMP TABLE {name} (v int PRIMARY KEY, {columns})")
    placeholders = ", ".join(["%s"] * (len(rows[0]) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {name} VALUES ({placeholders})", [(i, *row) for i, row in enumerate(rows)])
    return len(rows)


def _expand(templates, departments_at: int) -> list[tuple]:
    """One row per (template, department), repeated by weight (the last element of each template)."""
    rows = []
    for template in templates:
        *values, weight = template
        departments = values.pop(departments_at)
        for code in departments:
            rows += [(*values, code)] * weight
    return rows


def _penalty_windows(severities: Sequence[str]) -> None:
    """The disclosure window of every (decision date, severity) of the span, as ingestion computes it."""
    from django.db import connection
    from django.utils import timezone

    from records import rules
    from records.selectors import disclosure_regimes

    regimes = disclosure_regimes()
    today = timezone.localdate()
    rows = []
    for days in range(-1, SPAN_DAYS + 2):
        day = today - datetime.timedelta(days=days)
        for severity in severities:
            window = rules.severity_window(decided_on=day, severity=severity, regimes=regimes)
            rows.append(
                (day, severity, window.publishable, window.start, window.end, window.repair_eligible_on, window.regime)
            )
    _run("DROP TABLE IF EXISTS bm_window")
    _run(
        "CREATE TEMP TABLE bm_window (decided_on date, severity text, publishable bool, start_on date, end_on date, "
        "repair_on date, regime text, PRIMARY KEY (decided_on, severity))"
    )
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO bm_window VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)


def _insert_sql(select: str) -> str:
    """INSERT of records from a SELECT producing (subject_id, dept_id, type_id, source_id, severity, decided_on,
    publishable, start, end, repair, regime, data, received_at)."""
    return f"""
        INSERT INTO records_creditrecord (subject_id, department_id, record_type_id, source_id, status, severity,
            decided_on, publishable, disclosure_start, disclosure_end, repair_eligible_on, regime, data, data_hash,
            version, channel, review_note, revoked_reason, received_at, updated_at, objection, division_code)
        SELECT g.subject_id, g.dept_id, g.type_id, g.source_id, 'active', g.severity, g.decided_on, g.publishable,
            g.start_on, g.end_on, g.repair_on, g.regime, g.data,
            encode(sha256(convert_to(g.data::text, 'UTF8')), 'hex'), 1, 'batch', '', '', g.received_at,
            g.received_at, 'none', (SELECT s.division_code FROM subjects_creditsubject s WHERE s.id = g.subject_id)
        FROM ({select}) g
    """


RECEIVED = "LEAST(now(), (p.decided_on + floor(random() * 7)::int) + time '09:00' + random() * interval '8 hours')"
SUBJECT_FIELDS = """
    jsonb_build_object('{p}_XDR_MC', s.name, '{p}_XDR_SHXYM', s.uscc)
    || CASE WHEN {with_kind} THEN jsonb_build_object('{p}_XDR_LB',
        CASE s.kind WHEN 'individual_business' THEN '个体工商户' ELSE '法人及非法人组织' END) ELSE '{{}}'::jsonb END
"""


def _subject_fields(prefix: str, *, with_kind: bool = True) -> str:
    return SUBJECT_FIELDS.format(p=prefix, with_kind="true" if with_kind else "false")


def _versions_for(after_id: int) -> int:
    return _run(
        """
        INSERT INTO records_recordversion (record_id, version, change, status, severity, data, reason, actor_label,
            changed_at)
        SELECT r.id, 1, 'create', r.status, r.severity, r.data, d.name || '报送', d.code || '/' || %s, r.received_at
        FROM records_creditrecord r JOIN subjects_department d ON d.id = r.department_id
        WHERE r.id > %s AND NOT EXISTS (SELECT 1 FROM records_recordversion v WHERE v.record_id = r.id)
        """,
        [ACTOR_LABEL, after_id],
    )


def _insert_in_chunks(label: str, plan_rows: int, select_for: Callable[[int, int], str], log) -> int:
    """Insert from the plan table in chunks of CHUNK rows, each chunk with its versions in one transaction."""
    from django.db import transaction

    done = 0
    for low in range(0, plan_rows, CHUNK):
        high = min(plan_rows, low + CHUNK)
        start = time.perf_counter()
        with transaction.atomic():
            before = _one("SELECT coalesce(max(id), 0) FROM records_creditrecord")[0]
            inserted = _run(_insert_sql(select_for(low, high)))
            versions = _versions_for(before)
        done += inserted
        log(f"  {label}: +{inserted:,} records, +{versions:,} versions ({time.perf_counter() - start:.0f} s)")
    return done


def records_ensure(target: int, *, seed: int = 2026, log: Callable[[str], None] = print) -> dict[str, int]:
    """Bring the records table to at least ``target`` records of the mix described in the module docstring.

    Idempotent: only the missing part of each kind's quota is added; a second call adds nothing. Returns
    what was added per kind. Ends with ``VACUUM (ANALYZE)`` of the two tables when anything was added.
    """
    from django.db import connection
    from django.utils import timezone

    from records import rules
    from records.selectors import catalog_entries

    total = _one("SELECT count(*) FROM records_creditrecord")[0]
    list_records = _one(
        "SELECT count(*) FROM records_creditrecord r JOIN records_recordtype t ON t.id = r.record_type_id "
        "WHERE t.code IN ('jyyc', 'hmd', 'sxbzxr', 'yzsxmd')"
    )[0]
    uscc_subjects = _one("SELECT count(*) FROM subjects_creditsubject WHERE uscc IS NOT NULL")[0]
    if total >= target and list_records >= 0.95 * round(LIST_SHARE * uscc_subjects):
        log(f"bench data: {total:,} records, {list_records:,} list records: nothing to add (target {target:,})")
        return {}
    counts = records_counts()
    add = _quotas(target, counts, uscc_subjects)
    log(
        f"bench data: {total:,} records now, target {target:,}; adding "
        + ", ".join(f"{k} {v:,}" for k, v in add.items())
    )
    if not any(add.values()):
        return add

    types = dict(_all("SELECT code, id FROM records_recordtype"))
    departments = {
        code: (pk, name, uscc) for code, pk, name, uscc in _all("SELECT code, id, name, uscc FROM subjects_department")
    }
    missing = {code for code in WSH_PREFIX if code not in departments}
    if missing:
        sys.exit(f"departments missing (seed_demo creates them): {', '.join(sorted(missing))}")
    list_names = {
        code: (name, basis) for code, name, basis in _all("SELECT code, name, legal_basis FROM sanctions_listtype")
    }
    if not list_names:
        sys.exit("no list types: run manage.py migrate first (sanctions.0002_seed_catalog)")
    severity_rules = catalog_entries()["xzcf"].severity_rules
    _run("SET max_parallel_workers_per_gather = 0")
    _run("SELECT setseed(%s)", [((seed % 2000) - 1000) / 1000])
    _dept_table(departments)
    offset = _one("SELECT coalesce(max(id), 0) FROM records_creditrecord")[0]  # document numbers above any earlier run

    # Covered subjects: those that already have a record, plus enough new ones for ~30% of all subjects.
    subjects = _one("SELECT count(*) FROM subjects_creditsubject")[0]
    covered_now = _one("SELECT count(DISTINCT subject_id) FROM records_creditrecord WHERE subject_id IS NOT NULL")[0]
    share = min(1.0, max(0.0, (TARGET_COVERAGE * subjects - covered_now) / max(1, uscc_subjects - covered_now)))
    _run("DROP TABLE IF EXISTS bm_covered")
    _run(
        """
        CREATE TEMP TABLE bm_covered AS
        SELECT row_number() OVER (ORDER BY s.id) AS n, s.id AS subject_id, 0 AS k
        FROM subjects_creditsubject s WHERE s.uscc IS NOT NULL
            AND (random() < %s OR EXISTS (SELECT 1 FROM records_creditrecord r WHERE r.subject_id = s.id))
        """,
        [share],
    )
    n_covered = max(1, _one("SELECT count(*) FROM bm_covered")[0])
    licences = add["xzxk"]
    # each covered subject gets 1 + floor(Exp(mu)) licences: E = 1 + 1/(e^(1/mu) - 1); aim 5% above the quota
    per_subject = max(1.0, 1.05 * licences / n_covered)
    mu = 1 / math.log(1 + 1 / (per_subject - 1)) if per_subject > 1.0001 else 0.01
    _run("UPDATE bm_covered SET k = 1 + floor(-ln(1 - random()) * %s)::int", [mu])
    _run("CREATE UNIQUE INDEX ON bm_covered (n)")
    log(
        f"  covered set: {n_covered:,} subjects (those with records, plus {share:.3f} of the others with a USCC), "
        f"licences per subject 1 + floor(Exp(μ={mu:.2f}))"
    )
    today = timezone.localdate()

    # Licences -----------------------------------------------------------------------------------------------
    if licences:
        n_templates = _template_table(
            "bm_lic",
            "zs text, nr text, years int, dept text",
            _expand(LICENCES, 2),
        )
        _run("DROP TABLE IF EXISTS bm_plan")
        _run(
            f"""
            CREATE TEMP TABLE bm_plan AS
            SELECT row_number() OVER () - 1 AS rn, subject_id, {_decided_sql()} AS decided_on,
                floor(random() * {n_templates})::int AS v
            FROM (SELECT c.subject_id FROM bm_covered c, generate_series(1, c.k) ORDER BY random() LIMIT %s) x
            """,
            [licences],
        )
        _run("CREATE UNIQUE INDEX ON bm_plan (rn)")
        plan_rows = _one("SELECT count(*) FROM bm_plan")[0]

        def licence_select(low: int, high: int) -> str:
            return f"""
                SELECT p.subject_id, d.id AS dept_id, {types["xzxk"]} AS type_id, w.wsh AS source_id, '' AS severity,
                    p.decided_on, true AS publishable, p.decided_on AS start_on, w.until AS end_on,
                    NULL::date AS repair_on, '' AS regime,
                    {_subject_fields("XK")} || jsonb_strip_nulls(jsonb_build_object(
                        'XK_FRDB', NULLIF(s.legal_representative, ''),
                        'XK_XKWS', t.zs || '准予许可决定书', 'XK_WSH', w.wsh, 'XK_XKLB', '普通', 'XK_XKZS', t.zs,
                        'XK_XKBH', 'JY' || s.division_code || lpad(({offset} + p.rn)::text, 9, '0'),
                        'XK_NR', t.nr, 'XK_JDRQ', p.decided_on::text, 'XK_YXQZ', p.decided_on::text,
                        'XK_YXQZI', w.until::text, 'XK_XKJG', d.name, 'XK_XKJGDM', d.uscc,
                        'XK_SJLY', d.name, 'XK_SJLYDM', d.uscc)) AS data,
                    {RECEIVED} AS received_at
                FROM bm_plan p
                JOIN bm_lic t ON t.v = p.v
                JOIN bm_dept d ON d.code = t.dept
                JOIN subjects_creditsubject s ON s.id = p.subject_id
                CROSS JOIN LATERAL (SELECT
                    d.prefix || '许〔' || extract(year FROM p.decided_on) || '〕' || ({offset} + p.rn) || '号' AS wsh,
                    (p.decided_on + make_interval(years => t.years) - interval '1 day')::date AS until) w
                WHERE p.rn >= {low} AND p.rn < {high}
            """

        _insert_in_chunks("xzxk", plan_rows, licence_select, log)
        offset += plan_rows

    # Penalties, per severity class ------------------------------------------------------------------------------
    derived = {}
    for templates in PENALTIES.values():
        for _violation, _basis, kinds, *_ in templates:
            derived[kinds] = rules.derive_severity({"CF_CFLB": kinds}, severity_rules, default="") or "general"
    _penalty_windows(sorted(set(derived.values())))
    for cls in PENALTY_CLASSES:
        count = add.get(f"xzcf:{cls}", 0)
        if not count:
            continue
        rows = [
            (violation, basis, kinds, derived[kinds], dept)
            for violation, basis, kinds, dept in _expand(PENALTIES[cls], 3)
        ]
        n_templates = _template_table("bm_pen", "wfxw text, yj text, cflb text, severity text, dept text", rows)
        _run("DROP TABLE IF EXISTS bm_plan")
        _run(
            f"""
            CREATE TEMP TABLE bm_plan AS
            SELECT x.rn, c.subject_id, x.decided_on, x.v, x.fine
            FROM (
                SELECT g - 1 AS rn, 1 + floor(random() * {n_covered})::int AS pick, {_decided_sql()} AS decided_on,
                    floor(random() * {n_templates})::int AS v,
                    (ARRAY['0.5', '1', '2', '5', '10', '20'])[1 + floor(random() * 6)::int] AS fine
                FROM generate_series(1, %s) g
            ) x
            JOIN bm_covered c ON c.n = x.pick
            """,
            [count],
        )
        _run("CREATE UNIQUE INDEX ON bm_plan (rn)")
        plan_rows = _one("SELECT count(*) FROM bm_plan")[0]

        def penalty_select(low: int, high: int, offset=offset) -> str:
            return f"""
                SELECT p.subject_id, d.id AS dept_id, {types["xzcf"]} AS type_id, w.wsh AS source_id, t.severity,
                    p.decided_on, win.publishable, win.start_on, win.end_on, win.repair_on, win.regime,
                    {_subject_fields("CF")} || jsonb_strip_nulls(jsonb_build_object(
                        'CF_FRDB', NULLIF(s.legal_representative, ''), 'CF_WSH', w.wsh, 'CF_WFXW', t.wfxw,
                        'CF_SY', '经查，当事人存在' || t.wfxw || '的违法行为，事实清楚，证据确凿。', 'CF_YJ', t.yj,
                        'CF_CFLB', t.cflb,
                        'CF_NR', replace(t.cflb, ';', '、') || CASE WHEN t.cflb LIKE '%%罚款%%'
                            THEN '，罚款人民币' || p.fine || '万元' ELSE '' END,
                        'CF_NR_FK', CASE WHEN t.cflb LIKE '%%罚款%%' THEN p.fine END,
                        'CF_NR_ZKDX', CASE WHEN t.cflb LIKE '%%许可证件%%'
                            THEN '食品经营许可证 JY' || s.division_code || lpad(p.rn::text, 7, '0') END,
                        'CF_JDRQ', p.decided_on::text, 'CF_CFJG', d.name, 'CF_CFJGDM', d.uscc,
                        'CF_SJLY', d.name, 'CF_SJLYDM', d.uscc)) AS data,
                    {RECEIVED} AS received_at
                FROM bm_plan p
                JOIN bm_pen t ON t.v = p.v
                JOIN bm_dept d ON d.code = t.dept
                JOIN bm_window win ON win.decided_on = p.decided_on AND win.severity = t.severity
                JOIN subjects_creditsubject s ON s.id = p.subject_id
                CROSS JOIN LATERAL (SELECT
                    d.prefix || '罚〔' || extract(year FROM p.decided_on) || '〕' || ({offset} + p.rn) || '号' AS wsh) w
                WHERE p.rn >= {low} AND p.rn < {high}
            """

        _insert_in_chunks(f"xzcf {cls}", plan_rows, penalty_select, log)
        offset += plan_rows

    # List-feeding records: one per chosen subject ------------------------------------------------------------------
    list_count = sum(add.get(code, 0) for code in LIST_TYPES)
    if list_count:
        _run("DROP TABLE IF EXISTS bm_lplan")
        _run(
            f"""
            CREATE TEMP TABLE bm_lplan AS
            SELECT row_number() OVER () - 1 AS rn, id AS subject_id, {_decided_sql()} AS decided_on,
                random() AS u1, random() AS u2, random() AS u3
            FROM (SELECT id FROM subjects_creditsubject WHERE uscc IS NOT NULL ORDER BY random() LIMIT %s) x
            """,
            [list_count],
        )
        bounds, start = {}, 0
        for code in LIST_TYPES:
            bounds[code] = (start, start + add.get(code, 0))
            start += add.get(code, 0)
        honour_rows = [
            (code, dept, months)
            for code, (depts, weight, months) in HONOURS.items()
            for dept in depts
            for _ in range(weight)
        ]
        serious_rows = [
            (code, dept, why)
            for code, (depts, weight, why) in SERIOUS_LISTS.items()
            for dept in depts
            for _ in range(weight)
        ]
        n_h = _template_table("bm_hon", "code text, dept text, months int", honour_rows)
        n_s = _template_table("bm_ser", "code text, dept text, why text", serious_rows)
        reasons = "ARRAY[" + ", ".join(f"'{r}'" for r in ABNORMAL_REASONS) + "]"
        selects = {
            "jyyc": lambda low, high: (
                f"""
                SELECT p.subject_id, d.id AS dept_id, {types["jyyc"]} AS type_id, w.wsh AS source_id,
                    'general' AS severity, p.decided_on, true AS publishable, p.decided_on AS start_on,
                    w.removed AS end_on, NULL::date AS repair_on, '' AS regime,
                    {_subject_fields("YC", with_kind=False)} || jsonb_strip_nulls(jsonb_build_object(
                        'YC_LRWH', w.wsh, 'YC_LRYY', ({reasons})[1 + floor(p.u2 * 4)::int],
                        'YC_LRRQ', p.decided_on::text, 'YC_ZCJG', d.name,
                        'YC_YCYY', CASE WHEN w.removed IS NOT NULL THEN '已依法履行公示义务，申请移出' END,
                        'YC_YCRQ', w.removed::text)) AS data,
                    {RECEIVED} AS received_at
                FROM bm_lplan p
                JOIN bm_dept d ON d.code = (ARRAY{MARKET!r})[1 + floor(p.u1 * {len(MARKET)})::int]
                JOIN subjects_creditsubject s ON s.id = p.subject_id
                CROSS JOIN LATERAL (SELECT
                    d.prefix || '异〔' || extract(year FROM p.decided_on) || '〕' || ({offset} + p.rn) || '号' AS wsh,
                    CASE WHEN p.u3 < 0.35 AND p.decided_on + 30 + floor(p.u3 * 1000)::int < {_today_sql()}
                        THEN p.decided_on + 30 + floor(p.u3 * 1000)::int END AS removed) w
                WHERE p.rn >= {low} AND p.rn < {high}
            """
            ),
            "hmd": lambda low, high: (
                f"""
                SELECT p.subject_id, d.id AS dept_id, {types["hmd"]} AS type_id, w.wsh AS source_id, '' AS severity,
                    p.decided_on, true AS publishable, p.decided_on AS start_on, w.until AS end_on,
                    NULL::date AS repair_on, '' AS regime,
                    {_subject_fields("HM", with_kind=False)} || jsonb_build_object(
                        'HM_MDDM', t.code, 'HM_MDMC', l.name, 'HM_RDWH', w.wsh, 'HM_RDYJ', l.legal_basis,
                        'HM_RDRQ', p.decided_on::text, 'HM_YXQZ', w.until::text, 'HM_RDJG', d.name) AS data,
                    {RECEIVED} AS received_at
                FROM bm_lplan p
                JOIN bm_hon t ON t.v = floor(p.u1 * {n_h})::int
                JOIN bm_dept d ON d.code = t.dept
                JOIN sanctions_listtype l ON l.code = t.code
                JOIN subjects_creditsubject s ON s.id = p.subject_id
                CROSS JOIN LATERAL (SELECT
                    d.prefix || '信〔' || extract(year FROM p.decided_on) || '〕' || ({offset} + p.rn) || '号' AS wsh,
                    (p.decided_on + make_interval(months => t.months) - interval '1 day')::date AS until) w
                WHERE p.rn >= {low} AND p.rn < {high}
            """
            ),
            "sxbzxr": lambda low, high: (
                f"""
                SELECT p.subject_id, d.id AS dept_id, {types["sxbzxr"]} AS type_id, w.wsh AS source_id,
                    'severe' AS severity, p.decided_on, true AS publishable, p.decided_on AS start_on,
                    w.removed AS end_on, NULL::date AS repair_on, '' AS regime,
                    {_subject_fields("SX")} || jsonb_strip_nulls(jsonb_build_object(
                        'SX_AH', w.wsh, 'SX_ZXFY', d.name,
                        'SX_YJWH', '（' || extract(year FROM p.decided_on) || '）吉01民初' || ({offset} + p.rn) || '号',
                        'SX_YWNR', '支付货款及利息', 'SX_LXQK', '全部未履行',
                        'SX_SXQX', '有履行能力而拒不履行生效法律文书确定义务',
                        'SX_LARQ', (p.decided_on - 60 - floor(p.u2 * 240)::int)::text,
                        'SX_FBRQ', p.decided_on::text, 'SX_YCRQ', w.removed::text)) AS data,
                    {RECEIVED} AS received_at
                FROM bm_lplan p
                JOIN bm_dept d ON d.code = (ARRAY{COURTS!r})[1 + floor(p.u1 * {len(COURTS)})::int]
                JOIN subjects_creditsubject s ON s.id = p.subject_id
                CROSS JOIN LATERAL (SELECT
                    '（' || extract(year FROM p.decided_on) || '）' || d.prefix || '执' || ({offset} + p.rn)
                        || '号' AS wsh,
                    CASE WHEN p.u3 < 0.2 AND p.decided_on + 60 + floor(p.u3 * 2000)::int < {_today_sql()}
                        THEN p.decided_on + 60 + floor(p.u3 * 2000)::int END AS removed) w
                WHERE p.rn >= {low} AND p.rn < {high}
            """
            ),
            "yzsxmd": lambda low, high: (
                f"""
                SELECT p.subject_id, d.id AS dept_id, {types["yzsxmd"]} AS type_id, w.wsh AS source_id,
                    'severe' AS severity, p.decided_on, true AS publishable, p.decided_on AS start_on,
                    w.until AS end_on, NULL::date AS repair_on, '' AS regime,
                    {_subject_fields("YZ")} || jsonb_build_object(
                        'YZ_MDDM', t.code, 'YZ_MDMC', l.name, 'YZ_RDWH', w.wsh, 'YZ_RDYY', t.why,
                        'YZ_RDYJ', l.legal_basis, 'YZ_RDRQ', p.decided_on::text, 'YZ_YXQZ', w.until::text,
                        'YZ_RDJG', d.name, 'YZ_RDJGDM', d.uscc) AS data,
                    {RECEIVED} AS received_at
                FROM bm_lplan p
                JOIN bm_ser t ON t.v = floor(p.u1 * {n_s})::int
                JOIN bm_dept d ON d.code = t.dept
                JOIN sanctions_listtype l ON l.code = t.code
                JOIN subjects_creditsubject s ON s.id = p.subject_id
                CROSS JOIN LATERAL (SELECT
                    d.prefix || '严〔' || extract(year FROM p.decided_on) || '〕' || ({offset} + p.rn) || '号' AS wsh,
                    (p.decided_on + make_interval(months => 36) - interval '1 day')::date AS until) w
                WHERE p.rn >= {low} AND p.rn < {high}
            """
            ),
        }
        _run("CREATE UNIQUE INDEX ON bm_lplan (rn)")
        for code, (low, high) in bounds.items():
            if high > low:
                _insert_in_chunks(code, high, lambda a, b, code=code, low=low: selects[code](max(a, low), b), log)
        offset += list_count

    _run("RESET max_parallel_workers_per_gather")
    log(f"  VACUUM (ANALYZE) of the record tables… (today {today})")
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) records_creditrecord")
        cursor.execute("VACUUM (ANALYZE) records_recordversion")
    log(f"  vacuumed in {time.perf_counter() - start:.0f} s")
    return add


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=3_000_000, help="records the table should hold at least")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    setup_django("bench/_common.py")
    print(f"database {database_name()}; {load_average()}")
    start = time.perf_counter()
    records_ensure(args.records, seed=args.seed)
    print(f"done in {time.perf_counter() - start:.0f} s; {load_average()}")
    print_data_summary(data_summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
