"""The first models, frozen here as data (a migration imports no app code: a later change of the app must not
change what this migration wrote).

- 公共信用综合评价模型（通用）: seed 002 item 50 "依托省信用综合服务平台公共信用评价系统，对市场主体开展公共
  信用综合评价，定期将评价结果推送至各地区各部门". Grades 优/良/中/差, shown to the public.
- 食品生产经营信用风险分类模型（专业）: seed 002 item 51 "推进食品、药品、特种设备等重点领域开展信用风险分类
  管理，按照'通用+专业'的形式，科学设定信用风险分类数据模型并实施精准分类", and item 50 "各行业监管部门可根据
  行业特点，设定评价标准，开展行业信用评价". It reads the general score (60 %) and adds food-safety indicators;
  grades 低/一般/较高/高风险, for supervision only.

Each model gets version 1, published. Running twice inserts nothing (models are looked up by code).
"""

from django.db import migrations
from django.utils import timezone

WINDOW_3Y = 36

GENERAL = {
    "code": "general",
    "name": "公共信用综合评价模型（通用）",
    "kind": "general",
    "purpose": "evaluation",
    "sector": "",
    "publish_grades": True,
    "basis": (
        "《关于推进社会信用体系建设高质量发展促进形成新发展格局的若干举措》第50条：依托省信用综合服务平台公共"
        "信用评价系统，对市场主体开展公共信用综合评价，定期将评价结果推送至各地区各部门。"
    ),
    "definition": {
        "base_score": "70",
        "min_score": "0",
        "max_score": "100",
        "grades": {"A": "90", "B": "75", "C": "60"},
        "labels": {"A": "优", "B": "良", "C": "中", "D": "差"},
        "scope": {"subject_kinds": ["legal_entity", "individual_business"]},
        "dimensions": [
            {
                "code": "basic",
                "name": "基础信息",
                "floor": "-30",
                "ceiling": "10",
                "indicators": [
                    {"code": "age", "name": "成立年限（每满一年）", "kind": "subject_age", "weight": "1", "cap": "5"},
                    {
                        "code": "registration",
                        "name": "登记状态异常（吊销、注销）",
                        "kind": "registration_status",
                        "statuses": ["revoked", "cancelled"],
                        "weight": "-30",
                    },
                ],
            },
            {
                "code": "reward",
                "name": "守信激励",
                "floor": "0",
                "ceiling": "12",
                "indicators": [
                    {
                        "code": "red_list",
                        "name": "列入守信激励名单",
                        "kind": "list_member",
                        "colours": ["red"],
                        "weight": "10",
                    },
                    {
                        "code": "honour_records",
                        "name": "守信激励认定（近3年，每条）",
                        "kind": "record_count",
                        "records": {"types": ["hmd"], "window_months": WINDOW_3Y},
                        "weight": "2",
                        "cap": "4",
                    },
                ],
            },
            {
                "code": "punishment",
                "name": "失信惩戒",
                "floor": "-60",
                "ceiling": "0",
                "indicators": [
                    {
                        "code": "black_list",
                        "name": "列入失信惩戒名单（严重失信主体、失信被执行人）",
                        "kind": "list_member",
                        "colours": ["black"],
                        "weight": "-40",
                    },
                    {
                        "code": "watch_list",
                        "name": "列入重点关注名单（经营异常、较重及以上失信行为）",
                        "kind": "list_member",
                        "colours": ["watch"],
                        "weight": "-15",
                    },
                ],
            },
            {
                "code": "administration",
                "name": "行政管理/监管",
                "floor": "-30",
                "ceiling": "5",
                "indicators": [
                    {
                        "code": "penalties",
                        "name": "行政处罚（近3年，按失信程度加权：轻微1、一般3、较重6、严重10）",
                        "kind": "severity_sum",
                        "records": {"types": ["xzcf"], "window_months": WINDOW_3Y},
                        "severity_weights": {"minor": 1, "general": 3, "serious": 6, "severe": 10},
                        "weight": "-1",
                        "cap": "30",
                    },
                    {
                        "code": "licences",
                        "name": "行政许可（近3年，每条）",
                        "kind": "record_count",
                        "records": {"types": ["xzxk"], "window_months": WINDOW_3Y},
                        "weight": "1",
                        "cap": "3",
                    },
                ],
            },
            {
                "code": "commitment",
                "name": "履约与承诺",
                "floor": "-20",
                "ceiling": "6",
                "indicators": [
                    {
                        "code": "commitments_kept",
                        "name": "信用承诺已履约（近3年，每条）",
                        "kind": "record_count",
                        "records": {
                            "types": ["xycn"],
                            "where": [{"field": "CN_LYQK", "equals": ["已履约"]}],
                            "window_months": WINDOW_3Y,
                        },
                        "weight": "2",
                        "cap": "6",
                    },
                    {
                        "code": "commitments_broken",
                        "name": "违背信用承诺（近3年，每条）",
                        "kind": "record_count",
                        "records": {"types": ["wncn"], "window_months": WINDOW_3Y},
                        "weight": "-10",
                        "cap": "20",
                    },
                ],
            },
            {
                "code": "social",
                "name": "社会评价",
                "floor": "0",
                "ceiling": "6",
                "indicators": [
                    {
                        "code": "honour_list",
                        "name": "诚实守信荣誉获得者",
                        "kind": "list_member",
                        "lists": ["hmd_ry"],
                        "weight": "5",
                    },
                    {
                        "code": "contract_list",
                        "name": "守合同重信用企业",
                        "kind": "list_member",
                        "lists": ["hmd_shtzxy"],
                        "weight": "3",
                    },
                ],
            },
        ],
        "overrides": [
            {
                "code": "black",
                "name": "列入失信惩戒名单的，评价等级为差",
                "kind": "list_member",
                "colours": ["black"],
                "grade": "D",
            },
            {
                "code": "revoked",
                "name": "营业执照被吊销的，评价等级为差",
                "kind": "registration_status",
                "statuses": ["revoked"],
                "grade": "D",
            },
            {
                "code": "severe_penalty",
                "name": "近1年受到严重行政处罚的，评价等级不高于中",
                "kind": "record",
                "records": {"types": ["xzcf"], "severities": ["severe"], "window_months": 12},
                "grade": "C",
            },
        ],
    },
}

