"""The working-day calendar warns the credit centre when the coming year's holidays are not entered (issue 16:
chinesecalendar ends with 2026, so from January 2027 deadlines would silently ignore the Spring Festival)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import override_settings

from audit.services import Actor
from organisations.services import staff_create
from records.models import CalendarDay
from records.notifications import calendar_gaps_notify
from records.selectors import calendar_missing_years
from records.tasks import calendar_gaps_task
from records.workdays import calendar_gaps, calendar_years_due
from tests.factories import DepartmentFactory

D = datetime.date
# 2026 is the last year chinesecalendar knows; from November the coming year is checked too.
LATE_2026 = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
LOCMEM = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def test_calendar_gaps_names_the_years_nobody_covers():
    assert calendar_gaps([2026, 2027], entered=set()) == [2027]  # the package covers 2026
    assert calendar_gaps([2026, 2027], entered={2027}) == []
    assert calendar_gaps([2028, 2027, 2027], entered={2027}) == [2028]


def test_the_coming_year_is_due_from_november():
    assert calendar_years_due(D(2026, 10, 31)) == [2026]
    assert calendar_years_due(D(2026, 11, 1)) == [2026, 2027]
    assert calendar_years_due(D(2027, 1, 4)) == [2027]


@pytest.mark.django_db
def test_missing_years_count_entered_holidays_only():
    today = D(2026, 11, 30)
    assert calendar_missing_years(today) == [2027]
    CalendarDay.objects.create(day=D(2027, 2, 6), kind="workday", name="春节调休")
    assert calendar_missing_years(today) == [2027]  # a make-up workday alone is not the year's arrangement
    CalendarDay.objects.create(day=D(2027, 2, 8), kind="holiday", name="春节")
    assert calendar_missing_years(today) == []
    assert calendar_missing_years(D(2028, 3, 1)) == [2028]


def _staff(username: str, role: str, email: str, department: str = ""):
    with transaction.atomic():
        return staff_create(
            username=username,
            password=f"{username.title()}-Pass-2026",
            role=role,
            department_code=department,
            email=email,
            actor=Actor.system("测试"),
        )


@pytest.fixture
def centre(db):
    return _staff("centre", "credit_admin", "centre@credit.example.gov.cn")


def _admin_index(client, username: str) -> str:
    client.login(username=username, password=f"{username.title()}-Pass-2026")
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(LATE_2026, tick=False)
def test_admin_index_warns_the_credit_centre_until_next_year_is_entered(client, centre):
    page = _admin_index(client, "centre")
    assert 'data-testid="calendar-warning"' in page
    assert "2027 年的法定节假日和调休安排尚未录入" in page
    assert "/admin/records/calendarday/" in page

    CalendarDay.objects.create(day=D(2027, 2, 8), kind="holiday", name="春节")
    assert 'data-testid="calendar-warning"' not in client.get("/admin/").content.decode()


@time_machine.travel(LATE_2026, tick=False)
def test_admin_index_warning_is_for_the_credit_centre_only(client, db):
    _staff("auditor", "auditor", "auditor@credit.example.gov.cn")
    page = _admin_index(client, "auditor")
    assert 'data-testid="calendar-warning"' not in page


@time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_no_warning_before_the_coming_year_is_due(client, centre):
    assert 'data-testid="calendar-warning"' not in _admin_index(client, "centre")


@LOCMEM
@time_machine.travel(LATE_2026, tick=False)
def test_daily_email_goes_to_the_credit_centre_admins(centre, settings):
    settings.SITE_URL = "https://credit.example.gov.cn"
    DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅")
    _staff("clerk", "clerk", "clerk@scjg.example.gov.cn", department="jl-scjg")
    _staff("second", "credit_admin", "second@credit.example.gov.cn")

    assert calendar_gaps_task() == 1
    [message] = mail.outbox
    assert message.to == ["centre@credit.example.gov.cn", "second@credit.example.gov.cn"]
    assert "2027" in message.subject
    assert "春节" in message.body
    assert "https://credit.example.gov.cn/admin/records/calendarday/\n" in message.body  # where to enter them

    CalendarDay.objects.create(day=D(2027, 2, 8), kind="holiday", name="春节")
    assert calendar_gaps_notify() == 0
    assert len(mail.outbox) == 1
