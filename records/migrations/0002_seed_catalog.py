"""Seed the catalog as it first shipped: record types with the national 双公示 data items, severity rules and
the disclosure regimes (``seed/0002_catalog.json``).

Frozen data: this migration reads its own fixture and the historical models, never the app's code, so a
model field added later cannot break ``migrate`` on a fresh database. The live catalog is the database,
edited by the credit centre in the admin; later changes of the seed are migrations of their own (0004 adds
the commitment's fulfilment and 违背信用承诺, 0013 corrects the 2019 regime, 0015 says what the public sees).
"""

import json
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent / "seed" / "0002_catalog.json"


def load(apps, schema_editor):
    RecordType = apps.get_model("records", "RecordType")
    RecordField = apps.get_model("records", "RecordField")
    SeverityRule = apps.get_model("records", "SeverityRule")
    DisclosureRegime = apps.get_model("records", "DisclosureRegime")
    RegimePeriod = apps.get_model("records", "RegimePeriod")
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    for definition in seed["record_types"]:
        values = {k: v for k, v in definition.items() if k not in ("code", "fields", "severity_rules")}
        record_type, _ = RecordType.objects.get_or_create(code=definition["code"], defaults=values)
        for field in definition["fields"]:
            extra = {k: v for k, v in field.items() if k != "code"}
            RecordField.objects.get_or_create(record_type=record_type, code=field["code"], defaults=extra)
        for field_code, value, severity in definition["severity_rules"]:
            SeverityRule.objects.get_or_create(
                record_type=record_type, field_code=field_code, value=value, defaults={"severity": severity}
            )
    for definition in seed["regimes"]:
        values = {k: v for k, v in definition.items() if k not in ("code", "periods")}
        regime, _ = DisclosureRegime.objects.get_or_create(code=definition["code"], defaults=values)
        for severity, (published, min_months, max_months) in definition["periods"].items():
            RegimePeriod.objects.get_or_create(
                regime=regime,
                severity=severity,
                defaults={"published": published, "min_months": min_months, "max_months": max_months},
            )


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
