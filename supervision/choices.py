from django.db import models


class PlanState(models.TextChoices):
    DRAFT = "draft", "草稿"
    DRAWN = "drawn", "已抽取"
    DONE = "done", "已完成"


#: The inspection results (检查结果) the catalog's 抽查检查结果 type accepts (records migration 0021).
INSPECTION_RESULTS = [
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

#: The results that found nothing wrong (any other result needs its findings, and counts as a problem found).
CLEAN_RESULTS = ("合格", "未发现问题")

#: The catalog's record type of an inspection result (抽查检查结果, records migration 0021).
RESULT_RECORD_TYPE = "ccjc"
