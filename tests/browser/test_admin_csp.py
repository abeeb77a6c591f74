"""The admin's scripts run in a real Chromium under script-src 'self' (no 'unsafe-inline'): inline rows
are added, the action checkboxes work, and the browser reports no Content-Security-Policy violation."""

import datetime

import pytest
from django.db import transaction

from audit.services import Actor
from records.models import CalendarDay, RecordType
from subjects.services import staff_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_scripts_run_under_the_strict_script_policy(live_server, page, reference_data):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    record_type = RecordType.objects.get(code="xzcf")
    CalendarDay.objects.create(day=datetime.date(2031, 5, 1), kind="holiday", name="劳动节")
    CalendarDay.objects.create(day=datetime.date(2031, 5, 2), kind="holiday", name="劳动节")
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)

    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("centre")
    page.locator("#id_password").fill("Centre-Pass-2026")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto(f"{live_server.url}/admin/records/recordtype/{record_type.pk}/change/")
    rules = page.locator("#severity_rules-group tr.form-row:not(.empty-form)")
    before = rules.count()
    # inlines.js draws the "add another" link and adds the row: nothing of it works without the script.
    page.locator("#severity_rules-group .add-row a").click()
    assert rules.count() == before + 1

    page.goto(f"{live_server.url}/admin/records/calendarday/")
    page.locator("#action-toggle").check()
    # actions.js ticks every row and counts the selection.
    assert page.locator("input.action-select:checked").count() == page.locator("input.action-select").count() > 0
    assert page.locator(".action-counter").is_visible()
    assert violations == []
