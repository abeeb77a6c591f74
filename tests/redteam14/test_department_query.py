"""Red team (issue 14): department queries (graded query rights) and natural persons."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from organisations.choices import TokenScope
from records.models import RecordType
from subjects import identifiers as ids
from tests.factories import api_token_issue
from tests.queries.conftest import ingest
from tests.records.helpers import xzcf_item

pytestmark = pytest.mark.django_db

CITIZEN_ID = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1979, 2, 3), sequence=451)


def test_the_query_api_masks_a_persons_name_in_the_records_too(reader, owner, grant, reference_data):
    """The query's answer masks a natural person's name in ``subject.name`` (and the query page shows only the
    masked ID), but each record's ``data`` carries the person's full name (CF_XDR_MC) as reported: the masking
    is cosmetic."""
    xzcf = RecordType.objects.get(code="xzcf")
    RecordType.objects.filter(pk=xzcf.pk).update(disclosure_level="government")
    item = xzcf_item(
        9, CF_XDR_MC="欧阳娜娜", CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=CITIZEN_ID
    )
    ingest(owner, item)
    grant(reader, xzcf)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(reader, scopes=[TokenScope.RECORDS_QUERY])[1]}")
    response = client.post(
        "/api/v1/queries/",
        json.dumps({"subject": CITIZEN_ID, "purpose": "supervision", "purpose_note": "检查"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["subject"]["name"] != "欧阳娜娜"  # masked here...
    assert len(data["records"]) == 1
    assert "欧阳娜娜" not in json.dumps(data["records"], ensure_ascii=False)  # ...but not in the records
