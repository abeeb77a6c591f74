"""Subject search benchmark (issue 2): public name search and code lookup on a large PostgreSQL table.

What it measures, in order:

1. the number of subjects in ``subjects_creditsubject``, the statistics state and the load average;
2. ``EXPLAIN (ANALYZE, BUFFERS)`` of the candidate queries ``subject_search`` runs. It runs them in two
   steps: first unordered, ``subjects_name_matching(q).order_by().values_list("pk", "name")[: cap + 1]``; only when
   that returns more than ``cap`` rows, again ordered, ``.order_by("pk")[:cap]``. The script explains the
   unordered query for one 2-character and one 4-character query, with PASS/FAIL for "scans the expected
   GIN index, no Seq Scan on the table", and the ordered query for a broad query (有限), with PASS/FAIL for
   "walks the primary key and stops at the cap, no Seq Scan";
3. latency of N random 2-character and N random 4-character name queries through the full selector path, as
   the search page uses it (``subject_search(q)``, ``Paginator(result.ranked_ids, 20)``, then
   ``result.subjects(page.object_list)``), next to hand-written SQL doing the same work (the match
   ``LIMIT cap + 1`` returning id and name; when that finds more than cap rows, the match ``ORDER BY id
   LIMIT cap`` and the exact-name query; the same ranking in Python; then the first 20 rows by id), and the
   ratio selector/raw. For reference it also times one statement that ranks every match in SQL (uncapped,
   ``LIMIT 20``);
4. latency of N exact USCC lookups through ``subject_get_by_code`` and through ``SELECT ... WHERE uscc = %s``;
5. broad queries that match a large part of the table (有限, 公司, 有限公司, and the city names 吉林, 长春): the
   selector (bounded by SEARCH_RESULT_CAP), the same capped work in raw SQL, and the uncapped SQL ranking
   the cap exists to avoid; then the repeatability check: three ``subject_search`` calls per broad query
   must return identical ``ranked_ids`` (PASS/FAIL), equal to the raw path's;
6. a planner probe: every 2- to 4-character window of the ``name`` histogram in ``pg_stats`` (the planner
   believes each matches about 1% of the table), how the unordered candidate query is planned for each,
   PASS/FAIL for "no window matching at most SEARCH_RESULT_CAP rows is planned as a primary-key walk or Seq
   Scan" (such a scan cannot stop early and reads the whole table), and the selector's time on a few of
   them; then, for the windows that match more than the cap (and so also run the ordered query), how that
   query is planned and how long it takes;
7. the store of frequent fragments (``subjects.fragments``): for 50 random stored fragments, PASS/FAIL for
   "the stored path returns the ranked ids of the two-step path";
8. whole-name windows under concurrency (issue 12): ``--queries`` random 2-character and as many 4-character
   windows of whole names (region, trade name, industry, company form) of random searchable subjects, and a
   fixed list of region, industry and company-form words; each set run by ``--clients`` (8) processes at
   once, each with its own database connection, through four paths: the raw two-step SQL (the search
   without the store), the raw SQL with the store, the selector (``subject_search`` + first page) and the
   whole page (``GET /search/?q=`` through Django's test client: middleware, rate limit and page cache in
   Redis, template; the cache database of ``REDIS_URL`` is flushed first). p50/p95/max, requests/s, load
   average; PASS/FAIL for "selector and page p95 <= 50 ms".

Queries are what people type: fragments of the trade-name part of randomly chosen existing company names.
The names come from ``subjects.demo`` ("{region}{trade name}{industry}{suffix}"); the script strips the
suffix, industry and region to recover the trade name (宏达, 鑫盛华). A 2-character query is a random
2-character window of the trade name; a 4-character query is the trade name followed by the start of the
industry, cut to 4 characters (恒泰建筑, 鑫盛华食). Every set is run once untimed (warm-up), then timed with
``time.perf_counter``, selector and raw SQL interleaved query by query so background load hits both alike,
taking turns to go first (the second path on a query finds its rows in the CPU caches).
p95 is the nearest-rank percentile.

Run it (PostgreSQL only; the database is typically seeded with ``seed_demo --subjects 1000000``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench .venv/bin/python bench/search.py \\
        [--queries 200] [--seed 1] [--broad-runs 10] [--probe-queries 10] [--clients 8] \\
        [--only-concurrent] [--paths raw-two-step,raw-stored,selector,page]

``--only-concurrent`` runs only sections 1, 7 and 8.

Exit status 1 when an index check, the repeatability check, the planner probe, the store check or the
concurrent target fails.
"""

from __future__ import annotations

import argparse
import json
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
BROAD_QUERIES = ("有限", "公司", "有限公司", "吉林", "长春")


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


@dataclass(frozen=True)
class Comparison:
    """Timings of both paths over the same queries, and what each returned."""

    selector: Timings
    raw: Timings
    selector_results: list
    raw_results: list


