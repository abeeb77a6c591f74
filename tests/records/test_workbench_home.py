"""The workbench home's to-do panel and the e-mail for new work (issue 16)."""

import datetime
from unittest.mock import Mock

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction

from audit.services import Actor
from organisations.services import staff_create
from outbox.models import OutboxItem
from outbox.services import outbox_sweep
from records.models import CreditRecord, ReviewNotice
from records.notifications import review_notices_send
from rights.services import application_accept
from tests.disclosure.conftest import TZ, penalty  # noqa: F401  (a fixture)
from tests.records.helpers import xzcf_item
from tests.records.test_bulk_review import import_upload
from tests.rights.test_applications import submit

pytestmark = pytest.mark.django_db
PASSWORD = "Pass-12345-x"
CENTRE = Actor.system("信用中心")


def make_staff(department, *accounts):
    with transaction.atomic():
        return {
            username: staff_create(
                username=username,
                password=PASSWORD,
                role=role,
                department_code=department.code,
                email=f"{username}@example.gov.cn" if email else "",
                actor=CENTRE,
            )
            for username, role, email in accounts
        }


def login(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def todo_panel(client) -> str:
    page = client.get("/workbench/").text
    start = page.index('data-testid="todo-panel"')
    return page[start : page.index("</section>", start)]


def test_a_reviewer_sees_the_entries_waiting_for_them_and_a_clerk_those_sent_back(client, department):
    make_staff(department, ("clerk", "clerk", True), ("reviewer", "reviewer", True))
    login(client, "clerk")
    for n in (1, 2, 3):
        client.post("/workbench/records/new/xzcf/", xzcf_item(n)["data"])
    assert "待我审核的记录" not in todo_panel(client)
    login(client, "reviewer")
    panel = todo_panel(client)
    assert "待我审核的记录" in panel
    assert '<strong class="todo-count">3</strong>' in panel
    record = CreditRecord.objects.order_by("pk").first()
    client.post(f"/workbench/records/{record.pk}/review/", {"decision": "reject", "note": "文书号有误"})
    assert '<strong class="todo-count">2</strong>' in todo_panel(client)
    login(client, "clerk")
    panel = todo_panel(client)
    assert "被退回、待修改后重新提交的记录" in panel
    assert "?status=rejected" in panel


def test_cases_due_for_the_department_and_overdue_ones_in_red(client, penalty):  # noqa: F811
    make_staff(penalty.department, ("reviewer", "reviewer", True))
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        application, _ = submit(penalty)
        application_accept(application=application, actor=CENTRE)
    application.refresh_from_db()
    login(client, "reviewer")
    before = application.department_due - datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(before, datetime.time(10), tzinfo=TZ), tick=False):
        panel = todo_panel(client)
    assert "待本部门核查的异议、修复" in panel
    assert "overdue" not in panel
    after = application.department_due + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(after, datetime.time(10), tzinfo=TZ), tick=False):
        panel = todo_panel(client)
    assert (
        '<li class="todo-item overdue"><a href="/workbench/applications/?state=with_department">'
        "待本部门核查的异议、修复（已超期）" in panel
    )


def reviewers(department, other_department):
    make_staff(
        department,
        ("clerk", "clerk", True),
        ("reviewer", "reviewer", True),
        ("reviewer2", "reviewer", True),
        ("noaddress", "reviewer", False),
    )
    make_staff(other_department, ("otherreviewer", "reviewer", True))


def enter(client, *numbers):
    login(client, "clerk")
    for n in numbers:
        client.post("/workbench/records/new/xzcf/", xzcf_item(n)["data"])


def notices_send(capture) -> int:
    """The hourly task's work, with what it commits delivered as the worker would after the commit."""
    with capture(execute=True):
        return review_notices_send()


