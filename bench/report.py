"""Credit reports and subject pages of a large subject (issue 12): the report PDF and every page of every tab.

The subject is ``--subject USCC``, else the bench subject (``--ensure`` gives it ``--records`` records through
``records_ingest``: 60% licences over three years, 40% penalties of the last 300 days, a tenth of them serious
or severe; idempotent), else the subject with the most records. The report is requested as a visitor does
(``GET /subjects/<USCC>/report/``, in process) ``--repeat`` times, each in a transaction rolled back so no
stored report is reused; each tab is requested uncached, then every later page by its "下一页" cursor.

    DATABASE_URL=… .venv/bin/python bench/report.py [--ensure] [--records 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Timings, figure, flush_cache, heading, raise_rate_limits, setup, sql, timed

TARGET_MS = 10_000  # a 5,000-record report


def bench_uscc() -> str:
    from subjects.identifiers import make_uscc

    return make_uscc(division_code="220104", organization_body="BR000001")


def ensure(target: int) -> None:
    """Push records for the bench subject until it has ``target`` (document numbers fixed by position)."""
    from audit.services import Actor
    from organisations.models import Department
    from organisations.services import department_create
    from records.models import CreditRecord
    from records.services import RecordInput, records_ingest
    from subjects.identifiers import make_uscc
    from tests.records.helpers import xzcf_item, xzxk_item

    actor = Actor.system("bench/report.py")
    uscc = bench_uscc()
    have = CreditRecord.objects.filter(subject__uscc=uscc).count()
    department = Department.objects.filter(code="bench-report").first() or department_create(
        code="bench-report",
        name="基准报告测试部门",
        uscc=make_uscc(division_code="220000", organization_body="BR000009", registration_authority="1"),
        level="province",
        division_code="220000",
        actor=actor,
    )
    who = {"XDR_MC": "长春基准报告商贸有限公司", "XDR_LB": "法人及非法人组织", "XDR_SHXYM": uscc}
    today = datetime.date.today()

    def item(n: int) -> dict:
        if n % 5 < 2:
            kinds = {0: "吊销许可证件;罚款", 1: "暂扣许可证件"}.get(n % 20, "罚款")
            fields = {f"CF_{k}": v for k, v in who.items()}
            decided = today - datetime.timedelta(days=n % 300)
            return xzcf_item(n, decided_on=decided, CF_CFLB=kinds, CF_WSH=f"长基准罚〔2026〕{n}号", **fields)
        decided = (today - datetime.timedelta(days=n % 1095)).isoformat()
        until = (today + datetime.timedelta(days=1000 + n % 700)).isoformat()
        fields = {f"XK_{k}": v for k, v in who.items()}
        return xzxk_item(n, XK_WSH=f"长基准许〔2026〕{n}号", XK_JDRQ=decided, XK_YXQZ=decided, XK_YXQZI=until, **fields)

    for low in range(have, target, 1000):
        inputs = [RecordInput(**item(n)) for n in range(low, min(low + 1000, target))]
        records_ingest(department=department, items=inputs, channel="api", actor=actor)
    print(f"bench subject {uscc}: {max(have, target):,} records")


def pick(code: str | None):
    from subjects.models import CreditSubject

    if code or CreditSubject.objects.filter(uscc=bench_uscc()).exists():
        return CreditSubject.objects.get(uscc=code or bench_uscc())
    largest = sql(
        "SELECT subject_id FROM records_creditrecord WHERE subject_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC "
        "LIMIT 1"
    )
    if not largest:
        sys.exit("no subject has records: run with --ensure")
    return CreditSubject.objects.get(pk=largest[0][0])


class Rollback(Exception):
    pass


def report(client, subject, repeat: int) -> None:
    from django.db import transaction

    heading("Credit report (GET …/report/, rolled back)")
    times, cpu, pdf = [], [], b""
    for _ in range(repeat):
        with contextlib.suppress(Rollback), transaction.atomic():
            start = time.process_time()
            ms, response = timed(lambda: client.get(f"/subjects/{subject.uscc}/report/"))
            pdf = b"".join(response.streaming_content)
            cpu.append((time.process_time() - start) * 1000)
            times.append(ms)
            raise Rollback
        if response.status_code != 200:
            sys.exit(f"report: HTTP {response.status_code}")
    pages = "?"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=False).stdout.decode()
        pages = next(iter(re.findall(r"^Pages:\s+(\d+)", info, re.M)), "?")
    print(f"report: {Timings(tuple(times)).summary()}; CPU {Timings(tuple(cpu)).summary()}; {pages} pages")
    figure("credit report of the subject, median", Timings(tuple(times)).median, "ms", at_most=TARGET_MS)


def tabs(client, subject) -> None:
    from disclosure.selectors import TAB_KEYS

    heading("Subject page tabs, uncached, every page by cursor")
    every, later = [], []
    for tab in TAB_KEYS:
        path, times = f"/subjects/{subject.uscc}/?tab={tab}", []
        flush_cache()  # the first page of a tab is cached; the later ones never are
        while path:
            ms, response = timed(lambda path=path: client.get(path))
            if response.status_code != 200:
                sys.exit(f"{path}: HTTP {response.status_code}")
            times.append(ms)
            found = re.search(r'rel="next" href="\?([^"]*)"', response.content.decode())
            path = f"/subjects/{subject.uscc}/?{unescape(found.group(1))}" if found else None
        every += times
        later += times[1:]
        print(f"{tab:<6} first page {times[0]:7.1f} ms" + (f"; {len(times) - 1} more pages" if len(times) > 1 else ""))
    if later:
        print(f"later pages: {Timings(tuple(later)).summary()}")
    figure("subject page tabs, every page p95", Timings(tuple(every)).p95, "ms")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ensure", action="store_true", help="give the bench subject --records records (writes)")
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--subject", help="USCC (default: the bench subject, else the one with the most records)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    setup("bench/report.py")
    from django.test import Client

    if args.ensure:
        ensure(args.records)
    subject = pick(args.subject)
    print(f"subject {subject.uscc} ({subject.name}): {subject.records.count():,} records")
    raise_rate_limits()
    client = Client()
    report(client, subject, args.repeat)
    tabs(client, subject)
    return 0


if __name__ == "__main__":
    sys.exit(main())