def compare(queries: Sequence[str], selector: Callable[[str], object], raw: Callable[[str], object]) -> Comparison:
    """Warm up on every query, then time selector and raw SQL, interleaved query by query.

    Whichever path runs second on a query finds its rows in the CPU caches (about 0.5-1 ms for a
    2-character query), so the two take turns going first.
    """
    for query in queries:
        selector(query)
        raw(query)
    timings: dict[str, list[float]] = {"selector": [], "raw": []}
    results: dict[str, list] = {"selector": [], "raw": []}
    paths = {"selector": selector, "raw": raw}
    for index, query in enumerate(queries):
        for name in ("selector", "raw") if index % 2 == 0 else ("raw", "selector"):
            elapsed, result = timed(lambda q=query, path=paths[name]: path(q))
            timings[name].append(elapsed)
            results[name].append(result)
    return Comparison(
        Timings(tuple(timings["selector"])), Timings(tuple(timings["raw"])), results["selector"], results["raw"]
    )


def print_comparison(label: str, comparison: Comparison) -> None:
    selector, raw = comparison.selector, comparison.raw
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


@dataclass(frozen=True)
class SearchOutcome:
    """What one search path produced: the ranked ids, whether the candidates were capped, the first page."""

    ranked_ids: list[int]
    capped: bool
    page_ids: list[int]

    @property
    def total(self) -> int:
        return len(self.ranked_ids)


def selector_search(query: str) -> SearchOutcome:
    """What the search page does: rank the candidates, paginate the ids, load the first page in one query."""
    from django.conf import settings
    from django.core.paginator import Paginator

    from subjects.selectors import subject_search

    result = subject_search(query)
    page = Paginator(result.ranked_ids, settings.SEARCH_PAGE_SIZE).get_page(1)
    rows = result.subjects(page.object_list)
    return SearchOutcome(result.ranked_ids, result.capped, [subject.pk for subject in rows])


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


def _raw_rank_key(query: str) -> Callable[[tuple[int, str]], tuple[int, int, str, int]]:
    """Exact name, then prefix, then the rest; then shorter names, name, id (written out, not imported)."""

    def key(row: tuple[int, str]) -> tuple[int, int, str, int]:
        pk, name = row
        return (0 if name == query else 1 if name.startswith(query) else 2), len(name), name, pk

    return key


def raw_candidates_sql(query: str) -> str:
    """The first candidate statement of the raw path: any cap+1 matches, unordered, id and name."""
    return f"SELECT id, name FROM {TABLE} WHERE {_match_sql(query)} LIMIT %(cap)s + 1"


def raw_capped_sql(query: str) -> str:
    """The second candidate statement, run only when the first found more than cap: the cap lowest-id matches."""
    return f"SELECT id, name FROM {TABLE} WHERE {_match_sql(query)} ORDER BY id LIMIT %(cap)s"


def raw_search(query: str) -> SearchOutcome:
    """The selector's work by hand: candidates in two steps (+ exact name when capped), rank in Python, page by id.

    First any cap+1 matches, unordered: when there are at most cap, that is every match. Otherwise the cap
    matches with the lowest ids, and the exact-name matches.
    """
    from django.conf import settings
    from django.db import connection

    cap, params = settings.SEARCH_RESULT_CAP, _params(query)
    with connection.cursor() as cursor:
        cursor.execute(raw_candidates_sql(query), params)
        rows = cursor.fetchall()
        capped = len(rows) > cap
        if capped:
            cursor.execute(raw_capped_sql(query), params)
            rows = cursor.fetchall()
            known = {pk for pk, _ in rows}
            cursor.execute(f"SELECT id, name FROM {TABLE} WHERE name = %(q)s", params)
            rows += [row for row in cursor.fetchall() if row[0] not in known]
        rows.sort(key=_raw_rank_key(query))
        ranked_ids = [pk for pk, _ in rows]
        page_ids = ranked_ids[: settings.SEARCH_PAGE_SIZE]
        cursor.execute(f"SELECT {_columns()} FROM {TABLE} WHERE id = ANY(%s)", [page_ids])
        by_id = {row[0]: row for row in cursor.fetchall()}
    return SearchOutcome(ranked_ids, capped, [pk for pk in page_ids if pk in by_id])


