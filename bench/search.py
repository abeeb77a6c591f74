"""Subject search (issues 2 and 12): name queries and code lookups through the selector beside the same work in
raw SQL, the candidate plans, and whole-name windows under concurrent clients.

Queries are what people type: a 2-character window of the trade name of a random company (宏达, 航中), or the
trade name followed by the start of its industry, cut to 4 characters (恒泰建筑), recovered from the names
``subjects.demo`` builds (``{region}{trade name}{industry}{suffix}``). The concurrent part draws windows of
whole names and region, industry and company-form words, and needs the stored fragments
(``manage.py search_fragments_refresh``; ``seed_demo`` runs it).

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/search.py [--queries 200] [--clients 8] [--only-concurrent]

Exit status 1 when a plan, the repeatability, the store or a raw path's results do not check out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Timings,
    figure,
    heading,
    interleave,
    load_average,
    raise_rate_limits,
    sample,
    setup,
    sql,
    timed,
    trade_queries,
    windows,
    words,
)

BROAD = ("有限", "公司", "有限公司", "吉林", "长春")
INDEX = {2: "subject_name_bigram_gin", 4: "subject_name_trgm_gin"}
TARGET_P95 = 50  # ms, concurrent whole-name windows (issue 12)


# --- the paths compared -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    ranked_ids: list[int]
    page_ids: list[int]


def selector(query: str) -> Outcome:
    """What the search page does: rank, paginate the ids, load the first page."""
    from django.conf import settings

    from subjects.selectors import subject_search

    result = subject_search(query)
    return Outcome(result.ranked_ids, [s.pk for s in result.subjects(result.ranked_ids[: settings.SEARCH_PAGE_SIZE])])


def _match(query: str) -> str:
    bigram = "subject_name_bigrams(name) @> subject_name_bigrams(%(q)s) AND " if len(query) == 2 else ""
    return f"kind <> 'natural_person' AND {bigram}name LIKE %(contains)s"


def _page(cursor, ranked: list[int]) -> Outcome:
    from django.conf import settings

    page = ranked[: settings.SEARCH_PAGE_SIZE]
    cursor.execute("SELECT * FROM subjects_creditsubject WHERE id = ANY(%s)", [page])
    found = {row[0] for row in cursor.fetchall()}
    return Outcome(ranked, [pk for pk in page if pk in found])


def raw_two_step(query: str) -> Outcome:
    """The selector's work by hand, without the store: any cap+1 matches; when more, the cap lowest ids and the
    exact name; ranked in Python; the first page by id."""
    from django.conf import settings
    from django.db import connection

    from subjects.selectors import search_rank_key

    cap = settings.SEARCH_RESULT_CAP
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    params = {"q": query, "contains": f"%{escaped}%", "cap": cap}
    table = "subjects_creditsubject"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, name FROM {table} WHERE {_match(query)} LIMIT %(cap)s + 1", params)
        rows = cursor.fetchall()
        if len(rows) > cap:
            cursor.execute(f"SELECT id, name FROM {table} WHERE {_match(query)} ORDER BY id LIMIT %(cap)s", params)
            rows = cursor.fetchall()
            cursor.execute(f"SELECT id, name FROM {table} WHERE name = %(q)s AND kind <> 'natural_person'", params)
            rows += [row for row in cursor.fetchall() if row not in rows]
        rows.sort(key=search_rank_key(query))
        return _page(cursor, [pk for pk, _ in rows])


def raw_stored(query: str) -> Outcome:
    """The same with the store: the fragment's ranked list by primary key and the exact name, else two steps."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT ranked_ids FROM subjects_searchfragment WHERE fragment = %s", [query])
        row = cursor.fetchone()
        if row is None:
            return raw_two_step(query)
        stored = row[0] if isinstance(row[0], list) else json.loads(row[0])
        cursor.execute(
            "SELECT id FROM subjects_creditsubject WHERE name = %s AND kind <> 'natural_person' ORDER BY id", [query]
        )
        exact = [pk for (pk,) in cursor.fetchall()]
        return _page(cursor, exact + [pk for pk in stored if pk not in set(exact)])


