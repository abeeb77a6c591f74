"""Credit reports and subject pages of large subjects (issue 12): how long a report and each tab take.

What it does, in order:

1. **ensure a 5,000-record subject** (only with ``--ensure``; the one step that writes, idempotent): the bench
   subject (USCC ``BENCH_USCC``, created by the first push) gets records pushed through ``records_ingest`` by
   the department ``bench-report`` until it has ``--records`` (5,000): 40% penalties decided in the last
   300 days (5% of them 吊销许可证件 = severe, 5% 暂扣许可证件 = serious), 60% licences over the last 3 years.
   Document numbers are fixed by position, so a second run adds nothing;
2. picks the subject: ``--subject USCC``, else the bench subject when it exists, else the subject with the
   most records (one pass over the records table: seconds at millions of records);
3. times ``disclosure.reports.report_issue`` for it ``--repeat`` times (median and max), each inside a
   transaction that is rolled back (nothing is written; the PDF goes to a temporary media directory), with
   the share of the section queries, and prints pages and size of the PDF;
4. times the subject page of every tab (``views._profile_page``, uncached) and, where the tab has more than
   one page, every following page reached by its cursor (the last page is the deepest).

Run it (PostgreSQL only)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench .venv/bin/python bench/report.py [--ensure] \\
        [--records 5000] [--subject USCC] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, Timings, database_name, heading, load_average, setup_django, timed

DEPARTMENT_CODE = "bench-report"
BENCH_BODY = "BR000001"  # organisation-code body of the bench subject's USCC
BATCH = 1000


class Rollback(Exception):
    """Raised at the end of a timed report so that its rows are not kept."""


def bench_uscc() -> str:
    from subjects.identifiers import make_uscc

    return make_uscc(division_code="220104", organization_body=BENCH_BODY)


def subject_ensure(target: int) -> None:
    """The ensure step: push records for the bench subject until it has ``target`` of them (idempotent)."""
    from audit.services import Actor
    from organisations.choices import DepartmentLevel
    from organisations.models import Department
    from organisations.services import department_create
    from records.choices import Channel
    from records.models import CreditRecord
    from records.services import RecordInput, records_ingest
    from subjects.identifiers import make_uscc
    from tests.records.helpers import xzcf_item, xzxk_item

    actor = Actor.system("bench/report.py")
    uscc = bench_uscc()
    have = CreditRecord.objects.filter(subject__uscc=uscc).count()
    heading(f"ensure a {target:,}-record subject (writes to {database_name()})")
    if have >= target:
        print(f"subject {uscc} has {have:,} records: nothing to add")
        return
    department = Department.objects.filter(code=DEPARTMENT_CODE).first()
    if department is None:
        department = department_create(
            code=DEPARTMENT_CODE,
            name="基准报告测试部门",
            uscc=make_uscc(division_code="220000", organization_body="BR000009", registration_authority="1"),
            level=DepartmentLevel.PROVINCE,
            division_code="220000",
            actor=actor,
        )
    name = "长春基准报告商贸有限公司"
    today = datetime.date.today()
    subject_fields = {"XDR_MC": name, "XDR_LB": "法人及非法人组织", "XDR_SHXYM": uscc}

    def item(n: int) -> dict:
        if n % 5 < 2:  # 40% penalties, decided in the last 300 days (inside their disclosure period)
            kind = {0: "吊销许可证件;罚款", 1: "暂扣许可证件"}.get(n % 20, "罚款")
            decided = today - datetime.timedelta(days=n % 300)
            fields = {f"CF_{k}": v for k, v in subject_fields.items()}
            return xzcf_item(n, decided_on=decided, CF_CFLB=kind, CF_WSH=f"长基准罚〔2026〕{n}号", **fields)
        decided = (today - datetime.timedelta(days=n % 1095)).isoformat()
        valid_to = (today + datetime.timedelta(days=1000 + n % 700)).isoformat()
        fields = {f"XK_{k}": v for k, v in subject_fields.items()}
        return xzxk_item(
            n, XK_WSH=f"长基准许〔2026〕{n}号", XK_JDRQ=decided, XK_YXQZ=decided, XK_YXQZI=valid_to, **fields
        )

    start = time.perf_counter()
    for low in range(have, target, BATCH):
        items = [RecordInput(**item(n)) for n in range(low, min(low + BATCH, target))]
        results = records_ingest(department=department, items=items, channel=Channel.API, actor=actor)
        refused = [r for r in results if r.status not in ("created", "updated", "unchanged")]
        if refused:
            sys.exit(f"refused: {refused[:3]}")
    print(f"added {target - have:,} records to {uscc} in {time.perf_counter() - start:.1f} s")


def subject_pick(code: str | None):
    from django.db import connection

    from subjects.models import CreditSubject

    if code:
        return CreditSubject.objects.get(uscc=code)
    bench = CreditSubject.objects.filter(uscc=bench_uscc()).first()
    if bench is not None:
        return bench
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject_id FROM records_creditrecord WHERE subject_id IS NOT NULL "
            "GROUP BY subject_id ORDER BY count(*) DESC LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        sys.exit("no subject has records; run with --ensure")
    return CreditSubject.objects.get(pk=row[0])


def report_time(subject, repeat: int) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from audit.services import Actor
    from disclosure.reports import report_issue
    from sanctions.services import status_of

    heading("credit report (report_issue, rolled back)")
    status = status_of([subject.pk])[subject.pk]
    times, cpus, pdf = [], [], b""
    for _ in range(repeat):
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                cpu = time.process_time()
                elapsed, (report, _) = timed(
                    lambda: report_issue(
                        subject=subject, status=status, actor=Actor.system("bench/report.py"), base_url="http://bench/"
                    )
                )
                cpu = (time.process_time() - cpu) * 1000
                pdf = report.file.read()
                sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
                raise Rollback
        except Rollback:
            pass
        times.append(elapsed)
        cpus.append(cpu)
        print(
            f"  {elapsed:8.0f} ms  (CPU of this process {cpu:.0f} ms; {len(queries.captured_queries)} queries, "
            f"{sql_ms:.0f} ms of SQL)",
            flush=True,
        )
    pages = _pdf_pages(pdf)
    print(f"report: {Timings(tuple(times)).summary()}; {pages} pages, {len(pdf) / 1024:.0f} KiB")
    print(f"report CPU: {Timings(tuple(cpus)).summary()} (the wall time on a loaded machine is a multiple of it)")


def _pdf_pages(pdf: bytes) -> str:
    """Pages of the PDF by ``pdfinfo`` (poppler-utils), or "?" without it."""
    import shutil
    import subprocess

    if not shutil.which("pdfinfo"):
        return "?"
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=False).stdout.decode()
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return found.group(1) if found else "?"


def pages_time(subject) -> None:
    import html
    from urllib.parse import parse_qsl

    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from disclosure import views
    from disclosure.selectors import TAB_KEYS

    heading("subject page tabs (uncached render, views._profile_page; later pages by cursor)")
    factory = RequestFactory()
    for tab in TAB_KEYS:
        query, times = {"tab": tab}, []
        while query:
            request = factory.get("/", query)
            request.user = AnonymousUser()
            elapsed, response = timed(lambda request=request, tab=tab: views._profile_page(request, subject, tab))
            times.append(elapsed)
            found = re.search(r'rel="next" href="\?([^"]*)"', response.content.decode())
            query = dict(parse_qsl(html.unescape(found.group(1)))) if found else None
        line = f"  {tab:<6} first page {times[0]:7.1f} ms"
        if len(times) > 1:
            line += f"; {len(times) - 1} more pages: {Timings(tuple(times[1:])).summary()}"
        print(line, flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ensure", action="store_true", help="add records to the bench subject (writes)")
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--subject", help="USCC of the subject to time (default: bench subject or largest)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-report-"))
    os.chdir(REPO_ROOT)
    setup_django("bench/report.py")
    print(f"database {database_name()}; {load_average()}")
    if args.ensure:
        subject_ensure(args.records)
    subject = subject_pick(args.subject)
    from disclosure.selectors import public_records

    public = public_records().filter(subject=subject).count()
    print(f"subject {subject.uscc} ({subject.name}): {subject.records.count():,} records, {public:,} public")
    report_time(subject, args.repeat)
    pages_time(subject)
    print(f"\n{load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
