"""The audit trail in the admin: read-only, for the auditor role (admins do not audit themselves)."""

import json

from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html

from core.paging import BigTableAdminMixin

from .admin_mixins import ReadOnlyAdminMixin
from .choices import ActorType
from .labels import action_label, action_labels, object_type_label, values_labelled
from .models import AuditEvent


class ActionFilter(admin.SimpleListFilter):
    """The actions by their Chinese labels, from the registry (not a DISTINCT over the whole trail)."""

    title = "动作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(action_labels().items(), key=lambda item: (item[1], item[0]))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    """The object types by their Chinese names, found by the skip scan of ``audit_object_idx``."""

    title = "对象类型"
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = model_admin.model.objects.object_types()
        return sorted(((code, object_type_label(code)) for code in types if code), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The trail grows by every change of the platform (millions of rows): filters on indexed columns, the
    search by exact identifiers on ``audit_object_idx`` / ``audit_actor_idx`` / the action index, no count of
    the whole table."""

    list_display = [
        "occurred_at",
        "actor_type",
        "actor_label",
        "action_display",
        "object_type_display",
        "object_id",
        "client_ip",
    ]
    list_filter = ["actor_type", ActionFilter, ObjectTypeFilter, "occurred_at"]
    search_fields = ["=object_id", "=actor_id", "=action"]  # the search itself is get_search_results (below)
    search_help_text = "输入对象标识、操作者标识或动作（完全一致）。"
    date_hierarchy = "occurred_at"
    list_per_page = 50
    readonly_fields = ["action_display", "before_display", "after_display", *(f.name for f in AuditEvent._meta.fields)]

    @admin.display(description="变更前（代码已注明含义）")
    def before_display(self, event: AuditEvent) -> str:
        return self._labelled(event.before)

    @admin.display(description="变更后（代码已注明含义）")
    def after_display(self, event: AuditEvent) -> str:
        return self._labelled(event.after)

    @staticmethod
    def _labelled(value) -> str:
        if value is None:
            return "—"
        text = json.dumps(values_labelled(value), ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    @admin.display(description="动作", ordering="action")
    def action_display(self, event: AuditEvent) -> str:
        """The action's label, with its code for those who search by it."""
        label = action_label(event.action)
        return label if label == event.action else f"{label}（{event.action}）"

    @admin.display(description="对象类型", ordering="object_type")
    def object_type_display(self, event: AuditEvent) -> str:
        return object_type_label(event.object_type) if event.object_type else "—"

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
