"""Graded query rights (seed 000 四(七), seed 003 item 15): a department reads another department's restricted
records only for a stated purpose and within a grant in force; each read is in the subject's access log and the
audit trail. Every refusal here changes nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from queries.services import QueryError, department_query
from records.services import record_revoke
from subjects.models import SubjectAccess
from subjects.selectors import subject_accesses
from tests.factories import DepartmentFactory
from tests.queries.conftest import ingest
from tests.queries.helpers import restricted_item, restricted_type_create
from tests.records.helpers import company_uscc

ACTOR = Actor.system("测试 部门查询")
TZ = datetime.timezone(datetime.timedelta(hours=8))


def run(department, *, purpose="licensing", note="", subject=None):
    with transaction.atomic():
        return department_query(
            department=department, code=subject or company_uscc(1), purpose=purpose, purpose_note=note, actor=ACTOR
        )


def refused(department, code: str, **kwargs) -> QueryError:
    before = (SubjectAccess.objects.count(), AuditEvent.objects.count())
    with pytest.raises(QueryError) as caught:
        run(department, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert (SubjectAccess.objects.count(), AuditEvent.objects.count()) == before  # nothing written
    return caught.value


def test_a_department_without_a_grant_reads_nothing(reader, arrears):
    error = refused(reader, "no_grant")
    assert "没有查询其他部门政务共享、授权查询类信息的权限" in error.message


def test_with_a_grant_and_a_purpose_it_reads_the_granted_type_and_the_subject_sees_who_and_why(
    reader, owner, arrears, qsxx, grant
):
    given = grant(reader, qsxx)
    result = run(reader, purpose="licensing", note="食品经营许可 XK-2026-001")
    assert [r.pk for r in result.records] == [arrears.pk]
    assert [t.code for t in result.types] == ["qsxx"]
    [access] = subject_accesses(arrears.subject)
    assert (access.kind, access.accessor, access.accessor_code) == ("department", reader.name, reader.code)
    assert access.purpose == "行政许可审查：食品经营许可 XK-2026-001"
    assert access.scope == ["qsxx"]
    assert access.basis == f"部门查询权限 #{given.pk}"
    assert result.access_id == access.pk
    event = AuditEvent.objects.get(action="subject.access")
    assert (event.object_id, event.reason) == (str(arrears.subject_id), access.purpose)


def test_the_public_penalty_and_the_departments_own_restricted_records_come_with_it(reader, owner, qsxx, grant):
    [own] = ingest(reader, restricted_item(1, number="甲自有〔2026〕1号"))
    [others] = ingest(owner, restricted_item(1))
    grant(reader, qsxx)
    result = run(reader)
    # Public records are the public site's; the restricted ones: its own, and the granted type of others'.
    assert {r.pk for r in result.records} == {own.pk, others.pk}


def test_a_grant_opens_only_its_type(reader, owner, arrears, qsxx, grant):
    other_type = restricted_type_create("sbqj", name="社保欠缴信息", level="restricted")
    [hidden] = ingest(owner, restricted_item(1, code="sbqj"))
    grant(reader, qsxx)
    result = run(reader)
    assert hidden.pk not in {r.pk for r in result.records}
    assert arrears.pk in {r.pk for r in result.records}
    grant(reader, other_type)
    assert hidden.pk in {r.pk for r in run(reader).records}


def test_a_category_grant_opens_every_restricted_type_of_the_category(reader, owner, arrears, grant):
    restricted_type_create("sbqj", name="社保欠缴信息", level="restricted")
    [second] = ingest(owner, restricted_item(1, code="sbqj"))
    grant(reader, category="administrative")
    result = run(reader)
    assert {r.pk for r in result.records} == {arrears.pk, second.pk}
    assert [t.code for t in result.types] == ["qsxx", "sbqj"]


def test_another_departments_grant_does_not_help(reader, owner, arrears, qsxx, grant):
    grant(DepartmentFactory(), qsxx)
    refused(reader, "no_grant")


@pytest.mark.parametrize(
    ("today", "allowed"),
    [(datetime.date(2026, 6, 30), True), (datetime.date(2026, 7, 1), True), (datetime.date(2026, 7, 2), False)],
    ids=["day-before-expiry", "last-day", "day-after-expiry"],
)
def test_an_expired_grant_reads_nothing(reader, arrears, qsxx, grant, today, allowed):
    grant(reader, qsxx, expires_on=datetime.date(2026, 7, 1))
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(10), tzinfo=TZ), tick=False):
        if allowed:
            assert [r.pk for r in run(reader).records] == [arrears.pk]
        else:
            refused(reader, "no_grant")


def test_a_withdrawn_grant_reads_nothing(reader, arrears, qsxx, grant):
    grant(reader, qsxx, is_active=False)
    refused(reader, "no_grant")


@pytest.mark.parametrize(
    ("purpose", "note", "code", "field"),
    [
        ("", "", "purpose_required", "purpose"),
        ("curiosity", "", "purpose_required", "purpose"),
        ("other", "  ", "purpose_note_required", "purpose_note"),
    ],
    ids=["no-purpose", "not-on-the-list", "other-without-note"],
)
def test_no_purpose_no_query(reader, arrears, qsxx, grant, purpose, note, code, field):
    grant(reader, qsxx)
    error = refused(reader, code, purpose=purpose, note=note)
    assert error.field == field


def test_other_with_a_note_is_a_purpose(reader, arrears, qsxx, grant):
    grant(reader, qsxx)
    run(reader, purpose="other", note="配合审计查询")
    assert subject_accesses(arrears.subject).get().purpose == "其他：配合审计查询"


def test_an_unknown_or_invalid_subject_is_refused_on_its_field(reader, arrears, qsxx, grant):
    grant(reader, qsxx)
    assert refused(reader, "unknown_subject", subject=company_uscc(99)).field == "subject"
    assert refused(reader, "invalid_subject", subject="91220000ABCDEFGHIJ").field == "subject"


def test_revoked_and_repaired_records_are_shared_with_nobody(reader, arrears, qsxx, grant):
    grant(reader, qsxx)
    with transaction.atomic():
        record_revoke(record=arrears, actor=ACTOR, reason="欠税已缴清")
    assert run(reader).records == []


def test_the_basis_names_the_grants_within_the_access_logs_width():
    from queries.services import _grants_basis

    assert _grants_basis([3, 7]) == "部门查询权限 #3、#7"
    long = _grants_basis(list(range(100_000, 100_060)))
    assert len(long) <= 200
    assert long.startswith("部门查询权限 #100000、#100001")
    assert long.endswith("等60项")
