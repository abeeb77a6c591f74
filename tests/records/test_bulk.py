"""The bulk INSERT of the ingestion hot path (COPY on PostgreSQL): values arrive exactly as sent."""

import datetime
import json
from decimal import Decimal

import pytest

from core import bulk
from records.models import CreditRecord, RecordVersion
from tests.records.helpers import xzcf_item


@pytest.mark.parametrize(
    ("value", "is_json", "text"),
    [
        pytest.param(None, False, "\\N", id="null"),
        pytest.param(None, True, "\\N", id="json-null-is-sql-null"),
        pytest.param(True, False, "t", id="true"),
        pytest.param(False, False, "f", id="false"),
        pytest.param(12, False, "12", id="integer"),
        pytest.param(Decimal("5.50"), False, "5.50", id="decimal"),
        pytest.param(datetime.date(2026, 6, 1), False, "2026-06-01", id="date"),
        pytest.param(
            datetime.datetime(2026, 6, 1, 8, 30, tzinfo=datetime.UTC), False, "2026-06-01T08:30:00+00:00", id="datetime"
        ),
        pytest.param("罚款\t5万元\n第二行\\r\r", False, "罚款\\t5万元\\n第二行\\\\r\\r", id="text-escapes"),
        pytest.param({"CF_SY": 'C:\\a "引号"'}, True, '{"CF_SY": "C:\\\\\\\\a \\\\"引号\\\\""}', id="json-backslashes"),
    ],
)
def test_copy_text_writes_copy_text_format(value, is_json, text):
    assert bulk.copy_text(value, is_json=is_json) == text


@pytest.mark.parametrize("value", [1.5, datetime.datetime(2026, 6, 1, 8, 30)], ids=["float", "naive-datetime"])
def test_copy_text_refuses_what_it_cannot_write_exactly(value):
    with pytest.raises(TypeError):
        bulk.copy_text(value)


@pytest.mark.postgres  # elsewhere bulk.insert is bulk_create
@pytest.mark.django_db
def test_pushed_data_with_backslashes_and_quotes_is_stored_as_sent(api):
    awkward = '经查：当事人 \\N 字样、"引号"、反斜杠\\和制表符后的文字'
    item = xzcf_item(1, CF_SY=awkward, CF_WSH="长市监罚〔2026〕\\1号")
    response = api.post("/api/v1/records/", data=json.dumps([item]), content_type="application/json")
    [result] = response.json()["results"]
    assert result["status"] == "created"
    record = CreditRecord.objects.get(pk=result["record_id"])
    assert record.data["CF_SY"] == awkward
    assert record.source_id == "长市监罚〔2026〕\\1号"
    assert RecordVersion.objects.get(record=record).data == record.data
    # The same item again is recognised, so what was stored is byte for byte what was hashed.
    again = api.post("/api/v1/records/", data=json.dumps([item]), content_type="application/json")
    assert again.json()["results"][0]["status"] == "unchanged"


@pytest.mark.postgres
@pytest.mark.django_db
def test_insert_gives_new_ids_from_the_table_sequence_and_round_trips_control_characters(api):
    response = api.post("/api/v1/records/", data=json.dumps([xzcf_item(1)]), content_type="application/json")
    record = CreditRecord.objects.get(pk=response.json()["results"][0]["record_id"])
    reason = "第一行\n第二行\t制表\r回车\\反斜杠"
    versions = [
        RecordVersion(record=record, version=v, change="update", status="active", data={"n": v}, reason=reason)
        for v in (2, 3)
    ]
    bulk.insert(RecordVersion, versions)
    assert all(v.pk for v in versions)
    assert versions[0].pk != versions[1].pk
    # The ORM's next row takes its id from the same sequence: no collision.
    orm = RecordVersion.objects.create(record=record, version=4, change="update", status="active", data={})
    assert orm.pk not in {v.pk for v in versions}
    stored = {v.pk: (v.reason, v.data) for v in RecordVersion.objects.filter(pk__in=[v.pk for v in versions])}
    assert stored == {versions[0].pk: (reason, {"n": 2}), versions[1].pk: (reason, {"n": 3})}


@pytest.mark.django_db
def test_update_writes_each_row_its_own_values_of_every_type(api):
    """Text with control characters, JSON, dates, NULL, booleans and foreign keys, each row its own; the other
    columns and rows untouched; ``updated_at`` moves as ``save()`` moves it."""
    items = [xzcf_item(n) for n in (1, 2, 3)]
    response = api.post("/api/v1/records/", data=json.dumps(items), content_type="application/json")
    ids = [r["record_id"] for r in response.json()["results"]]
    records = list(CreditRecord.objects.filter(pk__in=ids[:2]).order_by("pk"))
    before = {r.pk: (r.updated_at, r.source_id) for r in CreditRecord.objects.filter(pk__in=ids)}
    records[0].publication_basis, records[1].publication_basis = "第一行\n\t'引号'\\", ""
    records[0].data, records[1].data = {"n": 1, "嵌套": {"a": [1, "二"]}}, {"n": 2}
    records[0].disclosure_end, records[1].disclosure_end = datetime.date(2027, 5, 31), None
    records[0].publishable, records[1].publishable = False, True
    records[0].subject_id, records[1].subject_id = records[1].subject_id, records[0].subject_id

    fields = ["publication_basis", "data", "disclosure_end", "publishable", "subject", "updated_at"]
    bulk.update(CreditRecord, records, fields)

    stored = {r.pk: r for r in CreditRecord.objects.filter(pk__in=ids)}
    for record in records:
        row = stored[record.pk]
        assert [getattr(row, f.attname) for f in map(CreditRecord._meta.get_field, fields[:-1])] == [
            getattr(record, f.attname) for f in map(CreditRecord._meta.get_field, fields[:-1])
        ]
        assert row.updated_at > before[record.pk][0]
        assert row.source_id == before[record.pk][1]
    assert stored[ids[2]].updated_at == before[ids[2]][0]
