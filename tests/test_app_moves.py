"""Models that moved to another app keep their tables, rows, foreign keys, content types and permissions: the
migrations from the schema before the move apply to a populated database.

The test migrates the database back to the state before the move (Django's migration executor), writes rows
with the models of that state, migrates forward and reads them with today's models. Moved: the applications
from ``disclosure`` to ``rights`` (rights 0001, disclosure 0005).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.services import Actor
from records.choices import Channel
from records.models import CreditRecord
from records.services import RecordInput, records_ingest
from tests.factories import DepartmentFactory
from tests.records.helpers import xzcf_item

pytestmark = [pytest.mark.django_db(transaction=True)]

# Unapplying these (and what depends on them) gives the schema before the moves.
MOVES = [("rights", None)]


def migrate(targets) -> object:
    """Migrate to ``targets`` and return the app registry of the state the database is then in."""
    MigrationExecutor(connection).migrate(targets)
    connection.close()  # no cached state of the old schema in the connection
    loader = MigrationExecutor(connection).loader
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    return loader.project_state(applied, at_end=True).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before_the_moves(reference_data):
    """The schema before the moves, with what the rows refer to; migrated forward again whatever happens."""
    department = DepartmentFactory(code="jl-scjg", registers="9")
    [result] = records_ingest(
        department=department, items=[RecordInput(**xzcf_item(1))], channel=Channel.API, actor=Actor.system()
    )
    record = CreditRecord.objects.get(pk=result.record_id)
    try:
        yield migrate(MOVES), record
    finally:
        migrate(latest())


def test_applications_keep_their_rows_foreign_keys_and_permissions(before_the_moves, django_user_model):
    old, record = before_the_moves
    with pytest.raises(LookupError):
        old.get_model("rights", "Application")
    Application = old.get_model("disclosure", "Application")
    application = Application.objects.create(
        kind="objection",
        receipt_number="YY2026070100000001",
        query_code_hash="0" * 64,
        submission_key="form-1",
        subject_id=record.subject_id,
        record_id=record.pk,
        department_id=record.department_id,
        ground="wrong",
        explanation="处罚金额有误",
        applicant_name="王经理",
        applicant_phone="13800000000",
        submitted_on=datetime.date(2026, 7, 1),
        accept_due=datetime.date(2026, 7, 3),
        answer_due=datetime.date(2026, 7, 15),
    )
    event = old.get_model("disclosure", "ApplicationEvent").objects.create(
        application=application, to_state="submitted", actor_label="申请人", reason="提交申请"
    )
    evidence = old.get_model("disclosure", "Evidence").objects.create(
        application=application,
        file="evidence/2026/07/YY-1",
        original_name="证明.pdf",
        content_type="application/pdf",
        size=10,
        sha256="a" * 64,
    )
    # What the content types carry: a permission granted to a group and an admin log entry.
    content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="disclosure", model="application"
    )
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename="view_application", defaults={"name": "Can view 异议与修复申请"}
    )
    group = old.get_model("auth", "Group").objects.create(name="申请查看")
    group.permissions.add(permission)
    user = django_user_model.objects.create(username="centre")
    LogEntry.objects.create(
        user_id=user.pk,
        content_type_id=content_type.pk,
        object_id=str(application.pk),
        object_repr="异议申诉",
        action_flag=ADDITION,
    )

    migrate(latest())

    from rights.models import Application as MovedApplication

    moved = MovedApplication.objects.get(pk=application.pk)
    assert (moved.record_id, moved.subject_id, moved.department_id) == (
        record.pk,
        record.subject_id,
        record.department_id,
    )
    assert moved.explanation == "处罚金额有误"
    assert list(moved.events.values_list("pk", "reason")) == [(event.pk, "提交申请")]
    assert list(moved.evidence.values_list("pk", "original_name")) == [(evidence.pk, "证明.pdf")]
    assert list(record.applications.all()) == [moved]
    ContentType.objects.clear_cache()
    # The same content-type row, relabelled: the grant and the log entry follow it.
    assert ContentType.objects.get_for_model(MovedApplication).pk == content_type.pk
    assert not ContentType.objects.filter(app_label="disclosure", model="application").exists()
    assert Group.objects.get(name="申请查看").permissions.get() == Permission.objects.get(
        content_type__app_label="rights", codename="view_application"
    )
    assert LogEntry.objects.get(object_id=str(application.pk)).get_edited_object() == moved
