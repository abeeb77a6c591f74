"""Graded evaluation: models as versioned data, the results per subject and model version, runs and files.

A model (``EvaluationModel``) has versions; its definition (dimensions, indicators, weights, caps, grade
thresholds and labels, overriding rules, scope) is JSON read by the pure engine ``evaluation.rules``. Editing
happens on a draft; publishing freezes the draft as the model's current version and re-evaluates everyone in
the background (an ``EvaluationRun``). Results are history (``EvaluationResult``, append-only: a new row when
a subject's score, grade, explanation or model version changes, never an update); a subject's current result
under a model is its latest row (``selectors.latest_results``), which departments, checks and the public site
read. A full run after a publication writes one row per subject and nothing else.
"""

from django.db import models
from django.db.models import Q

from core.fields import StoredJSONField
from organisations.choices import Sector
from subjects.models import CreditSubject

from .choices import ModelKind, ModelPurpose, RunKind, RunState, VersionState

GRADE_CHOICES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")]


class EvaluationModel(models.Model):
    """An evaluation or risk-classification model: the general one of the credit centre (公共信用综合评价,
    seed 002 item 50) or a professional one of an industry regulator (行业信用评价 and 信用风险分类, items
    50–51), with its public-display setting."""

    code = models.SlugField("模型编码", max_length=32, unique=True)
    name = models.CharField("模型名称", max_length=100)
    kind = models.CharField("模型类别", max_length=16, choices=ModelKind.choices)
    purpose = models.CharField("用途", max_length=16, choices=ModelPurpose.choices, default=ModelPurpose.EVALUATION)
    sector = models.CharField(
        "行业领域", max_length=32, choices=Sector.choices, blank=True, help_text="专业模型：制定模型的行业主管部门领域"
    )
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name="制定部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="专业模型可指定负责的部门；为空表示该行业领域的主管部门",
    )
    basis = models.TextField("依据")
    publish_grades = models.BooleanField(
        "向社会公示评价结果", default=False, help_text="否：评价结果仅供监管使用，不在公示网站和信用报告中显示"
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "评价模型"
        verbose_name_plural = "评价模型"
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ModelKind.GENERAL) | ~Q(sector=""),
                name="evaluation_model_professional_has_sector",
                violation_error_message="专业模型须指定行业领域。",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ModelVersion(models.Model):
    """One version of a model's definition. A draft is edited; a published version is frozen, and results cite
    it. At most one draft and one published (current) version per model."""

    model = models.ForeignKey(EvaluationModel, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    state = models.CharField("状态", max_length=16, choices=VersionState.choices, default=VersionState.DRAFT)
    definition = models.JSONField("模型定义")
    note = models.CharField("修订说明", max_length=300, blank=True)
    created_by = models.CharField("创建人", max_length=150)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_by = models.CharField("发布人", max_length=150, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "模型版本"
        verbose_name_plural = "模型版本"
        ordering = ["model", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "number"], name="model_version_unique_number", violation_error_message="版本号重复。"
            ),
            models.UniqueConstraint(
                fields=["model"],
                condition=Q(state=VersionState.DRAFT),
                name="model_version_one_draft",
                violation_error_message="该模型已有一个草稿版本。",
            ),
            models.UniqueConstraint(
                fields=["model"],
                condition=Q(state=VersionState.PUBLISHED),
                name="model_version_one_published",
                violation_error_message="该模型已有一个现行版本。",
            ),
            models.CheckConstraint(
                condition=Q(state=VersionState.DRAFT) | Q(published_at__isnull=False),
                name="model_version_published_has_date",
                violation_error_message="已发布的版本须有发布时间。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model.name} 第{self.number}版（{self.get_state_display()}）"


class EvaluationRun(models.Model):
    """One evaluation of every subject (periodic, after a model's publication, or asked for), worked through in
    chunks of subjects in id order from ``last_subject_id``: a run stopped by a worker restart resumes there.
    The credit centre follows its progress in the admin."""

    kind = models.CharField("类别", max_length=16, choices=RunKind.choices)
    model = models.ForeignKey(
        EvaluationModel, verbose_name="发布的模型", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        ModelVersion, verbose_name="发布的版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=16, choices=RunState.choices, default=RunState.QUEUED)
    as_of = models.DateField("评价日期", null=True, blank=True)
    total = models.PositiveIntegerField("主体总数", default=0)
    processed = models.PositiveIntegerField("已评价", default=0)
    changed = models.PositiveIntegerField("结果有变化", default=0)
    last_subject_id = models.BigIntegerField("已处理至主体ID", default=0)
    requested_by = models.CharField("发起人", max_length=150)
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "全量评价"
        verbose_name_plural = "全量评价"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def progress(self) -> str:
        return f"{self.processed}/{self.total}" if self.total else "—"


class EvaluationResult(models.Model):
    """A subject's result under a model version on a day: score, grade, the explanation (every indicator that
    counts with its value, points and the records and list memberships behind it; the overrides applied) and
    the facts used. History: a row is never changed; a new one is written when anything of it changes, and the
    latest row of a subject and model is its current result (``digest`` says whether an evaluation says
    anything new; ``grade_since`` carries the start of the grade forward while it holds)."""

    # The change feed is read in id order: ids are allocated in commit order (core.bulk.feed_order_lock).
    FEED_ORDERED = True

    # The site's database role may only read and append (audit.db_roles): "nothing is lost" (DESIGN §4).
    APPEND_ONLY = True

    # The (subject, model, id) index serves the lookups by subject; the feed reads by id. The references to this
    # app's own small tables (model, version, run: never deleted) carry no database constraint: a full run writes
    # a million rows, and each constraint is a check per row at commit; the subject's is kept.
    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="+", db_index=False)
    model = models.ForeignKey(
        EvaluationModel, on_delete=models.PROTECT, related_name="results", db_index=False, db_constraint=False
    )
    version = models.ForeignKey(
        ModelVersion, on_delete=models.PROTECT, related_name="results", db_index=False, db_constraint=False
    )
    score = models.DecimalField("得分", max_digits=7, decimal_places=2, null=True, blank=True)
    grade = models.CharField(
        "等级", max_length=1, choices=GRADE_CHOICES, blank=True, help_text="为空表示不再适用该模型"
    )
    score_grade = models.CharField("按得分的等级", max_length=1, choices=GRADE_CHOICES, blank=True)
    previous_grade = models.CharField("原等级", max_length=1, choices=GRADE_CHOICES, blank=True)
    grade_since = models.DateTimeField("等级起始时间")
    digest = models.CharField("结果摘要", max_length=32)
    explanation = StoredJSONField("评价说明")
    facts = StoredJSONField("评价所依据的事实")
    evaluated_on = models.DateField("评价日期")
    run = models.ForeignKey(
        EvaluationRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField("写入时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价结果"
        verbose_name_plural = "评价结果（历史）"
        ordering = ["-id"]
        # A subject's history, and its current result under each model (the latest id of a subject and model).
        indexes = [models.Index(fields=["subject", "model", "-id"], name="evaluation_result_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.model_id} {self.grade or '不适用'}"


class EvaluationFile(models.Model):
    """The dated CSV of one department's supervised population under one model (定期推送, seed 002 item 50),
    written in the background and served from disk to that department."""

    department = models.ForeignKey("organisations.Department", on_delete=models.PROTECT, related_name="+")
    model = models.ForeignKey(EvaluationModel, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField("日期")
    rows = models.PositiveIntegerField("主体数", default=0)
    bytes = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    path = models.CharField("存储路径", max_length=255)
    generated_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = "评价结果文件"
        verbose_name_plural = "评价结果文件"
        ordering = ["-as_of", "department", "model"]
        constraints = [
            models.UniqueConstraint(fields=["department", "model", "as_of"], name="evaluation_file_one_per_day")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return f"evaluation-{self.model.code}-{self.as_of:%Y-%m-%d}.csv"
