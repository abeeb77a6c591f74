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
