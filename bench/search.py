"""Subject search benchmark (issue 2): public name search and code lookup on a large PostgreSQL table.

What it measures, in order:

1. the number of subjects in ``subjects_creditsubject``;
2. ``EXPLAIN (ANALYZE, BUFFERS)`` of the candidate-id query ``subject_search`` runs, for one 2-character and
   one 4-character query, with PASS/FAIL for "scans the expected GIN index, no Seq Scan on the table";
3. latency of N random 2-character and N random 4-character name queries through the full selector path, as
   the search page uses it (``subject_search(q)``, the paginator's ``count()``, the first page of 20), next
   to the hand-written SQL doing the same match and ranking (``LIMIT 20``), and the ratio selector/raw;
4. latency of N exact USCC lookups through ``subject_get_by_code`` and through ``SELECT ... WHERE uscc = %s``;
5. broad queries (有限, 公司, 有限公司) that match most rows: the selector (bounded by SEARCH_RESULT_CAP), the
   same capped work in one raw statement, and the uncapped raw ranking the cap exists to avoid.

Queries are what people type: fragments of the trade-name part of randomly chosen existing company names.
The names come from ``subjects.demo`` ("{region}{trade name}{industry}{suffix}"); the script strips the
suffix, industry and region to recover the trade name (宏达, 鑫盛华). A 2-character query is a random
2-character window of the trade name; a 4-character query is the trade name followed by the start of the
industry, cut to 4 characters (恒泰建筑, 鑫盛华食). Every set is run once untimed (warm-up), then timed with
``time.perf_counter``, selector and raw SQL interleaved query by query so background load hits both alike.
p95 is the nearest-rank percentile.

Run it (PostgreSQL only; the database is typically seeded with ``seed_demo --subjects 1000000``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench .venv/bin/python bench/search.py \\
        [--queries 200] [--seed 1] [--broad-runs 10]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TABLE = "subjects_creditsubject"
EXPECTED_INDEX = {2: "subject_name_bigram_gin", 4: "subject_name_trgm_gin"}
BROAD_QUERIES = ("有限", "公司", "有限公司")


def setup_django() -> None:
    """Make the project importable, configure Django, and refuse anything but PostgreSQL."""
    sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_portal.settings.base")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            f"bench/search.py needs PostgreSQL (the name search relies on its GIN indexes); "
            f"the configured database is {connection.vendor}. Set DATABASE_URL, e.g. "
            f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench"
        )


# --- statistics and output -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timings:
    """Latencies in milliseconds."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        ordered = sorted(self.values)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.values)

    def summary(self) -> str:
        return f"median {self.median:8.2f}  p95 {self.p95:8.2f}  max {self.max:8.2f} ms"


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 100 - len(title)))


def timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def compare(
    queries: Sequence[str], selector: Callable[[str], object], raw: Callable[[str], object]
) -> tuple[Timings, Timings, list[object]]:
    """Warm up on every query, then time selector and raw SQL, interleaved; returns the selector's results."""
    for query in queries:
        selector(query)
        raw(query)
    selector_ms, raw_ms, results = [], [], []
    for query in queries:
        elapsed, result = timed(lambda q=query: selector(q))
        selector_ms.append(elapsed)
        results.append(result)
        raw_ms.append(timed(lambda q=query: raw(q))[0])
    return Timings(tuple(selector_ms)), Timings(tuple(raw_ms)), results


def print_comparison(label: str, selector: Timings, raw: Timings) -> None:
    print(f"  {label:<24} selector  {selector.summary()}")
    print(f"  {'':<24} raw SQL   {raw.summary()}")
    print(
        f"  {'':<24} ratio selector/raw: median {selector.median / raw.median:.2f}x, "
        f"p95 {selector.p95 / raw.p95:.2f}x, max {selector.max / raw.max:.2f}x"
    )


# --- sampling realistic queries ------------------------------------------------------------------------


