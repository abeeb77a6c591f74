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
    SHA-256, and the fingerprint of the public content it shows (to reuse a report of the same content).

    A 联合奖惩核查结果单 (variant ``check``: a department's check of one or more subjects, issue 16) is numbered
    and verified the same way: it names its check instead of one subject."""

    number = models.CharField("报告编号", max_length=32, unique=True)
    variant = models.CharField(
        "报告类型",
        max_length=8,
        choices=[
            ("public", "公共信用信息报告"),
            ("self", "信用信息自查报告（本主体查询）"),
            ("check", "联合奖惩核查结果单"),
        ],
        default="public",
    )
    subject = models.ForeignKey(
        "subjects.CreditSubject", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    check_ref = models.OneToOneField(
        "sanctions.Check",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_column="check_id",
        verbose_name="核查",
    )
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(variant="check", subject__isnull=True, check_ref__isnull=False)
                | (~models.Q(variant="check") & models.Q(subject__isnull=False, check_ref__isnull=True)),
                name="report_of_a_subject_or_a_check",
                violation_error_message="信用报告属于一个主体，核查结果单属于一次核查。",
            )
        ]

    def __str__(self) -> str:
        return self.number


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
