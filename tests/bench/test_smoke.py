"""The benchmark scripts of ``bench/`` at a tiny size on the test database, so that they cannot rot: each runs
its ``main`` (servers and client processes included), must end with status 0 and must print its headline
figures (``[figure]`` lines) with numbers above zero. What the figures say at this size is not judged. One
test, so that the register is seeded once (seeding and flushing cost more than most scripts)."""

import importlib.util
import io
import os
import re
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

BENCH = Path(__file__).resolve().parents[2] / "bench"
FIGURE = re.compile(r"^\[figure\] (?P<name>.+?) = (?P<value>[0-9][0-9,.]*) (?P<unit>\S+)", re.M)
# script → (arguments, the figures it must print, by the start of their names)
RUNS = {
    "search": (
        ["--queries", "10", "--broad-runs", "2", "--clients", "2"],
        ["search 2 characters, selector p95", "search 4 characters", "USCC lookup", "search page, 2-char"],
    ),
    "ingest": (
        ["--records", "200", "--clients", "1", "--batch", "100", "--inprocess", "100", "--copy-repeats", "1"],
        ["ingest API, 1 client", "ingest API/COPY", "ingest records_ingest in process", "raw COPY"],
    ),
    "sanctions": (
        ["--check-runs", "2", "--any-database"],
        ["recompute from scratch", "recompute on consistent data", "check of 1,000 subjects"],
    ),
    "evaluation": (
        ["--subjects", "200", "--records-share", "0.05", "--push", "20", "--pushes", "2", "--any-database"],
        [
            "full evaluation from scratch",
            "full evaluation on unchanged data",
            "raw SQL reading the same facts",
            "evaluation share of a push",
        ],
    ),
    "public": (
        ["--queries", "10", "--pages", "10", "--duration", "2", "--connections", "2"],
        ["public search 2", "public subject page cold", "public subject page cached", "public cached subject pages"],
    ),
    "crawl": (
        ["--duration", "3", "--connections", "2", "--subjects", "30", "--searches", "20", "--raw-per-type", "2"],
        ["crawler mix, all requests", "crawler mix, search, server p95", "crawler mix, 双公示 deep"],
    ),
    "report": (["--ensure", "--records", "150", "--repeat", "1"], ["credit report", "subject page tabs"]),
    "staff_lists": ([], ["admin changelist", "双公示 filter"]),
}


def script(name: str):
    """The script ``bench/<name>.py`` as a module (bench/ on the path for its ``harness``)."""
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def environment():
    """The scripts set Celery's variables for the servers they start; the suite goes on without them."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_script_runs_and_prints_its_figures(reference_data, settings, capsys, environment):
    from records.models import CreditRecord

    settings.SEARCH_RESULT_CAP = 20  # so that a few hundred subjects have frequent fragments to store
    call_command("seed_demo", "--subjects", "200", "--no-progress", stdout=io.StringIO())
    call_command("search_fragments_refresh", stdout=io.StringIO())

    # The bench records go through records_ingest: every kind of the mix, and a second call adds nothing.
    harness = script("harness")
    target = CreditRecord.objects.count() + 1000
    assert harness.records_ensure(target, log=lambda _: None) == 1000
    assert harness.records_ensure(target, log=lambda _: None) == 0
    assert CreditRecord.objects.count() == target
    kinds = set(CreditRecord.objects.values_list("record_type__code", flat=True))
    assert {"xzxk", "xzcf", "jyyc", "hmd", "sxbzxr", "yzsxmd"} <= kinds

    failures = []
    for name, (arguments, expected) in RUNS.items():
        if name in ("public", "crawl") and not os.environ.get("REDIS_URL"):
            continue  # their servers share the cache with the script through Redis (CI has it)
        capsys.readouterr()
        status = script(name).main(arguments)
        out = capsys.readouterr().out
        figures = {m["name"]: float(m["value"].replace(",", "")) for m in FIGURE.finditer(out)}
        missing = [prefix for prefix in expected if not any(f.startswith(prefix) for f in figures)]
        zero = [figure for figure, value in figures.items() if value <= 0]
        if status != 0 or missing or zero:
            failures.append(f"bench/{name}.py: status {status}, missing {missing}, not above 0 {zero}\n{out}")
    assert not failures, "\n\n".join(failures)
