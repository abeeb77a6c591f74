"""Which restricted types a department's grants open (queries/rules.py), as a table with the boundary days."""

import ast
import datetime
from pathlib import Path

import pytest

from queries import rules

D = datetime.date
XZCF = rules.TypeFacts(pk=1, code="xzcf", category="administrative", disclosure_level="public")
QSXX = rules.TypeFacts(pk=2, code="qsxx", category="administrative", disclosure_level="government")
SBQJ = rules.TypeFacts(pk=3, code="sbqj", category="administrative", disclosure_level="restricted")
SFXX = rules.TypeFacts(pk=4, code="sfxx", category="judicial", disclosure_level="government")
TYPES = [XZCF, QSXX, SBQJ, SFXX]


def grant(pk=10, *, type_id=None, category="", expires_on=None, is_active=True) -> rules.GrantFacts:
    return rules.GrantFacts(
        pk=pk, record_type_id=type_id, category=category, expires_on=expires_on, is_active=is_active
    )


@pytest.mark.parametrize(
    ("grants", "as_of", "expected"),
    [
        ([], D(2026, 7, 1), {}),
        ([grant(type_id=2)], D(2026, 7, 1), {2: (10,)}),
        ([grant(type_id=2, expires_on=D(2026, 7, 1))], D(2026, 6, 30), {2: (10,)}),
        ([grant(type_id=2, expires_on=D(2026, 7, 1))], D(2026, 7, 1), {2: (10,)}),
        ([grant(type_id=2, expires_on=D(2026, 7, 1))], D(2026, 7, 2), {}),
        ([grant(type_id=2, is_active=False)], D(2026, 7, 1), {}),
        ([grant(category="administrative")], D(2026, 7, 1), {2: (10,), 3: (10,)}),
        ([grant(category="judicial"), grant(11, type_id=2)], D(2026, 7, 1), {2: (11,), 4: (10,)}),
        ([grant(category="administrative"), grant(11, type_id=2)], D(2026, 7, 1), {2: (10, 11), 3: (10,)}),
        ([grant(type_id=1)], D(2026, 7, 1), {}),
        ([grant(category="honour")], D(2026, 7, 1), {}),
    ],
    ids=[
        "no-grant",
        "type-grant",
        "day-before-expiry",
        "last-day",
        "day-after-expiry",
        "withdrawn",
        "category-opens-its-restricted-types-only",
        "type-and-other-category",
        "two-grants-of-one-type-both-cited",
        "public-type-needs-no-grant",
        "category-without-restricted-types",
    ],
)
def test_readable_types(grants, as_of, expected):
    assert rules.readable_types(grants, TYPES, as_of) == expected


def test_rules_module_imports_no_django():
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {name for name in imported if name.split(".")[0] == "django"}, imported
