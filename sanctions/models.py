"""Consequences: list types and memberships, credit status, the measure catalog, checks and feedback.

Memberships are computed from records by ``sanctions.rules`` and are history: ending one never deletes
it, and every change is a ``MembershipChange`` row (which is also the change feed department systems read).
"""

from django.db import models
from django.db.models import Q

from organisations.choices import Sector
from organisations.models import ApiToken, Department
from records.models import CreditRecord, RecordType
from subjects.models import CreditSubject

from .choices import (
    Colour,
    CreditStatusValue,
    EndReason,
    FeedbackResult,
    MeasureClass,
    MeasureKind,
    MembershipChangeKind,
    MembershipState,
    Scenario,
)


class ListType(models.Model):
    """A red, black or watch list (名单): who issues it, on what basis, fed by which records, for how long."""

    code = models.SlugField("名单编码", max_length=32, unique=True)
    name = models.CharField("名单名称", max_length=100)
    colour = models.CharField("类别", max_length=16, choices=Colour.choices)
    authority = models.CharField("认定机关", max_length=100)
    legal_basis = models.TextField("依据")
    duration_months = models.PositiveSmallIntegerField(
        "列入期限（月）", null=True, blank=True, help_text="记录本身未载明截止日期时适用；为空表示至移出为止"
    )
    earliest_exit_months = models.PositiveSmallIntegerField("最短列入期（月）", null=True, blank=True)
    repairable = models.BooleanField("可通过信用修复移出", default=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "名单类型"
        verbose_name_plural = "名单类型"
        ordering = ["colour", "code"]

    def __str__(self) -> str:
        return self.name


class ListSource(models.Model):
    """One way into a list: records of a type, optionally with a field value and within some severities."""

    list_type = models.ForeignKey(ListType, on_delete=models.PROTECT, related_name="sources")
    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT, related_name="+")
    field_code = models.CharField("条件字段", max_length=32, blank=True)
    field_value = models.CharField("条件取值", max_length=64, blank=True)
    severities = models.JSONField("失信程度", default=list, blank=True, help_text="为空表示不限")
    use_record_end = models.BooleanField("以记录截止日期为准", default=True)

    class Meta:
        verbose_name = "列入条件"
        verbose_name_plural = "列入条件"
        ordering = ["list_type", "id"]

    def __str__(self) -> str:
        condition = f"，{self.field_code}={self.field_value}" if self.field_code else ""
        return f"{self.record_type.code}{condition}"


class Membership(models.Model):
    """A subject on a list from a start to an end, resting on records. Ended memberships stay as history."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="memberships")
    list_type = models.ForeignKey(ListType, on_delete=models.PROTECT, related_name="memberships")
    state = models.CharField("状态", max_length=16, choices=MembershipState.choices)
    started_on = models.DateField("列入日期")
    planned_end = models.DateField("计划移出日期", null=True, blank=True)
    ended_on = models.DateField("实际移出日期", null=True, blank=True)
    end_reason = models.CharField("移出原因", max_length=24, choices=EndReason.choices, blank=True)
    reason = models.TextField("列入依据")
    records = models.ManyToManyField(CreditRecord, related_name="memberships", blank=True)
    rule_version = models.CharField("规则版本", max_length=32)
    facts = models.JSONField("判定所依据的事实", default=dict)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "名单成员"
        verbose_name_plural = "名单成员"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "list_type"],
                condition=~Q(state=MembershipState.ENDED),
                name="membership_one_current_per_list",
                violation_error_message="该主体在此名单上已有未移出的记录。",
            ),
            models.CheckConstraint(
                condition=Q(state=MembershipState.ENDED, ended_on__isnull=False)
                | (~Q(state=MembershipState.ENDED) & Q(ended_on__isnull=True)),
                name="membership_ended_has_date",
                violation_error_message="移出的名单成员必须有移出日期。",
            ),
        ]
        indexes = [models.Index(fields=["list_type", "state", "-started_on"], name="membership_list_idx")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.list_type}"


class MembershipChange(models.Model):
    """Every opening, change, suspension, resumption and end: the history and the change feed."""

    # The change feed is read in id order: ids are allocated in commit order (core.bulk.feed_order_lock).
    FEED_ORDERED = True

    # The site's database role may only read and append (audit.db_roles): "nothing is lost" (DESIGN §4).
    APPEND_ONLY = True

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField("变动", max_length=16, choices=MembershipChangeKind.choices)
    state = models.CharField("变动后状态", max_length=16, choices=MembershipState.choices)
    planned_end = models.DateField("计划移出日期", null=True, blank=True)
    reason = models.TextField("原因")
    actor_label = models.CharField("操作者", max_length=150)
    occurred_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "名单变动"
        verbose_name_plural = "名单变动"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.get_kind_display()}"


class CreditStatus(models.Model):
    """A subject's summary status (守信/正常/重点关注/失信) with the reason and the rule version."""

    subject = models.OneToOneField(CreditSubject, on_delete=models.PROTECT, related_name="credit_status")
    status = models.CharField("信用状态", max_length=16, choices=CreditStatusValue.choices, db_index=True)
    reason = models.TextField("判定理由")
    rule_version = models.CharField("规则版本", max_length=32)
    since = models.DateTimeField("起始时间")
    evaluated_at = models.DateTimeField("最近评估")

    class Meta:
        verbose_name = "信用状态"
        verbose_name_plural = "信用状态"
        ordering = ["subject_id"]  # not "subject": that would join the subjects table to order

    def __str__(self) -> str:
        return f"{self.subject} {self.get_status_display()}"


