"""Complaints (投诉) about the platform's handling: filed from a subject account, answered by the credit centre
within working-day deadlines (across holidays), the outcome shown on the applicant's account."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from audit.models import AuditEvent
from organisations.services import staff_create
from rights.complaints import complaint_answer, complaint_file
from rights.models import Application, Complaint
from rights.services import ApplicationError
from tests.accounts.helpers import CENTRE, account_client, account_make, acting_account
from tests.conftest import StaffClient
from tests.factories import DepartmentFactory
from tests.rights.test_applications import at, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    with transaction.atomic():
        return staff_create(username="centre", password="Centre-pass-2026", role="credit_admin", actor=CENTRE)


def test_a_complaint_is_answered_by_the_centre_and_the_answer_shows_on_the_account(penalty, centre):
    with at(2026, 9, 30):
        application, _ = submit(penalty)
        account = application.account
        browser = account_client(Client(), account)
        filed = browser.post(
            "/account/complaints/",
            {"category": "slow", "application": application.pk, "description": "异议申请受理超时，无人联系"},
        )
    assert filed.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.account, complaint.application, complaint.state) == (account, application, "submitted")
    assert complaint.answer_due == datetime.date(2026, 10, 20)  # ten working days across the National Day holiday
    staff = StaffClient()
    staff.force_login(centre)
    with at(2026, 10, 21):
        queue = staff.get("/workbench/complaints/").text
        assert complaint.number in queue
        assert "已超期" in queue
        answered = staff.post(
            f"/workbench/complaints/{complaint.pk}/",
            {"outcome": "upheld", "answer": "已督促部门办理并致歉"},
            follow=True,
        )
        assert f"已答复投诉 {complaint.number}（投诉属实，已整改）" in answered.text
        page = account_client(Client(), account).get("/account/complaints/").text  # a new session: weeks later
    complaint.refresh_from_db()
    assert (complaint.state, complaint.outcome) == ("answered", "upheld")
    assert "投诉属实，已整改" in page
    assert "已督促部门办理并致歉" in page
    assert {"complaint.file", "complaint.answer"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_only_the_credit_centre_answers(penalty):
    department = DepartmentFactory()
    with transaction.atomic():
        reviewer = staff_create(
            username="rv", password="Reviewer-pass-2026", role="reviewer", department_code=department.code, actor=CENTRE
        )
    account = acting_account(penalty.subject)
    complaint = complaint_file(account=account, category="discourteous", description="电话态度恶劣", actor=CENTRE)
    with pytest.raises(ApplicationError, match="投诉由信用中心答复"), transaction.atomic():
        complaint_answer(complaint=complaint, outcome="unfounded", answer="x", answered_by=reviewer, actor=CENTRE)
    staff = StaffClient()
    staff.force_login(reviewer)
    assert staff.get(f"/workbench/complaints/{complaint.pk}/").status_code == 403
    assert account_client(Client(), account).get(f"/workbench/complaints/{complaint.pk}/").status_code == 403
    complaint.refresh_from_db()
    assert complaint.state == "submitted"


def test_a_complaint_names_only_the_accounts_own_application_and_needs_an_account(penalty):
    with at(2026, 9, 30):
        application, _ = submit(penalty)
    other = account_make("other@example.com")
    with pytest.raises(ApplicationError, match="只能就本账户提出的申请投诉"), transaction.atomic():
        complaint_file(account=other, category="wrong", description="x", application=application, actor=CENTRE)
    page = account_client(Client(), other).post(
        "/account/complaints/", {"category": "wrong", "application": application.pk, "description": "x"}
    )
    assert "application" in page.context["form"].errors  # not even offered
    assert Client().get("/account/complaints/")["Location"].startswith("/account/login/")
    assert not Complaint.objects.exists()
    assert Application.objects.count() == 1


def test_the_credit_centre_is_mailed_a_new_complaint_and_the_account_its_answer(
    penalty, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.SITE_URL = "https://credit.example.gov.cn"
    with transaction.atomic():
        staff_create(
            username="centre2",
            password="Centre-pass-2026",
            role="credit_admin",
            actor=CENTRE,
            email="centre@example.com",
        )
    account = acting_account(penalty.subject)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_file(account=account, category="slow", description="受理超时", actor=CENTRE)
    (filed,) = mailoutbox
    assert filed.to == ["centre@example.com"]
    assert complaint.number in filed.subject
    assert f"https://credit.example.gov.cn/workbench/complaints/{complaint.pk}/\n" in filed.body
    with django_capture_on_commit_callbacks(execute=True):
        complaint_answer(
            complaint=complaint,
            outcome="upheld",
            answer="已督促部门办理",
            answered_by=User.objects.get(username="centre2"),
            actor=CENTRE,
        )
    answered = mailoutbox[1]
    assert answered.to == [account.email]
    assert "已督促部门办理" in answered.body
    assert "投诉属实" in answered.body
    assert "https://credit.example.gov.cn/account/complaints/\n" in answered.body
