from django.db import models

from core import vocabulary as v


class Colour(models.TextChoices):
    RED = v.RED, "守信激励（红名单）"
    BLACK = v.BLACK, "失信惩戒（黑名单）"
    WATCH = v.WATCH, "重点关注"
    # 一般失信 (seed 004 四（三）): measures that warn (提醒, 约谈, 告诫); the credit status stays 正常.
    NOTICE = v.NOTICE, "提醒告诫（一般失信）"


class CreditStatusValue(models.TextChoices):
    RED = v.STATUS_RED, "守信"
    NORMAL = v.STATUS_NORMAL, "正常"
    WATCH = v.STATUS_WATCH, "重点关注"
    BLACK = v.STATUS_BLACK, "失信"


class MembershipState(models.TextChoices):
    ACTIVE = v.MEMBERSHIP_ACTIVE, "在列"
    SUSPENDED = v.MEMBERSHIP_SUSPENDED, "暂停"
    ENDED = v.MEMBERSHIP_ENDED, "已移出"


class EndReason(models.TextChoices):
    EXPIRED = v.END_EXPIRED, "期满移出"
    REPAIRED = v.END_REPAIRED, "信用修复"
    SOURCE_REVOKED = v.END_REVOKED, "据以列入的记录被撤销"
    RULE = v.END_RULE, "列入条件不再满足"
    DECISION = v.END_DECISION, "认定机关决定移出"


class MembershipChangeKind(models.TextChoices):
    OPENED = "opened", "列入"
    UPDATED = "updated", "变更"
    SUSPENDED = "suspended", "暂停"
    RESUMED = "resumed", "恢复"
    ENDED = "ended", "移出"


class MeasureKind(models.TextChoices):
    REWARD = "reward", "激励"
    PUNISHMENT = "punishment", "惩戒"


class MeasureClass(models.TextChoices):
    """The three classes of the national list of punishment measures (全国失信惩戒措施基础清单)."""

    RIGHTS = "rights", "减损权益或增加义务的措施"
    MANAGEMENT = "management", "管理性措施"
    MARKET = "market", "市场和行业自律措施"
    INCENTIVE = "incentive", "守信激励措施"


class Scenario(models.TextChoices):
    LICENSING = "licensing", "行政许可"
    PROCUREMENT = "procurement", "政府采购"
    BIDDING = "bidding", "招标投标"
    SUBSIDY = "subsidy", "财政资金/补贴"
    HONOURS = "honours", "评先评优"
    APPOINTMENT = "appointment", "任职资格"
    LAND = "land", "国有土地出让"
    FINANCING = "financing", "融资信贷"
    SUPERVISION = "supervision", "日常监管"


class FeedbackResult(models.TextChoices):
    APPLIED = "applied", "已实施"
    NOT_APPLIED = "not_applied", "未实施"
