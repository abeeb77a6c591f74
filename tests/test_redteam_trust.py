"""Independent checks of issue 10's trust boundaries (red team, trust half), on data made up here.

Each test is an attack an outsider or a confused user would try; it fails when the check it names is removed.
"""

import pytest
from django.db import transaction
from django.test import Client

from audit.db_roles import append_only_tables
from audit.services import Actor
from organisations.services import staff_create


def test_every_history_table_is_append_only_for_the_site_role():
    """audit.db_roles granted UPDATE and DELETE on every table but the audit trail: with the site's database
    credentials, record versions and membership changes — the history "nothing is lost" rests on — could be
    rewritten or deleted. Every model that keeps history declares itself (``APPEND_ONLY``)."""
    assert append_only_tables() == [
        "audit_auditevent",
        "disclosure_applicationevent",
        "evaluation_evaluationresult",
        "queries_specialqueryevent",
        "records_recordversion",
        "sanctions_membershipchange",
        "subjects_subjectaccess",
    ]


@pytest.mark.django_db
def test_password_reset_requests_are_limited_per_client(settings, mailoutbox):
    """Each reset request mails the account: unlimited, the public form floods a staff mailbox. Opening the
    form stays free; over the limit the answer is 429 with Retry-After and no mail."""
    with transaction.atomic():
        staff_create(
            username="mailed", password="Pass-12345-x", role="auditor", email="aud@example.gov.cn", actor=Actor.system()
        )
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "password_reset": (3, 3600)}
    client = Client()
    for _ in range(5):
        assert client.get("/accounts/password_reset/").status_code == 200
    answers = [client.post("/accounts/password_reset/", {"email": "aud@example.gov.cn"}).status_code for _ in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    assert len(mailoutbox) == 3
    refused = client.post("/accounts/password_reset/", {"email": "aud@example.gov.cn"})
    assert int(refused["Retry-After"]) > 0
    # Another client is not affected.
    assert (
        Client(REMOTE_ADDR="10.3.3.3").post("/accounts/password_reset/", {"email": "x@example.gov.cn"}).status_code
        == 302
    )
