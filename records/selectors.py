"""Reads of the catalog and of records that services, pages and the API reuse."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from subjects.models import Department

from .models import CalendarDay, CreditRecord, DisclosureRegime, IngestBatch, RecordField, RecordType, RecordVersion
from .rules import PeriodSpec, RegimeSpec, SeverityRuleSpec
from .validation import FieldSpec, TypeSpec


@dataclass(frozen=True)
class CatalogEntry:
    """A record type with everything ingestion needs, loaded once per call."""

    record_type: RecordType
    spec: TypeSpec
    severity_rules: tuple[SeverityRuleSpec, ...]


def _type_spec(record_type: RecordType) -> TypeSpec:
    fields = tuple(
        FieldSpec(
            code=field.code,
            label=field.label,
            type=field.type,
            requirement=field.requirement,
            enum_values=tuple(field.enum_values or ()),
            multiple=field.multiple,
            max_length=field.max_length,
            identifier_scheme=field.identifier_scheme,
        )
        for field in record_type.fields.all()
    )
    return TypeSpec(
        code=record_type.code,
        fields=fields,
        subject_name_field=record_type.subject_name_field,
        subject_kind_field=record_type.subject_kind_field,
        uscc_field=record_type.uscc_field,
        citizen_id_type_field=record_type.citizen_id_type_field,
        citizen_id_field=record_type.citizen_id_field,
        registration_number_field=record_type.registration_number_field,
        organization_code_field=record_type.organization_code_field,
        record_id_fields=tuple(record_type.record_id_fields),
        decided_on_field=record_type.decided_on_field,
        end_date_field=record_type.end_date_field,
    )


def catalog_entries(*, active_only: bool = True) -> dict[str, CatalogEntry]:
    """Every record type with its fields and severity rules, keyed by code (three queries)."""
    types = RecordType.objects.prefetch_related(
        Prefetch("fields", queryset=RecordField.objects.order_by("position", "id")), "severity_rules"
    ).order_by("code")
    if active_only:
        types = types.filter(is_active=True)
    return {
        record_type.code: CatalogEntry(
            record_type=record_type,
            spec=_type_spec(record_type),
            severity_rules=tuple(
                SeverityRuleSpec(field_code=rule.field_code, value=rule.value, severity=rule.severity)
                for rule in record_type.severity_rules.all()
            ),
        )
        for record_type in types
    }


def disclosure_regimes() -> tuple[RegimeSpec, ...]:
    return tuple(
        RegimeSpec(
            code=regime.code,
            effective_from=regime.effective_from,
            effective_to=regime.effective_to,
            periods={
                period.severity: PeriodSpec(
                    severity=period.severity,
                    published=period.published,
                    min_months=period.min_months,
                    max_months=period.max_months,
                )
                for period in regime.periods.all()
            },
        )
        for regime in DisclosureRegime.objects.prefetch_related("periods")
    )


def records_visible_to(department: Department | None) -> QuerySet[CreditRecord]:
    """The records a caller may see: its own department's, or all for the credit centre (``None``)."""
    records = CreditRecord.objects.select_related("record_type", "department", "subject")
    return records if department is None else records.filter(department=department)


def record_versions(record: CreditRecord) -> list[RecordVersion]:
    return list(record.versions.order_by("version"))


def batches_visible_to(department: Department | None) -> QuerySet[IngestBatch]:
    batches = IngestBatch.objects.select_related("record_type", "department")
    return batches if department is None else batches.filter(department=department)


def calendar_overrides() -> dict:
    """Admin-entered holidays and make-up workdays, by date."""
    return dict(CalendarDay.objects.values_list("day", "kind"))
