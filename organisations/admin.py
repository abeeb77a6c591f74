"""Admin of departments and staff roles, for the credit centre."""

from django import forms
from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin

from .models import Department, StaffRole
from .services import registers_normalize


class DepartmentAdminForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "uscc", "level", "registers", "sector", "division", "parent", "is_active"]

    def clean_registers(self):
        """Accept "51" or "1,5" as typed; store the canonical sorted codes."""
        try:
            return registers_normalize(self.cleaned_data.get("registers", ""))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = DepartmentAdminForm
    list_display = ["code", "name", "level", "registers", "division", "parent", "is_active"]
    list_filter = ["level", "is_active", "registers"]
    search_fields = ["code", "name", "uscc"]
    autocomplete_fields = ["parent"]
    raw_id_fields = ["division"]


# Staff accounts and their roles are created by the create_staff command, which audits the grant.
@admin.register(StaffRole)
class StaffRoleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "department", "granted_at"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "department__name"]
