import pytest
from django.db import transaction

from tests.factories import DepartmentFactory, api_token_issue


@pytest.fixture
def push(client, django_capture_on_commit_callbacks):
    """Push items as a department system and run what commits trigger (the re-evaluation), as in production."""
    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    with transaction.atomic():
        _, raw = api_token_issue(department)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def _push(*items):
        import json

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/records/", data=json.dumps(list(items)), content_type="application/json")
        results = response.json()["results"]
        assert all(r["status"] in ("created", "updated") for r in results), results
        return [r["record_id"] for r in results]

    _push.client = client
    _push.department = department
    return _push
