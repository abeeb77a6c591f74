"""Admin of list types and the measure catalog (credit centre); memberships, statuses and checks read-only."""

from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from core.paging import BigTableAdminMixin
from records.admin import PolicyChangeAdminMixin
from subjects.selectors import subject_ids_for_staff_search

from .models import Check, CreditStatus, Feedback, ListSource, ListType, Measure, Membership, MembershipChange


class ListSourceInline(admin.TabularInline):
    model = ListSource
    extra = 0


@admin.register(ListType)
class ListTypeAdmin(PolicyChangeAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
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
    policy_reevaluate_all = True  # new durations or sources change no record, but every subject the list may hold

    def policy_before(self, obj):
        return set(ListSource.objects.filter(list_type=obj).values_list("record_type__code", flat=True))

    def policy_record_types(self, obj, form, formsets, change, before):
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            after = set(ListSource.objects.filter(list_type=obj).values_list("record_type__code", flat=True))
            return sorted(before | after) or None
        return None


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


class SubjectSearchMixin:
    """The search of a changelist of rows that refer to a subject: by the subject's USCC or a fragment of its
    name, both found on the subjects' indexes first and then matched by ``subject_id`` (the admin's own search
    ORed a joined code with a joined ``UPPER(name) LIKE``, which no index serves)."""

    search_fields = ["subject_id"]  # shows the search box; the search itself is get_search_results
    search_help_text = "输入统一社会信用代码，或名称中的连续文字（最多匹配1000个主体）。"

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(subject_id__in=subject_ids_for_staff_search(search_term)), False


@admin.register(Membership)
class MembershipAdmin(BigTableAdminMixin, SubjectSearchMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Memberships follow from records through the rules; they are never edited by hand."""

    list_display = ["subject", "list_type", "state", "started_on", "planned_end", "ended_on", "end_reason"]
    # ``membership_list_idx`` (list type, state, started_on) serves both; the end reason has no index.
    list_filter = ["list_type", "state"]
    list_select_related = ["subject", "list_type"]
    inlines = [MembershipChangeInline]


@admin.register(CreditStatus)
class CreditStatusAdmin(BigTableAdminMixin, SubjectSearchMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "status", "since", "evaluated_at", "rule_version"]
    list_filter = ["status"]
    list_select_related = ["subject"]


@admin.register(Check)
class CheckAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "department", "scenario", "reference", "subject_count", "actor_label", "created_at"]
    list_filter = ["department"]  # the scenario has no index
    date_hierarchy = "created_at"


@admin.register(Feedback)
class FeedbackAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["check_ref", "subject_code", "measure", "result", "actor_label", "created_at"]
    list_filter = ["measure"]  # the result has no index