def raw_sql_ranked_search(query: str) -> list[tuple]:
    """Reference only: one statement that ranks every match in SQL (no cap) and returns the first page."""
    from django.db import connection

    sql = f"SELECT {_columns()} FROM {TABLE} WHERE {_match_sql(query)} ORDER BY {RANK_SQL} LIMIT %(page)s"
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


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} CPUs"


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
        if not (analyzed or autoanalyzed) or not (vacuumed or autovacuumed):
            print(
                f"  WARNING: run VACUUM (ANALYZE) {TABLE} after seeding: without statistics the planner guesses,\n"
                "  and until VACUUM the GIN indexes keep freshly inserted rows in their unsorted pending list."
            )
        cursor.execute(
            "SELECT c.relname, pg_size_pretty(pg_relation_size(c.oid)) FROM pg_class c "
            "WHERE c.relname IN (%s, 'subject_name_bigram_gin', 'subject_name_trgm_gin') ORDER BY c.relname",
            [TABLE],
        )
        print("  sizes: " + ", ".join(f"{name} {size}" for name, size in cursor.fetchall()))
    print(f"  SEARCH_RESULT_CAP={settings.SEARCH_RESULT_CAP}, SEARCH_PAGE_SIZE={settings.SEARCH_PAGE_SIZE}")
    print(f"  load average at start: {load_average()}")


def candidate_queryset(query: str, *, ordered: bool = False):
    """A candidate query ``subject_search`` runs for a name query.

    Unordered (the default) is the first step, which every name query runs: any cap+1 matches. Ordered is
    the second step, which runs only when the first found more than cap: the cap matches with the lowest ids.
    """
    from django.conf import settings

    from subjects.selectors import subjects_name_matching

    cap = settings.SEARCH_RESULT_CAP
    matches = subjects_name_matching(query).values_list("pk", "name")
    return matches.order_by("pk")[:cap] if ordered else matches.order_by()[: cap + 1]


def selector_candidates(query: str) -> list[tuple[int, str]]:
    """The candidate rows as ``subject_search`` fetches them: unordered first, ordered again when capped."""
    from django.conf import settings

    rows = list(candidate_queryset(query))
    if len(rows) > settings.SEARCH_RESULT_CAP:
        rows = list(candidate_queryset(query, ordered=True))
    return rows


def candidate_plan(query: str, *, ordered: bool = False) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a candidate query ``subject_search`` runs for ``query``."""
    return candidate_queryset(query, ordered=ordered).explain(analyze=True, buffers=True)


def plan_line(plan: str) -> str:
    """The scan nodes of a plan, with their actual time and rows, outermost first, and the execution time."""
    nodes = []
    execution = ""
    for line in plan.splitlines():
        node = line.strip().removeprefix("->").strip()
        if "Scan" in node and "(actual " in node:
            nodes.append(node.split("  (")[0] + " (" + node.split("(actual ")[1].split(" loops")[0] + ")")
        if node.startswith("Execution Time:"):
            execution = node.removeprefix("Execution Time:").strip()
    return (" <- ".join(nodes) or "no scan node") + (f"; {execution}" if execution else "")


def candidate_plan_line(query: str, *, ordered: bool = False) -> str:
    """``plan_line`` of a candidate query's EXPLAIN ANALYZE."""
    return plan_line(candidate_plan(query, ordered=ordered))


def execution_ms(plan: str) -> float:
    """The Execution Time of an EXPLAIN ANALYZE, in ms."""
    for line in plan.splitlines():
        if line.strip().startswith("Execution Time:"):
            return float(line.split(":")[1].split()[0])
    return math.nan


def plan_kind(plan: str) -> str:
    """A short name for how a candidate plan reaches the rows: Seq Scan, primary key order, or GIN index(es)."""
    if f"Seq Scan on {TABLE}" in plan:
        return "Seq Scan"
    if "_pkey" in plan:
        return "primary key order"
    return " + ".join(name for name in EXPECTED_INDEX.values() if name in plan) or "other"


def report_plans(two: str, four: str, broad: str) -> bool:
    """Print the candidate-query plans and PASS/FAIL; True when all pass.

    The unordered first step for an ordinary 2- and 4-character query must scan its GIN index; the ordered
    second step for a broad query must walk the primary key (and stop at the cap), not scan the table.
    """
    from django.conf import settings

    heading("EXPLAIN (ANALYZE, BUFFERS) of the selector's candidate queries")
    passed = True
    for query in (two, four):
        plan = candidate_plan(query)
        used = [name for name in EXPECTED_INDEX.values() if name in plan]
        expected = EXPECTED_INDEX[2 if len(query) == 2 else 4]
        ok = expected in plan and f"Seq Scan on {TABLE}" not in plan
        passed &= ok
        print(
            f"\n  unordered (first step), q={query!r} ({len(query)} characters), "
            f"indexes used: {', '.join(used) or 'none'}"
        )
        print("    " + plan.replace("\n", "\n    "))
        print(f"  {'PASS' if ok else 'FAIL'}: scans {expected}, no Seq Scan on {TABLE}")
    first = len(list(candidate_queryset(broad)))
    plan = candidate_plan(broad, ordered=True)
    ok = first > settings.SEARCH_RESULT_CAP and plan_kind(plan) == "primary key order"
    passed &= ok
    print(
        f"\n  ordered (second step), broad q={broad!r}: the unordered step returned {first} rows "
        f"(cap {settings.SEARCH_RESULT_CAP}), so the ordered query runs"
    )
    print("    " + plan.replace("\n", "\n    "))
    print(f"  {'PASS' if ok else 'FAIL'}: capped, and walks {TABLE}_pkey in order (stops at the cap), no Seq Scan")
    return passed


