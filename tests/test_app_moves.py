"""Models that moved to another app keep their tables, rows, foreign keys, content types and permissions: the
migrations from the schema before the moves apply to a populated database.

The test migrates the database back to the state before the moves (Django's migration executor), writes rows
with the models of that state, migrates forward and reads them with today's models. Moved: the applications
from ``disclosure`` to ``rights`` (rights 0001, disclosure 0005); departments, staff roles and API tokens from
``subjects`` to ``organisations`` (organisations 0001; the references in records 0017, sanctions 0005 and
rights 0002; subjects 0009).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import uscc_for

pytestmark = [pytest.mark.django_db(transaction=True)]

# Unapplying these apps' migrations (and what depends on them) gives the schema before the moves.
MOVES = [("rights", None), ("organisations", None)]


def migrate(targets):
    """Migrate to ``targets`` and return the app registry of the state the database is then in."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    return loader.project_state(applied, at_end=True).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old(reference_data):
    """The app registry of the schema before the moves; the database is migrated forward again whatever happens."""
    try:
        yield migrate(MOVES)
    finally:
        migrate(latest())


def relabelled_grant(old, app_label: str, model: str):
    """A permission of the model's content type granted to a group, and an admin log entry of one of its rows:
    what a content type carries."""
    content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label=app_label, model=model
    )
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename=f"view_{model}", defaults={"name": f"Can view {model}"}
    )
    old_group, _ = old.get_model("auth", "Group").objects.get_or_create(name="迁移前的授权")
    old_group.permissions.add(permission)
    return content_type


def test_moved_models_keep_their_rows_foreign_keys_and_permissions(old):
    for app_label, model in [("rights", "Application"), ("organisations", "Department")]:
        with pytest.raises(LookupError):
            old.get_model(app_label, model)
    now = timezone.now()
    user = old.get_model("auth", "User").objects.create(username="clerk1")
    division = old.get_model("subjects", "Division").objects.get(code="220000")
    Department = old.get_model("subjects", "Department")
    province = Department.objects.create(
        code="jl-scjg",
        name="吉林省市场监督管理厅",
        uscc=uscc_for(90, division="220000"),
        level="province",
        division=division,
        registers="9",
        sector="market_regulation",
    )
    city = Department.objects.create(
        code="cc-scjg",
        name="长春市市场监督管理局",
        uscc=uscc_for(91, division="220100"),
        level="prefecture",
        division=division,
        parent=province,
    )
    role = old.get_model("subjects", "StaffRole").objects.create(user=user, role="clerk", department=city)
    token = old.get_model("subjects", "ApiToken").objects.create(
        department=city,
        name="系统",
        prefix="cpt_abcdef",
        token_hash="b" * 64,
        scopes=["records:write"],
        state="active",
        expires_at=now + datetime.timedelta(days=30),
    )
    subject = old.get_model("subjects", "CreditSubject").objects.create(
        kind="legal_entity", name="长春宏达食品有限公司", uscc=uscc_for(1)
    )
    record = old.get_model("records", "CreditRecord").objects.create(
        subject=subject,
        record_type=old.get_model("records", "RecordType").objects.get(code="xzcf"),
        department=city,
        source_id="长市监罚〔2026〕1号",
        status="active",
        decided_on=datetime.date(2026, 6, 1),
        data={"CF_WSH": "长市监罚〔2026〕1号"},
        data_hash="c" * 64,
        channel="api",
        submitted_by_token=token,
    )
    batch = old.get_model("records", "IngestBatch").objects.create(
        department=city, channel="api", file_name="records.csv", file_format="csv", created_by_token=token
    )
    check = old.get_model("sanctions", "Check").objects.create(
        department=city,
        scenario="procurement",
        reference="CG-1",
        subject_count=1,
        results={},
        actor_label="系统",
        token=token,
    )
    measure = old.get_model("sanctions", "Measure").objects.order_by("pk").first()
    measure.departments.add(city)
    application = old.get_model("disclosure", "Application").objects.create(
        kind="objection",
        receipt_number="YY2026070100000001",
        query_code_hash="0" * 64,
        submission_key="form-1",
        subject=subject,
        record=record,
        department=city,
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
    content_types = {
        "application": relabelled_grant(old, "disclosure", "application"),
        "department": relabelled_grant(old, "subjects", "department"),
    }
    for content_type, object_id in (
        (content_types["application"], application.pk),
        (content_types["department"], city.pk),
    ):
        LogEntry.objects.create(
            user_id=user.pk,
            content_type_id=content_type.pk,
            object_id=str(object_id),
            object_repr="-",
            action_flag=ADDITION,
        )

    migrate(latest())

    from organisations.models import ApiToken, Department, StaffRole
    from records.models import CreditRecord, IngestBatch
    from rights.models import Application
    from sanctions.models import Check, Measure

    moved_city = Department.objects.get(pk=city.pk)
    assert (moved_city.code, moved_city.parent.code, moved_city.division_id) == ("cc-scjg", "jl-scjg", "220000")
    assert Department.objects.get(pk=province.pk).registers == "9"
    assert StaffRole.objects.get(pk=role.pk).department == moved_city
    moved_token = ApiToken.objects.get(pk=token.pk)
    assert (moved_token.department, moved_token.scopes, moved_token.state) == (moved_city, ["records:write"], "active")
    moved_record = CreditRecord.objects.get(pk=record.pk)
    assert (moved_record.department, moved_record.submitted_by_token) == (moved_city, moved_token)
    assert list(moved_city.records.all()) == [moved_record]
    assert IngestBatch.objects.get(pk=batch.pk).created_by_token == moved_token
    assert (Check.objects.get(pk=check.pk).department, Check.objects.get(pk=check.pk).token) == (
        moved_city,
        moved_token,
    )
    assert list(Measure.objects.get(pk=measure.pk).departments.all()) == [moved_city]
    moved = Application.objects.get(pk=application.pk)
    assert (moved.record, moved.subject_id, moved.department) == (moved_record, subject.pk, moved_city)
    assert list(moved.events.values_list("pk", "reason")) == [(event.pk, "提交申请")]
    assert list(moved.evidence.values_list("pk", "original_name")) == [(evidence.pk, "证明.pdf")]
    assert list(moved_record.applications.all()) == [moved]
    # New rows continue the tables' sequences.
    assert (
        Department.objects.create(
            code="new", name="新部门", uscc=uscc_for(92, division="220000"), level="province", division_id="220000"
        ).pk
        > city.pk
    )
    # The same content-type rows, relabelled: the group's grants and the log entries follow them.
    ContentType.objects.clear_cache()
    for model, app_label in ((Application, "rights"), (Department, "organisations")):
        content_type = ContentType.objects.get_for_model(model)
        assert content_type.pk == content_types[model._meta.model_name].pk
        assert not ContentType.objects.filter(model=model._meta.model_name).exclude(app_label=app_label).exists()
    assert set(Group.objects.get(name="迁移前的授权").permissions.all()) == {
        Permission.objects.get(content_type__app_label="rights", codename="view_application"),
        Permission.objects.get(content_type__app_label="organisations", codename="view_department"),
    }
    edited = {entry.get_edited_object() for entry in LogEntry.objects.all()}
    assert edited == {moved, moved_city}
