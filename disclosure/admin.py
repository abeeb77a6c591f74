from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin

from .models import Article


@admin.register(Article)
class ArticleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "category", "published_at", "is_published"]
    list_filter = ["category", "is_published"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
