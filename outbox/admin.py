from django.contrib import admin

from .models import OutboxItem


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    """Read-only: the operator sees what is pending or failed (and why); only the services write items."""

    list_display = ("id", "topic", "state", "attempts", "created_at", "next_attempt_at", "done_at", "last_error")
    list_filter = ("state", "topic")
    ordering = ("-created_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
