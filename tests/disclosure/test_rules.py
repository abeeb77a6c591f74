"""What the public sees, as a table with boundary dates; and the SQL filter held to the same table."""

import ast
import datetime
from pathlib import Path

import pytest

from disclosure import rules
from disclosure.selectors import public_records
from records.models import CreditRecord, RecordType
from tests.factories import CreditSubjectFactory, DepartmentFactory

D = datetime.date
BASE = {
    "disclosure_level": "public",
    "status": "active",
    "publishable": True,
    "start": D(2026, 6, 1),
    "end": D(2027, 5, 31),
}
CASES = [
    ("public", {}, D(2026, 7, 1), True),
    ("day-before-start", {}, D(2026, 5, 31), False),
    ("first-day", {}, D(2026, 6, 1), True),
    ("last-day-of-window", {}, D(2027, 5, 31), True),
    ("day-window-closes", {}, D(2027, 6, 1), False),
    ("open-ended-listing", {"end": None}, D(2035, 1, 1), True),
    ("government-only-type", {"disclosure_level": "government"}, D(2026, 7, 1), False),
    ("restricted-type", {"disclosure_level": "restricted"}, D(2026, 7, 1), False),
    ("revoked", {"status": "revoked"}, D(2026, 7, 1), False),
    ("repaired", {"status": "repaired"}, D(2026, 7, 1), False),
    ("pending-review", {"status": "pending_review"}, D(2026, 7, 1), False),
    ("not-publishable", {"publishable": False, "start": None, "end": None}, D(2026, 7, 1), False),
    ("objection-pending-visible", {"objection": "pending"}, D(2026, 7, 1), True),
    ("objection-suspended", {"objection": "suspended"}, D(2026, 7, 1), False),
]


@pytest.mark.parametrize(("case", "changes", "as_of", "public"), CASES, ids=[c[0] for c in CASES])
def test_record_visibility(case, changes, as_of, public):
    visibility = rules.record_visibility(rules.RecordView(**{**BASE, **changes}), as_of)
    assert visibility.public is public
    assert visibility.reason
    assert visibility.objection_mark is (case == "objection-pending-visible")


@pytest.mark.django_db
def test_sql_filter_agrees_with_the_rules_on_every_case():
    subject, department = CreditSubjectFactory(), DepartmentFactory()
    xzcf = RecordType.objects.get(code="xzcf")
    made = {}
    for n, (case, changes, _, _) in enumerate(CASES):
        view = {**BASE, **changes}
        level = view["disclosure_level"]
        record_type = xzcf
        if level != "public":
            record_type = RecordType.objects.create(
                code=f"t{n}",
                name=case,
                category="administrative",
                polarity="negative",
                disclosure_level=level,
                disclosure_rule="listing_period",
                subject_name_field="X",
                decided_on_field="D",
            )
        made[case] = CreditRecord.objects.create(
            subject=subject,
            record_type=record_type,
            department=department,
            source_id=case,
            status=view["status"],
            decided_on=D(2026, 6, 1),
            publishable=view["publishable"],
            disclosure_start=view["start"],
            disclosure_end=view["end"],
            data={},
            data_hash="x",
            channel="api",
            objection=view.get("objection", "none"),
        )
    for case, _, as_of, public in CASES:
        shown = public_records(as_of).filter(pk=made[case].pk).exists()
        assert shown is public, case


def test_rules_module_imports_no_django():
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any(name.startswith("django") for name in modules if name)
