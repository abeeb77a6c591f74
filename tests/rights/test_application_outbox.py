"""An application's e-mail goes through the outbox: not lost when the broker was down at the submission."""

import pytest

from outbox.models import OutboxItem
from outbox.services import outbox_sweep
from tests.test_operations import broker_down

pytestmark = pytest.mark.django_db


def test_an_application_e_mail_sent_while_the_broker_was_down_follows_from_the_sweep(
    penalty, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.rights.test_applications import at, submit

    with at(2026, 7, 1), broker_down(), django_capture_on_commit_callbacks(execute=True):
        application, _ = submit(penalty, applicant_email="wang@example.com")
    assert mailoutbox == []
    item = OutboxItem.objects.get(topic="application.notify")
    assert (item.state, item.payload) == ("pending", {"application_id": application.pk, "state": "submitted"})
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()
    (sent,) = [m for m in mailoutbox if m.to != [application.account.email]]  # the account is told its grant
    assert application.receipt_number in sent.body
    item.refresh_from_db()
    assert item.state == "done"


def test_each_step_is_announced_even_when_delivered_after_the_application_moved_on(
    penalty, mailoutbox, django_capture_on_commit_callbacks, django_user_model
):
    # Red-team (issue 11): the e-mail was built from the application's state at delivery. Submitted and
    # accepted before the worker delivered (the mail server away): the applicant got "accepted" twice and
    # the credit centre never heard of the new case.
    from organisations.models import StaffRole
    from rights.services import application_accept
    from tests.rights.test_applications import CENTRE, at, submit

    admin = django_user_model.objects.create_user("centre-admin", email="centre@example.com")
    StaffRole.objects.create(user=admin, role="credit_admin")
    with at(2026, 7, 1), django_capture_on_commit_callbacks(execute=False):
        application, _ = submit(penalty, applicant_email="wang@example.com")
        application_accept(application=application, actor=CENTRE)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()
    subjects = sorted((m.to[0], m.subject) for m in mailoutbox if m.to != [application.account.email])
    assert [to for to, _ in subjects] == ["centre@example.com", "wang@example.com", "wang@example.com"]
    assert subjects[1][1] != subjects[2][1]  # received, then accepted
