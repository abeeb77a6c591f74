"""Admin changelists of the big tables and the 双公示 region and department filters (issue 12).

Admin: the wall time of building each changelist (its capped count, its first page, the filter choices),
first run and best of the next two. 双公示: the first page and a page two years deep (keyset), three runs each,
with the index the plan reads; ``--join`` filters the region through the subjects as before records 0012.
Read-only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/credit_bench .venv/bin/python bench/staff_lists.py
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time

from _common import database_name, heading, load_average, setup_django

REGIONS = ["220100", "220600", "220104", "220602", "220622"]
DEPARTMENTS = ["jl-scjg", "cc-sw", "jl-czt"]


def changelist(model, params: dict):
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/", params)
    request.user = get_user_model()(username="bench", is_staff=True, is_superuser=True)
    return admin.site._registry[model].get_changelist_instance(request)


def admin_figures() -> None:
    from audit.models import AuditEvent
    from organisations.models import Department
    from records.models import CreditRecord, RecordType
    from sanctions.models import CreditStatus, Membership
    from subjects.models import CreditSubject

    uscc = CreditSubject.objects.filter(uscc__isnull=False, records__isnull=False).values_list("uscc", flat=True)[0]
    rare_type = RecordType.objects.get(code="sxbzxr").pk
    number = CreditRecord.objects.filter(record_type__code="xzcf").values_list("source_id", flat=True)[0]
    cases = [
        ("records ?q=<USCC>", CreditRecord, {"q": uscc}),
        ("records ?q=<document number, first 8 characters>", CreditRecord, {"q": number[:8]}),
        ("records ?status__exact=active", CreditRecord, {"status__exact": "active"}),
        ("records ?status__exact=unmatched", CreditRecord, {"status__exact": "unmatched"}),
        ("records ?record_type__id__exact=<sxbzxr>", CreditRecord, {"record_type__id__exact": rare_type}),
        *[
            (f"records ?department__id__exact=<{code}>", CreditRecord, {"department__id__exact": pk})
            for code, pk in Department.objects.filter(code__in=DEPARTMENTS).values_list("code", "pk")
        ],
        ("records (no filter)", CreditRecord, {}),
        ("subjects ?q=<USCC>", CreditSubject, {"q": uscc}),
        ("subjects ?q=商贸", CreditSubject, {"q": "商贸"}),
        ("subjects ?q=有限公司", CreditSubject, {"q": "有限公司"}),
        ("memberships ?q=<USCC>", Membership, {"q": uscc}),
        ("memberships ?q=商贸", Membership, {"q": "商贸"}),
        ("memberships ?state__exact=ended", Membership, {"state__exact": "ended"}),
        ("statuses ?q=<USCC>", CreditStatus, {"q": uscc}),
        ("statuses ?status__exact=black", CreditStatus, {"status__exact": "black"}),
        ("audit ?q=<object id>", AuditEvent, {"q": "12345"}),
        ("audit (no filter)", AuditEvent, {}),
    ]
    heading("Admin changelists (ms: first, best of next two)")
    for label, model, params in cases:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            cl = changelist(model, params)
            rows = len(cl.result_list)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{label:52s} rows {rows:4d} count {cl.result_count:6d}  {times[0]:8.1f}  {min(times[1:]):8.1f}")


def region_figures(join: bool) -> None:
    from django.db import connection

    from disclosure.selectors import division_prefix, shuanggongshi_filter
    from records.models import RecordType

    deep = datetime.date.today() - datetime.timedelta(days=700)
    heading("双公示 filters " + ("(region through the subjects)" if join else "(region on the records)"))
    for code in ("xzcf", "xzxk"):
        record_type = RecordType.objects.get(code=code)
        cases = [{"region": r} for r in REGIONS] + [{"department": d} for d in DEPARTMENTS]
        cases += [{"region": "220600", "department": "jl-scjg"}]
        for params in cases:
            region = params.get("region")
            if join and region:
                rest = {k: v for k, v in params.items() if k != "region"}
                rows = (
                    shuanggongshi_filter(rest, record_type)
                    .filter(subject__division_code__startswith=division_prefix(region))
                    .defer("division_code")  # runs before records 0012 too
                )
            else:
                rows = shuanggongshi_filter(params, record_type)
            if join:
                rows = rows.defer("division_code")
            for depth, queryset in (("page 1", rows[:21]), ("deep", rows.filter(decided_on__lte=deep)[:21])):
                sql, args = queryset.query.sql_with_params()
                times = []
                with connection.cursor() as cursor:
                    for _ in range(3):
                        start = time.perf_counter()
                        cursor.execute(sql, args)
                        found = len(cursor.fetchall())
                        times.append((time.perf_counter() - start) * 1000)
                    cursor.execute("EXPLAIN " + sql, args)
                    plan = [row[0] for row in cursor.fetchall()]
                scan = next((line.strip() for line in plan if "records_creditrecord" in line), "?")
                label = f"{code} {params} {depth}"
                print(f"{label:60s} rows {found:2d}  {times[0]:8.1f}  {min(times[1:]):8.1f}  {scan[:70]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--join", action="store_true", help="region filter through the subjects (before 0012)")
    parser.add_argument("--skip-admin", action="store_true")
    parser.add_argument("--skip-region", action="store_true")
    args = parser.parse_args()
    setup_django("bench/staff_lists.py")
    print(f"database {database_name()}, {load_average()}")
    if not args.skip_admin:
        admin_figures()
    if not args.skip_region:
        region_figures(args.join)
    print(load_average())
    return 0


if __name__ == "__main__":
    sys.exit(main())
