"""The vocabulary of department queries: the purposes a query states and the states of a special query."""

from django.db import models


class QueryPurpose(models.TextChoices):
    """Why a department reads another department's restricted records: the business moments of seed 000 四(八)
    (日常监管、行政许可、招标采购、评先评优...), recorded with every query and shown to the subject."""

    LICENSING = "licensing", "行政许可审查"
    SUPERVISION = "supervision", "日常监管"
    INSPECTION = "inspection", "执法检查"
    BIDDING = "bidding", "招标投标"
    PROCUREMENT = "procurement", "政府采购"
    HONOURS = "honours", "评优评先"
    OTHER = "other", "其他"


class SpecialQueryState(models.TextChoices):
    SUBMITTED = "submitted", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "不予批准"
    ISSUED = "issued", "已出具结果"
    EXPIRED = "expired", "已过期"