def page(query: str) -> int:
    """The whole search page in this process (middleware, rate limit and page cache in Redis, template)."""
    from django.test import Client

    response = Client().get("/search/", {"q": query})
    if response.status_code != 200:
        raise RuntimeError(f"/search/?q={query}: HTTP {response.status_code}")
    return len(response.content)


PATHS = {"raw-two-step": raw_two_step, "raw-stored": raw_stored, "selector": selector, "page": page}


# --- sections -----------------------------------------------------------------------------------------------


def plans_check(two: str, four: str) -> bool:
    """The unordered candidate query scans its GIN index; the ordered one of a broad query walks the primary key."""
    from django.conf import settings

    from subjects.selectors import subjects_name_matching

    heading("Candidate plans (EXPLAIN ANALYZE)")
    ok = True
    cap = settings.SEARCH_RESULT_CAP
    for query, ordered, expected in ((two, False, INDEX[2]), (four, False, INDEX[4]), (BROAD[0], True, "_pkey")):
        rows = subjects_name_matching(query).values_list("pk", "name")
        plan = (rows.order_by("pk")[:cap] if ordered else rows.order_by()[: cap + 1]).explain(analyze=True)
        passed = expected in plan and "Seq Scan on subjects_creditsubject" not in plan
        ok &= passed
        timing = next((line.strip() for line in plan.splitlines() if "Execution Time" in line), "")
        shown = "ordered" if ordered else "unordered"
        print(f"{'PASS' if passed else 'FAIL'}: {query} ({shown}) uses {expected}; {timing}")
    return ok


def compare(label: str, queries: Sequence[str], project, raw) -> bool:
    """Selector and raw SQL interleaved; True when both return the same ranked ids and first page."""
    results: dict[str, list] = {"selector": [], "raw": []}
    paths = {
        "selector": lambda q: results["selector"].append(project(q)),
        "raw": lambda q: results["raw"].append(raw(q)),
    }
    timings = interleave(queries, paths)
    same = results["selector"] == results["raw"]
    print(f"{label}, {len(queries)} queries: selector {timings['selector'].summary()}")
    print(f"{'':>{len(label)}}  raw SQL  {timings['raw'].summary()}; same results: {'PASS' if same else 'FAIL'}")
    figure(f"search {label}, selector p95", timings["selector"].p95, "ms")
    figure(f"search {label}, selector/raw median", timings["selector"].median / timings["raw"].median, "×")
    return same


def repeatable(runs: int) -> bool:
    """Broad queries: the selector beside the raw path, and three calls returning identical ranked ids."""
    from subjects.selectors import subject_search

    heading(f"Broad queries ({runs} runs each)")
    ok = True
    for query in BROAD:
        ok &= compare(f"broad {query}", [query] * runs, selector, raw_stored)
        ok &= len({tuple(subject_search(query).ranked_ids) for _ in range(3)}) == 1
    print(f"broad queries repeatable: {'PASS' if ok else 'FAIL'}")
    return ok


def planner_probe() -> bool:
    """Every 2–4-character window of the name histogram (the planner takes each to match ~1% of the table):
    none that matches at most the cap may be planned as a Seq Scan or a primary-key walk."""
    from django.conf import settings

    from subjects.selectors import subjects_name_matching

    cap = settings.SEARCH_RESULT_CAP
    rows = sql(
        "SELECT histogram_bounds::text::text[] FROM pg_stats WHERE tablename = 'subjects_creditsubject' "
        "AND attname = 'name'"
    )
    names = rows[0][0] if rows and rows[0][0] else []
    found = {name[i : i + n] for name in names for n in (2, 3, 4) for i in range(len(name) - n + 1)}
    trapped = []
    for query in sorted(found):
        rows = subjects_name_matching(query).values_list("pk")
        plan = rows.order_by()[: cap + 1].explain()
        if ("Seq Scan" in plan or "_pkey" in plan) and rows.order_by()[: cap + 1].count() <= cap:
            trapped.append(query)
    print(f"planner probe: {len(found)} histogram windows; trapped: {trapped[:10] or 'none'}")
    return not trapped


