"""The public site under crawlers (issue 12): every public page type at once, on the shipped gunicorn settings
with the heavy pool beside (docker-compose.yml ``web-heavy``, reached as deploy/nginx.conf routes it).

``--connections`` client processes request for ``--duration`` seconds, each drawing from ``MIX``: search
(windows of whole names, region and industry words), subject pages (half of ``--subjects`` cached before the
run), 双公示 first pages, ``?page=N`` (1–50 served, deeper 404), chains of 1–20 "下一页" links started at
depths up to 5,000 (up to 1,000 with a filter: ``q``, prefecture, county, department), tampered (400) and
stale (200) cursors, list pages and their chains, open-data files and report PDFs (heavy pool). A deep chain
starts from a cursor a crawler would have kept, made before the run with the site's own ``SeekPage`` from the
row keys at that depth. An error is any status other than the expected one (a 429 or 503 is an error); a
timeout is no answer in 10 s. The public rate limits are raised, as every request comes from one address
(what one crawler gets with the shipped limits is tested in tests/disclosure/test_throttle.py). Per page
type, a sample of the mix's URLs is requested in process and its SQL replayed through a plain cursor.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/crawl.py [--duration 60] [--workers N --threads N]

Needs ``REDIS_URL`` (flushed). Exit status 1 on an error or a timeout.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import io
import math
import os
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Connection,
    Sample,
    figure,
    flush_cache,
    heading,
    load_average,
    percentile,
    raise_rate_limits,
    run_clients,
    serving,
    setup,
    sql,
    subjects_with_records,
    windows,
    words,
)

MIX = {  # page type → share of the requests: subject pages and search dominate, downloads are rare
    "search": 0.22, "subject": 0.34, "sgs_first": 0.04, "sgs_numbered": 0.04, "sgs_walk": 0.14, "sgs_filter": 0.08,
    "sgs_bad_cursor": 0.01, "lists": 0.08, "opendata": 0.03, "report": 0.002,
}  # fmt: skip
TARGET_PAGE_P95 = 200  # ms, every public page, as the client sees it
SERVER_TARGETS = {"search": 50, "subject, cached": 20}  # ms p95, server-side
DOWNLOADS = {"report PDF", "open-data file"}  # files, not pages: no p95 target
NEXT_LINK = re.compile(r'<a rel="next" href="([^"]+)"')
HEAVY = re.compile(r"^/(subjects|persons)/[^/]+/report/$|^/reports/download/|^/opendata/.+")


def is_heavy(path: str) -> bool:
    return bool(HEAVY.match(path.split("?", 1)[0]))


# --- the plan: every URL the clients draw from, made before the run -------------------------------------------


def depths(rng: random.Random, count: int, deepest: int) -> list[int]:
    """Log-uniform depths from 2 to ``deepest``: shallow and deep pages alike."""
    return sorted({round(math.exp(rng.uniform(math.log(2), math.log(deepest)))) for _ in range(count)})


def cursor_after(rows, name: str, params: dict, key: tuple, number: int, date_field: str) -> str:
    """The "下一页" cursor of page ``number`` of the list ``name`` with ``params`` whose last row has the key
    ``(date, id)``, made as the site makes it (a cursor is valid only for its own list and filters)."""
    from disclosure.paging import SeekPage, filters_scope

    first = SeekPage.of(rows, {}, 1, date_field=date_field, scope=filters_scope(name, params))
    last = SimpleNamespace(**{date_field: key[0]}, pk=key[1])
    return dataclasses.replace(first, object_list=[last], number=number, has_next=True).next_cursor


def deep_cursors(rows, name: str, params: dict, wanted: list[int], date_field: str = "decided_on") -> list[str]:
    """The cursors that lead to the pages ``wanted`` deep: those a crawler following next links would hold."""
    from disclosure.views import PAGE_SIZE

    offsets = {(depth - 1) * PAGE_SIZE - 1: depth for depth in wanted}
    keys = rows.order_by(f"-{date_field}", "-pk").values_list(date_field, "pk")[: max(offsets, default=-1) + 1]
    return [
        cursor_after(rows, name, params, key, offsets[offset] - 1, date_field)
        for offset, key in enumerate(keys.iterator(chunk_size=5000))
        if offset in offsets
    ]


def plan_make(rng: random.Random, subjects: list[str], searches: int) -> dict:
    from django.core.management import call_command

    from disclosure.models import OpenDataFile
    from disclosure.opendata import opendata_root
    from disclosure.selectors import list_filter, public_list_types, shuanggongshi_filter
    from records.models import RecordType

    started = time.monotonic()
    regions = [code for (code,) in sql(
        "SELECT substr(division_code, 1, 6) FROM subjects_creditsubject WHERE division_code ~ '^22[0-9]{4}' "
        "AND id IN (SELECT subject_id FROM records_creditrecord LIMIT 100000) GROUP BY 1 ORDER BY count(*) DESC"
    )]  # fmt: skip
    counties = [code for code in regions if not code.endswith("00")][:2]
    prefectures = sorted({code[:4] + "00" for code in regions})[:2]
    departments = [code for (code,) in sql(
        "SELECT d.code FROM subjects_department d WHERE EXISTS (SELECT 1 FROM records_creditrecord r "
        "WHERE r.department_id = d.id) ORDER BY d.code LIMIT 2"
    )]  # fmt: skip
    plan = {
        "search": windows(rng, searches // 2, 2) + windows(rng, searches // 2, 4) + words(),
        "cached": subjects[: len(subjects) // 2],
        "uncached": subjects[len(subjects) // 2 :],
        "sgs_first": [],
        "sgs_numbered": [],
        "sgs_walk": [],
        "sgs_filter": [],
        "sgs_filter_first": [],
        "sgs_bad_cursor": [],
        "lists": ["/lists/"],
        "list_chains": [],
    }
    for code in ("xzcf", "xzxk"):
        record_type = RecordType.objects.get(code=code)
        base, name = f"/shuanggongshi/{code}/", f"shuanggongshi:{code}"
        plan["sgs_first"].append(base)
        numbers = [*range(1, 51), *depths(rng, 10, 5000)]
        plan["sgs_numbered"] += [(f"{base}?page={n}", 200 if n <= 50 else 404) for n in numbers]
        filters = [{"q": "有限"}] + [{"region": r} for r in prefectures + counties]
        filters += [{"department": d} for d in departments]
        for params in [{}, *filters]:
            query = urlencode(params)
            prefix = f"{base}?{query}&" if query else f"{base}?"
            if params:
                plan["sgs_filter_first"].append(f"{base}?{query}")
            rows = shuanggongshi_filter(params, record_type)
            wanted = depths(rng, 10, 1000) if params else depths(rng, 25, 5000)
            for cursor in deep_cursors(rows, name, params, wanted):
                plan["sgs_filter" if params else "sgs_walk"].append(f"{prefix}cursor={quote(cursor)}")
        rows = shuanggongshi_filter({}, record_type)
        other = cursor_after(rows, "shuanggongshi:other", {}, (datetime.date(2025, 1, 1), 1), 9, "decided_on")
        stale = cursor_after(rows, name, {}, (datetime.date(1990, 1, 1), 1), 4000, "decided_on")
        plan["sgs_bad_cursor"] += [
            (f"{base}?cursor=garbage", 400),
            (f"{base}?cursor={quote(other)[:-6]}abcdef", 400),  # tampered
            (f"{base}?cursor={quote(other)}", 400),  # another list's
            (f"{base}?cursor={quote(stale)}", 200),  # its row has gone: the rows after it
        ]
    for list_type in public_list_types().order_by("code"):
        base = f"/lists/{list_type.code}/"
        plan["lists"] += [base, f"{base}?q={quote('有限')}"] + [f"{base}?region={r}" for r in prefectures[:1]]
        made = deep_cursors(list_filter({}, list_type), f"list:{list_type.code}", {}, depths(rng, 5, 500), "started_on")
        plan["list_chains"] += [f"{base}?cursor={quote(cursor)}" for cursor in made]
    if not any((opendata_root() / f.path).exists() for f in OpenDataFile.objects.order_by("-pk")[:10]):
        # What the nightly and monthly tasks would have made.
        call_command("opendata_generate", "--all-recent", stdout=io.StringIO())
    files = [f.pk for f in OpenDataFile.objects.order_by("-period_start")[:200] if (opendata_root() / f.path).exists()]
    plan["opendata"] = ["/opendata/"] + [f"/opendata/files/{pk}/" for pk in files[:40]]
    print(
        f"plan: {len(plan['search'])} searches, {len(subjects)} subjects, 双公示 chains {len(plan['sgs_walk'])} "
        f"unfiltered + {len(plan['sgs_filter'])} filtered ({prefectures}, {counties}, {departments}), list chains "
        f"{len(plan['list_chains'])}, open-data files {len(files)}; made in {time.monotonic() - started:.0f} s"
    )
    return plan


# --- the clients ---------------------------------------------------------------------------------------------


def driver(plan: dict):
    """What one client does next (called until the time is up): draw a page type by ``MIX``; a chain follows
    the next link of each answer for 1–20 pages."""
    seen: set[str] = set()

    def chain(fetch, kind: str, path: str, length: int) -> None:
        base = path.split("?")[0]
        for _ in range(length):
            found = NEXT_LINK.search(fetch(kind, path, 200).decode("utf-8", "replace"))
            if not found:
                return
            path = base + unescape(found.group(1))

    def drive(rng: random.Random, fetch) -> None:
        drawn = rng.choices(list(MIX), list(MIX.values()))[0]
        if drawn == "search":
            fetch("search", f"/search/?q={quote(rng.choice(plan['search']))}", 200)
        elif drawn == "subject":
            uscc = rng.choice(plan["cached"] if rng.random() < 0.5 else plan["uncached"])
            kind = "subject, cached" if uscc in plan["cached"] or uscc in seen else "subject, uncached"
            seen.add(uscc)
            fetch(kind, f"/subjects/{uscc}/", 200)
        elif drawn == "sgs_first":
            fetch("双公示 first page", rng.choice(plan["sgs_first"]), 200)
        elif drawn in ("sgs_numbered", "sgs_bad_cursor"):
            path, expected = rng.choice(plan[drawn])
            fetch("双公示 ?page=N" if drawn == "sgs_numbered" else "双公示 bad/stale cursor", path, expected)
        elif drawn == "sgs_walk" and plan["sgs_walk"]:
            chain(fetch, "双公示 deep (cursor)", rng.choice(plan["sgs_walk"]), rng.randint(1, 20))
        elif drawn == "sgs_filter":
            starts = plan["sgs_filter"] if plan["sgs_filter"] and rng.random() < 0.7 else plan["sgs_filter_first"]
            chain(fetch, "双公示 filtered", rng.choice(starts), rng.randint(1, 20))
        elif drawn == "lists":
            starts = plan["list_chains"] if plan["list_chains"] and rng.random() < 0.5 else plan["lists"]
            chain(fetch, "list pages", rng.choice(starts), rng.randint(1, 20))
        elif drawn == "opendata":
            path = rng.choice(plan["opendata"])
            fetch("open-data file" if "/files/" in path else "open-data listing", path, 200)
        elif drawn == "report":
            fetch("report PDF", f"/subjects/{rng.choice(plan['cached'])}/report/", 200)

    return drive


# --- figures --------------------------------------------------------------------------------------------------


def figures(samples: list[Sample], duration: float) -> bool:
    """The table per page type and the targets; True when there was no error and no timeout."""
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    print(
        f"{'page type':<26}{'requests':>9}{'p50':>8}{'p95':>8}{'max':>8}{'server p50':>11}{'p95':>7}  errors timeouts"
    )
    clean = True
    for kind, rows in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        client = [s.ms for s in rows if not s.failure]
        server = [s.server_ms for s in rows if s.server_ms is not None]
        errors, timeouts = sum(s.error for s in rows), sum(s.failure == "timeout" for s in rows)
        clean &= not errors and not timeouts
        print(
            f"{kind:<26}{len(rows):>9,}{percentile(client, 0.5):>8.1f}{percentile(client, 0.95):>8.1f}"
            f"{max(client, default=0):>8.1f}{percentile(server, 0.5):>11.1f}{percentile(server, 0.95):>7.1f}"
            f"  {errors:>6} {timeouts:>8}"
        )
        for s in [s for s in rows if s.error or s.failure][:3]:
            print(f"    e.g. {s.path[:100]} → {s.failure or s.status} (expected {s.expected})")
    print(f"{len(samples) / duration:,.0f} requests/s; {load_average()}")
    figure("crawler mix, all requests", len(samples) / duration, "requests/s")
    for kind, rows in sorted(by_kind.items()):
        if kind in SERVER_TARGETS:
            server = [s.server_ms for s in rows if s.server_ms is not None]
            figure(f"crawler mix, {kind}, server p95", percentile(server, 0.95), "ms", at_most=SERVER_TARGETS[kind])
        elif kind not in DOWNLOADS:
            client = [s.ms for s in rows if not s.failure]
            figure(f"crawler mix, {kind}, p95", percentile(client, 0.95), "ms", at_most=TARGET_PAGE_P95)
    return clean


def raw_sql(samples: list[Sample], per_kind: int, rng: random.Random) -> None:
    """Per page type, ``per_kind`` of its URLs requested in process (the cache emptied first, so the page is
    built) with the SQL captured, and the SELECTs replayed through a plain cursor: ms of the replay."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    heading("Raw SQL of the same work")
    paths = defaultdict(set)
    for s in samples:
        if s.status == s.expected == 200 and s.kind not in DOWNLOADS and s.kind != "subject, cached":
            paths[s.kind].add(s.path)
    for kind, found in sorted(paths.items()):
        replays = []
        for path in rng.sample(sorted(found), min(per_kind, len(found))):
            flush_cache()
            with CaptureQueriesContext(connection) as captured:
                Client().get(path)
            statements = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
            start = time.perf_counter()
            for statement in statements:
                sql(statement)
            replays.append((time.perf_counter() - start) * 1000)
        print(f"{kind:<26} {len(replays):>3} URLs: raw SQL p50 {percentile(replays, 0.5):.1f}, p95 "
              f"{percentile(replays, 0.95):.1f} ms")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py")
    parser.add_argument("--threads", type=int, help="default: gunicorn.conf.py")
    parser.add_argument("--subjects", type=int, default=3000)
    parser.add_argument("--searches", type=int, default=400)
    parser.add_argument("--raw-per-type", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not os.environ.get("REDIS_URL"):
        sys.exit("bench/crawl.py needs REDIS_URL (the cache shared with the servers)")
    setup("bench/crawl.py")
    rng = random.Random(args.seed)
    subjects = [uscc for _, uscc in subjects_with_records(rng, args.subjects)]
    plan = plan_make(rng, subjects, args.searches)
    raised = raise_rate_limits()
    with (
        serving(workers=args.workers, threads=args.threads, env=raised, label="web") as port,
        serving(workers=2, threads=1, env={**raised, "WEB_TIMEOUT": "60"}, label="heavy") as heavy_port,
    ):
        flush_cache()
        warm = Connection(port)
        for path in [f"/subjects/{uscc}/" for uscc in plan["cached"]] + plan["sgs_first"] + plan["lists"][:1]:
            warm.get(path)
        heading(f"Crawler mix: {args.connections} connections, {args.duration:g} s")
        samples = run_clients(
            port,
            driver(plan),
            duration=args.duration,
            connections=args.connections,
            seed=args.seed,
            heavy_port=heavy_port,
            heavy=is_heavy,
        )
        clean = figures(samples, args.duration)
    raw_sql(samples, args.raw_per_type, rng)
    flush_cache()
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
