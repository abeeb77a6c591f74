"""The data migration that masks citizen IDs stored in clear by earlier versions (records 0006)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection

from audit.services import Actor
from records.choices import Channel
from records.models import BatchRowError, CreditRecord, IngestBatch, IngestStat, RecordVersion
from records.services import RecordInput, records_ingest
from subjects import identifiers as ids
from tests.records.helpers import AUTHORITY_USCC, xzcf_item

pytestmark = pytest.mark.django_db
migration = importlib.import_module("records.migrations.0006_mask_citizen_ids")
CLEAR = ids.make_citizen_id(division_code="220102", birth_date=datetime.date(1990, 3, 7), sequence=118)
MASKED = ids.mask_citizen_id(CLEAR)


def test_stored_clear_ids_are_masked_and_nothing_else_changes(department):
    [result] = records_ingest(
        department=department, items=[RecordInput(**xzcf_item(1))], channel=Channel.API, actor=Actor.system()
    )
    record = CreditRecord.objects.get(pk=result.record_id)
    old = {
        **record.data,
        "CF_XDR_ZJLX": "护照号",
        "CF_XDR_ZJHM": CLEAR.lower(),
        "CF_NR": f"罚款，当事人{CLEAR}",
        "CF_WSH": f"罚〔2026〕{CLEAR}号",
    }
    CreditRecord.objects.filter(pk=record.pk).update(data=old, source_id=old["CF_WSH"])
    RecordVersion.objects.filter(record=record).update(data=old)
    batch = IngestBatch.objects.create(
        department=department, channel=Channel.BATCH, file_name=f"{CLEAR}.csv", file_format="csv"
    )
    BatchRowError.objects.create(batch=batch, row_number=2, errors={"CF_JDRQ": [f"“{CLEAR}”不是有效日期"]}, data=old)
    IngestStat.objects.filter(department=department).update(rejected_by_reason={CLEAR: 1})

    migration.mask_citizen_ids(apps, connection.schema_editor())

    record.refresh_from_db()
    assert record.data["CF_XDR_ZJHM"] == MASKED
    assert record.data["CF_NR"] == f"罚款，当事人{MASKED}"
    assert record.source_id == f"罚〔2026〕{MASKED}号"
    assert record.data["CF_CFJGDM"] == AUTHORITY_USCC
    assert record.data["CF_XDR_SHXYM"] == xzcf_item(1)["data"]["CF_XDR_SHXYM"]
    assert RecordVersion.objects.get(record=record).data == record.data
    row = BatchRowError.objects.get(batch=batch)
    assert row.errors == {"CF_JDRQ": [f"“{MASKED}”不是有效日期"]}
    assert CLEAR not in str(row.data)
    batch.refresh_from_db()
    assert batch.file_name == f"{MASKED}.csv"
    assert list(IngestStat.objects.get(department=department).rejected_by_reason) == [MASKED]
