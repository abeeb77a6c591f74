"""Migrations are frozen: the seed lives in them (issue 13), so a fresh database gets what an old one got.

A migration that imported the live catalog broke ``migrate`` on a fresh database as soon as a model field
used by the catalog was added (``FieldError`` in 0002), while an edit of that catalog never reached an existing
database. Seeds now read their own data (``<app>/migrations/seed/``) through the historical models; the live
catalog is the database, edited in the admin, and a later change of the seed is a migration of its own.
"""

import ast
import importlib
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from records.models import DisclosureRegime, RecordField, RecordType, RegimePeriod, SeverityRule
from sanctions.models import ListSource, ListType, Measure
from subjects.models import Division

ROOT = Path(settings.BASE_DIR)
PROJECT_PACKAGES = {path.parent.name for path in ROOT.glob("*/__init__.py")}
# What a migration may use of the project: operations, the pure functions of the identifier standards (no
# model, no data) that records 0006 applies to stored rows, and the shared field classes makemigrations names
# (evaluation 0004: ``core.fields.StoredJSONField``). Never a catalog, a model or seed data.
ALLOWED = {"core.migration_operations", "subjects.identifiers", "core.fields"}
# Where ``makemigrations`` writes references to app code into a field's definition (a validator, a default
# callable): the migration stores the reference, it does not run app code to produce data.
FIELD_REFERENCES = {"validators", "default", "upload_to", "storage", "limit_choices_to"}
MIGRATIONS = sorted(path for path in ROOT.glob("*/migrations/0*.py"))


def app_code_used(path: Path) -> set[str]:
    """The project modules (and names) a migration uses, outside the field references makemigrations writes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    references = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword) and node.arg in FIELD_REFERENCES
        for inner in ast.walk(node.value)
    }
    bound: dict[str, str] = {}
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] in PROJECT_PACKAGES):
            module = node.module if not node.level else f"relative:{node.module}"
            used |= {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PROJECT_PACKAGES:
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in bound and id(node) not in references:
            used.add(bound[node.id])
    return used


def allowed(name: str) -> bool:
    return any(name == module or name.startswith(f"{module}.") for module in ALLOWED)


def test_the_scan_sees_app_code_where_it_is_used():
    assert {"records", "sanctions", "subjects", "disclosure"} <= PROJECT_PACKAGES
    assert len(MIGRATIONS) > 30
    assert app_code_used(ROOT / "records/migrations/0006_mask_citizen_ids.py") == {"subjects.identifiers"}
    # A validator referenced in a field's definition is not a use of app code.
    assert app_code_used(ROOT / "subjects/migrations/0001_initial.py") == set()


def test_the_scan_would_have_caught_the_live_catalog(tmp_path):
    old = tmp_path / "0002_seed_catalog.py"
    old.write_text("from django.db import migrations\n\nfrom records.catalog import catalog_load\n")
    assert app_code_used(old) == {"records.catalog.catalog_load"}
    called = tmp_path / "0003_called.py"
    called.write_text("import subjects.models\n\n\ndef load(apps, schema_editor):\n    subjects.models.x()\n")
    assert app_code_used(called) == {"subjects.models"}


@pytest.mark.parametrize("path", MIGRATIONS, ids=[f"{p.parent.parent.name}/{p.stem}" for p in MIGRATIONS])
def test_no_migration_uses_app_code(path):
    used = {name for name in app_code_used(path) if not allowed(name)}
    assert not used, f"{path.relative_to(ROOT)} uses app code {sorted(used)}: freeze what it needs in the migration"


SEEDS = [
    ("records", "0002_seed_catalog", "0002_catalog.json"),
    ("sanctions", "0002_seed_catalog", "0002_catalog.json"),
]


@pytest.mark.parametrize(("app", "migration", "fixture"), SEEDS)
def test_every_key_of_a_seed_is_a_field_of_the_models_as_they_were_then(app, migration, fixture):
    """The fixture is written against the historical models: a field added to a model later is not in it."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state((app, migration), at_end=False)
    seed = json.loads((ROOT / app / "migrations" / "seed" / fixture).read_text(encoding="utf-8"))

    def fields(model_name: str) -> set[str]:
        return {field.name for field in state.apps.get_model(app, model_name)._meta.get_fields()}

    nested = {"fields", "severity_rules", "periods", "sources", "list_types"}
    tables = {
        "record_types": ("RecordType", "fields", "RecordField"),
        "regimes": ("DisclosureRegime", None, None),
        "list_types": ("ListType", "sources", "ListSource"),
        "measures": ("Measure", None, None),
    }
    for key, rows in seed.items():
        model, child_key, child_model = tables[key]
        for row in rows:
            assert set(row) - nested <= fields(model), (model, set(row) - nested - fields(model))
            for child in row.get(child_key, []) if child_model else []:
                assert set(child) <= fields(child_model), (child_model, set(child) - fields(child_model))


