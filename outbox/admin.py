from django.contrib import admin

from core.paging import BigTableAdminMixin

from .models import OutboxItem


@admin.register(OutboxItem)
class OutboxItemAdmin(BigTableAdminMixin, admin.ModelAdmin):
    """Read-only: the operator sees what is pending or failed (and why); only the services write items."""

    list_display = ("id", "topic", "state", "attempts", "created_at", "next_attempt_at", "done_at", "last_error")
    # ``state`` is the only filter (pending and done have partial indexes; failed items are few); newest first
    # by id, which the primary key serves (``created_at`` has an index only over pending items).
    list_filter = ("state",)
    ordering = ("-id",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