class Measure(models.Model):
    """One joint reward or punishment (联合奖惩措施) of the measure catalog."""

    code = models.SlugField("措施编码", max_length=32, unique=True)
    name = models.CharField("措施名称", max_length=200)
    kind = models.CharField("类别", max_length=16, choices=MeasureKind.choices)
    measure_class = models.CharField("措施类型", max_length=16, choices=MeasureClass.choices)
    legal_basis = models.TextField("依据")
    list_types = models.ManyToManyField(ListType, verbose_name="适用名单", related_name="measures")
    sectors = models.JSONField(
        "实施部门（行业领域）",
        default=list,
        blank=True,
        help_text=f"可选：{'、'.join(Sector.values)}；为空表示在适用场景中办理业务的所有部门（如政府采购中的每个采购人）",
    )
    departments = models.ManyToManyField(Department, verbose_name="实施部门（指定）", related_name="+", blank=True)
    scenarios = models.JSONField("适用场景", default=list, help_text=f"可选：{'、'.join(Scenario.values)}")
    duration = models.CharField("实施期限", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "奖惩措施"
        verbose_name_plural = "联合奖惩措施清单"
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class Check(models.Model):
    """A department's question at a business moment: what applies to these subjects. The answer is kept."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="checks")
    scenario = models.CharField("业务场景", max_length=32, choices=Scenario.choices)
    reference = models.CharField("业务编号", max_length=100)
    subject_count = models.PositiveIntegerField("主体数")
    results = models.JSONField("核查结果快照")
    actor_label = models.CharField("核查人", max_length=150)
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("核查时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "核查"
        verbose_name_plural = "核查"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.department} {self.get_scenario_display()} {self.reference}"

    @property
    def found_count(self) -> int:
        """How many entries of the list named a subject (``subject_count`` counts every entry, an invalid code or
        an unknown name too)."""
        return sum(1 for result in self.results if result.get("found"))


class Feedback(models.Model):
    """What the department did with one measure for one subject of a check (反馈)."""

    check_ref = models.ForeignKey(Check, on_delete=models.PROTECT, related_name="feedback", db_column="check_id")
    subject_code = models.CharField("主体代码", max_length=18)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="feedback")
    result = models.CharField("实施情况", max_length=16, choices=FeedbackResult.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    actor_label = models.CharField("反馈人", max_length=150)
    created_at = models.DateTimeField("反馈时间", auto_now_add=True)

    class Meta:
        verbose_name = "反馈"
        verbose_name_plural = "反馈"
        ordering = ["check_ref", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_ref", "subject_code", "measure"],
                name="feedback_once_per_measure",
                violation_error_message="该措施已反馈。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.check_ref_id} {self.subject_code} {self.measure.code}"
