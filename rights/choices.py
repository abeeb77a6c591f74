"""The vocabulary of applications: kinds, states, objection grounds and outcomes."""

from django.db import models


class ApplicationKind(models.TextChoices):
    OBJECTION = "objection", "异议申诉"
    REPAIR = "repair", "信用修复"
    TIPOFF = "tipoff", "失信举报"
    COMMITMENT = "commitment", "信用承诺"


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    REFUSED = "refused", "不予受理"
    WITH_DEPARTMENT = "with_department", "部门核查中"
    DECIDED = "decided", "已处理"
    CLOSED = "closed", "已办结"


class ObjectionGround(models.TextChoices):
    WRONG = "wrong", "信息错误"
    MISSING = "missing", "信息遗漏"
    DUPLICATE = "duplicate", "重复公示"
    NOT_PUBLIC = "not_public", "不应公示"
    OVERDUE = "overdue", "超期公示"
    INCONSISTENT = "inconsistent", "与认定机关不一致"


class Outcome(models.TextChoices):
    MAINTAIN = "maintain", "维持"
    CORRECT = "correct", "更正"
    REVOKE = "revoke", "撤销"
    APPROVE = "approve", "同意修复"
    REJECT = "reject", "不予修复"
    CONFIRM = "confirm", "确认承诺并公示"
    DECLINE = "decline", "不予确认"
    SUBSTANTIATED = "substantiated", "举报属实，已依法处理"
    UNFOUNDED = "unfounded", "举报不属实"


OUTCOMES_BY_KIND = {
    ApplicationKind.OBJECTION: (Outcome.MAINTAIN, Outcome.CORRECT, Outcome.REVOKE),
    ApplicationKind.REPAIR: (Outcome.APPROVE, Outcome.REJECT),
    ApplicationKind.TIPOFF: (Outcome.SUBSTANTIATED, Outcome.UNFOUNDED),
    ApplicationKind.COMMITMENT: (Outcome.CONFIRM, Outcome.DECLINE),
}


class ComplaintCategory(models.TextChoices):
    """What a complaint about the platform's handling is about (seed 000 四(十), seed 001 第六章: 投诉办理)."""

    SLOW = "slow", "办理超时"
    WRONG = "wrong", "处理错误"
    DISCOURTEOUS = "discourteous", "服务态度"
    OTHER = "other", "其他"


class ComplaintState(models.TextChoices):
    SUBMITTED = "submitted", "待答复"
    ANSWERED = "answered", "已答复"


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", "投诉属实，已整改"
    PARTLY = "partly", "部分属实，已整改"
    UNFOUNDED = "unfounded", "投诉不属实"
