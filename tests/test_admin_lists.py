"""The admin's changelists of tables of millions of rows (issue 12): no count of the whole table, a capped
count of the filtered list, filters and searches that an index serves (checked on the model's indexes, and on
PostgreSQL in the query plans)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import ForeignKey, Q
from django.test import RequestFactory

from audit.models import AuditEvent
from audit.services import Actor, audit_event_record
from core.paging import CappedCountPaginator
from records.models import CreditRecord, RecordType
from sanctions.models import Membership
from subjects.models import CreditSubject
from tests.records.helpers import company_uscc

# Tables that stay small at provincial scale (catalogs, configuration, staff): every other model's changelist
# must be built for millions of rows, so a new admin of a new table cannot forget it.
SMALL_TABLES = {
    "auth.Group",
    "auth.User",
    "axes.AccessAttempt",  # staff logins only (the public site has no accounts)
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "otp_totp.TOTPDevice",
    "subjects.Division",
    "organisations.Department",
    "organisations.StaffRole",
    "subjects.SubjectConflict",
    "records.RecordType",
    "records.DisclosureRegime",
    "records.CalendarDay",
    "records.IngestBatch",
    "records.QualityReport",
    "records.Redecision",  # one row per policy change
    "sanctions.ListType",
    "sanctions.Measure",
    "evaluation.EvaluationModel",  # a model per industry regulator, a version per publication, a run per night
    "evaluation.ModelVersion",
    "evaluation.EvaluationRun",
    "disclosure.Article",
    "disclosure.OpenDataFile",
    "queries.QueryGrant",  # configuration: departments × restricted types
    "queries.SpecialQuery",  # applications made by hand, a few a day at most
    "supervision.Inspector",  # a department's inspectors: hundreds
    "supervision.InspectionPlan",  # plans made by hand, a few per department and year
}
# Filters on a column no index starts with, and why each is cheap anyway.
UNINDEXED_FILTERS = {
    # Memberships are about 3% of the subjects (30k rows at 1M subjects): the state is read from the rows
    # ``membership_list_idx`` hands over for a list type, and alone it scans a table of that size.
    ("sanctions.Membership", "state"),
}

BIG = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.label not in SMALL_TABLES
    ),
    key=lambda pair: pair[0]._meta.label,
)
IDS = [model._meta.label for model, _ in BIG]


def test_small_tables_name_registered_admins():
    registered = {model._meta.label for model in admin.site._registry}
    assert registered >= SMALL_TABLES
    assert {"records.CreditRecord", "subjects.CreditSubject", "audit.AuditEvent"} <= set(IDS)


def _condition_fields(condition) -> set[str]:
    if condition is None:
        return set()
    fields = set()
    for child in condition.children:
        if isinstance(child, Q):
            fields |= _condition_fields(child)
        else:
            fields.add(child[0].split("__")[0])
    return fields


def indexed_columns(model) -> set[str]:
    """Fields an index starts with, or that a partial index's condition names (the index serves equality on
    them), plus single-column indexes, unique fields and indexed foreign keys."""
    columns = {"id", "pk"}
    for field in model._meta.fields:
        if field.primary_key or field.unique or field.db_index or (isinstance(field, ForeignKey) and field.db_index):
            columns.add(field.name)
    for index in [*model._meta.indexes, *model._meta.constraints]:
        fields = getattr(index, "fields", ()) or ()
        if fields:
            columns.add(fields[0].lstrip("-"))
        columns |= _condition_fields(getattr(index, "condition", None))
    return columns


def overrides_search(model_admin) -> bool:
    return type(model_admin).get_search_results is not admin.ModelAdmin.get_search_results


@pytest.mark.parametrize(("model", "model_admin"), BIG, ids=IDS)
def test_big_table_changelists_never_count_the_whole_table(model, model_admin):
    assert issubclass(model_admin.paginator, CappedCountPaginator)
    assert model_admin.show_full_result_count is False


@pytest.mark.parametrize(("model", "model_admin"), BIG, ids=IDS)
def test_big_table_changelists_filter_and_search_on_indexes(model, model_admin):
    indexed = indexed_columns(model)
    for entry in model_admin.list_filter:
        # A field name, (field name, filter class), or a SimpleListFilter filtering on its parameter's column.
        name = entry if isinstance(entry, str) else entry[0] if isinstance(entry, tuple) else entry.parameter_name
        if (model._meta.label, name) in UNINDEXED_FILTERS:
            continue
        assert name in indexed, f"{model._meta.label}: list_filter {name!r} has no index"
    if model_admin.date_hierarchy:
        assert model_admin.date_hierarchy in indexed
    if model_admin.search_fields and not overrides_search(model_admin):
        for field in model_admin.search_fields:
            # An exact match on an indexed column of the table itself; a LIKE or a join is a table scan.
            assert field.startswith("="), f"{model._meta.label}: search on {field!r} is a LIKE over the table"
            assert field[1:] in indexed, f"{model._meta.label}: search on {field!r} has no index"


# --- PostgreSQL: the plans ----------------------------------------------------------------------------------


def changelist(model, **params):
    request = RequestFactory().get("/admin/", params)
    request.user = get_user_model()(username="centre", is_staff=True, is_superuser=True)
    return admin.site._registry[model].get_changelist_instance(request)


def plan(queryset) -> str:
    """The plan with table scans and plain index scans off: the test tables are tiny, where any plan will do;
    what is checked is that an index serves the filter (a bitmap scan of it), which on millions of rows is
    what the planner picks."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({"status__exact": "unmatched"}, "record_status_recent_idx"),
        ({"record_type__id__exact": "{type}"}, "record_type_recent_idx"),
        ({"q": "{uscc}"}, "record_subject_facts_idx"),
        ({"q": "长市监许〔2026〕4"}, "record_source_id_idx"),
    ],
    ids=["rare-status", "type", "uscc", "number-prefix"],
)
def test_record_changelist_plans_use_indexes(params, index):
    params = {
        key: value.format(type=RecordType.objects.get(code="jyyc").pk, uscc=company_uscc(7))
        for key, value in params.items()
    }
    CreditSubject.objects.create(kind="company", uscc=company_uscc(7), name="长春测试7商贸有限公司")
    rows = changelist(CreditRecord, **params).queryset.order_by("-id")[:100]
    text = plan(rows)
    assert index in text, text


