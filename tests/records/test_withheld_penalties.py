"""Warning-only and simplified-procedure penalties are never published: decided when the record is written and
stored in ``publishable`` (records.rules.withheld_reason), so the public queries filter columns, not JSON keys."""

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from audit.services import Actor
from disclosure.selectors import public_records
from records import rules
from records.choices import Channel
from records.models import CreditRecord
from records.services import RecordInput, record_correct, records_ingest
from tests.records.helpers import xzcf_item

pytestmark = pytest.mark.django_db
migration = importlib.import_module("records.migrations.0010_withheld_penalties_not_publishable")
# Found by name, whatever number it gets at merge.
basis_text = importlib.import_module(
    "records.migrations." + next(Path(migration.__file__).parent.glob("*_publication_basis_text.py")).stem
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"CF_CFLB": "警告"}, "仅给予警告的行政处罚不予公示（平台公示规则）"),
        ({"CF_CFLB": "警告;罚款"}, ""),  # a warning with a fine is published
        (
            {"CF_CFLB": "罚款", "CF_SFJYCX": "是"},
            "适用简易程序（《中华人民共和国行政处罚法》第五十一条）作出的行政处罚不予公示（平台公示规则）",
        ),
        ({"CF_CFLB": "罚款", "CF_SFJYCX": "否"}, ""),
        ({}, ""),  # a type without these fields
    ],
)
def test_withheld_reason(data, reason):
    assert rules.withheld_reason(data) == reason


def _ingest(department, **data):
    [result] = records_ingest(
        department=department, items=[RecordInput(**xzcf_item(1, **data))], channel=Channel.API, actor=Actor.system()
    )
    return CreditRecord.objects.get(pk=result.record_id)


@pytest.mark.parametrize(
    ("data", "public"),
    [({"CF_CFLB": "警告"}, False), ({"CF_CFLB": "警告;罚款"}, True), ({"CF_SFJYCX": "是"}, False), ({}, True)],
)
def test_ingestion_stores_the_decision_and_the_public_query_follows_it(department, data, public):
    record = _ingest(department, **data)
    assert record.publishable is public
    assert (record.disclosure_start is not None) is public
    assert public_records().filter(pk=record.pk).exists() is public


def test_a_correction_to_a_warning_only_penalty_withdraws_it_and_back(department):
    record = _ingest(department)
    assert public_records().filter(pk=record.pk).exists()
    record = record_correct(record=record, data={"CF_CFLB": "警告"}, actor=Actor.system(), reason="更正处罚类别")
    assert record.publishable is False
    assert not public_records().filter(pk=record.pk).exists()
    record = record_correct(record=record, data={"CF_CFLB": "罚款"}, actor=Actor.system(), reason="再次更正")
    assert record.publishable is True
    assert public_records().filter(pk=record.pk).exists()


def test_the_migration_withholds_records_stored_before_the_decision_was_stored(department):
    warning, simplified, fine = (
        _ingest(department, CF_WSH="罚〔2026〕1号"),
        _ingest(department, CF_WSH="罚〔2026〕2号"),
        _ingest(department, CF_WSH="罚〔2026〕3号"),
    )
    # As earlier versions stored them: publishable with a window, the exclusion only in the data.
    CreditRecord.objects.filter(pk=warning.pk).update(data={**warning.data, "CF_CFLB": "警告"})
    CreditRecord.objects.filter(pk=simplified.pk).update(data={**simplified.data, "CF_SFJYCX": "是"})

    migration.withhold(apps, connection.schema_editor())

    shown = set(public_records().filter(pk__in=[warning.pk, simplified.pk, fine.pk]).values_list("pk", flat=True))
    assert shown == {fine.pk}
    warning.refresh_from_db()
    assert (warning.publishable, warning.disclosure_start, warning.disclosure_end) == (False, None, None)


def test_the_migration_drops_the_developer_reference_from_stored_bases(department):
    """Issue 16: subjects read "（平台公示规则，DESIGN.md §4）" on their record pages; stored bases are rewritten."""
    warning, fine = (
        _ingest(department, CF_WSH="罚〔2026〕1号", CF_CFLB="警告"),
        _ingest(department, CF_WSH="罚〔2026〕2号"),
    )
    old = "仅给予警告的行政处罚不予公示（平台公示规则，DESIGN.md §4）"
    CreditRecord.objects.filter(pk=warning.pk).update(publication_basis=old)
    fine_basis = fine.publication_basis

    # The migration reads only the editor's connection: a schema editor itself cannot open inside the test's
    # transaction on SQLite.
    basis_text.rewrite(apps, SimpleNamespace(connection=connection))

    warning.refresh_from_db()
    fine.refresh_from_db()
    assert warning.publication_basis == "仅给予警告的行政处罚不予公示（平台公示规则）"
    assert fine.publication_basis == fine_basis


def test_no_text_people_read_names_a_developer_document():
    """String literals of the code (docstrings aside) never cite DESIGN.md or STYLE.md: they reach people."""
    import ast

    root = Path(__file__).resolve().parents[2]
    found = []
    for path in root.glob("*/**/*.py"):
        if {".venv", "tests", "bench", "migrations"} & set(path.relative_to(root).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) and id(node) not in docstrings else None
            if isinstance(text, str) and ("DESIGN.md" in text or "STYLE.md" in text):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []
