"""The general model (公共信用综合评价模型) reads the inspection results: a new version of it — the seeded version 1
stays, superseded, and the results made with it keep citing it — adds to 行政管理/监管 the indicator "双随机抽查
发现问题（近3年，每次）": every record of the catalog's 抽查检查结果 type (records 0021) of the last 36 months whose
检查结果 found a problem counts −5, at most −15 (seed 002 items 50–51: results of supervision feed the public credit
evaluation; the inspections that found nothing count nothing).

Frozen data, written out here: the definition is the current published one plus the indicator. Running it again,
or on a database whose current general version already has the indicator, changes nothing. On a database with
results, every subject is evaluated again in the background (an ``evaluation.run`` outbox item, as a publication
in the admin does); a fresh database has none and queues nothing.
"""

import copy

from django.db import migrations
from django.utils import timezone

INDICATOR = {
    "code": "inspections_failed",
    "name": "双随机抽查发现问题（近3年，每次）",
    "kind": "record_count",
    "records": {
        "types": ["ccjc"],
        "where": [
            {
                "field": "CC_JCJG",
                "equals": [
                    "发现问题已责令整改",
                    "发现问题待后续处理",
                    "不合格",
                    "未按规定公示应当公示的信息",
                    "公示信息隐瞒真实情况、弄虚作假",
                    "通过登记的住所（经营场所）无法联系",
                    "不配合检查情节严重",
                ],
            }
        ],
        "window_months": 36,
    },
    "weight": "-5",
    "cap": "15",
}
DIMENSION = "administration"
BY = "系统升级"
NOTE = "新增指标：双随机抽查发现问题（近3年，每次 −5，最多 −15）"


def definition_with_indicator(definition: dict) -> dict:
    """The definition with the indicator added to the 行政管理/监管 dimension (a dimension of its own when absent)."""
    definition = copy.deepcopy(definition)
    dimensions = definition.setdefault("dimensions", [])
    target = next((d for d in dimensions if d.get("code") == DIMENSION), None)
    if target is None:
        target = {"code": DIMENSION, "name": "行政管理/监管", "indicators": []}
        dimensions.append(target)
    target["indicators"].append(copy.deepcopy(INDICATOR))
    return definition


def add_version(apps, schema_editor):
    EvaluationModel = apps.get_model("evaluation", "EvaluationModel")
    ModelVersion = apps.get_model("evaluation", "ModelVersion")
    model = EvaluationModel.objects.filter(code="general").first()
    if model is None:
        return
    current = ModelVersion.objects.filter(model=model, state="published").first()
    if current is None:
        return
    codes = {i.get("code") for d in current.definition.get("dimensions", []) for i in d.get("indicators", [])}
    if INDICATOR["code"] in codes:
        return
    now = timezone.now()
    number = max(ModelVersion.objects.filter(model=model).values_list("number", flat=True)) + 1
    ModelVersion.objects.filter(pk=current.pk).update(state="superseded")
    version = ModelVersion.objects.create(
        model=model,
        number=number,
        state="published",
        definition=definition_with_indicator(current.definition),
        note=NOTE,
        created_by=BY,
        published_by=BY,
        published_at=now,
    )
    if apps.get_model("evaluation", "EvaluationResult").objects.exists():
        run = apps.get_model("evaluation", "EvaluationRun").objects.create(
            kind="publication", model=model, version=version, requested_by=BY
        )
        apps.get_model("outbox", "OutboxItem").objects.create(
            topic="evaluation.run", payload={"run_id": run.pk}, next_attempt_at=now
        )


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("evaluation", "0003_sector_choices"),
        ("records", "0021_inspection_result_type"),
        ("supervision", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_version, migrations.RunPython.noop)]