def sample_rows(rng: random.Random, count: int, columns: str, where: str) -> list[tuple]:
    """``count`` rows (with repetition) picked at random by id among those matching ``where``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {TABLE}")
        low, high = cursor.fetchone()
        rows: list[tuple] = []
        while len(rows) < count:
            drawn = [rng.randint(low, high) for _ in range(count * 2)]
            cursor.execute(f"SELECT id, {columns} FROM {TABLE} WHERE id = ANY(%s) AND {where}", [drawn])
            found = {row[0]: row[1:] for row in cursor.fetchall()}
            rows.extend(found[pk] for pk in drawn if pk in found)
        return rows[:count]


def split_company_name(name: str) -> tuple[str, str] | None:
    """(trade name, industry) of a name built by ``subjects.demo``, or None when it is not such a name."""
    from subjects.demo import INDUSTRIES, PREFECTURES, SUFFIXES, TRADE_CHARS

    def strip(text: str, parts: Sequence[str], *, end: bool) -> tuple[str, str] | None:
        for part in sorted(set(parts), key=len, reverse=True):
            if end and text.endswith(part):
                return text[: -len(part)], part
            if not end and text.startswith(part):
                return text[len(part) :], part
        return None

    regions = ["吉林省", "吉林市", *PREFECTURES.values(), *(f"{short}市" for short in PREFECTURES.values())]
    if not (without_suffix := strip(name, SUFFIXES, end=True)):
        return None
    if not (without_industry := strip(without_suffix[0], INDUSTRIES, end=True)):
        return None
    if not (trade := strip(without_industry[0], regions, end=False)):
        return None
    trade_name, industry = trade[0], without_industry[1]
    if not 2 <= len(trade_name) <= 3 or any(char not in TRADE_CHARS for char in trade_name):
        return None
    return trade_name, industry


def realistic_queries(rng: random.Random, count: int) -> tuple[list[str], list[str]]:
    """``count`` 2-character and ``count`` 4-character queries drawn from random existing company names."""
    from subjects.choices import SubjectKind

    two, four = [], []
    while len(two) < count:
        for (name,) in sample_rows(rng, count, "name", f"kind = '{SubjectKind.LEGAL_ENTITY}'"):
            if len(two) < count and (parts := split_company_name(name)):
                trade, industry = parts
                start = rng.randrange(len(trade) - 1)
                two.append(trade[start : start + 2])
                four.append((trade + industry)[:4])
    return two, four


# --- the two paths being compared ----------------------------------------------------------------------


def selector_search(query: str) -> tuple[int, bool]:
    """What the search page does: search, count for the paginator, then load the first page."""
    from django.conf import settings

    from subjects.selectors import subject_search

    result = subject_search(query)
    total = result.subjects.count()
    page = list(result.subjects[: settings.SEARCH_PAGE_SIZE])
    assert len(page) == min(total, settings.SEARCH_PAGE_SIZE)
    return total, result.capped


def _columns() -> str:
    from subjects.models import CreditSubject

    return ", ".join(field.column for field in CreditSubject._meta.concrete_fields)


def _match_sql(query: str) -> str:
    if len(query) == 2:
        return "subject_name_bigrams(name) @> subject_name_bigrams(%(q)s) AND name LIKE %(contains)s"
    return "name LIKE %(contains)s"


RANK_SQL = "CASE WHEN name = %(q)s THEN 0 WHEN name LIKE %(prefix)s THEN 1 ELSE 2 END, length(name), name, id"


def _params(query: str) -> dict[str, object]:
    from django.conf import settings

    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return {
        "q": query,
        "contains": f"%{escaped}%",
        "prefix": f"{escaped}%",
        "page": settings.SEARCH_PAGE_SIZE,
        "cap": settings.SEARCH_RESULT_CAP,
    }


def raw_search(query: str) -> list[tuple]:
    """The hand-written equivalent: match through the index, rank every match, first page."""
    from django.db import connection

    sql = f"SELECT {_columns()} FROM {TABLE} WHERE {_match_sql(query)} ORDER BY {RANK_SQL} LIMIT %(page)s"
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(query))
        return cursor.fetchall()


def raw_capped_search(query: str) -> list[tuple]:
    """The selector's capped work in one statement: the first cap+1 index matches (+ exact name), ranked."""
    from django.db import connection

    sql = f"""
        WITH candidates AS (SELECT id FROM {TABLE} WHERE {_match_sql(query)} LIMIT %(cap)s + 1),
        capped AS (SELECT count(*) > %(cap)s AS capped FROM candidates)
        SELECT {_columns()}, count(*) OVER () AS total FROM {TABLE}
        WHERE id IN (SELECT id FROM candidates LIMIT %(cap)s)
           OR ((SELECT capped FROM capped) AND name = %(q)s)
        ORDER BY {RANK_SQL} LIMIT %(page)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(query))
        return cursor.fetchall()


def selector_lookup(code: str) -> object:
    from subjects.selectors import subject_get_by_code

    return subject_get_by_code(code)


def raw_lookup(code: str) -> tuple:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_columns()} FROM {TABLE} WHERE uscc = %s", [code])
        return cursor.fetchone()


# --- report sections -----------------------------------------------------------------------------------


def report_data() -> None:
    from django.conf import settings
    from django.db import connection

    heading("Data")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(f"  {cursor.fetchone()[0]}")
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        print(f"  subjects: {cursor.fetchone()[0]:,}")
        cursor.execute(
            "SELECT last_analyze, last_autoanalyze, last_vacuum, last_autovacuum FROM pg_stat_user_tables "
            "WHERE relname = %s",
            [TABLE],
        )
        analyzed, autoanalyzed, vacuumed, autovacuumed = cursor.fetchone()
        print(f"  last analyze: {analyzed or autoanalyzed or 'never'}")
        print(f"  last vacuum: {vacuumed or autovacuumed or 'never'}")
        cursor.execute(
            "SELECT c.relname, pg_size_pretty(pg_relation_size(c.oid)) FROM pg_class c "
            "WHERE c.relname IN (%s, 'subject_name_bigram_gin', 'subject_name_trgm_gin') ORDER BY c.relname",
            [TABLE],
        )
        print("  sizes: " + ", ".join(f"{name} {size}" for name, size in cursor.fetchall()))
    print(
        f"  SEARCH_RESULT_CAP={settings.SEARCH_RESULT_CAP}, SEARCH_PAGE_SIZE={settings.SEARCH_PAGE_SIZE}, "
        f"machine: {os.cpu_count()} CPUs"
    )


def candidate_plan(query: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the candidate-id query ``subject_search`` runs for ``query``."""
    from django.conf import settings

    from subjects.selectors import _name_matches

    cap = settings.SEARCH_RESULT_CAP
    return _name_matches(query).order_by().values_list("pk", flat=True)[: cap + 1].explain(analyze=True, buffers=True)


