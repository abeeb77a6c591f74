"""Special queries (特殊查询, seed 003 item 15 "特殊查询需求特殊申请"): a department applies with a legal basis and
an attachment; the credit centre approves or refuses within working days (the holiday calendar); an issued
result is readable by the applicant department only, until it expires; every step and every view is audited
and every view is in the subjects' access logs."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from audit.models import AuditEvent
from audit.services import Actor
from queries.choices import SpecialQueryState
from queries.models import SpecialQuery, SpecialQueryEvent, SpecialQueryFile
from queries.selectors import special_queries_dashboard
from queries.services import (
    QueryError,
    special_queries_expire,
    special_query_approve,
    special_query_issue,
    special_query_refuse,
    special_query_submit,
    special_result_read,
)
from records.models import RecordType
from records.services import record_revoke
from subjects.models import SubjectAccess
from tests.factories import DepartmentFactory, UserFactory
from tests.records.helpers import company_uscc

TZ = datetime.timezone(datetime.timedelta(hours=8))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CENTRE = Actor.system("测试 信用中心")


def at(year, month, day, hour=10):
    return time_machine.travel(datetime.datetime(year, month, day, hour, tzinfo=TZ), tick=False)


def pdf(name="协助查询通知书.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


@pytest.fixture
def court(db):
    return DepartmentFactory(code="jl-fy", name="长春市中级人民法院", sector="court")


@pytest.fixture
def applicant(court):
    return UserFactory(username="court-judge")


def submit(department, applicant, qsxx, **overrides) -> SpecialQuery:
    fields = {
        "department": department,
        "applicant": applicant,
        "purpose": "other",
        "purpose_note": "执行案件财产调查",
        "legal_basis": "《中华人民共和国民事诉讼法》第二百五十二条；(2026)吉01执123号协助查询通知书",
        "codes": [company_uscc(1)],
        "record_types": [qsxx],
        "uploads": [pdf()],
        "actor": Actor.for_user(applicant),
    } | overrides
    with transaction.atomic():
        return special_query_submit(**fields)


def approve(query, days=10):
    with transaction.atomic():
        return special_query_approve(query=query, valid_days=days, note="依据充分，同意查询", actor=CENTRE)


def issue(query):
    with transaction.atomic():
        return special_query_issue(query=query, actor=CENTRE)


def read(query, department):
    return special_result_read(query=query, department=department, actor=Actor.system("法院经办人"), form="页面")


@pytest.fixture
def issued(court, applicant, arrears, qsxx):
    with at(2026, 7, 1):
        return issue(approve(submit(court, applicant, qsxx), days=10))


def test_the_whole_life_of_a_special_query_is_audited(court, applicant, arrears, qsxx):
    with at(2026, 7, 1):
        query = submit(court, applicant, qsxx)
        assert query.state == SpecialQueryState.SUBMITTED
        assert SpecialQueryFile.objects.get(query=query).sha256
        query = approve(query, days=10)
        query = issue(query)
        assert query.result_record_ids == [arrears.pk]
        assert query.valid_until == datetime.datetime(2026, 7, 11, 10, tzinfo=TZ)
    with at(2026, 7, 11, 11):
        assert special_queries_expire() == 1
    query.refresh_from_db()
    assert query.state == SpecialQueryState.EXPIRED
    steps = list(SpecialQueryEvent.objects.filter(query=query).values_list("from_state", "to_state"))
    assert steps == [("", "submitted"), ("submitted", "approved"), ("approved", "issued"), ("issued", "expired")]
    actions = set(AuditEvent.objects.filter(object_id=str(query.pk)).values_list("action", flat=True))
    assert {"special_query.submit", "special_query.approve", "special_query.issue", "special_query.expire"} <= actions


def test_each_view_of_the_result_is_in_the_subjects_access_log(court, issued, arrears):
    with at(2026, 7, 2):
        with transaction.atomic():
            result = read(issued, court)
        assert [r.pk for r in result.records] == [arrears.pk]
        with transaction.atomic():
            read(issued, court)
    accesses = SubjectAccess.objects.filter(subject=arrears.subject)
    assert accesses.count() == 2
    access = accesses.first()
    assert (access.kind, access.accessor, access.scope) == ("special", court.name, ["qsxx"])
    assert (access.purpose, access.basis) == ("其他：执行案件财产调查", f"特殊查询 {issued.number}")
    assert AuditEvent.objects.filter(action="special_query.view", object_id=str(issued.pk)).count() == 2


def refused_read(query, department, code):
    logged = SubjectAccess.objects.count()
    with pytest.raises(QueryError) as caught, transaction.atomic():
        read(query, department)
    assert caught.value.code == code, caught.value.message
    assert SubjectAccess.objects.count() == logged


def test_a_query_not_approved_has_no_result(court, applicant, arrears, qsxx):
    with at(2026, 7, 1):
        submitted = submit(court, applicant, qsxx)
        refused_read(submitted, court, "not_issued")
        approved = approve(submitted)
        refused_read(approved, court, "not_issued")  # approved, but the result not yet issued
        other = submit(court, applicant, qsxx)
        with transaction.atomic():
            special_query_refuse(query=other, reason="法律依据不足", actor=CENTRE)
        refused_read(SpecialQuery.objects.get(pk=other.pk), court, "not_issued")


def test_an_expired_result_is_refused_even_before_the_task_marks_it(court, issued):
    with at(2026, 7, 11, 9), transaction.atomic():  # the validity ends 2026-07-11 10:00
        read(issued, court)
    with at(2026, 7, 11, 10):
        refused_read(issued, court, "expired")
    with at(2026, 7, 12):
        special_queries_expire()
        refused_read(SpecialQuery.objects.get(pk=issued.pk), court, "expired")


def test_someone_elses_result_is_refused(issued, reader):
    refused_read(issued, reader, "not_your_query")
    refused_read(issued, None, "not_your_query")


def test_a_record_revoked_after_issue_leaves_the_result(court, issued, arrears):
    with transaction.atomic():
        record_revoke(record=arrears, actor=CENTRE, reason="欠税已缴清")
    with at(2026, 7, 2), transaction.atomic():
        result = read(issued, court)
    assert (result.records, result.withdrawn) == ([], 1)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"legal_basis": " "}, "legal_basis_required", "legal_basis"),
        ({"uploads": []}, "attachment_required", "files"),
        ({"uploads": [pdf("公函.pdf", b"MZ\x90\x00 not a pdf")]}, "file_type", "files"),
        ({"codes": []}, "subject_required", "subjects"),
        ({"codes": [company_uscc(98)]}, "unknown_subject", "subjects"),
        ({"codes": ["91220000ABCDEFGHIJ"]}, "invalid_subject", "subjects"),
        ({"record_types": []}, "record_types_required", "record_types"),
        ({"record_types": "public"}, "type_public", "record_types"),
        ({"purpose": ""}, "purpose_required", "purpose"),
    ],
    ids=[
        "no-legal-basis",
        "no-attachment",
        "attachment-not-what-it-says",
        "no-subject",
        "unknown-subject",
        "invalid-code",
        "no-type",
        "public-type",
        "no-purpose",
    ],
)
def test_a_bad_application_is_refused_on_its_field_and_writes_nothing(
    court, applicant, arrears, qsxx, overrides, code, field
):
    if overrides.get("record_types") == "public":
        overrides["record_types"] = [RecordType.objects.get(code="xzcf")]
    with pytest.raises(QueryError) as caught:
        submit(court, applicant, qsxx, **overrides)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not SpecialQuery.objects.exists()
    assert not SpecialQueryFile.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="special_query").exists()


def test_steps_follow_the_state_machine(court, applicant, arrears, qsxx):
    query = submit(court, applicant, qsxx)
    for step in (lambda: issue(query), lambda: read(query, court)):
        with pytest.raises(QueryError):
            step()
    with pytest.raises(QueryError) as caught, transaction.atomic():
        special_query_refuse(query=query, reason="", actor=CENTRE)
    assert caught.value.code == "reason_required"
    with pytest.raises(QueryError) as caught:
        approve(query, days=0)
    assert caught.value.code == "invalid_valid_days"
    approve(query)
    with pytest.raises(QueryError) as caught:
        approve(query)
    assert caught.value.code == "invalid_transition"
    assert SpecialQuery.objects.get(pk=query.pk).state == SpecialQueryState.APPROVED


def test_deadlines_are_working_days_across_the_national_day_holiday(court, applicant, arrears, qsxx):
    """Submitted Tue 29 Sep 2026: five working days are 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct (a make-up workday) and
    12 Oct — the holiday 1–7 Oct and Sunday 11 Oct do not count. Approved 30 Sep, the result is due in two: 9 Oct."""
    with at(2026, 9, 29):
        query = submit(court, applicant, qsxx)
    assert query.decide_due == datetime.date(2026, 10, 12)
    assert special_queries_dashboard(today=datetime.date(2026, 10, 12))["overdue"] == []
    assert special_queries_dashboard(today=datetime.date(2026, 10, 13))["overdue"] == [query]
    with at(2026, 9, 30):
        approved = approve(query)
    assert approved.issue_due == datetime.date(2026, 10, 9)
    assert special_queries_dashboard(today=datetime.date(2026, 10, 10))["overdue"] == [approved]
    with at(2026, 10, 9):
        issue(approved)
    dashboard = special_queries_dashboard(today=datetime.date(2026, 10, 13))
    assert dashboard["overdue"] == []
    assert dashboard["median_days"] == 1  # decided the working day after submission
