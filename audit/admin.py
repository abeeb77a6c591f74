"""The audit trail in the admin: read-only, for the auditor role (admins do not audit themselves)."""

from django.contrib import admin

from .admin_mixins import ReadOnlyAdminMixin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "actor_type",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "client_ip",
    ]
    list_filter = ["actor_type", "action", "object_type", "occurred_at"]
    search_fields = ["actor_label", "actor_id", "object_id", "action"]
    date_hierarchy = "occurred_at"
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
