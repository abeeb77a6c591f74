"""Restricted records (政务共享, 授权查询) reach another department only through the graded query or a special
query: not through the records API, the workbench record pages or the public site — not even for a department
that holds a grant for them (a grant is used with a purpose, through the query, or not at all). The data owner
sees its own restricted records without any grant."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from disclosure import reports
from tests.factories import api_token_issue
from tests.records.helpers import company_uscc


@pytest.fixture
def granted(reader, arrears, qsxx, grant):
    """甲 holds a grant for 乙's restricted type: it must still not see the record outside a query."""
    grant(reader, qsxx)
    return arrears


def api(department) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(department)[1]}")


def listed_ids(client, **params) -> set[int]:
    response = client.get("/api/v1/records/", params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_records_api_of_another_department_never_lists_or_returns_it(reader, granted):
    client = api(reader)
    assert granted.pk not in listed_ids(client, subject=company_uscc(1))
    assert granted.pk not in listed_ids(client, record_type="qsxx")
    assert client.get(f"/api/v1/records/{granted.pk}/").status_code == 404


def test_workbench_record_pages_of_another_department_never_show_it(reader, granted, staff):
    reviewer = staff("reviewer", reader)
    listing = reviewer.get("/workbench/records/", {"subject": company_uscc(1)})
    assert listing.status_code == 200
    assert granted.source_id not in listing.content.decode()
    assert reviewer.get(f"/workbench/records/{granted.pk}/").status_code == 404


def test_the_owner_sees_its_own_restricted_record_without_any_grant(owner, arrears, staff):
    assert arrears.pk in listed_ids(api(owner), subject=company_uscc(1))
    reviewer = staff("reviewer", owner)
    assert arrears.source_id in reviewer.get("/workbench/records/").content.decode()
    assert reviewer.get(f"/workbench/records/{arrears.pk}/").status_code == 200


def test_the_public_site_never_shows_it(granted, client, monkeypatch):
    monkeypatch.setattr(reports, "pdf_render", lambda template, context: render_to_string(template, context).encode())
    uscc = company_uscc(1)
    pages = {
        "subject page": client.get(f"/subjects/{uscc}/"),
        "other tab": client.get(f"/subjects/{uscc}/", {"tab": "other"}),
        "search": client.get("/search/", {"q": uscc}),
    }
    report = client.get(f"/subjects/{uscc}/report/")
    pages["report"] = report
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = b"".join(response.streaming_content) if response.streaming else response.content
        text = text.decode()
        assert "长春测试1商贸有限公司" in text, name  # the subject is there, with its public penalty
        assert granted.source_id not in text, name
        assert "欠税" not in text, name
