"""Admin of the catalog, disclosure regimes and holiday table (credit centre), and read-only record views."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet

from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from audit.services import Actor, client_ip
from core.paging import BigTableAdminMixin
from subjects.selectors import subject_id_for_uscc

from .models import (
    CalendarDay,
    CreditRecord,
    DisclosureRegime,
    IngestBatch,
    QualityReport,
    RecordField,
    RecordType,
    RecordVersion,
    Redecision,
    RegimePeriod,
    SeverityRule,
)
from .redecisions import redecision_request, regime_types

#: The record type's columns that are publication policy: a change recomputes the stored decisions.
TYPE_POLICY_FIELDS = {"polarity", "disclosure_rule", "disclosure_months", "default_severity", "end_date_field"}


class PolicyChangeAdminMixin:
    """A saved change to publication or list policy asks for the stored decisions it touches to be recomputed
    (records.redecisions), in the admin's transaction: committed with the change, or not at all."""

    #: Re-evaluate the subjects of every record concerned even when its decision stays (list rules).
    policy_reevaluate_all = False

    def policy_before(self, obj) -> object:
        """What ``policy_record_types`` needs of the object as it was before the inlines were saved."""
        return None

    def policy_record_types(self, obj, form, formsets, change, before) -> list[str] | None:
        """The record types whose decisions the change touches ([] = every type), or None: nothing to redo."""
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        before = self.policy_before(form.instance)
        super().save_related(request, form, formsets, change)
        types = self.policy_record_types(form.instance, form, formsets, change, before)
        if types is not None:
            redecision = redecision_request(
                record_types=types,
                reason=f"{form.instance._meta.verbose_name}“{form.instance}”变更",
                actor=Actor.for_user(request.user, client_ip=client_ip(request)),
                reevaluate_all=self.policy_reevaluate_all,
            )
            self.message_user(
                request, f"规则已变更：已有记录将在后台重算（公示决定重算 #{redecision.pk}），进度见“公示决定重算”。"
            )


class RecordFieldFormSet(BaseInlineFormSet):
    """The type's fields as saved with it: the type's field mapping must name them (``mapping_problems``)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        fields = {
            form.cleaned_data["code"]: (form.cleaned_data["type"], form.cleaned_data["requirement"])
            for form in self.forms
            if form.cleaned_data.get("code")
        }
        problems = self.instance.mapping_problems(fields)
        if problems:
            raise ValidationError(problems)


class RecordFieldInline(admin.TabularInline):
    """A type's fields: what departments report (code to help text) and where the public sees it (the public
    name to the open-data column; empty: not shown there). Adding a public field is one row here."""

    model = RecordField
    formset = RecordFieldFormSet
    extra = 0
    fields = [
        "position",
        "code",
        "label",
        "type",
        "requirement",
        "enum_values",
        "multiple",
        "max_length",
        "identifier_scheme",
        "help_text",
        "public_label",
        "public_default",
        "list_column",
        "subject_page_order",
        "report_order",
        "open_data_column",
    ]
    ordering = ["position", "id"]

    def has_delete_permission(self, request, obj=None):
        # A field in use by stored records is never dropped; mark the type inactive and create a new one.
        return False


class SeverityRuleInline(admin.TabularInline):
    model = SeverityRule
    extra = 0


@admin.register(RecordType)
class RecordTypeAdmin(PolicyChangeAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "polarity",
        "disclosure_level",
        "disclosure_rule",
        "subject_tab",
        "is_active",
    ]
    list_filter = ["category", "polarity", "disclosure_level", "is_active"]
    search_fields = ["code", "name"]
    inlines = [RecordFieldInline, SeverityRuleInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "category", "polarity", "write_channel", "is_active"]}),
        (
            "公开与公示期",
            {
                "fields": [
                    "disclosure_level",
                    "subject_tab",
                    "disclosure_rule",
                    "disclosure_months",
                    "default_severity",
                    "timeliness_days",
                ]
            },
        ),
        (
            "字段映射",
            {
                "fields": [
                    "subject_name_field",
                    "subject_kind_field",
                    "uscc_field",
                    "citizen_id_type_field",
                    "citizen_id_field",
                    "registration_number_field",
                    "organization_code_field",
                    "record_id_fields",
                    "decided_on_field",
                    "end_date_field",
                ]
            },
        ),
    ]

    def policy_record_types(self, obj, form, formsets, change, before):
        rules_changed = any(formset.model is SeverityRule and formset.has_changed() for formset in formsets)
        if change and (rules_changed or TYPE_POLICY_FIELDS & set(form.changed_data)):
            return [obj.code]
        return None


class RegimePeriodInline(admin.TabularInline):
    model = RegimePeriod
    extra = 0


@admin.register(DisclosureRegime)
class DisclosureRegimeAdmin(PolicyChangeAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "effective_from", "effective_to"]
    inlines = [RegimePeriodInline]

    def policy_record_types(self, obj, form, formsets, change, before):
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            return regime_types()
        return None


@admin.register(Redecision)
class RedecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The credit centre follows the recomputations after policy changes here."""

    list_display = ["id", "reason", "record_types", "state", "progress", "changed", "created_at", "finished_at"]
    list_filter = ["state"]
    readonly_fields = [field.name for field in Redecision._meta.fields]

    @admin.display(description="进度")
    def progress(self, obj):
        return obj.progress


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("records.delete_calendarday")  # a wrong entry must be removable


class RecordVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RecordVersion
    extra = 0
    fields = ["version", "change", "status", "severity", "reason", "actor_label", "changed_at"]
    readonly_fields = fields


@admin.register(CreditRecord)
class CreditRecordAdmin(BigTableAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Records change only through services (push, review, revoke, match); the admin shows them.

    Built for tens of millions of rows: the search and the filters use indexes only, and no count reads the
    whole table (``show_full_result_count``, ``CappedCountPaginator``)."""

    list_display = ["id", "record_type", "source_id", "department", "subject", "status", "severity", "decided_on"]
    # Each filter is served by an index, so the page and its capped count read only matching rows: status
    # (``record_status_recent_idx`` for the rare states; active rows are most of the table, found at once in id
    # order), type (``record_type_recent_idx``), department (``record_unique_per_department``). Severity has
    # no index and was removed: "severe" is under 1% of the records, and its count read the whole table.
    list_filter = ["status", "record_type", "department"]
    search_fields = ["source_id"]  # the search itself is get_search_results (below)
    search_help_text = "输入统一社会信用代码（查该主体的全部记录），或部门记录编号（文书号）的开头。"
    list_select_related = ["record_type", "department", "subject"]
    inlines = [RecordVersionInline]

    def get_search_results(self, request, queryset, search_term):
        """A USCC is looked up on the subject's unique index first and its records found by subject id
        (``record_subject_facts_idx``); the record number matches by prefix on ``record_source_id_idx``.
        Before, the admin ORed ``source_id`` with a joined ``subject.uscc``, which no index serves (14 s)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        by_number = Q(source_id__startswith=term)
        subject_id = subject_id_for_uscc(term)
        return queryset.filter(Q(subject_id=subject_id) | by_number if subject_id else by_number), False


@admin.register(IngestBatch)
class IngestBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "department", "record_type", "channel", "file_name", "state", "total_rows", "created_at"]
    list_filter = ["state", "channel", "department"]


@admin.register(QualityReport)
class QualityReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "department",
        "record_type",
        "period_start",
        "period_end",
        "received",
        "rejected",
        "timely",
        "timeliness_base",
    ]
    list_filter = ["department", "record_type"]