def store_check(rng: random.Random, count: int) -> bool:
    from subjects.selectors import subject_search

    fragments = sorted(f for (f,) in sql("SELECT fragment FROM subjects_searchfragment"))
    if not fragments:
        print("store check: no fragment stored (manage.py search_fragments_refresh)")
        return True
    chosen = rng.sample(fragments, min(count, len(fragments)))
    differ = [q for q in chosen if subject_search(q).ranked_ids != raw_two_step(q).ranked_ids]
    print(f"store check: {len(chosen) - len(differ)} of {len(chosen)} stored fragments rank as the two-step path")
    return not differ


def _backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (a local server), from /proc; 0 when unreadable."""
    pid = sql("SELECT pg_backend_pid()")[0][0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker(job: tuple[str, list[str]]) -> tuple[list[float], float, float, float, float]:
    """One client: latencies, when it started and ended, and the CPU seconds of Python and of PostgreSQL (these
    do not grow with the load of a shared machine, as latencies do)."""
    path_name, queries = job
    for query in queries[:3]:
        PATHS[path_name](query)
    start, cpu, db = time.time(), time.process_time(), _backend_cpu()
    latencies = [timed(lambda q=q: PATHS[path_name](q))[0] for q in queries]
    return latencies, start, time.time(), time.process_time() - cpu, _backend_cpu() - db


def concurrent(rng: random.Random, count: int, clients: int) -> None:
    """Each set of queries shared by ``clients`` processes (one connection each), through every path."""
    import multiprocessing

    from django.db import connections

    heading(f"Whole-name windows, {clients} concurrent clients")
    raise_rate_limits()
    sets = {"2-char windows": windows(rng, count, 2), "4-char windows": windows(rng, count, 4)}
    sets["region/industry words"] = (words() * count)[: max(count, len(words()))]
    for label, queries in sets.items():
        print(f"{label}: {len(queries)} queries; {load_average()}")
        for name in PATHS:
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(clients) as pool:
                results = pool.map(_worker, [(name, queries[i::clients]) for i in range(clients)])
            timings = Timings(tuple(ms for r in results for ms in r[0]))
            rate = len(timings.values) / (max(r[2] for r in results) - min(r[1] for r in results))
            cpu, db = (sum(r[i] for r in results) * 1000 / len(timings.values) for i in (3, 4))
            print(
                f"  {name:<13} {timings.summary()}  {rate:,.0f} req/s  CPU/request {cpu:.1f} + {db:.1f} ms (PostgreSQL)"
            )
            if name == "page":
                figure(f"search page, {label}, {clients} clients, p95", timings.p95, "ms", at_most=TARGET_P95)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=200, help="queries per set")
    parser.add_argument("--broad-runs", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only-concurrent", action="store_true")
    args = parser.parse_args(argv)
    setup("bench/search.py")
    rng = random.Random(args.seed)
    subjects = sql("SELECT count(*) FROM subjects_creditsubject")[0][0]
    analysed = sql(
        "SELECT coalesce(last_analyze, last_autoanalyze) FROM pg_stat_user_tables "
        "WHERE relname = 'subjects_creditsubject'"
    )[0][0]
    print(f"{subjects:,} subjects; last analysed {analysed or 'never: run VACUUM (ANALYZE) subjects_creditsubject'}")
    ok = True
    if not args.only_concurrent:
        two, four = trade_queries(rng, args.queries)
        if subjects >= 100_000:
            ok &= plans_check(two[0], four[0]) & planner_probe()
        else:  # the planner rightly scans a small table
            print("plan checks skipped: fewer than 100,000 subjects")
        heading("Name queries and code lookups")
        ok &= compare("2 characters", two, selector, raw_stored)
        ok &= compare("4 characters", four, selector, raw_stored)
        codes = sample(rng, args.queries, "uscc", "uscc IS NOT NULL")
        from subjects.selectors import subject_get_by_code

        lookup = interleave(
            codes,
            {
                "selector": subject_get_by_code,
                "raw": lambda c: sql("SELECT * FROM subjects_creditsubject WHERE uscc = %s", [c]),
            },
        )
        print(f"USCC lookup: selector {lookup['selector'].summary()}; raw {lookup['raw'].summary()}")
        figure("USCC lookup, selector p95", lookup["selector"].p95, "ms")
        ok &= repeatable(args.broad_runs)
    ok &= store_check(rng, 50)
    concurrent(rng, args.queries, args.clients)
    print(load_average())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
