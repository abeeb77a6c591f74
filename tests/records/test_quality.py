import datetime
import json

import pytest
import time_machine
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from organisations.services import staff_create
from records.models import CalendarDay, QualityReport
from records.quality import default_period, quality_reports_compute
from records.tasks import quality_reports_compute_task
from tests.records.helpers import xzcf_item

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def push(api, items):
    return api.post("/api/v1/records/", data=json.dumps(items), content_type="application/json")


def test_quality_counts_and_timeliness_in_working_days(api, department):
    with time_machine.travel(datetime.datetime(2026, 10, 15, 10, tzinfo=TZ), tick=False):
        # decided 09-30: the 7th working day is 10-15 (National Day and the make-up Saturday in between)
        push(
            api,
            [
                xzcf_item(1, decided_on=datetime.date(2026, 9, 30)),
                xzcf_item(2, decided_on=datetime.date(2026, 9, 29)),
                xzcf_item(3, CF_WFXW=None),
            ],
        )
    reports = quality_reports_compute(
        period_start=datetime.date(2026, 10, 1), period_end=datetime.date(2026, 10, 31), actor=Actor.system()
    )
    assert len(reports) == 1
    report = QualityReport.objects.get(department=department)
    assert (report.received, report.accepted, report.rejected) == (3, 2, 1)
    assert report.rejected_by_reason == {"CF_WFXW": 1}
    assert (report.timely, report.timeliness_base) == (1, 2)
    assert report.timeliness_rate == 0.5


def test_admin_holiday_table_changes_the_deadline(api, department):
    with time_machine.travel(datetime.datetime(2026, 6, 10, 10, tzinfo=TZ), tick=False):
        push(api, [xzcf_item(1, decided_on=datetime.date(2026, 6, 1))])  # 7th working day: 06-10
    period = {"period_start": datetime.date(2026, 6, 1), "period_end": datetime.date(2026, 6, 30)}
    quality_reports_compute(**period, actor=Actor.system())
    assert QualityReport.objects.get().timely == 1
    CalendarDay.objects.create(day=datetime.date(2026, 6, 6), kind="workday", name="演示调休")  # deadline → 06-09
    quality_reports_compute(**period, actor=Actor.system())
    assert QualityReport.objects.get().timely == 0


def test_recomputing_replaces_the_period_report():
    period = default_period(datetime.date(2026, 11, 25))
    assert period == (datetime.date(2026, 10, 27), datetime.date(2026, 11, 25))
    quality_reports_compute(period_start=period[0], period_end=period[1], actor=Actor.system())
    quality_reports_compute(period_start=period[0], period_end=period[1], actor=Actor.system())
    assert QualityReport.objects.count() == 0


def test_recompute_requested_in_the_workbench_is_audited_as_the_person(client, django_capture_on_commit_callbacks):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    client.login(username="centre", password="Centre-Pass-2026")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/workbench/quality/recompute/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="quality.compute")
    assert (event.actor_type, event.actor_label, event.client_ip) == ("user", "centre", "10.1.2.3")
    assert event.actor_id == str(client.session["_auth_user_id"])

    # The nightly run, with no one asking, stays the system's.
    quality_reports_compute_task()
    nightly = AuditEvent.objects.filter(action="quality.compute").latest("pk")
    assert (nightly.actor_type, nightly.actor_label) == ("system", "数据质量统计")
