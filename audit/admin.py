"""The audit trail in the admin: read-only, for the auditor role (admins do not audit themselves)."""

from django.contrib import admin
from django.db.models import Q

from core.paging import BigTableAdminMixin

from .admin_mixins import ReadOnlyAdminMixin
from .choices import ActorType
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The trail grows by every change of the platform (millions of rows): filters on indexed columns, the
    search by exact identifiers on ``audit_object_idx`` / ``audit_actor_idx`` / the action index, no count of
    the whole table."""

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
    search_fields = ["=object_id", "=actor_id", "=action"]  # the search itself is get_search_results (below)
    search_help_text = "输入对象标识、操作者标识或动作（完全一致）。"
    date_hierarchy = "occurred_at"
    list_per_page = 50
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_search_results(self, request, queryset, search_term):
        """Exact identifiers only, each arm on an index: object and actor ids sit second in their indexes, so
        the (few) types are named to put the first column in the condition. A ``LIKE '%…%'`` over the labels
        read the whole trail."""
        term = search_term.strip()
        if not term:
            return queryset, False
        object_types = queryset.model.objects.object_types()
        by_object = Q(object_type__in=object_types, object_id=term)
        by_actor = Q(actor_type__in=ActorType.values, actor_id=term)
        return queryset.filter(by_object | by_actor | Q(action=term)), False
