"""Public-site content: news and policy articles (信用动态, 政策法规), edited in the admin."""

from django.db import models
from django.utils import timezone


class ArticleCategory(models.TextChoices):
    NEWS = "news", "信用动态"
    POLICY = "policy", "政策法规"


class Article(models.Model):
    category = models.CharField("栏目", max_length=16, choices=ArticleCategory.choices)
    title = models.CharField("标题", max_length=200)
    source = models.CharField("来源", max_length=100, blank=True)
    body = models.TextField("正文", help_text="纯文本，空行分段")
    published_at = models.DateTimeField("发布时间", default=timezone.now, db_index=True)
    is_published = models.BooleanField("发布", default=True)

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "信用动态与政策法规"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.split("\n\n") if part.strip()]


class CreditReport(models.Model):
    """A 公共信用信息报告 as issued: number, verification code (stored as a keyed hash), the PDF and its
    SHA-256, and the fingerprint of the public content it shows (to reuse a report of the same content)."""

    number = models.CharField("报告编号", max_length=32, unique=True)
    subject = models.ForeignKey("subjects.CreditSubject", on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField("验证码摘要", max_length=64)
    content_fingerprint = models.CharField("内容指纹", max_length=64)
    pdf_sha256 = models.CharField("PDF 摘要（SHA-256）", max_length=64)
    file = models.FileField("文件", upload_to="reports/%Y/%m/")
    size = models.PositiveIntegerField("大小（字节）")
    issued_at = models.DateTimeField("出具时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "信用报告"
        verbose_name_plural = "信用报告"
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["subject", "content_fingerprint", "-issued_at"], name="report_reuse_idx")]

    def __str__(self) -> str:
        return self.number


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


class Application(models.Model):
    """An objection (异议), credit repair (信用修复) or whistle-blowing report (失信举报), handled in working-day
    deadlines. A whistle-blower's identity is seen by the handling staff only, never by the subject or the
    public (seed 000 四(八), seed 003 item 59).

    The state changes only through ``disclosure.services``; every transition is an ``ApplicationEvent``.
    The query code is kept as a keyed hash, like a password.
    """

    kind = models.CharField("类型", max_length=16, choices=ApplicationKind.choices)
    state = models.CharField(
        "状态", max_length=16, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED
    )
    receipt_number = models.CharField("受理编号", max_length=24, unique=True)
    query_code_hash = models.CharField("查询码摘要", max_length=64)
    submission_key = models.CharField("提交标识", max_length=64, unique=True, help_text="同一表单重复提交只受理一次")
    subject = models.ForeignKey("subjects.CreditSubject", on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(
        "records.CreditRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="异议、修复所针对的记录；举报没有",
    )
    department = models.ForeignKey("subjects.Department", on_delete=models.PROTECT, related_name="applications")
    ground = models.CharField("异议理由", max_length=16, choices=ObjectionGround.choices, blank=True)
    explanation = models.TextField("说明")
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_phone = models.CharField("联系电话", max_length=32)
    applicant_email = models.EmailField("电子邮箱", blank=True)
    commitment_signed = models.BooleanField("已签署承诺书", default=False)
    obligations_fulfilled = models.BooleanField("已履行法定义务", default=False)
    outcome = models.CharField("处理结果", max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("处理说明", blank=True)
    submitted_on = models.DateField("提交日期")
    accept_due = models.DateField("受理时限")
    department_due = models.DateField("部门办理时限", null=True, blank=True)
    answer_due = models.DateField("答复时限")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "异议与修复申请"
        verbose_name_plural = "异议与修复申请"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "accept_due"], name="application_queue_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.receipt_number}"


class ApplicationEvent(models.Model):
    """One transition of an application: who, when, from which state to which, and why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=16, choices=ApplicationState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=ApplicationState.choices)
    actor_label = models.CharField("操作者", max_length=150)
    reason = models.TextField("说明", blank=True)
    occurred_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_state}→{self.to_state}"


class Evidence(models.Model):
    """A supporting file, stored outside the web root and served only to the staff handling the case."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("类型", max_length=64)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("摘要", max_length=64)

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.original_name


class OpenDataScope(models.TextChoices):
    INCREMENT = "increment", "日增量"
    FULL = "full", "月全量"
    SNAPSHOT = "snapshot", "当前名单"


class OpenDataFile(models.Model):
    """One open-data CSV file (数据开放, as 信用中国 publishes it): generated in the background per kind and
    period, stored under ``OPENDATA_ROOT`` and served from disk with its checksum (issue 12: a year of
    penalties built inside a request took 73 s and was cut by the worker timeout).

    ``kind`` is a 双公示 type code (``xzcf``/``xzxk``) or a list type code; ``period_start``..``period_end`` is
    one day (increment, snapshot) or one month (full). Regenerating a period replaces its file and this row."""

    kind = models.CharField("数据类别", max_length=64)
    scope = models.CharField("范围", max_length=16, choices=OpenDataScope.choices)
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    generated_at = models.DateTimeField("生成时间", default=timezone.now)
    rows = models.PositiveIntegerField("记录数", default=0)
    bytes = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    path = models.CharField("存储路径", max_length=255, help_text="相对 OPENDATA_ROOT")
    # Set when a record of the period changed or left the public site after the file was written: the file is
    # written again by ``opendata_stale_task`` (every few minutes), so it never keeps publishing what is hidden.
    stale_since = models.DateTimeField("待重新生成", null=True, blank=True)

    class Meta:
        verbose_name = "开放数据文件"
        verbose_name_plural = "开放数据文件"
        ordering = ["kind", "-period_start", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope", "period_start"], name="opendata_kind_scope_period_uniq")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        if self.scope == OpenDataScope.FULL:
            return f"{self.kind}-{self.period_start:%Y-%m}-full.csv"
        return f"{self.kind}-{self.period_start:%Y-%m-%d}-{self.scope}.csv"
