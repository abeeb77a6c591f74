"""Credit-based supervision (双随机、一公开 by risk class, issue 15): each department's inspector pool, its random
inspection plans (抽查任务) with the draw that cannot be re-rolled, and the subjects drawn with their results.

A plan is drawn once (``services.plan_draw``): the seed (from ``secrets``), the population snapshot (USCC and grade
of every subject drawn from, and its SHA-256) and the inspector pool's snapshot are stored with the plan, so anyone
can draw again and compare (``services.plan_verify``). A result entered becomes a record of the catalog's
抽查检查结果 type through the records app's ingestion, which the public site shows and the evaluation reads.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from evaluation.models import GRADE_CHOICES, EvaluationModel
from organisations.models import Department
from records.models import CreditRecord
from subjects.choices import SubjectKind
from subjects.models import CreditSubject

from .choices import PlanState


class Inspector(models.Model):
    """One law-enforcement inspector (执法检查人员) of a department's pool (检查人员名录库). Never deleted: one who
    leaves is made inactive and drawn no more; past draws keep naming them."""

    department = models.ForeignKey(Department, verbose_name="所属部门", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=64)
    staff_number = models.CharField("执法证号/工号", max_length=32)
    is_active = models.BooleanField("在册", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "检查人员"
        verbose_name_plural = "检查人员名录"
        ordering = ["department", "staff_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "staff_number"],
                name="inspector_unique_staff_number",
                violation_error_message="本部门已有该执法证号/工号的检查人员。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_number}）"


class InspectionPlan(models.Model):
    """A random inspection plan (抽查任务) of a department over its supervised population, drawn by risk class."""

    department = models.ForeignKey(Department, verbose_name="实施部门", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("任务名称", max_length=200)
    basis = models.TextField("检查依据")
    scope = models.CharField("检查事项", max_length=500)
    model = models.ForeignKey(
        EvaluationModel, verbose_name="风险分类所用模型", on_delete=models.PROTECT, related_name="+"
    )
    subject_kinds = models.JSONField("主体类型", default=list, blank=True, help_text="为空表示不限")
    division_prefix = models.CharField("区划代码（前缀）", max_length=6, blank=True, help_text="为空表示不限")
    industry = models.CharField(
        "行业（许可证书名称包含）",
        max_length=64,
        blank=True,
        help_text="主体持有有效行政许可、许可证书名称包含该文字，如“食品”；为空表示不限",
    )
    rules = models.JSONField("分类抽取规则")
    inspectors_per_subject = models.PositiveSmallIntegerField("每户检查人员数", default=2)
    state = models.CharField("状态", max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    seed = models.CharField("随机种子", max_length=64, blank=True)
    population_hash = models.CharField("抽取范围快照 SHA-256", max_length=64, blank=True)
    population_size = models.PositiveIntegerField("抽取范围主体数", default=0)
    population = models.JSONField(
        "抽取范围快照", default=list, blank=True, help_text="[统一社会信用代码, 等级]，按代码排序"
    )
    pool = models.JSONField("检查人员快照", default=list, blank=True, help_text="抽取时在册的执法证号/工号")
    created_by = models.CharField("创建人", max_length=150)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    drawn_by = models.CharField("抽取人", max_length=150, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "抽查任务"
        verbose_name_plural = "抽查任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=PlanState.DRAFT) | (~Q(seed="") & ~Q(population_hash="") & Q(drawn_at__isnull=False)),
                name="inspection_plan_drawn_has_seed",
                violation_error_message="已抽取的任务须记录随机种子和抽取范围快照。",
            ),
            models.CheckConstraint(
                condition=Q(inspectors_per_subject__gte=1, inspectors_per_subject__lte=10),
                name="inspection_plan_inspectors_per_subject",
                violation_error_message="每户检查人员数须在1至10名之间。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kinds_display(self) -> str:
        labels = dict(SubjectKind.choices)
        return "、".join(labels.get(k, k) for k in self.subject_kinds) or "不限"


class InspectionTarget(models.Model):
    """A subject drawn by a plan, with its grade at the draw, its inspectors, and the inspection's result (the
    record it became)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="targets")
    position = models.PositiveIntegerField("抽取顺序")
    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="+")
    uscc = models.CharField("统一社会信用代码", max_length=18)
    grade = models.CharField("抽取时等级", max_length=1, choices=GRADE_CHOICES, blank=True)
    inspectors = models.ManyToManyField(Inspector, verbose_name="检查人员", related_name="+")
    inspector_numbers = models.JSONField("检查人员执法证号/工号", default=list)
    result = models.CharField("检查结果", max_length=32, blank=True)
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    findings = models.TextField("发现的问题", blank=True)
    handling = models.TextField("处理情况", blank=True)
    record = models.ForeignKey(
        CreditRecord, verbose_name="检查结果记录", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", null=True, blank=True)

    class Meta:
        verbose_name = "抽中主体"
        verbose_name_plural = "抽中主体"
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "subject"], name="inspection_target_unique_subject"),
            models.UniqueConstraint(fields=["plan", "position"], name="inspection_target_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.uscc}"

    @property
    def grade_label(self) -> str:
        return f"{self.grade} 类" if self.grade else "未评级"