def test_reviewers_get_one_email_for_new_work_at_most_every_hour(
    client, department, other_department, django_capture_on_commit_callbacks
):
    reviewers(department, other_department)
    start = datetime.datetime(2026, 7, 1, 9, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        enter(client, 1, 2)
        assert notices_send(django_capture_on_commit_callbacks) == 1
    # One message to both reviewers with an address.
    assert [sorted(m.to) for m in mail.outbox] == [["reviewer2@example.gov.cn", "reviewer@example.gov.cn"]]
    assert mail.outbox[0].subject == "有 2 条信用记录待审核"
    with time_machine.travel(start + datetime.timedelta(minutes=30), tick=False):
        enter(client, 3)
        assert notices_send(django_capture_on_commit_callbacks) == 0  # within the hour
    with time_machine.travel(start + datetime.timedelta(minutes=65), tick=False):
        assert notices_send(django_capture_on_commit_callbacks) == 1  # the entry of 9:30 is new since the last notice
    with time_machine.travel(start + datetime.timedelta(minutes=130), tick=False):
        assert notices_send(django_capture_on_commit_callbacks) == 0  # nothing new
    assert len(mail.outbox) == 2


def test_the_review_email_is_sent_after_the_commit_not_inside_the_transaction(
    client, department, other_department, django_capture_on_commit_callbacks
):
    # Review (issue 16): send_mail ran inside the transaction, holding the notice's row lock for as long as the
    # mail server took to answer, and a mail server away failed the hourly task instead of one delivery.
    reviewers(department, other_department)
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, tzinfo=TZ), tick=False):
        enter(client, 1, 2)
        with django_capture_on_commit_callbacks(execute=False) as after_commit:
            assert review_notices_send() == 1
        assert mail.outbox == []  # not committed yet: nothing sent
        assert ReviewNotice.objects.get(department=department).pending == 2
        item = OutboxItem.objects.get(topic="records.review_notice")
        assert (item.state, item.payload["department_id"], item.payload["pending"]) == ("pending", department.pk, 2)
        for callback in after_commit:
            callback()
    assert [m.subject for m in mail.outbox] == ["有 2 条信用记录待审核"]
    item.refresh_from_db()
    assert item.state == "done"


