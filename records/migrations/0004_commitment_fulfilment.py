"""Add what the catalog gained since 0002: the commitment's fulfilment field and the 违背信用承诺 type."""

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
    dependencies = [("records", "0003_record_objection")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
