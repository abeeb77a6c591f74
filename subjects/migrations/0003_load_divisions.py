"""Load the GB/T 2260 administrative divisions (see subjects/divisions.py)."""

from django.db import migrations

from subjects.divisions import LEVELS, divisions_load


def load(apps, schema_editor):
    divisions_load(apps.get_model("subjects", "Division"))


def unload(apps, schema_editor):
    Division = apps.get_model("subjects", "Division")
    for level in reversed(LEVELS):
        Division.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("subjects", "0002_name_search_indexes")]
    operations = [migrations.RunPython(load, unload)]
