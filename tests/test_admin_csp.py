"""The admin runs with scripts from the site's own files only: no 'unsafe-inline' for scripts, and its
pages carry no inline script that such a policy would block (tests/browser/test_admin_csp.py runs them)."""

import datetime
import re

import pytest
from django.db import transaction
from django.test import Client

from audit.services import Actor
from organisations.services import staff_create
from records.models import CalendarDay, RecordType

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def directive(policy: str, name: str) -> str:
    return next(part.strip() for part in policy.split(";") if part.strip().startswith(name + " "))


def inline_scripts(html: str) -> list[str]:
    """Script tags that would execute inline code: no src, and not a JSON data block."""
    return [
        attributes
        for attributes in SCRIPT_TAG.findall(html)
        if "src=" not in attributes and "application/json" not in attributes
    ]


@pytest.fixture
def admin_client(client):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    client.login(username="centre", password="Centre-Pass-2026")
    return client


def test_admin_pages_allow_no_inline_script(admin_client):
    day = CalendarDay.objects.create(day=datetime.date(2031, 5, 1), kind="holiday", name="劳动节")
    record_type = RecordType.objects.get(code="xzcf")
    anonymous_login = Client().get("/admin/login/")
    pages = [
        anonymous_login,
        admin_client.get("/admin/"),
        admin_client.get("/admin/records/calendarday/"),
        admin_client.get(f"/admin/records/calendarday/{day.pk}/change/"),
        admin_client.get(f"/admin/records/calendarday/{day.pk}/delete/"),
        admin_client.get("/admin/records/calendarday/add/"),
        admin_client.get(f"/admin/records/recordtype/{record_type.pk}/change/"),  # with inlines
    ]
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        policy = response["Content-Security-Policy"]
        assert directive(policy, "script-src") == "script-src 'self'"
        assert "'unsafe-inline'" not in directive(policy, "default-src")
        assert inline_scripts(response.content.decode()) == [], response.request["PATH_INFO"]


def test_only_the_api_docs_keep_inline_scripts(client):
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in directive(policy, "script-src")
    assert directive(client.get("/")["Content-Security-Policy"], "script-src") == "script-src 'self'"
