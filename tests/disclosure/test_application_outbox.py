"""An application's e-mail goes through the outbox: not lost when the broker was down at the submission."""

import pytest

from outbox.models import OutboxItem
from outbox.services import outbox_sweep
from tests.test_operations import broker_down

pytestmark = pytest.mark.django_db


def test_an_application_e_mail_sent_while_the_broker_was_down_follows_from_the_sweep(
    penalty, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.disclosure.test_applications import at, submit

    with at(2026, 7, 1), broker_down(), django_capture_on_commit_callbacks(execute=True):
        application, _ = submit(penalty, applicant_email="wang@example.com")
    assert mailoutbox == []
    item = OutboxItem.objects.get(topic="application.notify")
    assert (item.state, item.payload) == ("pending", {"application_id": application.pk})
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()
    assert [m.to for m in mailoutbox] == [["wang@example.com"]]
    assert application.receipt_number in mailoutbox[0].body
    item.refresh_from_db()
    assert item.state == "done"
