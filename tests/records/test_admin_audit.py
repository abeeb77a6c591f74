"""Changes the credit centre makes in the admin are audited as the person, deletions included, with what
was deleted kept in the event."""

import datetime

import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from organisations.services import staff_create
from records.models import CalendarDay, RecordType, SeverityRule
from tests.records.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    client.login(username="centre", password="Centre-Pass-2026")
    return client


def test_deleting_a_holiday_row_is_audited_with_the_row(admin_client):
    day = CalendarDay.objects.create(day=datetime.date(2031, 10, 11), kind="workday", name="误录调休")
    response = admin_client.post(f"/admin/records/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    event = AuditEvent.objects.get(action="calendarday.delete")
    assert event.actor_label == "centre"
    assert event.actor_type == "user"
    assert event.object_id == str(day.pk)
    assert event.before == {"id": day.pk, "day": "2031-10-11", "kind": "workday", "name": "误录调休"}


def test_deleting_holidays_from_the_list_is_audited_per_row(admin_client):
    days = [CalendarDay.objects.create(day=datetime.date(2031, 10, n), kind="holiday", name="国庆") for n in (1, 2, 3)]
    response = admin_client.post(
        "/admin/records/calendarday/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in days[:2]], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("day", flat=True)) == [datetime.date(2031, 10, 3)]
    events = AuditEvent.objects.filter(action="calendarday.delete").order_by("object_id")
    assert [e.before["day"] for e in events] == ["2031-10-01", "2031-10-02"]
    assert {e.actor_label for e in events} == {"centre"}


def test_deleting_an_inline_severity_rule_keeps_it_in_the_audit_event(admin_client):
    record_type = RecordType.objects.get(code="xzcf")
    rule = record_type.severity_rules.order_by("pk").first()
    assert rule is not None, "the catalog seeds severity rules for 行政处罚"
    kept = set(record_type.severity_rules.exclude(pk=rule.pk).values_list("pk", flat=True))
    url = f"/admin/records/recordtype/{record_type.pk}/change/"
    data = form_data(admin_client.get(url))
    prefix = next(
        key.removesuffix("-TOTAL_FORMS") for key in data if key.endswith("-TOTAL_FORMS") and "severity" in key
    )
    index = next(i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data[f"{prefix}-{i}-id"] == str(rule.pk))
    data[f"{prefix}-{index}-DELETE"] = "on"

    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert set(record_type.severity_rules.values_list("pk", flat=True)) == kept
    event = AuditEvent.objects.get(action="recordtype.change")
    assert event.actor_label == "centre"
    deleted = {"id": rule.pk, "record_type": record_type.pk, "field_code": rule.field_code, "value": rule.value}
    before_rule = next(row for row in event.before["inlines"]["severityrule"] if row["id"] == rule.pk)
    assert before_rule | deleted == before_rule
    assert before_rule["severity"] == rule.severity
    assert event.after["deleted_inlines"] == {"severityrule": [rule.pk]}
    assert rule.pk not in {row["id"] for row in event.after["inlines"]["severityrule"]}
    assert not SeverityRule.objects.filter(pk=rule.pk).exists()
