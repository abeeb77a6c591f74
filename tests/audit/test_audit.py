import pytest
from django.db import DatabaseError, connection, transaction

from audit.choices import ActorType
from audit.models import AppendOnlyError, AuditEvent
from audit.services import Actor, audit_event_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(actor) -> AuditEvent:
    with transaction.atomic():
        return audit_event_record(
            actor=actor, action="test.change", object_type="x", object_id="1", before={"a": 1}, after={"a": 2}
        )


def test_event_records_actor_object_and_change(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_type, stored.action, stored.object_id) == (ActorType.SYSTEM, "test.change", "1")
    assert stored.before == {"a": 1}
    assert stored.after == {"a": 2}


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(actor):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_event_record(actor=actor, action="test.change")
    assert not AuditEvent.objects.exists()


def test_model_refuses_update_and_delete(event):
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditevent SET reason = 'rewritten'", "DELETE FROM audit_auditevent"],
    ids=["raw-update", "raw-delete"],
)
def test_database_refuses_raw_update_and_delete(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_user_actor_carries_identity_and_address():
    user = UserFactory(username="clerk1")
    actor = Actor.for_user(user, client_ip="10.1.2.3")
    assert (actor.type, actor.id, actor.label, actor.client_ip) == (
        ActorType.USER,
        str(user.pk),
        "clerk1",
        "10.1.2.3",
    )


def test_auditor_reads_the_trail_in_admin_but_cannot_change_it(client, event):
    from organisations.services import staff_create

    with transaction.atomic():
        staff_create(username="aud", password="Audit-Pass-2026", role="auditor", actor=Actor.system())
    client.login(username="aud", password="Audit-Pass-2026")
    listing = client.get("/admin/audit/auditevent/?actor_type=system")
    assert listing.status_code == 200
    assert "test.change" in listing.text
    detail = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.text
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    # An auditor sees nothing else in the admin.
    assert client.get("/admin/subjects/creditsubject/").status_code == 403
