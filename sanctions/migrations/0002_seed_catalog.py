"""Seed the list types and the measure catalog (sanctions/catalog.py)."""

from django.db import migrations

from sanctions.catalog import sanctions_catalog_load


def load(apps, schema_editor):
    sanctions_catalog_load(
        list_type_model=apps.get_model("sanctions", "ListType"),
        source_model=apps.get_model("sanctions", "ListSource"),
        measure_model=apps.get_model("sanctions", "Measure"),
        record_type_model=apps.get_model("records", "RecordType"),
    )


class Migration(migrations.Migration):
    dependencies = [("sanctions", "0001_initial"), ("records", "0002_seed_catalog")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
