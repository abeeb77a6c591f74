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
