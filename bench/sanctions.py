"""List memberships and checks (issue 4): a full recompute from scratch and on consistent data, and checks of
1,000 subjects.

The recompute is what ``recompute_status --all [--jobs N]`` does: the subjects that could be listed
(``subjects_to_evaluate``), evaluated in chunks by ``subjects_recompute``, after the four result tables are
emptied (only on a database named ``*bench*`` unless ``--any-database``). Run again on the data it wrote,
nothing may change. A check is ``check_perform`` for the finance department ``jl-czt`` in scenario 政府采购 on a
fresh draw of 1,000 codes: 10% listed subjects, 5 invalid codes, 5 unknown USCCs, the rest random subjects.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/sanctions.py [--jobs 1] [--check-runs 50]

Exit status 1 when the second recompute changed anything.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Timings, figure, heading, load_average, setup, sql, timed

TARGET_RATE = 5000  # evaluated subjects/s
TARGET_CHECK_MS = 300  # p95
RESULTS = (
    "sanctions_membership_records",
    "sanctions_membershipchange",
    "sanctions_membership",
    "sanctions_creditstatus",
)


def counts() -> dict[str, int]:
    found = {table: sql(f"SELECT count(*) FROM {table}")[0][0] for table in RESULTS}
    found["audit"] = sql("SELECT count(*) FROM audit_auditevent WHERE action = 'sanctions.evaluate'")[0][0]
    return found


def recompute(label: str, jobs: int) -> float:
    """The recompute, timed; evaluated subjects/s of the loop."""
    from audit.services import Actor
    from sanctions.selectors import subjects_to_evaluate
    from sanctions.services import subjects_recompute

    id_ms, ids = timed(subjects_to_evaluate)
    chunks: list[float] = []
    start = time.perf_counter()
    statuses = subjects_recompute(
        ids, actor=Actor.system("bench/sanctions.py"), jobs=jobs, on_chunk=lambda n, s, _: chunks.append(s * 1000)
    )
    loop = time.perf_counter() - start
    register = sql("SELECT count(*) FROM subjects_creditsubject")[0][0]
    print(
        f"{label}: {register:,} subjects, {len(ids):,} that could be listed (id query {id_ms / 1000:.2f} s), "
        f"loop {loop:.1f} s in {jobs} process(es); chunk {Timings(tuple(chunks or [0.0])).summary()}"
    )
    print(f"statuses {dict(statuses)}; {load_average()}")
    figure(f"recompute {label}, whole register", register / (loop + id_ms / 1000), "subjects/s")
    figure(f"recompute {label}, jobs {jobs}", len(ids) / loop, "evaluated subjects/s", at_least=TARGET_RATE)
    return len(ids) / loop


def check_codes(rng: random.Random, listed: list[str], low: int, high: int) -> list[str]:
    from subjects.identifiers import make_uscc

    codes = rng.sample(listed, min(len(listed), 100))
    codes += [make_uscc(division_code="220104", organization_body=f"Q{rng.randrange(10**7):07d}") for _ in range(5)]
    codes += [f"91220104{rng.randrange(10**8):08d}I" for _ in range(5)]  # I is not in the alphabet
    while len(codes) < 1000:
        drawn = [rng.randint(low, high) for _ in range(1000)]
        found = sql("SELECT uscc FROM subjects_creditsubject WHERE id = ANY(%s) AND uscc IS NOT NULL", [drawn])
        codes += [uscc for (uscc,) in found][: 1000 - len(codes)]  # repeats only on a small table
    rng.shuffle(codes)
    return codes


def checks(runs: int, seed: int) -> None:
    from audit.services import Actor
    from organisations.models import Department
    from sanctions.services import check_perform

    department = Department.objects.filter(code="jl-czt").first()
    if department is None:
        sys.exit("department jl-czt missing (manage.py seed_demo creates it)")
    listed = [
        uscc
        for (uscc,) in sql(
            "SELECT DISTINCT s.uscc FROM sanctions_membership m JOIN subjects_creditsubject s ON s.id = m.subject_id "
            "WHERE m.state = 'active' AND s.uscc IS NOT NULL"
        )
    ]
    low, high = sql("SELECT min(id), max(id) FROM subjects_creditsubject")[0]
    rng = random.Random(seed)
    draws = [check_codes(rng, listed, low, high) for _ in range(runs + 3)]
    actor = Actor.system("bench/sanctions.py")

    def perform(codes):
        return check_perform(department=department, scenario="procurement", reference="BENCH", codes=codes, actor=actor)

    for codes in draws[:3]:  # warm-up
        perform(codes)
    times = Timings(tuple(timed(lambda codes=codes: perform(codes))[0] for codes in draws[3:]))
    print(f"{runs} checks of 1,000 codes ({len(listed):,} listed subjects to draw from): {times.summary()}")
    figure("check of 1,000 subjects, p95", times.p95, "ms", at_most=TARGET_CHECK_MS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1, help="processes, as recompute_status --jobs")
    parser.add_argument("--check-runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--any-database", action="store_true", help="allow a database not named *bench*")
    args = parser.parse_args(argv)
    setup("bench/sanctions.py")
    from django.db import connection

    from sanctions.services import results_analyze

    if "bench" not in connection.settings_dict["NAME"] and not args.any_database:
        sys.exit("bench/sanctions.py empties the membership tables: use a database named *bench* or --any-database")
    heading("Full recompute from scratch")
    sql(f"TRUNCATE {', '.join(RESULTS)}")
    recompute("from scratch", args.jobs)
    results_analyze()
    written = counts()
    print("written: " + ", ".join(f"{table} {n:,}" for table, n in written.items()))
    heading("Recompute on consistent data")
    recompute("on consistent data", args.jobs)
    unchanged = counts() == written
    print(f"nothing changed: {'PASS' if unchanged else 'FAIL'}")
    heading(f"Checks ({args.check_runs} runs)")
    checks(args.check_runs, args.seed)
    return 0 if unchanged else 1


if __name__ == "__main__":
    sys.exit(main())
