"""Subject accounts and their grants in the admin, read-only: changes go through the workbench's services.
Built for millions of accounts (one per company that signs up): filters and searches on indexes, capped
counts."""

from django.contrib import admin

from audit.admin_mixins import ReadOnlyAdminMixin
from core.paging import BigTableAdminMixin

from .models import AccountGrant, SubjectAccount


@admin.register(SubjectAccount)
class SubjectAccountAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "email", "kind", "state", "created_at"]
    list_filter = ["state"]  # account_state_recent_idx
    search_fields = ["=email"]
    search_help_text = "输入完整的电子邮箱。"
    exclude = ["user"]


@admin.register(AccountGrant)
class AccountGrantAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["account", "subject", "role", "state", "verified_by", "decided_at"]
    list_filter = ["state"]  # account_grant_queue_idx
    list_select_related = ["account", "subject"]
    raw_id_fields = ["account", "subject"]
