"""Admin integration: changes made in the Django admin are audited like any other change."""

from django.db import transaction
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
    ``after`` is what was really stored; ``before`` carries the inline rows as they were, so a deleted
    inline row (a severity rule, a regime period) stays readable in the trail. The admin's change view
    already runs in one transaction. An admin that allows deletes (a wrong holiday row) gets each deletion
    audited with the deleted row as ``before``.
    """

    def save_model(self, request, obj, form, change):
        request._audit_before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        changed = [formset for formset in formsets if formset.has_changed()]
        inlines_before = {formset.model._meta.model_name: _inline_rows(formset, obj) for formset in changed}
        deleted = {
            formset.model._meta.model_name: [snapshot(f.instance) for f in formset.deleted_forms if f.instance.pk]
            for formset in changed
        }
        super().save_related(request, form, formsets, change)
        inlines = {formset.model._meta.model_name: _inline_rows(formset, obj) for formset in changed}
        before = getattr(request, "_audit_before", None)
        if before is not None and inlines_before:
            before = {**before, "inlines": inlines_before}
        deleted = {name: rows for name, rows in deleted.items() if rows}
        after = {**snapshot(obj), **({"inlines": inlines} if inlines else {})}
        if deleted:
            after["deleted_inlines"] = {name: [row["id"] for row in rows] for name, rows in deleted.items()}
        audit_event_record(
            actor=Actor.for_user(request.user, client_ip=client_ip(request)),
            action=f"{obj._meta.model_name}.{'change' if change else 'create'}",
            obj=obj,
            reason="管理后台",
            before=before,
            after=after,
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            _audit_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The changelist's "delete selected" action does not run in a transaction of its own.
        with transaction.atomic():
            for obj in queryset.order_by("pk"):
                _audit_delete(request, obj)
            super().delete_queryset(request, queryset)

    def has_delete_permission(self, request, obj=None):
        return False


def _inline_rows(formset, parent) -> list[dict]:
    return [snapshot(item) for item in formset.model.objects.filter(**{formset.fk.name: parent}).order_by("pk")]


def _audit_delete(request, obj) -> None:
    audit_event_record(
        actor=Actor.for_user(request.user, client_ip=client_ip(request)),
        action=f"{obj._meta.model_name}.delete",
        obj=obj,
        reason="管理后台",
        before=snapshot(obj),
    )


class ReadOnlyAdminMixin:
    """For tables that only services write: the admin shows them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
