"""Seed the catalog (record types, fields, severity rules) and the disclosure regimes (records/catalog.py)."""

from django.db import migrations

from records.catalog import catalog_load


def load(apps, schema_editor):
    catalog_load(
        record_type_model=apps.get_model("records", "RecordType"),
        field_model=apps.get_model("records", "RecordField"),
        severity_rule_model=apps.get_model("records", "SeverityRule"),
        regime_model=apps.get_model("records", "DisclosureRegime"),
        period_model=apps.get_model("records", "RegimePeriod"),
    )


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
