"""Admin integration: changes made in the Django admin are audited like any other change."""

from django.forms.models import model_to_dict

from .services import Actor, audit_event_record, client_ip


def snapshot(obj) -> dict:
    """The object's own fields and its many-to-many links (as primary keys), for before/after in the trail."""
    data = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields])
    for field in obj._meta.many_to_many:
        data[field.name] = sorted((obj.pk and getattr(obj, field.name).values_list("pk", flat=True)) or [])
    return data


class AuditedAdminMixin:
    """Writes an audit event with before/after for every save in the admin, and refuses hard deletes.

    The event is written in ``save_related`` — after the inlines and many-to-many links are saved — so
    ``after`` is what was really stored. The admin's change view already runs in one transaction.
    """

    def save_model(self, request, obj, form, change):
        request._audit_before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        inlines = {
            formset.model._meta.model_name: [
                snapshot(item) for item in formset.queryset.model.objects.filter(**{formset.fk.name: obj})
            ]
            for formset in formsets
            if formset.has_changed()
        }
        audit_event_record(
            actor=Actor.for_user(request.user, client_ip=client_ip(request)),
            action=f"{obj._meta.model_name}.{'change' if change else 'create'}",
            obj=obj,
            reason="管理后台",
            before=getattr(request, "_audit_before", None),
            after={**snapshot(obj), **({"inlines": inlines} if inlines else {})},
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