FOOD = {
    "code": "food_risk",
    "name": "食品生产经营信用风险分类模型（专业）",
    "kind": "professional",
    "purpose": "risk",
    "sector": "market_regulation",
    "publish_grades": False,
    "basis": (
        "《关于推进社会信用体系建设高质量发展促进形成新发展格局的若干举措》第51条：推进食品、药品、特种设备等"
        "重点领域开展信用风险分类管理，按照“通用+专业”的形式，科学设定信用风险分类数据模型并实施精准分类；"
        "第50条：各行业监管部门可根据行业特点，设定评价标准，开展行业信用评价。"
    ),
    "definition": {
        "base_score": "30",
        "min_score": "0",
        "max_score": "100",
        "grades": {"A": "85", "B": "70", "C": "55"},
        "labels": {"A": "低风险", "B": "一般风险", "C": "较高风险", "D": "高风险"},
        "scope": {
            "subject_kinds": ["legal_entity", "individual_business"],
            "records": {
                "types": ["xzxk"],
                "where": [{"field": "XK_XKZS", "contains": ["食品"]}],
                "in_force": True,
            },
        },
        "dimensions": [
            {
                "code": "general",
                "name": "基础信息（通用评价）",
                "floor": "0",
                "ceiling": "60",
                "indicators": [
                    {
                        "code": "general_score",
                        "name": "公共信用综合评价得分 × 0.6",
                        "kind": "model_score",
                        "model": "general",
                        "weight": "0.6",
                        "cap": "60",
                    }
                ],
            },
            {
                "code": "food_supervision",
                "name": "行政管理/监管（食品安全）",
                "floor": "-40",
                "ceiling": "10",
                "indicators": [
                    {
                        "code": "food_penalties",
                        "name": "食品安全行政处罚（近2年，按失信程度加权：轻微1、一般4、较重8、严重15）",
                        "kind": "severity_sum",
                        "records": {
                            "types": ["xzcf"],
                            "where": [{"field": "CF_WFXW", "contains": ["食品"]}],
                            "window_months": 24,
                        },
                        "severity_weights": {"minor": 1, "general": 4, "serious": 8, "severe": 15},
                        "weight": "-1",
                        "cap": "40",
                    },
                    {
                        "code": "food_licences",
                        "name": "有效的食品生产经营许可（每件）",
                        "kind": "record_count",
                        "records": {
                            "types": ["xzxk"],
                            "where": [{"field": "XK_XKZS", "contains": ["食品"]}],
                            "in_force": True,
                        },
                        "weight": "5",
                        "cap": "10",
                    },
                ],
            },
            {
                "code": "food_commitment",
                "name": "履约与承诺",
                "floor": "-20",
                "ceiling": "5",
                "indicators": [
                    {
                        "code": "food_commitments_kept",
                        "name": "食品安全信用承诺已履约（近3年，每条）",
                        "kind": "record_count",
                        "records": {
                            "types": ["xycn"],
                            "where": [
                                {"field": "CN_CNSX", "contains": ["食品"]},
                                {"field": "CN_LYQK", "equals": ["已履约"]},
                            ],
                            "window_months": WINDOW_3Y,
                        },
                        "weight": "2.5",
                        "cap": "5",
                    },
                    {
                        "code": "food_commitments_broken",
                        "name": "违背信用承诺（近3年，每条）",
                        "kind": "record_count",
                        "records": {"types": ["wncn"], "window_months": WINDOW_3Y},
                        "weight": "-10",
                        "cap": "20",
                    },
                ],
            },
        ],
        "overrides": [
            {
                "code": "black",
                "name": "列入失信惩戒名单的，为高风险",
                "kind": "list_member",
                "colours": ["black"],
                "grade": "D",
            },
            {
                "code": "severe_food_penalty",
                "name": "近2年因食品安全违法受到严重行政处罚的，为高风险",
                "kind": "record",
                "records": {
                    "types": ["xzcf"],
                    "severities": ["severe"],
                    "where": [{"field": "CF_WFXW", "contains": ["食品"]}],
                    "window_months": 24,
                },
                "grade": "D",
            },
            {
                "code": "watch",
                "name": "列入重点关注名单的，不低于较高风险",
                "kind": "list_member",
                "colours": ["watch"],
                "grade": "C",
            },
        ],
    },
}

MODELS = [GENERAL, FOOD]
SEEDED_BY = "系统初始化"


def seed(apps, schema_editor):
    EvaluationModel = apps.get_model("evaluation", "EvaluationModel")
    ModelVersion = apps.get_model("evaluation", "ModelVersion")
    now = timezone.now()
    for spec in MODELS:
        values = {k: v for k, v in spec.items() if k not in ("code", "definition")}
        model, _ = EvaluationModel.objects.get_or_create(code=spec["code"], defaults=values)
        if not ModelVersion.objects.filter(model=model).exists():
            ModelVersion.objects.create(
                model=model,
                number=1,
                state="published",
                definition=spec["definition"],
                note="初始版本",
                created_by=SEEDED_BY,
                published_by=SEEDED_BY,
                published_at=now,
            )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
