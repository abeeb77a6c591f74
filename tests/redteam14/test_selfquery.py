"""Red team (issue 14): the self-query (本主体查询) and its access-log entry."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.helpers import account_client, account_make, grant_make
from tests.rights.test_self_query import at_now

pytestmark = pytest.mark.django_db


def test_an_account_with_a_long_name_can_read_its_own_record(record_of_a):
    """The registration form accepts an account name of 200 characters; the access-log entry of a self-query is
    "<name>（法定代表人）" in a 200-character column, so the self-query (and the self report) fail with a database
    error (500) for that account."""
    penalty, _ = record_of_a
    account = account_make("long@example.com", name="长" * 200)
    grant_make(account, penalty.subject)
    browser = account_client(Client(raise_request_exception=False), account)
    with at_now():
        page = browser.get(f"/account/subjects/{penalty.subject_id}/record/")
    assert page.status_code == 200, page.status_code
