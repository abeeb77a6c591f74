"""Admin of the departments' query grants (the credit centre, audited) and a read-only view of special queries."""

from django.contrib import admin
from django.utils import timezone

from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin

from .models import QueryGrant, SpecialQuery, SpecialQueryEvent


class InForceFilter(admin.SimpleListFilter):
    title = "是否在有效期内"
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", "有效"), ("no", "已失效")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        in_force = queryset.filter(is_active=True).exclude(expires_on__lt=today)
        if self.value() == "yes":
            return in_force
        if self.value() == "no":
            return queryset.exclude(pk__in=in_force.values("pk"))
        return queryset


@admin.register(QueryGrant)
class QueryGrantAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Per department and record type (or catalog category): which restricted information of other departments
    it may query, for a stated purpose, until when. Never deleted: uncheck 有效 to withdraw a grant."""

    list_display = ["department", "record_type", "category", "expires_on", "is_active", "in_force_display", "basis"]
    list_filter = [InForceFilter, "is_active", "category", "department"]
    list_select_related = ["department", "record_type"]
    search_fields = ["department__name", "department__code", "record_type__name", "record_type__code", "basis"]
    ordering = ["department__code", "pk"]

    @admin.display(description="当前有效", boolean=True)
    def in_force_display(self, grant: QueryGrant) -> bool:
        return grant.in_force


class SpecialQueryEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SpecialQueryEvent
    fields = ["occurred_at", "from_state", "to_state", "actor_label", "reason"]
    readonly_fields = fields
    extra = 0


@admin.register(SpecialQuery)
class SpecialQueryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: special queries are decided in the workbench (特殊查询), where each step is a service."""

    list_display = ["number", "department", "purpose", "state", "submitted_on", "decide_due", "valid_until"]
    list_filter = ["state", "purpose"]
    list_select_related = ["department"]
    search_fields = ["number", "department__name"]
    exclude = ["subjects", "result_record_ids"]
    inlines = [SpecialQueryEventInline]
