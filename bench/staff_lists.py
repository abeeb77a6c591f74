"""Admin changelists of the big tables and the 双公示 region and department filters (issue 12). Read-only.

A changelist is built as the admin builds it (capped count, first page, filter choices); a 双公示 filter is
read at page 1 and two years deep (keyset), with the index its plan reads. ms: first run, best of the next two.

    DATABASE_URL=… .venv/bin/python bench/staff_lists.py
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import figure, heading, setup, sql

REGIONS = ["220100", "220600", "220104", "220602", "220622"]
DEPARTMENTS = ["jl-scjg", "cc-sw", "jl-czt"]


def three_runs(call) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(3):
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
    return times[0], min(times[1:]), result


def changelists() -> float:
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from audit.models import AuditEvent
    from organisations.models import Department
    from records.models import CreditRecord, RecordType
    from sanctions.models import CreditStatus, Membership
    from subjects.models import CreditSubject

    uscc = CreditSubject.objects.filter(uscc__isnull=False, records__isnull=False).values_list("uscc", flat=True)[0]
    number = CreditRecord.objects.filter(record_type__code="xzcf").values_list("source_id", flat=True)[0]
    departments = Department.objects.filter(code__in=DEPARTMENTS).values_list("code", "pk")
    cases = [
        (CreditRecord, {"q": uscc}),
        (CreditRecord, {"q": number[:8]}),
        (CreditRecord, {"status__exact": "active"}),
        (CreditRecord, {"status__exact": "unmatched"}),
        (CreditRecord, {"record_type__id__exact": RecordType.objects.get(code="sxbzxr").pk}),
        *[(CreditRecord, {"department__id__exact": pk}) for _, pk in departments],
        (CreditRecord, {}),
        (CreditSubject, {"q": uscc}),
        (CreditSubject, {"q": "商贸"}),
        (Membership, {"q": "商贸"}),
        (Membership, {"state__exact": "ended"}),
        (CreditStatus, {"status__exact": "black"}),
        (AuditEvent, {"q": "12345"}),
        (AuditEvent, {}),
    ]
    user = get_user_model()(username="bench", is_staff=True, is_superuser=True)
    heading("Admin changelists (ms: first, best of next two)")
    slowest = 0.0
    for model, params in cases:
        request = RequestFactory().get("/admin/", params)
        request.user = user

        def build(model=model, request=request):
            changelist = admin.site.get_model_admin(model).get_changelist_instance(request)
            return len(changelist.result_list), changelist.result_count

        first, best, (rows, count) = three_runs(build)
        slowest = max(slowest, best)
        print(f"{model._meta.model_name:<14} {params!s:<44} rows {rows:3d} count {count:7,d} {first:8.1f} {best:8.1f}")
    return slowest


def filters() -> float:
    from disclosure.selectors import shuanggongshi_filter
    from records.models import RecordType

    heading("双公示 filters (ms: first, best of next two; the index read)")
    deep = datetime.date.today() - datetime.timedelta(days=700)
    slowest = 0.0
    for code in ("xzcf", "xzxk"):
        record_type = RecordType.objects.get(code=code)
        cases = [{"region": r} for r in REGIONS] + [{"department": d} for d in DEPARTMENTS]
        for params in [*cases, {"region": "220600", "department": "jl-scjg"}]:
            rows = shuanggongshi_filter(params, record_type)
            for depth, page in (("page 1", rows[:21]), ("deep", rows.filter(decided_on__lte=deep)[:21])):
                statement, args = page.query.sql_with_params()
                first, best, found = three_runs(lambda statement=statement, args=args: sql(statement, args))
                slowest = max(slowest, best)
                plan = [line for (line,) in sql("EXPLAIN " + statement, args)]
                scan = next(
                    (line.strip(" ->") for line in plan if "Scan" in line and "records_creditrecord" in line), "?"
                )
                print(f"{code} {params!s:<44} {depth:<6} rows {len(found):2d} {first:8.1f} {best:8.1f}  {scan[:60]}")
    return slowest


def main(argv: Sequence[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args(argv)
    setup("bench/staff_lists.py")
    figure("admin changelist, slowest (best of two)", changelists(), "ms")
    figure("双公示 filter, slowest (best of two)", filters(), "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
