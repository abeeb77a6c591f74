"""Admin of supervision (credit centre): every department's inspector pool (audited, never deleted), and the plans
with their drawn subjects, read-only (plans are made and drawn by the departments in the workbench)."""

from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin

from .models import InspectionPlan, InspectionTarget, Inspector


@admin.register(Inspector)
class InspectorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["staff_number", "name", "department", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["=staff_number", "name"]
    fields = ["department", "name", "staff_number", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["department", "staff_number"] if obj else []


class InspectionTargetInline(admin.TabularInline):
    model = InspectionTarget
    fields = ["position", "uscc", "grade", "inspector_numbers", "result", "inspected_on", "record"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "department", "state", "population_size", "drawn_at", "finished_at"]
    list_filter = ["state", "department"]
    search_fields = ["title"]
    exclude = ["population"]
    inlines = [InspectionTargetInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("population")  # a million entries: the form shows none
