"""List memberships and checks benchmark (issue 4): full recompute throughput and 1,000-subject check latency.

What it measures, in order, in one run:

1. the bench data (``bench/_common.py``: ``records_ensure(--records)``, idempotent; skipped with
   ``--skip-data``), the data summary and the load average. It refuses to time while ``bench/ingest.py`` runs
   (``--wait-quiet`` waits for it instead);
2. **full recompute from scratch**: the four tables of results are emptied (``TRUNCATE
   sanctions_membership_records, sanctions_membershipchange, sanctions_membership, sanctions_creditstatus``;
   only on a database whose name contains ``bench`` unless ``--any-database``), then the same work as
   ``manage.py recompute_status --all``: the ids of the subjects that could be listed
   (``selectors.subjects_to_evaluate``, the command's own query: a record that can feed a list, a
   membership not ended, or a stored status), then ``subjects_evaluate`` over chunks of
   ``EVALUATION_CHUNK`` (1,000) ids, each chunk one transaction, in ``--jobs`` processes
   (``subjects_recompute``, as ``recompute_status --all --jobs N``). Reported: the time of the id query and of
   the loop, subjects evaluated per second (evaluated / loop time), the register's throughput (all
   subjects / total time: the others evaluate to "normal" with nothing to open or end, which they
   already are), the chunk latencies, and with one process where a chunk's time goes (``record_facts``,
   ``current_memberships``, ``statuses``, ``list_rules``, the pure engine ``rules.evaluate`` summed, the
   cache touches of the ``subjects_changed`` receiver, and the rest: locking, inserts, audit, commit). Then
   the memberships per list and state, the statuses, the change rows and audit events it wrote;
   Autovacuum is off on the bench server, so the emptied tables have no statistics during this run (as
   on any server before autovacuum's first pass over them): the plans of the three per-chunk reads are
   printed (``EXPLAIN (ANALYZE, BUFFERS)`` of a middle chunk), then the four tables are ANALYZEd and the
   plans printed again;
3. **the same recompute again on consistent data**: nothing may change (memberships, changes, statuses
   and ``sanctions.evaluate`` audit events are counted before and after: PASS/FAIL), timed the same way;
4. **raw reads of the recompute**: for the same chunks, the four statements that fetch the same facts by
   hand (records of the source types or severe, current memberships, their records, statuses), for
   the share of the recompute that is reading: once with the records' whole ``data`` (as ``record_facts``
   fetches it) and once with only the condition fields the rules read;
5. **1,000-subject checks**: ``check_perform`` for a finance department (sector ``finance``; ``bench-czt`` is
   created when none exists) in scenario ``procurement``, ``--check-runs`` runs (default 50, after 3
   untimed) each with a fresh draw of 1,000 codes: 10% subjects with an active membership, 5 invalid codes,
   5 valid but unknown USCCs, the rest random subjects with a USCC. Next to it, run by run alternately first,
   the raw SQL doing the same reads through a plain cursor (subjects by USCC, stored statuses, active
   memberships with their list, the department's measures for the scenario with their lists), the same
   answer assembled in Python, and then the same plus the INSERT of the answer into ``sanctions_check``
   (what ``check_perform`` also writes, without its audit row). Median, p95 (nearest rank) and max, and
   where ``check_perform``'s time goes;
6. a summary with the targets of issue 4: full recompute ≥ 5,000 subjects/s, a 1,000-subject check ≤ 300 ms.

Run it (PostgreSQL only; a scratch database: it empties the membership tables)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/sanctions.py [--records 3000000] [--check-runs 50] [--seed 1] [--skip-data] \\
        [--jobs 1]

With ``REDIS_URL`` the ``subjects_changed`` receiver bumps page-cache versions in Redis, as in production;
without it, in local memory. Exit status 1 when the second recompute changed anything or a check failed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
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

TARGET_RECOMPUTE = 5000  # subjects/s
TARGET_CHECK_MS = 300
SCENARIO = "procurement"
RESULT_TABLES = (
    "sanctions_membership_records",
    "sanctions_membershipchange",
    "sanctions_membership",
    "sanctions_creditstatus",
)


# --- instrumentation -----------------------------------------------------------------------------------------


class Stopwatch:
    """Time spent in named functions, summed, by wrapping module attributes for the duration of a block."""

    def __init__(self):
        self.totals: Counter = Counter()
        self.calls: Counter = Counter()

    @contextmanager
    def wrap(self, targets: dict[str, tuple[object, str]]):
        originals = {}
        for label, (module, name) in targets.items():
            original = getattr(module, name)
            originals[label] = (module, name, original)

            def wrapper(*args, _original=original, _label=label, **kwargs):
                start = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.totals[_label] += time.perf_counter() - start
                    self.calls[_label] += 1

            setattr(module, name, wrapper)
        try:
            yield self
        finally:
            for module, name, original in originals.values():
                setattr(module, name, original)


def recompute_targets() -> dict[str, tuple[object, str]]:
    from disclosure import page_cache
    from sanctions import rules, selectors

    return {
        "record_facts": (selectors, "record_facts"),
        "current_memberships": (selectors, "current_memberships"),
        "statuses": (selectors, "statuses"),
        "list_rules": (selectors, "list_rules"),
        "rules.evaluate": (rules, "evaluate"),
        "cache touches (subjects_changed)": (page_cache, "subjects_touch"),
    }


# --- counts -----------------------------------------------------------------------------------------------


def _scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _rows(sql: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def result_counts() -> dict[str, int]:
    return {
        "memberships": _scalar("SELECT count(*) FROM sanctions_membership"),
        "membership records": _scalar("SELECT count(*) FROM sanctions_membership_records"),
        "changes": _scalar("SELECT count(*) FROM sanctions_membershipchange"),
        "statuses": _scalar("SELECT count(*) FROM sanctions_creditstatus"),
        "evaluate audit events": _scalar("SELECT count(*) FROM audit_auditevent WHERE action = 'sanctions.evaluate'"),
        "max updated_at": _scalar("SELECT extract(epoch FROM max(updated_at))::bigint FROM sanctions_membership") or 0,
    }


def print_results() -> None:
    print("memberships by list and state:")
    for code, colour, state, n in _rows(
        "SELECT l.code, l.colour, m.state, count(*) FROM sanctions_membership m "
        "JOIN sanctions_listtype l ON l.id = m.list_type_id GROUP BY 1, 2, 3 ORDER BY 2, 1, 3"
    ):
        print(f"  {colour:<6} {code:<12} {state:<10} {n:>8,}")
    print(
        "statuses: "
        + ", ".join(
            f"{s} {n:,}" for s, n in _rows("SELECT status, count(*) FROM sanctions_creditstatus GROUP BY 1 ORDER BY 1")
        )
    )


# --- recompute ------------------------------------------------------------------------------------------------


def recompute(label: str, jobs: int) -> dict:
    """``recompute_status --all`` (``subjects_recompute`` over ``subjects_to_evaluate``), timed; with one
    process, also where the time goes (the wrapped functions run in the child processes otherwise)."""
    from audit.services import Actor
    from sanctions.selectors import subjects_to_evaluate
    from sanctions.services import EVALUATION_CHUNK, subjects_recompute

    actor = Actor.system(f"基准测试 {label}")
    print(f"{load_average()} (start); {jobs} process(es)")
    id_ms, ids = timed(subjects_to_evaluate)
    chunks: list[float] = []
    done = 0

    def on_chunk(count: int, seconds: float, statuses: Counter) -> None:
        nonlocal done
        chunks.append(seconds * 1000)
        done += count
        if len(chunks) % 50 == 0:
            rate = done / (time.perf_counter() - loop_start)
            print(f"  {done:>8,} subjects, {rate:,.0f}/s, {load_average()}", flush=True)

    watch = Stopwatch()
    with watch.wrap(recompute_targets() if jobs == 1 else {}):
        loop_start = time.perf_counter()
        statuses = subjects_recompute(ids, actor=actor, jobs=jobs, on_chunk=on_chunk)
        loop_s = time.perf_counter() - loop_start
    total_s = id_ms / 1000 + loop_s
    subjects = _scalar("SELECT count(*) FROM subjects_creditsubject")
    print(f"{load_average()} (end)")
    print(f"id query (subjects_to_evaluate): {id_ms / 1000:.2f} s for {len(ids):,} subjects that could be listed")
    print(f"loop: {loop_s:.1f} s, {len(chunks)} chunks in {jobs} process(es); chunk {Timings(tuple(chunks)).summary()}")
    print(
        f"evaluated subjects/s: {len(ids) / loop_s:,.0f} (loop), {len(ids) / total_s:,.0f} (with the id query); "
        f"register {subjects:,} subjects / {total_s:.1f} s = {subjects / total_s:,.0f} subjects/s"
    )
    print("statuses returned: " + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())))
    if jobs == 1:
        print("where the loop's time goes (summed over chunks):")
        accounted = 0.0
        for name, seconds in watch.totals.most_common():
            accounted += seconds
            print(f"  {name:<34} {seconds:7.1f} s  {100 * seconds / loop_s:5.1f}%  ({watch.calls[name]:,} calls)")
        print(
            f"  {'rest (lock, inserts, audit, commit)':<34} {loop_s - accounted:7.1f} s  "
            f"{100 * (loop_s - accounted) / loop_s:5.1f}%"
        )
    return {
        "ids": len(ids),
        "id_s": id_ms / 1000,
        "loop_s": loop_s,
        "total_s": total_s,
        "subjects": subjects,
        "chunks": Timings(tuple(chunks)),
        "parts": dict(watch.totals),
        "chunk_ids": [ids[i : i + EVALUATION_CHUNK] for i in range(0, len(ids), EVALUATION_CHUNK)],
    }


def raw_reads(chunk_ids: list[list[int]], *, whole_data: bool) -> float:
    """The facts the recompute reads, by hand: four statements per chunk. Returns seconds.

    The records are those ``record_facts`` reads (of a source type within the source's severities, or
    severe). ``whole_data``: with the records' whole ``data`` (psycopg2 decodes the JSON; what
    ``record_facts`` fetched before it read only the condition fields); otherwise only the condition fields
    the rules look at (``data ->> 'YZ_MDDM'``...), as ``record_facts`` does.
    """
    from django.db import connection

    from sanctions import rules, selectors

    rule_set = selectors.list_rules()
    severities = rules.source_severities(rule_set)
    any_severity = sorted(code for code, allowed in severities.items() if allowed is None)
    clauses = ["r.severity = 'severe'", "t.code = ANY(%s)"]
    params: list = [any_severity]
    for code, allowed in sorted(severities.items()):
        if allowed is not None:
            clauses.append("(t.code = %s AND r.severity = ANY(%s))")
            params += [code, sorted(allowed)]
    fields = sorted({source.field_code for rule in rule_set for source in rule.sources if source.field_code})
    picks = "r.data" if whole_data else ", ".join(f"r.data ->> '{code}'" for code in fields)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for ids in chunk_ids:
            cursor.execute(
                f"SELECT r.id, r.subject_id, t.code, r.status, r.severity, r.decided_on, r.disclosure_end, {picks} "
                "FROM records_creditrecord r JOIN records_recordtype t ON t.id = r.record_type_id "
                f"WHERE r.subject_id = ANY(%s) AND ({' OR '.join(clauses)}) ORDER BY r.id",
                [ids, *params],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT m.id, m.subject_id, l.code, m.started_on, m.planned_end, m.state "
                "FROM sanctions_membership m JOIN sanctions_listtype l ON l.id = m.list_type_id "
                "WHERE m.subject_id = ANY(%s) AND m.state <> 'ended' ORDER BY m.id",
                [ids],
            )
            memberships = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT membership_id, creditrecord_id FROM sanctions_membership_records WHERE membership_id = ANY(%s)",
                [memberships],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT subject_id, status, reason FROM sanctions_creditstatus WHERE subject_id = ANY(%s)", [ids]
            )
            cursor.fetchall()
    return time.perf_counter() - start


def explain_selectors(ids: list[int]) -> None:
    """How the recompute's three per-chunk reads are planned: EXPLAIN (ANALYZE, BUFFERS) of their SQL, captured."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanctions import selectors

    rule_set = selectors.list_rules()
    connection.queries_log.clear()  # a full log (9,000 statements) would make the capture come back empty
    with CaptureQueriesContext(connection) as captured:
        current = selectors.current_memberships(ids)
        sources = [record_id for listed in current.values() for c in listed for record_id in c.record_ids]
        selectors.record_facts(ids, rule_set, also=sources)
        selectors.statuses(ids)
    # The per-chunk reads of the big tables (the catalog lookups of a few rows are left out).
    labels = {
        'FROM "sanctions_membership" ': "current_memberships",
        'FROM "sanctions_membership_records"': "  the membership records",
        'FROM "records_creditrecord"': "record_facts",
        'FROM "sanctions_creditstatus"': "statuses",
    }
    for query in captured.captured_queries:
        label = next((name for table, name in labels.items() if table in query["sql"]), None)
        if label is None:
            continue
        sql = query["sql"]
        plan = [row[0] for row in _rows("EXPLAIN (ANALYZE, BUFFERS) " + sql)]
        scans = sorted(
            {
                line.strip().split("  (")[0].lstrip("-> ")
                for line in plan
                if " Scan " in line or line.strip().startswith("Seq")
            }
        )
        total = next((line for line in plan if line.startswith("Execution Time")), "")
        print(f"  {label:<26} {total:<26} {'; '.join(scans)}")


