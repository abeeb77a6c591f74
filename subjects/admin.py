"""Admin of subjects, divisions and identifier conflicts, for the credit centre."""

from django import forms
from django.contrib import admin, messages

from audit.admin_mixins import ReadOnlyAdminMixin
from audit.services import Actor, client_ip
from core.paging import BigTableAdminMixin

from .models import CreditSubject, Division, SubjectConflict, SubjectIdentifier, SubjectNameHistory
from .selectors import subject_ids_for_staff_search
from .services import subject_conflict_resolve, subject_correct


class SubjectNameHistoryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SubjectNameHistory
    extra = 0
    readonly_fields = ["name", "replaced_at", "source"]


class SubjectIdentifierInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SubjectIdentifier
    extra = 0
    readonly_fields = ["scheme", "value", "created_at"]


class SubjectCorrectionForm(forms.ModelForm):
    """The credit centre's correction of a subject's name and registration facts; a reason is required."""

    reason = forms.CharField(
        label="更正原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="必填，写入审计记录，例如核对营业执照或登记管理部门出具的材料后更正。",
    )
    keep_former_name = forms.BooleanField(
        label="原名称保留为曾用名",
        required=False,
        initial=True,
        help_text="原名称并非该主体曾经使用的名称（如冒名报送、录入错误）时请取消勾选，以免作为曾用名公示。",
    )

    class Meta:
        model = CreditSubject
        fields = ["name", "registration_status", "legal_representative", "established_on", "address"]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写更正原因。")
        return reason


@admin.register(CreditSubject)
class CreditSubjectAdmin(BigTableAdminMixin, admin.ModelAdmin):
    """Subjects change through records (``subject_resolve``: only the registration authority of the
    subject's kind renames, names kept as 曾用名) and, as the remedy for a wrong name or fact, through the
    credit centre's correction here (``subject_correct``: reason required, audited with before and after,
    public pages refreshed at once). Subjects are never added or deleted in the admin."""

    form = SubjectCorrectionForm
    list_display = ["name", "uscc", "citizen_id_masked", "kind", "division_code", "registration_status"]
    # No list filters: kind, registration status and name source have no index, and the count of a rare
    # value read the whole register (millions of rows). The search finds a subject by code or name.
    search_fields = ["=uscc"]  # the search itself is get_search_results (below)
    search_help_text = "输入统一社会信用代码，或名称中的连续文字（最多匹配1000个主体）。"
    readonly_fields = [
        "kind",
        "uscc",
        "citizen_id_masked",
        "division_code",
        "name_source",
        "name_changed_on",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["kind", "uscc", "citizen_id_masked", "division_code", "name_source", "name_changed_on"]}),
        (
            "更正（信用中心）",
            {
                "fields": [
                    "name",
                    "registration_status",
                    "legal_representative",
                    "established_on",
                    "address",
                    "reason",
                    "keep_former_name",
                ]
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [SubjectNameHistoryInline, SubjectIdentifierInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """By USCC on its unique index, or by name on the name indexes (``subject_ids_for_staff_search``); the
        default ORed ``uscc`` with ``UPPER(name) LIKE '%…%'``, which reads every subject."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(pk__in=subject_ids_for_staff_search(search_term)), False

    def save_model(self, request, obj, form, change):
        """Not ``obj.save()``: the service compares with the stored row, keeps the former name and audits."""
        data = form.cleaned_data
        subject_correct(
            subject=CreditSubject.objects.get(pk=obj.pk),
            name=data["name"],
            registration_status=data["registration_status"],
            legal_representative=data["legal_representative"],
            established_on=data["established_on"],
            address=data["address"],
            reason=data["reason"],
            keep_former_name=data["keep_former_name"],
            actor=Actor.for_user(request.user, client_ip=client_ip(request)),
        )


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


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