def report_name_queries(two: list[str], four: list[str]) -> None:
    from django.conf import settings

    heading(f"Name search: {len(two)} random 2-character and {len(four)} random 4-character queries")
    print(
        "  method: queries are fragments of the trade name of random existing company names\n"
        "  (2 characters: a random window of the trade name; 4 characters: trade name + start of the\n"
        "  industry). Selector = subject_search(q) + Paginator(ranked_ids, 20) + result.subjects(page ids),\n"
        "  as the search page does (2 SQL statements; 4 when capped). Raw = the same work by hand: match\n"
        "  LIMIT cap+1 (id, name); when capped, match ORDER BY id LIMIT cap and exact name; rank in Python;\n"
        "  first 20 rows by id.\n"
        "  Raw SQL ranking = one statement ranking every match in SQL, LIMIT 20 (reference). Each set is\n"
        "  warmed up once, then timed, selector and raw interleaved query by query, taking turns to go first."
    )
    for label, queries in (("2 characters", two), ("4 characters", four)):
        comparison = compare(queries, selector_search, raw_search)
        sql_ranked = compare(queries, raw_sql_ranked_search, raw_sql_ranked_search)
        outcomes: list[SearchOutcome] = comparison.selector_results
        totals = [outcome.total for outcome in outcomes]
        capped = sum(1 for outcome in outcomes if outcome.capped)
        same_raw = sum(1 for mine, raw in zip(outcomes, comparison.raw_results, strict=True) if mine == raw)
        same_sql = sum(
            1
            for outcome, rows in zip(outcomes, sql_ranked.raw_results, strict=True)
            if not outcome.capped and outcome.page_ids == [row[0] for row in rows]
        )
        print(f"\n  examples: {' '.join(queries[:8])}")
        print_comparison(label, comparison)
        print(
            f"  {'':<24} raw SQL ranking (uncapped, 1 statement) {sql_ranked.raw.summary()}; "
            f"selector/that {comparison.selector.median / sql_ranked.raw.median:.2f}x (median)"
        )
        print(
            f"  {'':<24} matches per query: median {statistics.median(totals):.0f}, max {max(totals)}; "
            f"hit the cap ({settings.SEARCH_RESULT_CAP}): {capped} of {len(queries)}"
        )
        print(f"  {'':<24} raw path gave the same ranked ids and first page for {same_raw} of {len(queries)}")
        print(f"  {'':<24} SQL ranking gave the same first page for {same_sql} of {len(queries) - capped} uncapped")
        print_breakdown(queries)
        print_plan_census(queries)
        for query in sorted({query for query, outcome in zip(queries, outcomes, strict=True) if outcome.capped}):
            print(f"  {'':<24} capped {query!r}, ordered query: {candidate_plan_line(query, ordered=True)}")


def print_breakdown(queries: Sequence[str]) -> None:
    """Median time of each step of the selector path (warm).

    Two passes, so that the candidate query and ``subject_search`` are each the first statement on their
    query (see ``compare``): the candidate query alone and the ranking of its rows in Python; then
    ``subject_search`` (both together) followed by the first page, as in a request. The candidate query
    is the unordered one, plus the ordered one when capped (the exact-name query is left out).
    """
    from django.conf import settings

    from subjects.selectors import _rank_key, subject_search

    steps: dict[str, list[float]] = {"candidate query": [], "rank": [], "subject_search": [], "first page": []}
    for query in queries:
        elapsed, rows = timed(lambda q=query: selector_candidates(q))
        steps["candidate query"].append(elapsed)
        steps["rank"].append(timed(lambda r=rows, q=query: sorted(r, key=_rank_key(q)))[0])
    for query in queries:
        elapsed, result = timed(lambda q=query: subject_search(q))
        steps["subject_search"].append(elapsed)
        page_ids = result.ranked_ids[: settings.SEARCH_PAGE_SIZE]
        steps["first page"].append(timed(lambda r=result, ids=page_ids: r.subjects(ids))[0])
    parts = ", ".join(f"{name} {statistics.median(values):.2f}" for name, values in steps.items())
    print(f"  {'':<24} selector steps (median ms): {parts}")


