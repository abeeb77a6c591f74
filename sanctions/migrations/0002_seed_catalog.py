"""Seed the list types (with the record types that feed them) and the measure catalog as they first shipped
(``seed/0002_catalog.json``).

Frozen data: this migration reads its own fixture and the historical models, never the app's code. The live
catalog is the database, edited by the credit centre in the admin; later changes are migrations of their own
(0004 corrects the measures' departments and legal bases and adds the list and measures of 一般 dishonesty).
"""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent / "seed" / "0002_catalog.json"


def load(apps, schema_editor):
    ListType = apps.get_model("sanctions", "ListType")
    ListSource = apps.get_model("sanctions", "ListSource")
    Measure = apps.get_model("sanctions", "Measure")
    RecordType = apps.get_model("records", "RecordType")
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    record_types = {record_type.code: record_type for record_type in RecordType.objects.all()}
    lists = {}
    for definition in seed["list_types"]:
        values = {k: v for k, v in definition.items() if k not in ("code", "sources")}
        list_type, created = ListType.objects.get_or_create(code=definition["code"], defaults=values)
        lists[list_type.code] = list_type
        if created:
            for source in definition["sources"]:
                ListSource.objects.create(
                    list_type=list_type,
                    record_type=record_types[source["record_type"]],
                    field_code=source.get("field_code", ""),
                    field_value=source.get("field_value", ""),
                    severities=source.get("severities", []),
                )
    for definition in seed["measures"]:
        values = {k: v for k, v in definition.items() if k not in ("code", "list_types")}
        measure, created = Measure.objects.get_or_create(code=definition["code"], defaults=values)
        if created:
            measure.list_types.set([lists[code] for code in definition["list_types"]])


class Migration(migrations.Migration):
    dependencies = [("sanctions", "0001_initial"), ("records", "0002_seed_catalog")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