def test_a_mail_server_away_is_retried_by_the_outbox_and_the_reviewers_get_one_email(
    client, department, other_department, monkeypatch, django_capture_on_commit_callbacks
):
    reviewers(department, other_department)
    start = datetime.datetime(2026, 7, 1, 9, tzinfo=TZ)
    with monkeypatch.context() as away:
        away.setattr(locmem.EmailBackend, "send_messages", Mock(side_effect=ConnectionRefusedError))
        with time_machine.travel(start, tick=False):
            enter(client, 1, 2)
            assert notices_send(django_capture_on_commit_callbacks) == 1  # recorded; its delivery failed
        with time_machine.travel(start + datetime.timedelta(minutes=65), tick=False):
            enter(client, 3)
            assert notices_send(django_capture_on_commit_callbacks) == 1
    assert mail.outbox == []
    assert list(OutboxItem.objects.filter(topic="records.review_notice").values_list("state", flat=True)) == [
        "pending",
        "pending",
    ]
    with (
        time_machine.travel(start + datetime.timedelta(minutes=70), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox_sweep()
    # The mail server is back: the reviewers hear the current count once, not once for each hour it was away.
    assert [m.subject for m in mail.outbox] == ["有 3 条信用记录待审核"]
    assert set(OutboxItem.objects.filter(topic="records.review_notice").values_list("state", flat=True)) == {"done"}


def test_the_review_email_links_to_the_queue_and_the_uploads_at_the_site_url(
    client, department, other_department, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://credit.example.gov.cn/"
    settings.MEDIA_ROOT = str(tmp_path)
    reviewers(department, other_department)
    start = datetime.datetime(2026, 7, 1, 9, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        enter(client, 1)
        assert notices_send(django_capture_on_commit_callbacks) == 1
    (only_entered,) = mail.outbox
    assert "https://credit.example.gov.cn/workbench/review/\n" in only_entered.body
    assert "/workbench/uploads/" not in only_entered.body  # nothing imported waits
    with time_machine.travel(start + datetime.timedelta(minutes=65), tick=False):
        import_upload(client, django_capture_on_commit_callbacks, "clerk", range(2, 5))
        assert notices_send(django_capture_on_commit_callbacks) == 1
    with_uploads = mail.outbox[1]
    assert with_uploads.subject == "有 4 条信用记录待审核"
    assert "其中 3 条为表格导入" in with_uploads.body
    assert "https://credit.example.gov.cn/workbench/review/\n" in with_uploads.body
    assert "https://credit.example.gov.cn/workbench/uploads/\n" in with_uploads.body


def test_reviewers_are_read_at_delivery_and_without_an_address_nobody_is_mailed(
    client, department, django_capture_on_commit_callbacks, django_user_model
):
    make_staff(department, ("clerk", "clerk", True), ("reviewer", "reviewer", True), ("noaddress", "reviewer", False))
    start = datetime.datetime(2026, 7, 1, 9, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        enter(client, 1)
        with django_capture_on_commit_callbacks(execute=False) as after_commit:
            assert review_notices_send() == 1
        django_user_model.objects.filter(username="reviewer").update(email="")  # before the worker delivers
        for callback in after_commit:
            callback()
    assert mail.outbox == []
    assert OutboxItem.objects.get(topic="records.review_notice").state == "done"  # nobody left to tell
    with time_machine.travel(start + datetime.timedelta(minutes=65), tick=False):
        enter(client, 2)
        # No reviewer with an address: nothing recorded, so one given an address later hears of the entries.
        assert notices_send(django_capture_on_commit_callbacks) == 0
    assert ReviewNotice.objects.get().sent_at == start
    assert OutboxItem.objects.filter(topic="records.review_notice").count() == 1


def test_the_credit_centre_sees_complaints_tokens_and_account_grants_waiting(client, department, settings, tmp_path):
    """Issue 16's walk: the credit centre's panel showed only 待匹配."""
    from accounts.models import AccountGrant
    from rights.choices import ComplaintCategory
    from rights.complaints import complaint_file
    from tests.accounts.helpers import account_make, grant_make
    from tests.factories import CreditSubjectFactory
    from tests.organisations.test_tokens import request_token

    settings.MEDIA_ROOT = str(tmp_path)
    with transaction.atomic():
        staff_create(username="centre", password=PASSWORD, role="credit_admin", actor=CENTRE)
    account = account_make("agent@example.com")
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        with transaction.atomic():
            grant_make(account, CreditSubjectFactory(), verified=False)
            complaint = complaint_file(
                account=account, category=ComplaintCategory.SLOW, description="迟迟未办理", actor=Actor.public()
            )
        request_token(department)
    assert AccountGrant.objects.get().state == "pending"
    login(client, "centre")
    on_time = complaint.answer_due - datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(on_time, datetime.time(10), tzinfo=TZ), tick=False):
        panel = todo_panel(client)
    assert '<a href="/workbench/complaints/">待答复的投诉' in panel
    assert "待答复的投诉（已超期）" not in panel
    assert '<a href="/workbench/tokens/">待审批的接口令牌' in panel
    assert '<a href="/workbench/account-grants/?state=pending">待核验的企业用户代表关系' in panel
    late = complaint.answer_due + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(late, datetime.time(10), tzinfo=TZ), tick=False):
        panel = todo_panel(client)
    assert '<li class="todo-item overdue"><a href="/workbench/complaints/">待答复的投诉（已超期）' in panel


def test_a_department_sees_none_of_the_credit_centres_queues(client, department, settings, tmp_path):
    from tests.organisations.test_tokens import request_token

    request_token(department)
    make_staff(department, ("deptadmin", "dept_admin", False))
    login(client, "deptadmin")
    assert "待审批的接口令牌" not in todo_panel(client)