def analyze_results() -> float:
    """``results_analyze`` (what ``recompute_status --all`` runs at its end), timed."""
    from sanctions.services import results_analyze

    start = time.perf_counter()
    results_analyze()
    return time.perf_counter() - start


# --- checks ---------------------------------------------------------------------------------------------------


def finance_department():
    from audit.services import Actor
    from organisations.models import Department
    from organisations.services import department_create
    from subjects import identifiers as ids

    department = Department.objects.filter(sector="finance").order_by("pk").first()
    if department is None:
        department = department_create(
            code="bench-czt",
            name="基准测试财政局",
            uscc=ids.make_uscc(division_code="220000", organization_body="BE000002", registration_authority="1"),
            level="province",
            division_code="220000",
            sector="finance",
            actor=Actor.system("bench/sanctions.py"),
        )
    return department


def check_codes(rng: random.Random, count: int, listed: list[str], low: int, high: int) -> list[str]:
    """``count`` codes: 10% listed subjects, 5 invalid, 5 unknown valid USCCs, the rest random subjects."""
    from subjects import identifiers as ids

    codes = rng.sample(listed, min(len(listed), count // 10))
    codes += [ids.make_uscc(division_code="220104", organization_body=f"Q{rng.randrange(10**7):07d}") for _ in range(5)]
    codes += [f"91220104{rng.randrange(10**9):09d}X"[:17] + "I" for _ in range(5)]  # I is not in the alphabet
    wanted = count - len(codes)
    while wanted > 0:
        drawn = [rng.randint(low, high) for _ in range(wanted * 2)]
        found = [
            uscc
            for (uscc,) in _rows(
                "SELECT uscc FROM subjects_creditsubject WHERE id = ANY(%s) AND uscc IS NOT NULL", [drawn]
            )
        ]
        found = [code for code in found if code not in codes][:wanted]
        codes += found
        wanted -= len(found)
    rng.shuffle(codes)
    return codes


def raw_check(department, codes: list[str], *, write: bool) -> list[dict]:
    """The reads of ``check_perform`` by hand, the same answer assembled; optionally the answer INSERTed."""
    import json

    from django.db import connection, transaction

    wanted = {code.strip().upper() for code in codes}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id, name, uscc, kind FROM subjects_creditsubject WHERE uscc = ANY(%s)", [list(wanted)])
        subjects = {uscc: (pk, name, kind) for pk, name, uscc, kind in cursor.fetchall()}
        subject_ids = [pk for pk, _, _ in subjects.values()]
        cursor.execute(
            "SELECT subject_id, status FROM sanctions_creditstatus WHERE subject_id = ANY(%s)", [subject_ids]
        )
        statuses = dict(cursor.fetchall())
        cursor.execute(
            "SELECT m.subject_id, m.list_type_id, l.code, l.name, l.colour, m.started_on, m.planned_end "
            "FROM sanctions_membership m JOIN sanctions_listtype l ON l.id = m.list_type_id "
            "WHERE m.subject_id = ANY(%s) AND m.state = 'active' ORDER BY m.started_on, m.id",
            [subject_ids],
        )
        memberships: dict[int, list[tuple]] = {}
        for row in cursor.fetchall():
            memberships.setdefault(row[0], []).append(row)
        cursor.execute(
            "SELECT m.id, m.code, m.name, m.kind, m.legal_basis, "
            "array(SELECT listtype_id FROM sanctions_measure_list_types x WHERE x.measure_id = m.id) "
            "FROM sanctions_measure m WHERE m.is_active AND m.scenarios ? %s AND (m.sectors = '[]'::jsonb "
            "OR m.sectors ? %s OR m.id IN (SELECT measure_id FROM sanctions_measure_departments "
            "WHERE department_id = %s)) ORDER BY m.kind, m.code",
            [SCENARIO, department.sector, department.pk],
        )
        measures = [(code, name, kind, basis, set(lists)) for _, code, name, kind, basis, lists in cursor.fetchall()]
        results = []
        for code in codes:
            found = subjects.get(code.strip().upper())
            if found is None:
                results.append({"subject": code, "found": False, "error": "未找到该主体。"})
                continue
            pk, name, _kind = found
            on_lists = memberships.get(pk, [])
            list_ids = {row[1] for row in on_lists}
            results.append(
                {
                    "subject": code,
                    "found": True,
                    "name": name,
                    "status": statuses.get(pk, "normal"),
                    "memberships": [
                        {
                            "list": row[2],
                            "list_name": row[3],
                            "colour": row[4],
                            "since": row[5].isoformat(),
                            "until": row[6].isoformat() if row[6] else None,
                        }
                        for row in on_lists
                    ],
                    "measures": [
                        {"code": m[0], "name": m[1], "kind": m[2], "basis": m[3]} for m in measures if m[4] & list_ids
                    ],
                }
            )
        if write:
            cursor.execute(
                "INSERT INTO sanctions_check (department_id, scenario, reference, subject_count, results, "
                "actor_label, created_at) VALUES (%s, %s, %s, %s, %s, %s, now())",
                [
                    department.pk,
                    SCENARIO,
                    "BENCH-RAW",
                    len(codes),
                    json.dumps(results, ensure_ascii=False),
                    "基准测试 raw SQL",
                ],
            )
    return results


def check_targets() -> dict[str, tuple[object, str]]:
    from sanctions import services

    return {
        "_identify (codes → subjects)": (services, "_identify"),
        "status_of": (services, "status_of"),
        "applicable_measures": (services, "applicable_measures"),
        "audit_event_record": (services, "audit_event_record"),
    }


def report_checks(runs: int, seed: int) -> dict:
    from audit.services import Actor
    from sanctions.services import check_perform

    department = finance_department()
    print(f"department {department.code} {department.name} (sector {department.sector}), scenario {SCENARIO}")
    listed = [
        uscc
        for (uscc,) in _rows(
            "SELECT DISTINCT s.uscc FROM sanctions_membership m JOIN subjects_creditsubject s ON s.id = m.subject_id "
            "WHERE m.state = 'active' AND s.uscc IS NOT NULL"
        )
    ]
    low, high = _rows("SELECT min(id), max(id) FROM subjects_creditsubject")[0]
    rng = random.Random(seed)
    actor = Actor.system("基准测试 bench/sanctions.py")
    draws = [check_codes(rng, 1000, listed, low, high) for _ in range(runs + 3)]
    print(f"{len(listed):,} subjects with an active membership to draw from; {load_average()} (start)")

    def perform(codes):
        return check_perform(department=department, scenario=SCENARIO, reference="BENCH", codes=codes, actor=actor)

    for codes in draws[:3]:
        perform(codes)
        raw_check(department, codes, write=False)
    project, raw, raw_write = [], [], []
    project_first, project_last = [], []  # check_perform first on a fresh draw of codes, or after the raw paths
    same = 0
    with_measures = []
    watch = Stopwatch()
    with watch.wrap(check_targets()):
        for index, codes in enumerate(draws[3:]):
            order = ("project", "raw", "raw_write") if index % 2 == 0 else ("raw_write", "raw", "project")
            for path in order:
                if path == "project":
                    elapsed, check = timed(lambda codes=codes: perform(codes))
                    project.append(elapsed)
                    (project_first if index % 2 == 0 else project_last).append(elapsed)
                elif path == "raw":
                    elapsed, raw_results = timed(lambda codes=codes: raw_check(department, codes, write=False))
                    raw.append(elapsed)
                else:
                    elapsed, _ = timed(lambda codes=codes: raw_check(department, codes, write=True))
                    raw_write.append(elapsed)
            with_measures.append(sum(1 for r in check.results if r.get("measures")))
            mine = [(r["found"], r.get("status"), [m["code"] for m in r.get("measures", [])]) for r in check.results]
            theirs = [(r["found"], r.get("status"), [m["code"] for m in r.get("measures", [])]) for r in raw_results]
            same += mine == theirs
    print(f"{load_average()} (end)")
    timings = {
        "check_perform": Timings(tuple(project)),
        "raw reads": Timings(tuple(raw)),
        "raw reads + INSERT": Timings(tuple(raw_write)),
    }
    for name, t in timings.items():
        print(f"{name:<20} {t.summary()}")
    p, r, w = timings.values()
    print(
        f"ratio check_perform / raw reads: median {ratio(p.median, r.median)}, p95 {ratio(p.p95, r.p95)}; "
        f"/ raw reads + INSERT: median {ratio(p.median, w.median)}, p95 {ratio(p.p95, w.p95)}"
    )
    if project_first and project_last:
        print(
            f"check_perform first on its draw (cold rows): {Timings(tuple(project_first)).summary()}\n"
            f"check_perform after the raw paths (warm):   {Timings(tuple(project_last)).summary()}"
        )
    print(
        f"subjects with measures per check: median {sorted(with_measures)[len(with_measures) // 2]}; "
        f"same found/status/measures as the raw path: {same} of {runs} runs"
    )
    total = sum(project) / 1000
    print("where check_perform's time goes (summed over the timed runs):")
    accounted = 0.0
    for name, seconds in watch.totals.most_common():
        accounted += seconds
        print(f"  {name:<30} {1000 * seconds / runs:7.2f} ms/run  {100 * seconds / total:5.1f}%")
    print(
        f"  {'rest (memberships query, answer, Check INSERT, commit)':<30} "
        f"{1000 * (total - accounted) / runs:7.2f} ms/run  {100 * (total - accounted) / total:5.1f}%"
    )
    return {"timings": timings, "same": same, "runs": runs}


# --- main -------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=3_000_000, help="bench data: records the table holds at least")
    parser.add_argument("--skip-data", action="store_true", help="do not check or add bench data")
    parser.add_argument("--check-runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wait-quiet", action="store_true", help="wait while bench/ingest.py runs")
    parser.add_argument("--any-database", action="store_true", help="allow a database whose name lacks 'bench'")
    parser.add_argument("--skip-recompute", action="store_true", help="only the checks (memberships must exist)")
    parser.add_argument(
        "--jobs", type=int, default=1, help="processes of the recompute, as recompute_status --jobs (default 1)"
    )
    args = parser.parse_args(argv)
    setup_django("bench/sanctions.py")
    from django.conf import settings
    from django.db import connection

    name = database_name()
    if "bench" not in name and not args.any_database:
        sys.exit(f"bench/sanctions.py empties the membership tables; database {name!r} does not look like a bench one")
    heading("Data")
    print(f"database {name}; cache {settings.CACHES['default']['BACKEND']}; DEBUG {settings.DEBUG}; {load_average()}")
    if not args.skip_data:
        records_ensure(args.records)
    print_data_summary(data_summary())
    wait_for_quiet(wait=args.wait_quiet)

    failed = False
    first = second = None
    if not args.skip_recompute:
        heading("Full recompute from scratch")
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(RESULT_TABLES)}")
        first = recompute("full", args.jobs)
        print_results()
        counts_after_first = result_counts()
        print("written: " + ", ".join(f"{k} {v:,}" for k, v in counts_after_first.items() if k != "max updated_at"))

        middle = first["chunk_ids"][len(first["chunk_ids"]) // 2]
        print("plans of the per-chunk reads (a chunk from the middle), before ANALYZE of the result tables:")
        explain_selectors(middle)
        print(f"ANALYZE of {', '.join(RESULT_TABLES)}: {analyze_results():.2f} s; plans after:")
        explain_selectors(middle)

        heading("Recompute again on consistent data (nothing may change; result tables analysed)")
        second = recompute("again", args.jobs)
        counts_after_second = result_counts()
        unchanged = counts_after_first == counts_after_second
        failed |= not unchanged
        print(
            f"counts before {counts_after_first}\n       after  {counts_after_second}\n"
            f"nothing changed: {'PASS' if unchanged else 'FAIL'}"
        )

        heading("Raw reads of the recompute (same chunks, four statements each)")
        print(f"{load_average()} (start)")
        for whole in (True, False):
            raw_s = raw_reads(first["chunk_ids"], whole_data=whole)
            label = "whole data" if whole else "condition fields only, as record_facts"
            print(
                f"raw reads ({label}): {raw_s:.1f} s for {first['ids']:,} subjects ({first['ids'] / raw_s:,.0f}/s); "
                f"second recompute loop / raw reads: {ratio(second['loop_s'], raw_s)}; {load_average()}"
            )

    heading(f"1,000-subject checks ({args.check_runs} runs)")
    checks = report_checks(args.check_runs, args.seed)
    failed |= checks["same"] != checks["runs"]

    heading("Summary (targets of issue 4)")
    if first:
        for label, run in (("full recompute", first), ("recompute on consistent data", second)):
            evaluated = run["ids"] / run["loop_s"]
            register = run["subjects"] / run["total_s"]
            verdict = "met" if evaluated >= TARGET_RECOMPUTE else "NOT met"
            print(
                f"{label}: {evaluated:,.0f} evaluated subjects/s, register {register:,.0f} subjects/s "
                f"(target ≥ {TARGET_RECOMPUTE:,} subjects/s on evaluated subjects: {verdict})"
            )
    p = checks["timings"]["check_perform"]
    print(
        f"1,000-subject check: median {p.median:.0f} ms, p95 {p.p95:.0f} ms, max {p.max:.0f} ms "
        f"(target ≤ {TARGET_CHECK_MS} ms at p95: {'met' if p.p95 <= TARGET_CHECK_MS else 'NOT met'})"
    )
    print(load_average())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
