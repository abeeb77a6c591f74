"""The public site over HTTP (issue 5): search and subject pages one at a time, then a load of cached subject
pages, served by gunicorn as it ships (``gunicorn.conf.py``) with the public rate limits raised.

Search takes ``--queries`` 2- and 4-character queries (as ``bench/search.py`` draws them); subject pages are
``--pages`` organisations with records, first cold (the cache flushed: each page is rendered and stored), then
cached; the load is ``--connections`` client processes requesting the cached pages for ``--duration`` seconds.
Times are as the client saw them; ``server`` is the application's own time (``Server-Timing``).

    DATABASE_URL=… REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/public.py [--workers 2] [--threads 1]

Needs ``REDIS_URL`` (the cache the servers share with this process; it is flushed). Exit status 1 when a
request failed or a cached page differed from the cold one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    Connection,
    Timings,
    figure,
    flush_cache,
    heading,
    load_average,
    raise_rate_limits,
    run_clients,
    serving,
    setup,
    subjects_with_records,
    trade_queries,
)

TARGET_SEARCH_P95 = 50
TARGET_CACHED_P95 = 20
TARGET_RATE = 300


def timed_gets(connection: Connection, paths: Sequence[str]) -> tuple[Timings, Timings, list[bytes], int]:
    """Client and server times of each path in turn; the bodies; how many answers were not 200."""
    import time

    client, server, bodies, failed = [], [], [], 0
    for path in paths:
        start = time.perf_counter()
        status, body, _, server_ms = connection.get(path)
        client.append((time.perf_counter() - start) * 1000)
        server.append(server_ms or 0.0)
        bodies.append(body)
        failed += status != 200
    return Timings(tuple(client)), Timings(tuple(server)), bodies, failed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py")
    parser.add_argument("--threads", type=int, help="default: gunicorn.conf.py")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not os.environ.get("REDIS_URL"):
        sys.exit("bench/public.py needs REDIS_URL (the cache shared with the servers)")
    setup("bench/public.py")
    rng = random.Random(args.seed)
    two, four = trade_queries(rng, args.queries)
    subjects = [f"/subjects/{uscc}/" for _, uscc in subjects_with_records(rng, args.pages + 6)]
    warm, pages = subjects[:6], subjects[6:]
    failed = 0
    with serving(workers=args.workers, threads=args.threads, env=raise_rate_limits(), label="public") as port:
        connection = Connection(port)
        heading("Search, one request at a time")
        for label, queries in (("2 characters", two), ("4 characters", four)):
            paths = [f"/search/?q={quote(q)}" for q in queries]
            timed_gets(connection, paths)  # warm-up
            client, server, _, bad = timed_gets(connection, paths)
            failed += bad
            print(f"search {label}: client {client.summary()}; server {server.summary()}")
            figure(f"public search {label}, p95", client.p95, "ms", at_most=TARGET_SEARCH_P95)

        heading("Subject pages, one request at a time")
        timed_gets(connection, warm)  # templates load in each worker
        flush_cache()
        print(f"cache flushed; {load_average()}")
        cold, cold_server, cold_bodies, bad_cold = timed_gets(connection, pages)
        cached, cached_server, cached_bodies, bad_cached = timed_gets(connection, pages)
        same = sum(a == b for a, b in zip(cold_bodies, cached_bodies, strict=True))
        failed += bad_cold + bad_cached + (same != len(pages))
        print(f"cold: client {cold.summary()}; server {cold_server.summary()}")
        print(f"cached: client {cached.summary()}; server {cached_server.summary()}")
        print(f"cached body identical to the cold one: {same} of {len(pages)}")
        figure("public subject page cold, p95", cold.p95, "ms")
        figure("public subject page cached, p95", cached.p95, "ms", at_most=TARGET_CACHED_P95)

        heading(f"Load: cached subject pages, {args.connections} connections, {args.duration:g} s")
        samples = run_clients(
            port,
            lambda rng, fetch: fetch("subject, cached", rng.choice(pages), 200),
            duration=args.duration,
            connections=args.connections,
            seed=args.seed,
        )
        errors = sum(s.error or bool(s.failure) for s in samples)
        failed += errors
        load = Timings(tuple(s.ms for s in samples))
        print(f"{len(samples):,} requests, {errors} errors or timeouts; {load.summary()}; {load_average()}")
        figure(
            "public cached subject pages under load", len(samples) / args.duration, "requests/s", at_least=TARGET_RATE
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
