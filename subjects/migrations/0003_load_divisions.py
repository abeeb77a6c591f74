"""Load the GB/T 2260 administrative divisions shipped in subjects/data/divisions.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "divisions.csv"


def load(apps, schema_editor):
    Division = apps.get_model("subjects", "Division")
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Parents come before children in the file only by accident; insert level by level instead.
    for level in ("province", "prefecture", "county"):
        Division.objects.bulk_create(
            [
                Division(code=row["code"], name=row["name"], level=level, parent_id=row["parent_code"] or None)
                for row in rows
                if row["level"] == level
            ],
            ignore_conflicts=True,
        )


def unload(apps, schema_editor):
    apps.get_model("subjects", "Division").objects.filter(level="county").delete()
    apps.get_model("subjects", "Division").objects.filter(level="prefecture").delete()
    apps.get_model("subjects", "Division").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("subjects", "0002_name_search_indexes")]
    operations = [migrations.RunPython(load, unload)]