def print_plan_census(queries: Sequence[str]) -> None:
    """How the planner runs the unordered candidate query for each distinct query (plain EXPLAIN, no execution)."""
    census: dict[str, int] = {}
    for query in sorted(set(queries)):
        key = plan_kind(candidate_queryset(query).explain())
        census[key] = census.get(key, 0) + 1
    summary = ", ".join(f"{key}: {count}" for key, count in sorted(census.items()))
    print(f"  {'':<24} unordered candidate plans over {len(set(queries))} distinct queries: {summary}")


def histogram_windows() -> list[str]:
    """Distinct 2- to 4-character windows of the ``name`` histogram the planner estimates ``LIKE`` from."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT histogram_bounds::text::text[] FROM pg_stats WHERE tablename = %s AND attname = 'name'", [TABLE]
        )
        row = cursor.fetchone()
    windows: dict[str, None] = {}
    for name in row[0] if row and row[0] else []:
        for size in (2, 3, 4):
            for start in range(len(name) - size + 1):
                windows.setdefault(name[start : start + size])
    return list(windows)


def match_count(query: str, limit: int | None = None) -> int:
    """How many rows match ``query`` (through the GIN index), counted up to ``limit`` when given."""
    from django.db import connection

    inner = f"SELECT 1 FROM {TABLE} WHERE {_match_sql(query)}" + (" LIMIT %(limit)s" if limit else "")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({inner}) AS matches", {**_params(query), "limit": limit})
        return cursor.fetchone()[0]


def report_histogram_probe(timed_queries: int) -> bool:
    """Queries the planner overestimates: windows of its own histogram. True when none walks the whole table.

    ``name LIKE '%q%'`` is estimated from the 100-entry histogram of ``name``: a q found in one entry is
    taken to match about 1% of the table. With ``ORDER BY id LIMIT cap + 1`` the planner then prefers to
    walk the primary key and stop at the cap + 1st match; when q actually matches at most ``cap`` rows,
    that walk reads the whole table. ``subject_search`` therefore runs the match unordered first; the check
    is on that query. Windows matching more than ``cap`` rows also run the ordered query: its plans and
    times are reported (a walk of the primary key costs in proportion to how sparse the matches are).
    """
    from django.conf import settings

    heading("Planner probe: 2- to 4-character windows of the name histogram (queries it overestimates)")
    cap = settings.SEARCH_RESULT_CAP
    windows = histogram_windows()
    kinds: dict[str, list[str]] = {}
    for query in windows:
        kinds.setdefault(plan_kind(candidate_queryset(query).explain()), []).append(query)
    census = ", ".join(f"{kind}: {len(queries)}" for kind, queries in sorted(kinds.items()))
    print(f"  {len(windows)} distinct windows; unordered candidate plans (first step): {census}")
    counts = {query: match_count(query, cap + 1) for query in windows}
    walking = kinds.get("primary key order", []) + kinds.get("Seq Scan", [])
    trapped = [query for query in walking if counts[query] <= cap]
    ok = not trapped
    print(
        f"  {'PASS' if ok else 'FAIL'}: {len(trapped)} of the {len(walking)} windows planned in primary key order or "
        f"by Seq Scan match at most {cap} rows, so the scan cannot stop early and reads the whole table"
    )
    if trapped:
        print(f"  failing windows: {' '.join(trapped[:40])}{' ...' if len(trapped) > 40 else ''}")
        print(f"  example plan for {trapped[0]!r}: {candidate_plan_line(trapped[0])}")

    uncapped = [query for query in windows if counts[query] <= cap]
    # The windows the ordered query alone would walk the whole table for (the trap before the two steps).
    formerly = [
        query
        for query in uncapped
        if plan_kind(candidate_queryset(query, ordered=True).explain()) in ("primary key order", "Seq Scan")
    ]
    print(
        f"  {len(uncapped)} windows match at most {cap} rows and run only the unordered query; for {len(formerly)} "
        "of them an ORDER BY id query would be planned as a walk of the primary key or a Seq Scan"
    )
    if formerly and timed_queries:
        sample = formerly[:: max(1, len(formerly) // timed_queries)][:timed_queries]
        comparison = compare(sample, selector_search, raw_sql_ranked_search)
        print(f"  timed, {len(sample)} of those spread over the list: {' '.join(sample)}")
        print(f"  {'':<24} selector               {comparison.selector.summary()}")
        print(f"  {'':<24} raw SQL ranking (GIN)  {comparison.raw.summary()}")
        print(f"  example plan for {sample[0]!r} (unordered): {candidate_plan_line(sample[0])}")

    capped = [query for query in windows if counts[query] > cap]
    if capped:
        ordered_kinds: dict[str, int] = {}
        times: list[tuple[float, str, str]] = []
        for query in capped:
            plan = candidate_plan(query, ordered=True)
            ordered_kinds[plan_kind(plan)] = ordered_kinds.get(plan_kind(plan), 0) + 1
            times.append((execution_ms(plan), query, plan_line(plan)))
        summary = ", ".join(f"{kind}: {count}" for kind, count in sorted(ordered_kinds.items()))
        timings = Timings(tuple(ms for ms, _, _ in times))
        print(f"\n  {len(capped)} windows match more than {cap} rows and also run the ordered query: {summary}")
        print(f"  ordered query, EXPLAIN ANALYZE execution time: {timings.summary()}")
        slow = sorted(times, reverse=True)
        print(
            f"  {sum(1 for ms, _, _ in times if ms > 100)} of them take more than 100 ms; "
            "slowest five (matches counted in full):"
        )
        for ms, query, line in slow[:5]:
            print(f"    {query!r}: {ms:.1f} ms, {match_count(query):,} matches; {line}")
        if timed_queries:
            sample = [query for _, query, _ in slow[: min(5, timed_queries)]]
            comparison = compare(sample, selector_search, raw_sql_ranked_search)
            print(f"  timed, those five: selector {comparison.selector.summary()}")
            print(f"  {'':<19} raw SQL ranking (GIN, uncapped) {comparison.raw.summary()}")
    return ok


def report_lookups(codes: list[str]) -> None:
    heading(f"Exact USCC lookup: {len(codes)} random existing USCCs")
    print(
        "  selector = subject_get_by_code(uscc) (normalises, then .get(uscc=...));\n  raw = SELECT ... WHERE uscc = %s"
    )
    comparison = compare(codes, selector_lookup, raw_lookup)
    print_comparison("USCC", comparison)


def report_broad(runs: int) -> bool:
    """Time the broad queries and check that they are repeatable; True when every check passes."""
    from django.conf import settings

    from subjects.selectors import subject_search

    heading(f"Broad queries (match a large share of rows): {runs} timed runs each after one warm-up")
    cap = settings.SEARCH_RESULT_CAP
    print(
        f"  selector = subject_search + Paginator + first page, bounded by SEARCH_RESULT_CAP={cap};\n"
        f"  raw capped = the same work by hand ({cap}+1 matches unordered, then the {cap} lowest-id matches,\n"
        "  + exact name, ranked in Python, first page by id); raw uncapped = one statement ranking every\n"
        "  match in SQL (what the cap avoids), for contrast."
    )
    repeatable = True
    for query in BROAD_QUERIES:
        repeated = [query] * runs
        comparison = compare(repeated, selector_search, raw_search)
        uncapped_raw = compare([query] * max(1, runs // 5), raw_sql_ranked_search, raw_sql_ranked_search).raw
        first: SearchOutcome = comparison.selector_results[0]
        print(f"\n  q={query!r}: {first.total} candidates ranked, capped={first.capped}")
        print(f"  candidate plan, unordered (first step): {candidate_plan_line(query)}")
        if first.capped:
            print(f"  candidate plan, ordered (second step):  {candidate_plan_line(query, ordered=True)}")
        print_comparison(f"{query} (capped)", comparison)
        print(f"  {'':<24} raw uncapped {uncapped_raw.summary()}")

        calls = [subject_search(query).ranked_ids for _ in range(3)]
        same_calls = calls[0] == calls[1] == calls[2]
        same_timed = all(outcome.ranked_ids == calls[0] for outcome in comparison.selector_results)
        same_raw = all(outcome.ranked_ids == calls[0] for outcome in comparison.raw_results)
        ok = same_calls and same_timed and same_raw
        repeatable &= ok
        firsts = " / ".join(str(ids[0]) if ids else "-" for ids in calls)
        print(
            f"  {'PASS' if ok else 'FAIL'}: 3 calls identical ranked_ids: {same_calls} (first ids {firsts}); "
            f"all {runs} timed selector runs identical: {same_timed}; raw path identical: {same_raw}"
        )
    return repeatable


# --- whole-name windows under concurrency (issue 12) --------------------------------------------------


def whole_name_windows(rng: random.Random, count: int, length: int) -> list[str]:
    """``count`` random ``length``-character windows of the whole names (region, trade name, industry, company
    form) of random searchable subjects (organisations and individual businesses; natural persons are never
    searched by name)."""
    from subjects.choices import SubjectKind

    windows: list[str] = []
    while len(windows) < count:
        for (name,) in sample_rows(rng, count, "name", f"kind <> '{SubjectKind.NATURAL_PERSON}'"):
            if len(windows) < count and len(name) >= length:
                start = rng.randrange(len(name) - length + 1)
                windows.append(name[start : start + length])
    return windows


def region_and_industry_words() -> list[str]:
    """The fixed list: prefecture short names, the industry words of subjects.demo (2- and 4-character starts),
    and the company-form words."""
    from subjects.demo import INDUSTRIES, PREFECTURES

    words = [*PREFECTURES.values(), "吉林省", "长春市"]
    words += [word[:2] for word in INDUSTRIES] + [word[:4] for word in INDUSTRIES if len(word) >= 4]
    words += ["有限", "公司", "有限公司", "责任", "有限责任", "股份", "集团"]
    return list(dict.fromkeys(words))


def raw_stored_search(query: str) -> SearchOutcome:
    """The selector's work by hand, with the store: the fragment's precomputed list (one primary-key lookup) and
    the exact-name query, then the first page by id; a fragment not stored goes the raw two-step way."""
    from django.conf import settings
    from django.db import connection

    if len(query) <= settings.SEARCH_FRAGMENT_MAX_LENGTH:
        with connection.cursor() as cursor:
            cursor.execute("SELECT ranked_ids FROM subjects_searchfragment WHERE fragment = %s", [query])
            row = cursor.fetchone()
            if row is not None:
                stored = row[0] if isinstance(row[0], list) else json.loads(row[0])
                cursor.execute(
                    f"SELECT id FROM {TABLE} WHERE name = %s AND kind <> 'natural_person' ORDER BY id", [query]
                )
                exact = [pk for (pk,) in cursor.fetchall()]
                ranked = exact + [pk for pk in stored if pk not in set(exact)]
                page_ids = ranked[: settings.SEARCH_PAGE_SIZE]
                cursor.execute(f"SELECT {_columns()} FROM {TABLE} WHERE id = ANY(%s)", [page_ids])
                by_id = {row[0]: row for row in cursor.fetchall()}
                return SearchOutcome(ranked, True, [pk for pk in page_ids if pk in by_id])
    return raw_search(query)


_PAGE_CLIENT = None


def page_search(query: str) -> int:
    """The whole search page in this process: ``GET /search/?q=`` through Django's test client (middleware,
    rate limit in Redis, selector, statuses, template)."""
    global _PAGE_CLIENT
    from django.test import Client

    if _PAGE_CLIENT is None:
        _PAGE_CLIENT = Client()
    response = _PAGE_CLIENT.get("/search/", {"q": query})
    if response.status_code != 200:
        raise RuntimeError(f"/search/?q={query} answered {response.status_code}")
    return len(response.content)


CONCURRENT_PATHS: dict[str, Callable[[str], object]] = {
    "raw-two-step": raw_search,
    "raw-stored": raw_stored_search,
    "selector": selector_search,
    "page": page_search,
}


def _backend_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a local PostgreSQL backend, from /proc (0 when it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _concurrent_worker(job: tuple[str, list[str]]) -> tuple[list[float], float, float, float, float]:
    """In a child process (its own database connection): warm up on a few queries, then time each one.

    Returns the latencies, the CPU seconds this process and its PostgreSQL backend spent on the timed
    queries (unlike latencies, these do not grow with the load of a shared machine), and when the timed
    queries started and ended."""
    from django.db import connection

    path_name, queries = job
    path = CONCURRENT_PATHS[path_name]
    for query in queries[:3]:
        path(query)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    cpu, db_cpu, start = time.process_time(), _backend_cpu_seconds(backend), time.time()
    latencies = [timed(lambda q=query: path(q))[0] for query in queries]
    return latencies, time.process_time() - cpu, _backend_cpu_seconds(backend) - db_cpu, start, time.time()


def run_concurrent(path_name: str, queries: Sequence[str], clients: int) -> tuple[Timings, float, float, float]:
    """``clients`` processes share ``queries`` round-robin and run them at once.

    Returns the latencies, requests/s, and the CPU ms per request of the Python side and of PostgreSQL."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each child opens its own connection
    jobs = [(path_name, list(queries[i::clients])) for i in range(clients)]
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.map(_concurrent_worker, jobs)
    values = [ms for result in results for ms in result[0]]
    # Requests/s over the timed phase: from the first worker's start to the last one's end (process start-up
    # and each worker's warm-up, such as loading templates, are left out; workers that finish early are not).
    wall = max(result[4] for result in results) - min(result[3] for result in results)
    cpu = sum(result[1] for result in results) * 1000 / len(values)
    db_cpu = sum(result[2] for result in results) * 1000 / len(values)
    return Timings(tuple(values)), len(values) / wall, cpu, db_cpu


