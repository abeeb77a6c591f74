"""Mask the citizen ID numbers that earlier versions stored in clear (issue 10).

Before this change validation masked the document number only when the declared document type was 身份证,
and never looked inside other values: a citizen ID declared as a passport, or typed into 处罚内容, was kept in
clear in the record, in its versions, in rejected batch rows and in statistics keyed by field code. This
migration applies today's rule (``records.validation._without_citizen_ids``: every value except the
identifier fields of other schemes) to what is stored. Only rows whose text can hold an ID are read.

Left as they are: ``data_hash`` (a department re-sending such a record gets one new version, with the same
masked data) and the audit trail, which is append-only by a database trigger (its events record ids,
masked names and masked IDs; a clear ID could only be inside an organisation's name).
"""

from django.db import migrations
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from subjects import identifiers as ids

# 17 ASCII digits, or a full-width digit (as stored by PostgreSQL, or escaped in SQLite's JSON text).
CANDIDATE = r"[0-9]{17}|[０-９]|\\uff1[0-9]"
OTHER_SCHEMES = (ids.SCHEME_USCC, ids.SCHEME_REGISTRATION_NUMBER, ids.SCHEME_ORGANIZATION_CODE)
BATCH = 1000


def _kept_fields(apps) -> dict[int, set[str]]:
    """Per record type, the identifier fields of other schemes (a valid value there is not a citizen ID)."""
    RecordField = apps.get_model("records", "RecordField")
    kept: dict[int, set[str]] = {}
    for type_id, code in RecordField.objects.filter(type="identifier", identifier_scheme__in=OTHER_SCHEMES).values_list(
        "record_type_id", "code"
    ):
        kept.setdefault(type_id, set()).add(code)
    return kept


def _masked_data(data, kept: set[str]):
    if not isinstance(data, dict):
        return ids.mask_citizen_ids_deep(data)
    return {
        ids.mask_citizen_ids_in_text(str(code)): value if code in kept else ids.mask_citizen_ids_deep(value)
        for code, value in data.items()
    }


def _candidates(model, *fields):
    query = Q()
    for name in fields:
        query |= Q(**{f"_text_{name}__regex": CANDIDATE})
    annotated = model.objects.annotate(**{f"_text_{name}": Cast(name, TextField()) for name in fields})
    return annotated.filter(query).order_by("pk")


def _save(model, rows, fields):
    if rows:
        model.objects.bulk_update(rows, fields, batch_size=BATCH)


def mask_citizen_ids(apps, schema_editor):
    CreditRecord = apps.get_model("records", "CreditRecord")
    RecordVersion = apps.get_model("records", "RecordVersion")
    kept = _kept_fields(apps)

    changed = []
    for record in _candidates(CreditRecord, "data", "source_id").iterator(chunk_size=BATCH):
        data = _masked_data(record.data, kept.get(record.record_type_id, set()))
        source_id = ids.mask_citizen_ids_in_text(record.source_id)
        if source_id != record.source_id and (
            CreditRecord.objects.filter(
                department_id=record.department_id, record_type_id=record.record_type_id, source_id=source_id
            ).exists()
        ):
            source_id = f"{source_id}#{record.pk}"[:200]  # two numbers that differ only in the masked part
        if data != record.data or source_id != record.source_id:
            record.data, record.source_id = data, source_id
            changed.append(record)
        if len(changed) >= BATCH:
            _save(CreditRecord, changed, ["data", "source_id"])
            changed = []
    _save(CreditRecord, changed, ["data", "source_id"])

    changed = []
    for version in _candidates(RecordVersion, "data").select_related("record").iterator(chunk_size=BATCH):
        data = _masked_data(version.data, kept.get(version.record.record_type_id, set()))
        if data != version.data:
            version.data = data
            changed.append(version)
        if len(changed) >= BATCH:
            _save(RecordVersion, changed, ["data"])
            changed = []
    _save(RecordVersion, changed, ["data"])

    for model_name, fields in (
        ("BatchRowError", ["data", "errors"]),
        ("IngestBatch", ["file_name", "message"]),
        ("IngestStat", ["rejected_by_reason"]),
        ("QualityReport", ["rejected_by_reason"]),
    ):
        model = apps.get_model("records", model_name)
        changed = []
        for row in _candidates(model, *fields).iterator(chunk_size=BATCH):
            for name in fields:
                setattr(row, name, ids.mask_citizen_ids_deep(getattr(row, name)))
            changed.append(row)
            if len(changed) >= BATCH:
                _save(model, changed, fields)
                changed = []
        _save(model, changed, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0005_record_subject_facts_index"),
    ]

    operations = [migrations.RunPython(mask_citizen_ids, migrations.RunPython.noop, elidable=True)]
