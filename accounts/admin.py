"""Subject accounts and their grants in the admin, read-only: changes go through the workbench's services."""

from django.contrib import admin

from audit.admin_mixins import ReadOnlyAdminMixin

from .models import AccountGrant, SubjectAccount


@admin.register(SubjectAccount)
class SubjectAccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "email", "kind", "state", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["display_name", "email"]
    exclude = ["user"]


@admin.register(AccountGrant)
class AccountGrantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["account", "subject", "role", "state", "verified_by", "decided_at"]
    list_filter = ["state", "role", "verified_by"]
    search_fields = ["account__email", "subject__name", "subject__uscc"]
    raw_id_fields = ["account", "subject"]
