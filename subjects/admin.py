"""Admin of subjects, departments, staff roles and identifier conflicts, for the credit centre."""

from django.contrib import admin, messages

from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from audit.services import Actor, client_ip

from .models import (
    CreditSubject,
    Department,
    Division,
    StaffRole,
    SubjectConflict,
    SubjectIdentifier,
    SubjectNameHistory,
)
from .services import subject_conflict_resolve


class SubjectNameHistoryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SubjectNameHistory
    extra = 0
    readonly_fields = ["name", "replaced_at", "source"]


class SubjectIdentifierInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SubjectIdentifier
    extra = 0
    readonly_fields = ["scheme", "value", "created_at"]


@admin.register(CreditSubject)
class CreditSubjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Subjects change through records (``subject_resolve``: names kept as 曾用名, pages refreshed), never by
    hand in the admin."""

    list_display = ["name", "uscc", "citizen_id_masked", "kind", "division_code", "registration_status"]
    list_filter = ["kind", "registration_status"]
    search_fields = ["=uscc", "name"]
    show_full_result_count = False
    readonly_fields = ["kind", "uscc", "citizen_id_masked", "division_code", "created_at", "updated_at"]
    exclude = ["citizen_id_hash"]
    inlines = [SubjectNameHistoryInline, SubjectIdentifierInline]


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "division", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name", "uscc"]
    autocomplete_fields = ["parent"]
    raw_id_fields = ["division"]


# Staff accounts and their roles are created by the create_staff command, which audits the grant.
@admin.register(StaffRole)
class StaffRoleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "department", "granted_at"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "department__name"]


@admin.register(SubjectConflict)
class SubjectConflictAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "status", "subject", "other_subject", "source"]
    list_filter = ["status", "kind"]
    readonly_fields = [
        "kind",
        "status",
        "subject",
        "other_subject",
        "claim",
        "detail",
        "source",
        "created_at",
        "resolved_at",
        "resolution",
    ]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="标记为已处理", permissions=["change"])
    def mark_resolved(self, request, queryset):
        actor = Actor.for_user(request.user, client_ip=client_ip(request))
        for conflict in queryset.order_by("pk"):
            subject_conflict_resolve(conflict=conflict, resolution="管理员核实后关闭", actor=actor)
        messages.success(request, "已处理所选冲突。")
