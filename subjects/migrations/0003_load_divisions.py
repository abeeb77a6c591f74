"""Load the GB/T 2260 administrative divisions (``seed/0003_divisions.csv``): every province-level division
and, in full down to county level, Jilin (220000), Qinghai (630000) and Jiangsu (320000), including the
development zones that carry statistical division codes.

Frozen data: the file belongs to this migration. The live table is the database; a later change of the
divisions is a migration of its own.
"""

import csv
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent / "seed" / "0003_divisions.csv"
LEVELS = ("province", "prefecture", "county")


def load(apps, schema_editor):
    """Insert the divisions that are missing, parents before children."""
    Division = apps.get_model("subjects", "Division")
    with SEED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for level in LEVELS:
        Division.objects.bulk_create(
            [
                Division(code=row["code"], name=row["name"], level=level, parent_id=row["parent_code"] or None)
                for row in rows
                if row["level"] == level
            ],
            ignore_conflicts=True,
        )


def unload(apps, schema_editor):
    Division = apps.get_model("subjects", "Division")
    for level in reversed(LEVELS):
        Division.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("subjects", "0002_name_search_indexes")]
    operations = [migrations.RunPython(load, unload)]
