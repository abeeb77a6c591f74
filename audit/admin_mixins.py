"""Admin integration: changes made in the Django admin are audited like any other change."""

from django.db import transaction
from django.forms.models import model_to_dict

from .services import Actor, audit_event_record


def client_ip(request) -> str | None:
    """The client address as seen by Django (the proxy must set REMOTE_ADDR correctly in production)."""
    return request.META.get("REMOTE_ADDR") or None


class AuditedAdminMixin:
    """Writes an audit event with before/after for every save in the admin, and refuses hard deletes."""

    def save_model(self, request, obj, form, change):
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_event_record(
                actor=Actor.for_user(request.user, client_ip=client_ip(request)),
                action=f"{obj._meta.model_name}.{'change' if change else 'create'}",
                obj=obj,
                reason="管理后台",
                before=before,
                after=model_to_dict(obj),
            )

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """For tables that only services write: the admin shows them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
