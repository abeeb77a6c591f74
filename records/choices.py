from django.db import models

from core import vocabulary as v


class CatalogCategory(models.TextChoices):
    """The 11 categories of the national public credit information catalog (全国公共信用信息基础目录)."""

    REGISTRATION = "registration", "登记注册基本信息"
    JUDICIAL = "judicial", "司法裁判及执行信息"
    ADMINISTRATIVE = "administrative", "行政管理信息"
    QUALIFICATION = "qualification", "职称和职业资格信息"
    ABNORMAL_OPERATION = "abnormal_operation", "经营（活动）异常名录信息"
    SERIOUS_DISHONESTY = "serious_dishonesty", "严重失信主体名单信息"
    CONTRACT = "contract", "合同履行信息"
    COMMITMENT = "commitment", "信用承诺及履行情况信息"
    EVALUATION = "evaluation", "信用评价结果信息"
    HONOUR = "honour", "诚实守信相关荣誉信息"
    VOLUNTARY = "voluntary", "市场主体自愿提供的信用信息"


class Polarity(models.TextChoices):
    POSITIVE = "positive", "守信（正面）"
    NEGATIVE = "negative", "失信（负面）"
    NEUTRAL = "neutral", "中性"


class DisclosureLevel(models.TextChoices):
    PUBLIC = v.DISCLOSURE_PUBLIC, "社会公开"
    GOVERNMENT = v.DISCLOSURE_GOVERNMENT, "政务共享"
    RESTRICTED = v.DISCLOSURE_RESTRICTED, "授权查询"


class DisclosureRule(models.TextChoices):
    SEVERITY_REGIME = v.RULE_SEVERITY_REGIME, "按失信程度和公示规则（行政处罚）"
    FIXED_PERIOD = v.RULE_FIXED_PERIOD, "自决定日起固定期限"
    LISTING_PERIOD = v.RULE_LISTING_PERIOD, "自认定日起至有效期截止"


class SubjectTab(models.TextChoices):
    """The tabs of the public subject page, in the order 信用中国 shows them. A record type names the tab its
    records appear on; the 守信激励 and 失信惩戒 tabs show the red and black list memberships a type's records
    give (the records themselves are reached through the listing)."""

    XZXK = "xzxk", "行政许可"
    XZCF = "xzcf", "行政处罚"
    RED = v.RED, "守信激励"
    BLACK = v.BLACK, "失信惩戒"
    JYYC = "jyyc", "经营异常"
    XYCN = "xycn", "信用承诺"
    OTHER = "other", "其他"


class FieldType(models.TextChoices):
    TEXT = "text", "文本"
    DATE = "date", "日期"
    DECIMAL = "decimal", "数值"
    ENUM = "enum", "枚举"
    IDENTIFIER = "identifier", "代码"


class FieldRequirement(models.TextChoices):
    ALWAYS = "always", "必填"
    ORGANISATION = "organisation", "法人及非法人组织、个体工商户必填"
    NATURAL_PERSON = "natural_person", "自然人必填"
    OPTIONAL = "optional", "选填"


class Severity(models.TextChoices):
    """Grades of dishonesty: seed 004 四(三) has 一般/较重/严重; the national repair rules add 轻微."""

    MINOR = v.MINOR, v.SEVERITY_LABELS[v.MINOR]
    GENERAL = v.GENERAL, v.SEVERITY_LABELS[v.GENERAL]
    SERIOUS = v.SERIOUS, v.SEVERITY_LABELS[v.SERIOUS]
    SEVERE = v.SEVERE, v.SEVERITY_LABELS[v.SEVERE]


class SeveritySource(models.TextChoices):
    """Where a record's severity came from (stored with it, so a correction knows whether to re-derive it)."""

    UNKNOWN = "", "未记录"  # records stored before the source was kept, until ``records_redecide`` fills it
    DEPARTMENT = v.SEVERITY_FROM_DEPARTMENT, "部门认定"
    RULE = v.SEVERITY_FROM_RULE, "按失信程度规则"
    TYPE_DEFAULT = v.SEVERITY_FROM_TYPE, "类型默认"
    FALLBACK = v.SEVERITY_FROM_FALLBACK, "未能认定，按一般"


class RecordStatus(models.TextChoices):
    PENDING_REVIEW = v.RECORD_PENDING_REVIEW, "待审核"
    UNMATCHED = v.RECORD_UNMATCHED, "待匹配"
    ACTIVE = v.RECORD_ACTIVE, "有效"
    REJECTED = v.RECORD_REJECTED, "审核未通过"
    REVOKED = v.RECORD_REVOKED, "已撤销"
    REPAIRED = v.RECORD_REPAIRED, "已修复"


class RecordChange(models.TextChoices):
    """What made a record's version (``RecordVersion.change``), as its history shows it."""

    CREATE = "create", "新增"
    UPDATE = "update", "更新"
    APPROVE = "approve", "审核通过"
    REJECT = "reject", "审核退回"
    RESUBMIT = "resubmit", "修改后重新提交"
    REVOKE = "revoke", "撤销"
    MATCH = "match", "匹配信用主体"
    OBJECTION = "objection", "异议标记"
    CORRECT = "correct", "更正"
    FULFILMENT = "fulfilment", "登记履约情况"
    REPAIR = "repair", "信用修复"
    REDECIDE = "redecide", "公示规则重算"


class Channel(models.TextChoices):
    """How a record arrives. A catalog entry may reserve its type to one channel (``RecordType.write_channel``)."""

    API = "api", "接口报送"
    FORM = "form", "在线填报"
    UPLOAD = "upload", "表格导入"
    BATCH = "batch", "批量接口"
    #: The results of random inspections, entered on the plan they belong to (supervision app, issue 15).
    SUPERVISION = "supervision", "双随机抽查结果录入"


class IngestOutcome(models.TextChoices):
    CREATED = "created", "新增"
    UPDATED = "updated", "更新"
    UNCHANGED = "unchanged", "未变化"
    REJECTED = "rejected", "拒收"


class BatchState(models.TextChoices):
    QUEUED = "queued", "排队中"
    VALIDATING = "validating", "校验中"
    VALIDATED = "validated", "校验完成"
    IMPORTING = "importing", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class BulkReviewState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "审核中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class BulkDecision(models.TextChoices):
    APPROVE = "approve", "通过"
    REJECT = "reject", "退回"


class RedecideState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "重算中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休息）"
    WORKDAY = "workday", "调休上班日"


class ObjectionState(models.TextChoices):
    """Whether a record is under objection (异议); set by the services of the rights app."""

    NONE = v.OBJECTION_NONE, "无"
    PENDING = v.OBJECTION_PENDING, "异议处理中"
    SUSPENDED = v.OBJECTION_SUSPENDED, "异议处理中（暂停公示）"