def report_concurrent(rng: random.Random, count: int, clients: int, paths: Sequence[str]) -> bool:
    """Whole-name windows and region/industry words with ``clients`` concurrent clients; True when p95 <= 50 ms
    for the selector and the page on every set."""
    from django.conf import settings
    from django.core.cache import cache

    heading(f"Whole-name windows, {clients} concurrent clients (processes, one connection each)")
    cache.clear()  # the configured cache (REDIS_URL): search pages are cached, start cold
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PUBLIC_RATE_LIMITS = {scope: (10**9, 60) for scope in settings.PUBLIC_RATE_LIMITS}
    words = region_and_industry_words()
    sets = {
        "2-char windows": whole_name_windows(rng, count, 2),
        "4-char windows": whole_name_windows(rng, count, 4),
        "region/industry": words * max(1, count // len(words)),
    }
    stored = {fragment for (fragment,) in _stored_fragments()}
    print(
        f"  {len(stored)} fragments stored (SEARCH_FRAGMENT_MAX_LENGTH={settings.SEARCH_FRAGMENT_MAX_LENGTH}); "
        f"words: {' '.join(words)}"
    )
    ok = True
    for label, queries in sets.items():
        share = sum(query in stored for query in queries) / len(queries)
        print(f"\n  {label}: {len(queries)} queries, {share:.0%} of them stored fragments; load {load_average()}")
        for path_name in paths:
            timings, rate, cpu, db_cpu = run_concurrent(path_name, queries, clients)
            print(
                f"    {path_name:<14} {timings.summary()}  {rate:6.1f} req/s  "
                f"CPU/request: Python {cpu:5.2f} + PostgreSQL {db_cpu:5.2f} ms"
            )
            if path_name in ("selector", "page"):
                ok &= timings.p95 <= 50
    print(f"\n  load average after: {load_average()}")
    return ok


def _stored_fragments() -> list[tuple[str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT fragment FROM subjects_searchfragment")
        return cursor.fetchall()


def report_store_equivalence(rng: random.Random, count: int) -> bool:
    """For ``count`` random stored fragments: the stored path returns the ranked ids the two-step path does."""
    from django.conf import settings

    from subjects.selectors import subject_search

    heading(f"Store equivalence: {count} random stored fragments, stored path against the two-step path")
    fragments = sorted(fragment for (fragment,) in _stored_fragments())
    if not fragments:
        print("  no fragment stored: run `manage.py search_fragments_refresh` first")
        return False
    chosen = rng.sample(fragments, min(count, len(fragments)))
    mismatched = [q for q in chosen if subject_search(q).ranked_ids != raw_search(q).ranked_ids]
    print(
        f"  {'PASS' if not mismatched else 'FAIL'}: {len(chosen) - len(mismatched)} of {len(chosen)} identical"
        f"{'; differ: ' + ' '.join(mismatched[:10]) if mismatched else ''} (cap {settings.SEARCH_RESULT_CAP})"
    )
    return not mismatched


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=200, help="queries per set (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for picking queries (default 1)")
    parser.add_argument("--broad-runs", type=int, default=10, help="timed runs per broad query (default 10)")
    parser.add_argument(
        "--probe-queries", type=int, default=10, help="overestimated queries to time in the planner probe (default 10)"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument(
        "--only-concurrent",
        action="store_true",
        help="only the whole-name windows under concurrency (and the store check)",
    )
    parser.add_argument(
        "--paths",
        default=",".join(CONCURRENT_PATHS),
        help="comma-separated paths of the concurrent section (default: all: " + ", ".join(CONCURRENT_PATHS) + ")",
    )
    args = parser.parse_args(argv)
    setup_django()

    rng = random.Random(args.seed)
    report_data()
    if args.only_concurrent:
        same = report_store_equivalence(rng, 50)
        fast = report_concurrent(rng, args.queries, args.clients, args.paths.split(","))
        heading("Summary")
        print(f"  stored fragments rank as the two-step path: {'PASS' if same else 'FAIL'}")
        print(f"  whole-name windows, selector and page p95 <= 50 ms: {'PASS' if fast else 'FAIL'}")
        print(f"  load average at end: {load_average()}")
        return 0 if same and fast else 1
    two, four = realistic_queries(rng, args.queries)
    codes = [code for (code,) in sample_rows(rng, args.queries, "uscc", "uscc IS NOT NULL")]
    plans_ok = report_plans(two[0], four[0], BROAD_QUERIES[0])
    report_name_queries(two, four)
    report_lookups(codes)
    repeatable = report_broad(args.broad_runs)
    probe_ok = report_histogram_probe(args.probe_queries)
    same = report_store_equivalence(rng, 50)
    fast = report_concurrent(rng, args.queries, args.clients, args.paths.split(","))
    heading("Summary")
    print(f"  stored fragments rank as the two-step path: {'PASS' if same else 'FAIL'}")
    print(f"  whole-name windows, selector and page p95 <= 50 ms: {'PASS' if fast else 'FAIL'}")
    print(f"  candidate plans (GIN index unordered, primary key walk when capped): {'PASS' if plans_ok else 'FAIL'}")
    print(f"  overestimated queries keep to the GIN indexes: {'PASS' if probe_ok else 'FAIL'}")
    print(f"  broad queries repeatable: {'PASS' if repeatable else 'FAIL'}")
    print(f"  load average at end: {load_average()}")
    return 0 if plans_ok and repeatable and probe_ok and same and fast else 1


if __name__ == "__main__":
    sys.exit(main())