def report_plans(two: str, four: str) -> bool:
    """Print the candidate-query plans and PASS/FAIL; True when both pass."""
    heading("EXPLAIN (ANALYZE, BUFFERS) of the selector's candidate-id query")
    passed = True
    for query in (two, four):
        plan = candidate_plan(query)
        used = [name for name in EXPECTED_INDEX.values() if name in plan]
        expected = EXPECTED_INDEX[2 if len(query) == 2 else 4]
        ok = expected in plan and f"Seq Scan on {TABLE}" not in plan
        passed &= ok
        print(f"\n  q={query!r} ({len(query)} characters), indexes used: {', '.join(used) or 'none'}")
        print("    " + plan.replace("\n", "\n    "))
        print(f"  {'PASS' if ok else 'FAIL'}: scans {expected}, no Seq Scan on {TABLE}")
    return passed


def report_name_queries(two: list[str], four: list[str]) -> None:
    from django.conf import settings

    heading(f"Name search: {len(two)} random 2-character and {len(four)} random 4-character queries")
    print(
        "  method: queries are fragments of the trade name of random existing company names\n"
        "  (2 characters: a random window of the trade name; 4 characters: trade name + start of the\n"
        "  industry). Selector = subject_search(q) + count() + first page of 20, as the search page does\n"
        "  (3 SQL statements). Raw = one hand-written statement: bigram containment + LIKE (2 chars) or\n"
        "  LIKE (4 chars), ORDER BY the same rank, LIMIT 20, uncapped. Each set is warmed up once, then\n"
        "  timed, selector and raw interleaved query by query."
    )
    for label, queries in (("2 characters", two), ("4 characters", four)):
        selector, raw, results = compare(queries, selector_search, raw_search)
        totals = [total for total, _ in results]
        capped = sum(1 for _, was_capped in results if was_capped)
        print(f"\n  examples: {' '.join(queries[:8])}")
        print_comparison(label, selector, raw)
        print(
            f"  {'':<24} matches per query: median {statistics.median(totals):.0f}, max {max(totals)}; "
            f"hit the cap ({settings.SEARCH_RESULT_CAP}): {capped} of {len(queries)}"
        )


def report_lookups(codes: list[str]) -> None:
    heading(f"Exact USCC lookup: {len(codes)} random existing USCCs")
    print(
        "  selector = subject_get_by_code(uscc) (normalises, then .get(uscc=...));\n  raw = SELECT ... WHERE uscc = %s"
    )
    selector, raw, _ = compare(codes, selector_lookup, raw_lookup)
    print_comparison("USCC", selector, raw)


def report_broad(runs: int) -> None:
    from django.conf import settings

    heading(f"Broad queries (match most rows): {runs} timed runs each after one warm-up")
    cap = settings.SEARCH_RESULT_CAP
    print(
        f"  selector = subject_search + count() + first page, bounded by SEARCH_RESULT_CAP={cap};\n"
        f"  raw capped = the same capped work in one statement (first {cap}+1 index matches, + exact\n"
        "  name, ranked, LIMIT 20); raw uncapped = ranking every match (what the cap avoids), for contrast."
    )
    for query in BROAD_QUERIES:
        repeated = [query] * runs
        selector, capped_raw, results = compare(repeated, selector_search, raw_capped_search)
        uncapped_raw = compare([query] * max(1, runs // 5), raw_search, raw_search)[1]
        total, was_capped = results[0]
        print(f"\n  q={query!r}: {total} candidates ranked, capped={was_capped}")
        print_comparison(f"{query} (capped)", selector, capped_raw)
        print(f"  {'':<24} raw uncapped {uncapped_raw.summary()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=200, help="queries per set (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for picking queries (default 1)")
    parser.add_argument("--broad-runs", type=int, default=10, help="timed runs per broad query (default 10)")
    args = parser.parse_args(argv)
    setup_django()

    rng = random.Random(args.seed)
    report_data()
    two, four = realistic_queries(rng, args.queries)
    codes = [code for (code,) in sample_rows(rng, args.queries, "uscc", "uscc IS NOT NULL")]
    plans_ok = report_plans(two[0], four[0])
    report_name_queries(two, four)
    report_lookups(codes)
    report_broad(args.broad_runs)
    heading("Summary")
    print(f"  index plans: {'PASS' if plans_ok else 'FAIL'}")
    return 0 if plans_ok else 1


if __name__ == "__main__":
    sys.exit(main())
