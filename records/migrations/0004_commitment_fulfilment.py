"""The catalog gains the commitment's fulfilment (信用承诺 履约情况) and the 违背信用承诺 type, a breach of a
commitment recorded as a negative record of general severity, published for 12 months.

Frozen data, written out here; running it on a database that has them changes nothing.
"""

from django.db import migrations

FULFILMENT = {
    "code": "CN_LYQK",
    "label": "履约情况",
    "type": "enum",
    "requirement": "optional",
    "enum_values": ["履约中", "已履约", "违诺"],
    "position": 14,
}
BREACH = {
    "code": "wncn",
    "name": "违背信用承诺",
    "category": "commitment",
    "polarity": "negative",
    "disclosure_level": "public",
    "disclosure_rule": "fixed_period",
    "disclosure_months": 12,
    "default_severity": "general",
    "subject_name_field": "WN_XDR_MC",
    "uscc_field": "WN_XDR_SHXYM",
    "registration_number_field": "WN_XDR_GSZC",
    "organization_code_field": "WN_XDR_ZZJG",
    "record_id_fields": ["WN_CNBH"],
    "decided_on_field": "WN_RDRQ",
}
# code, label, type, requirement, extra
BREACH_FIELDS = [
    ("WN_XDR_MC", "行政相对人名称", "text", "always", {"max_length": 200}),
    ("WN_XDR_SHXYM", "统一社会信用代码", "identifier", "always", {"identifier_scheme": "uscc"}),
    ("WN_XDR_GSZC", "工商注册号", "identifier", "optional", {"identifier_scheme": "registration_number"}),
    ("WN_XDR_ZZJG", "组织机构代码", "identifier", "optional", {"identifier_scheme": "organization_code"}),
    ("WN_CNBH", "承诺书编号", "text", "always", {"max_length": 64}),
    ("WN_WNQK", "违诺情况", "text", "always", {"max_length": 2000}),
    ("WN_RDRQ", "认定日期", "date", "always", {}),
    ("WN_RDJG", "认定单位", "text", "always", {"max_length": 200}),
]


def load(apps, schema_editor):
    RecordType = apps.get_model("records", "RecordType")
    RecordField = apps.get_model("records", "RecordField")
    commitment = RecordType.objects.filter(code="xycn").first()
    if commitment is not None:
        extra = {k: v for k, v in FULFILMENT.items() if k != "code"}
        RecordField.objects.get_or_create(record_type=commitment, code=FULFILMENT["code"], defaults=extra)
    values = {k: v for k, v in BREACH.items() if k != "code"}
    breach, _ = RecordType.objects.get_or_create(code=BREACH["code"], defaults=values)
    for position, (code, label, type_, requirement, extra) in enumerate(BREACH_FIELDS):
        RecordField.objects.get_or_create(
            record_type=breach,
            code=code,
            defaults={"label": label, "type": type_, "requirement": requirement, "position": position, **extra},
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0003_record_objection")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
