"""The admin's scripts run in a real Chromium under script-src 'self' (no 'unsafe-inline'): inline rows
are added, the action checkboxes work, and the browser reports no Content-Security-Policy violation."""

import datetime

import pytest
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import Actor
from organisations.services import staff_create
from records.models import CalendarDay, RecordType

pytestmark = pytest.mark.django_db(transaction=True)


def totp_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def test_admin_scripts_run_under_the_strict_script_policy(live_server, page, reference_data):
    with transaction.atomic():
        user = staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    record_type = RecordType.objects.get(code="xzcf")
    CalendarDay.objects.create(day=datetime.date(2031, 5, 1), kind="holiday", name="劳动节")
    CalendarDay.objects.create(day=datetime.date(2031, 5, 2), kind="holiday", name="劳动节")
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)

    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("centre")
    page.locator("#id_password").fill("Centre-Pass-2026")
    page.locator("input[type=submit]").click()
    # The credit-centre admin owes a second factor: the code of their authenticator, as a person types it.
    page.wait_for_url("**/accounts/two-factor/?next=*")
    page.locator("input[name=token]").fill(totp_now(device))
    page.locator("form:not(.logout) button[type=submit]").click()
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
