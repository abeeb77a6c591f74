"""The catalog gains its first record type that the public never sees: 欠税信息 (tax arrears), shared among
government bodies (政务共享, seed 000 四(七) and seed 003 item 15: graded query rights). Without a restricted type
a department query grant and the special-query form had nothing to name on a fresh install (issue 16).

Reported by the tax department against the registered name, one record per arrears notice (欠税公告编号); the
amount in 万元 like the penalty's ``CF_NR_FK``. It is negative (欠缴税款) of general severity, kept for three years
from the decision like other administrative-management records, and shown only to departments with a query grant,
the subject itself and the special queries the credit centre approves.

Frozen data, written out here; running it on a database that has them changes nothing.
"""

from django.db import migrations

ARREARS = {
    "code": "qsxx",
    "name": "欠税信息",
    "category": "administrative",
    "polarity": "negative",
    "disclosure_level": "government",
    "disclosure_rule": "fixed_period",
    "disclosure_months": 36,
    "default_severity": "general",
    "subject_tab": "other",
    "subject_name_field": "QS_XDR_MC",
    "uscc_field": "QS_XDR_SHXYM",
    "record_id_fields": ["QS_WSH"],
    "decided_on_field": "QS_RDRQ",
}
# code, label, type, requirement, extra
FIELDS = [
    ("QS_XDR_MC", "纳税人名称", "text", "always", {"max_length": 200}),
    ("QS_XDR_SHXYM", "统一社会信用代码", "identifier", "always", {"identifier_scheme": "uscc"}),
    ("QS_WSH", "欠税公告编号", "text", "always", {"max_length": 64}),
    ("QS_QSSZ", "欠税税种", "text", "optional", {"max_length": 200, "subject_page_order": 1}),
    ("QS_QSJE", "欠税金额（万元）", "decimal", "always", {"subject_page_order": 2}),
    ("QS_RDRQ", "认定日期", "date", "always", {}),
    ("QS_RDJG", "认定机关", "text", "always", {"max_length": 200, "subject_page_order": 3}),
]


def load(apps, schema_editor):
    RecordType = apps.get_model("records", "RecordType")
    RecordField = apps.get_model("records", "RecordField")
    values = {k: v for k, v in ARREARS.items() if k != "code"}
    record_type, _ = RecordType.objects.get_or_create(code=ARREARS["code"], defaults=values)
    for position, (code, label, type_, requirement, extra) in enumerate(FIELDS):
        RecordField.objects.get_or_create(
            record_type=record_type,
            code=code,
            defaults={"label": label, "type": type_, "requirement": requirement, "position": position, **extra},
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0025_catalog_write_channel")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