@pytest.mark.postgres
@pytest.mark.django_db
def test_subject_and_membership_searches_use_the_name_indexes():
    CreditSubject.objects.create(kind="company", uscc=company_uscc(7), name="长春测试7商贸有限公司")
    for term in ["商贸", "测试7商贸"]:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cl = changelist(CreditSubject, q=term)
        assert [s.name for s in cl.queryset] == ["长春测试7商贸有限公司"]
        assert changelist(Membership, q=term).queryset.count() == 0
    cl = changelist(CreditSubject, q=company_uscc(7).lower())
    assert cl.queryset.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_audit_search_is_on_indexes():
    subject = CreditSubject.objects.create(kind="company", uscc=company_uscc(7), name="长春测试7商贸有限公司")
    with transaction.atomic():
        audit_event_record(actor=Actor.system("测试"), action="subject.correct", obj=subject)
    cl = changelist(AuditEvent, q=str(subject.pk))
    assert [e.action for e in cl.queryset] == ["subject.correct"]
    text = plan(cl.queryset.order_by("-occurred_at")[:50])
    assert "audit_object_idx" in text, text
    assert "audit_actor_idx" in text, text
    assert [e.action for e in changelist(AuditEvent, q="subject.correct").queryset] == ["subject.correct"]
    assert list(changelist(AuditEvent, q="长春").queryset) == []  # no LIKE over labels


@pytest.mark.django_db
def test_workbench_and_api_record_filters_name_ids_not_joined_codes():
    """The shared record filter looks the type and the subject up first: a join on their codes hides the
    filter from the records' indexes."""
    from records.filtersets import RecordFilterSet

    subject = CreditSubject.objects.create(kind="company", uscc=company_uscc(7), name="长春测试7商贸有限公司")
    filtered = RecordFilterSet({"record_type": "xzxk", "subject": company_uscc(7)}, CreditRecord.objects.all()).qs
    sql = str(filtered.query)
    assert "records_recordtype" not in sql
    assert "subjects_creditsubject" not in sql
    assert f'"subject_id" = {subject.pk}' in sql
    assert not RecordFilterSet({"record_type": "nope"}, CreditRecord.objects.all()).qs.exists()


@pytest.mark.django_db
def test_the_capped_count_does_not_read_in_list_order():
    """Any CAP + 1 matching rows will do: ordered, the count walked the primary key to find them."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert CappedCountPaginator(CreditRecord.objects.order_by("-id"), 50).count == 0
    assert "ORDER BY" not in queries.captured_queries[-1]["sql"]
