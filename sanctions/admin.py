"""Admin of list types and the measure catalog (credit centre); memberships, statuses and checks read-only."""

from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin

from .models import Check, CreditStatus, Feedback, ListSource, ListType, Measure, Membership, MembershipChange


class ListSourceInline(admin.TabularInline):
    model = ListSource
    extra = 0


@admin.register(ListType)
class ListTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "colour",
        "authority",
        "duration_months",
        "earliest_exit_months",
        "repairable",
        "is_active",
    ]
    list_filter = ["colour", "is_active"]
    search_fields = ["code", "name"]
    inlines = [ListSourceInline]


@admin.register(Measure)
class MeasureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "measure_class", "is_active"]
    list_filter = ["kind", "measure_class", "is_active"]
    search_fields = ["code", "name", "legal_basis"]
    filter_horizontal = ["list_types", "departments"]


class MembershipChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MembershipChange
    extra = 0
    fields = ["occurred_at", "kind", "state", "planned_end", "reason", "actor_label"]
    readonly_fields = fields


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Memberships follow from records through the rules; they are never edited by hand."""

    list_display = ["subject", "list_type", "state", "started_on", "planned_end", "ended_on", "end_reason"]
    list_filter = ["state", "list_type", "end_reason"]
    search_fields = ["=subject__uscc", "subject__name"]
    list_select_related = ["subject", "list_type"]
    show_full_result_count = False
    inlines = [MembershipChangeInline]


@admin.register(CreditStatus)
class CreditStatusAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "status", "since", "evaluated_at", "rule_version"]
    list_filter = ["status"]
    search_fields = ["=subject__uscc"]
    list_select_related = ["subject"]
    show_full_result_count = False


@admin.register(Check)
class CheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "department", "scenario", "reference", "subject_count", "actor_label", "created_at"]
    list_filter = ["scenario", "department"]
    date_hierarchy = "created_at"


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["check_ref", "subject_code", "measure", "result", "actor_label", "created_at"]
    list_filter = ["result", "measure"]
