from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin

from .models import Article, OpenDataFile


@admin.register(Article)
class ArticleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "category", "published_at", "is_published"]
    list_filter = ["category", "is_published"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"


@admin.register(OpenDataFile)
class OpenDataFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: files are written by the background tasks and ``opendata_generate`` only."""

    list_display = [
        "kind",
        "scope",
        "period_start",
        "period_end",
        "rows",
        "bytes",
        "generated_at",
        "stale_since",
        "sha256",
    ]
    list_filter = ["scope", "kind"]