@pytest.mark.django_db
def test_the_migrated_database_holds_the_seeded_catalog():
    """The test database is migrated from zero: the seed of 0002 and the migrations after it (0004: commitments'
    fulfilment and 违背信用承诺; 0013: the 2019 regime of 527号; sanctions 0004: corrected measures and 一般)."""
    types = dict(RecordType.objects.values_list("code", "name"))
    assert types == {
        "xzcf": "行政处罚",
        "xzxk": "行政许可",
        "sxbzxr": "失信被执行人",
        "yzsxmd": "严重失信主体名单认定",
        "jyyc": "经营异常名录",
        "hmd": "守信激励名单认定",
        "xycn": "信用承诺",
        "wncn": "违背信用承诺",
        "ccjc": "抽查检查结果",  # records 0021 (issue 15: 双随机、一公开)
        "qsxx": "欠税信息",  # records 0026 (issue 16: the first type only departments read)
    }
    per_type = {code: RecordField.objects.filter(record_type__code=code).count() for code in types}
    assert per_type == {
        "xzcf": 26,
        "xzxk": 23,
        "sxbzxr": 16,
        "yzsxmd": 16,
        "jyyc": 10,
        "hmd": 11,
        "xycn": 15,
        "wncn": 8,
        "ccjc": 11,
        "qsxx": 7,
    }
    # records 0022: the inspection results are written by the supervision service only
    assert dict(RecordType.objects.exclude(write_channel="").values_list("code", "write_channel")) == {
        "ccjc": "supervision"
    }
    assert RecordType.objects.get(code="qsxx").disclosure_level == "government"
    positions = list(RecordField.objects.filter(record_type__code="xycn").values_list("position", flat=True))
    assert sorted(positions) == list(range(15))  # the fulfilment added by 0004 comes last, in order
    xzxk = RecordField.objects.get(record_type__code="xzxk", code="XK_YXQZI")
    assert (xzxk.label, xzxk.type, xzxk.requirement) == ("有效期至", "date", "always")
    rules = dict(SeverityRule.objects.filter(record_type__code="xzcf").values_list("value", "severity"))
    assert len(rules) == 14
    assert (rules["警告"], rules["罚款"], rules["暂扣许可证件"], rules["吊销许可证件"]) == (
        "minor",
        "general",
        "serious",
        "severe",
    )
    periods = {
        (p.regime.code, p.severity): (p.published, p.min_months, p.max_months)
        for p in RegimePeriod.objects.select_related("regime")
    }
    assert len(periods) == 12
    assert periods[("ndrc-2025-36", "minor")] == (False, 0, 3)
    assert periods[("ndrc-2025-36", "severe")] == (True, 12, 36)
    assert periods[("ndrc-2019", "general")] == (True, 3, 12)
    assert periods[("ndrc-2019", "severe")] == (True, 6, 36)
    order36 = DisclosureRegime.objects.get(code="ndrc-2025-36")
    assert (order36.effective_from.isoformat(), order36.effective_to) == ("2026-04-01", None)

    colours = dict(ListType.objects.values_list("code", "colour"))
    assert len(colours) == 14
    red = {code for code, colour in colours.items() if colour == "red"}
    black = {code for code, colour in colours.items() if colour == "black"}
    assert red == {"hmd_nsa", "hmd_aeo", "hmd_shtzxy", "hmd_ry"}
    assert black == {"yzsx_scjg", "yzsx_sw", "yzsx_qxgz", "yzsx_zfcg", "yzsx_aqsc", "yzsx_tj", "sxbzxr"}
    assert (colours["zdgz_cf"], colours["jyyc"], colours["yb_cf"]) == ("watch", "watch", "notice")
    source = ListSource.objects.get(list_type__code="yzsx_scjg")
    assert (source.record_type.code, source.field_code, source.field_value) == ("yzsxmd", "YZ_MDDM", "yzsx_scjg")
    measures = {m.code: m for m in Measure.objects.prefetch_related("list_types")}
    assert len(measures) == 25
    procurement = measures["zfcg_xz"]
    assert (procurement.sectors, procurement.scenarios) == ([], ["procurement"])  # every purchaser
    assert {lt.code for lt in procurement.list_types.all()} == black  # the black lists, whatever they are
    assert {lt.code for lt in measures["lstd"].list_types.all()} == red
    assert {lt.code for lt in measures["yb_tx"].list_types.all()} == {"yb_cf"}

    assert Division.objects.count() == 282
    assert Division.objects.get(code="220000").name == "吉林省"
    assert Division.objects.filter(parent_id="220000", level="prefecture").exists()


@pytest.mark.django_db
def test_a_seed_migration_seeds_a_database_without_its_rows_and_only_inserts_what_is_missing():
    """The seed functions take the app registry, as ``migrate`` gives them; run on the live registry they
    restore what is missing and leave the credit centre's edits alone."""
    from django.apps import apps

    seed = importlib.import_module("records.migrations.0002_seed_catalog")
    RecordType.objects.filter(code="xzxk").update(name="行政许可（已编辑）")
    RecordField.objects.filter(record_type__code="xzcf", code="BZ").delete()
    seed.load(apps, None)
    assert RecordType.objects.get(code="xzxk").name == "行政许可（已编辑）"
    assert RecordField.objects.filter(record_type__code="xzcf", code="BZ").exists()
