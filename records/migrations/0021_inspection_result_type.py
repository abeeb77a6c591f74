"""The catalog gains 抽查检查结果 (the results of random inspections, "双随机、一公开", issue 15; seed 002 items
50–51 and 55, 58: 分级分类监管), a public record of the administrative-management category, shown on the subject
page under 其他 for three years from the inspection, to be published within 20 working days of the inspection
(``timeliness_days``: the "一公开" time limit, counted by the data-quality report; the credit centre changes it in
the catalog). Its records are entered by the supervision app (``supervision.services.inspection_result_enter``)
through the ordinary ingestion service, one per inspected subject and plan.

Frozen data, written out here; running it on a database that has them changes nothing.
"""

from django.db import migrations

RESULTS = [
    "合格",
    "未发现问题",
    "发现问题已责令整改",
    "发现问题待后续处理",
    "不合格",
    "未按规定公示应当公示的信息",
    "公示信息隐瞒真实情况、弄虚作假",
    "通过登记的住所（经营场所）无法联系",
    "不配合检查情节严重",
    "未发现开展本次抽查涉及的经营活动",
]
INSPECTION = {
    "code": "ccjc",
    "name": "抽查检查结果",
    "category": "administrative",
    "polarity": "neutral",
    "disclosure_level": "public",
    "disclosure_rule": "fixed_period",
    "disclosure_months": 36,
    "timeliness_days": 20,
    "subject_tab": "other",
    "subject_name_field": "CC_XDR_MC",
    "uscc_field": "CC_XDR_SHXYM",
    "record_id_fields": ["CC_JCBH"],
    "decided_on_field": "CC_JCRQ",
}
# code, label, type, requirement, extra (display: the subject page's order)
FIELDS = [
    ("CC_XDR_MC", "行政相对人名称", "text", "always", {"max_length": 200}),
    ("CC_XDR_SHXYM", "统一社会信用代码", "identifier", "always", {"identifier_scheme": "uscc"}),
    ("CC_JCBH", "检查编号", "text", "always", {"max_length": 64}),
    ("CC_RWMC", "抽查任务名称", "text", "always", {"max_length": 200, "subject_page_order": 1, "report_order": 1}),
    ("CC_JCLX", "检查类型", "enum", "always", {"enum_values": ["双随机抽查", "重点检查", "专项检查"]}),
    ("CC_JCSX", "检查事项", "text", "always", {"max_length": 500, "subject_page_order": 2}),
    (
        "CC_JCJG",
        "检查结果",
        "enum",
        "always",
        {"enum_values": RESULTS, "subject_page_order": 3, "report_order": 2},
    ),
    ("CC_WTMS", "发现的问题", "text", "optional", {"max_length": 2000, "subject_page_order": 4}),
    ("CC_CLQK", "处理情况", "text", "optional", {"max_length": 2000, "subject_page_order": 5}),
    ("CC_JCRQ", "检查日期", "date", "always", {}),
    ("CC_JCJGMC", "检查实施机关", "text", "always", {"max_length": 200, "subject_page_order": 6, "report_order": 3}),
]


def load(apps, schema_editor):
    RecordType = apps.get_model("records", "RecordType")
    RecordField = apps.get_model("records", "RecordField")
    values = {k: v for k, v in INSPECTION.items() if k != "code"}
    record_type, _ = RecordType.objects.get_or_create(code=INSPECTION["code"], defaults=values)
    for position, (code, label, type_, requirement, extra) in enumerate(FIELDS):
        RecordField.objects.get_or_create(
            record_type=record_type,
            code=code,
            defaults={"label": label, "type": type_, "requirement": requirement, "position": position, **extra},
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0020_redecision_progress")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
