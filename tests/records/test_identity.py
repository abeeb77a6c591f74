"""Who may change a subject's identity, through every channel (issue 10).

``department`` is 市场监管 (registers code 9: companies); ``other_department`` is the tax bureau, which
registers nobody and must report against the registered name.
"""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from audit.models import AuditEvent
from audit.services import Actor
from organisations.services import staff_create
from records.batches import batch_create
from records.choices import BatchState, Channel
from records.models import BatchRowError, CreditRecord
from records.services import RecordInput, records_check, records_ingest
from subjects import identifiers as ids
from subjects.choices import NameSource
from subjects.models import CreditSubject
from tests.conftest import StaffClient
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item
from tests.records.test_batches import csv_bytes

pytestmark = pytest.mark.django_db

TRUE_NAME = "长春测试1商贸有限公司"
FAKE_NAME = "冒名改名皮包有限公司"
PASSWORD = "Pass-12345-x"


def push(client, items):
    return client.post("/api/v1/records/", data=json.dumps(items), content_type="application/json")


@pytest.fixture
def registered(api, department, django_capture_on_commit_callbacks):
    """Company 1, registered by its registration authority's push (and its public page cached)."""
    with django_capture_on_commit_callbacks(execute=True):
        assert push(api, [xzxk_item(1)]).json()["results"][0]["status"] == "created"
    subject = CreditSubject.objects.get(uscc=company_uscc(1))
    assert (subject.name, subject.name_source) == (TRUE_NAME, NameSource.AUTHORITY)
    assert TRUE_NAME in Client().get(f"/subjects/{subject.uscc}/").text  # now cached
    return subject


def assert_untouched(subject, *, api):
    subject.refresh_from_db()
    assert subject.name == TRUE_NAME
    assert not subject.former_names.exists()
    assert not AuditEvent.objects.filter(action="subject.rename").exists()
    page = Client().get(f"/subjects/{subject.uscc}/").text
    assert TRUE_NAME in page
    assert FAKE_NAME not in page
    assert api.get(f"/api/v1/subjects/{subject.uscc}/").json()["name"] == TRUE_NAME


def test_another_departments_push_with_a_false_name_is_refused_on_the_name_field(
    registered, api, other_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = push(other_api, [xzcf_item(1, CF_XDR_MC=FAKE_NAME), xzcf_item(2)])
    first, second = response.json()["results"]
    assert first["status"] == "rejected"
    assert list(first["errors"]) == ["CF_XDR_MC"]
    assert "不一致" in first["errors"]["CF_XDR_MC"][0]
    assert company_uscc(1) in first["errors"]["CF_XDR_MC"][0]
    assert second["status"] == "created"  # the other items of the push are not affected
    assert not CreditRecord.objects.filter(department__code="jl-sw", subject=registered).exists()
    assert_untouched(registered, api=api)


def test_a_licence_with_a_false_name_is_refused_on_its_own_name_field(registered, api, other_api):
    result = push(other_api, [xzxk_item(1, XK_WSH="吉税许〔2026〕1号", XK_XDR_MC=FAKE_NAME)]).json()["results"][0]
    assert (result["status"], list(result["errors"])) == ("rejected", ["XK_XDR_MC"])
    assert_untouched(registered, api=api)


def test_names_are_compared_as_registries_do_and_former_names_are_accepted(registered, api, other_api):
    registered.former_names.create(name="长春测试壹商贸有限公司")
    items = [
        xzcf_item(1, CF_WSH="税1", CF_XDR_MC="长春测试１商贸有限公司 "),  # full-width digit, trailing space
        xzcf_item(1, CF_WSH="税2", CF_XDR_MC="长春测试壹商贸有限公司"),  # a former name
    ]
    results = push(other_api, items).json()["results"]
    assert [r["status"] for r in results] == ["created", "created"]
    registered.refresh_from_db()
    assert registered.name == TRUE_NAME


def test_the_registration_authority_renames_and_an_older_decision_does_not_undo_it(
    registered, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = push(api, [xzcf_item(1, CF_XDR_MC="吉林测试集团有限公司", decided_on=datetime.date(2026, 6, 1))])
    assert result.json()["results"][0]["status"] == "created"
    registered.refresh_from_db()
    assert (registered.name, registered.name_changed_on) == ("吉林测试集团有限公司", datetime.date(2026, 6, 1))
    assert list(registered.former_names.values_list("name", flat=True)) == [TRUE_NAME]
    assert "吉林测试集团有限公司" in Client().get(f"/subjects/{registered.uscc}/").text  # page cache dropped
    # A decision of an earlier day names the company as it was called then: accepted, no rename back.
    old = xzcf_item(1, CF_WSH="长市监罚〔2026〕旧1号", CF_XDR_MC=TRUE_NAME, decided_on=datetime.date(2026, 3, 1))
    assert push(api, [old]).json()["results"][0]["status"] == "created"
    registered.refresh_from_db()
    assert registered.name == "吉林测试集团有限公司"


def test_a_subject_first_reported_by_another_department_is_provisional_until_the_authority_speaks(
    api, other_api, department
):
    uscc = company_uscc(5)
    first = push(other_api, [xzcf_item(5, CF_XDR_MC="长春测试伍商贸公司")]).json()["results"][0]
    assert first["status"] == "created"
    subject = CreditSubject.objects.get(uscc=uscc)
    assert (subject.name, subject.name_source) == ("长春测试伍商贸公司", NameSource.PROVISIONAL)
    # Not yet registered here: another name from another department is accepted and renames nothing.
    again = push(other_api, [xzcf_item(5, CF_WSH="税5", CF_XDR_MC="别的名称有限公司")]).json()["results"][0]
    assert again["status"] == "created"
    subject.refresh_from_db()
    assert subject.name == "长春测试伍商贸公司"
    # The registration authority gives the real name; the provisional one is not kept as a former name.
    assert push(api, [xzxk_item(5)]).json()["results"][0]["status"] == "created"
    subject.refresh_from_db()
    assert (subject.name, subject.name_source) == ("长春测试5商贸有限公司", NameSource.AUTHORITY)
    assert not subject.former_names.exists()
    # From now on the registered name rules.
    late = push(other_api, [xzcf_item(5, CF_WSH="税6", CF_XDR_MC="长春测试伍商贸公司")]).json()["results"][0]
    assert (late["status"], list(late["errors"])) == ("rejected", ["CF_XDR_MC"])


def test_a_provisional_name_confirmed_by_the_authority_is_registered(api, other_api):
    push(other_api, [xzcf_item(6)])
    assert CreditSubject.objects.get(uscc=company_uscc(6)).name_source == NameSource.PROVISIONAL
    push(api, [xzxk_item(6)])
    subject = CreditSubject.objects.get(uscc=company_uscc(6))
    assert (subject.name, subject.name_source) == ("长春测试6商贸有限公司", NameSource.AUTHORITY)
    assert AuditEvent.objects.filter(action="subject.name_confirm", object_id=str(subject.pk)).exists()


def test_a_known_citizen_id_with_another_name_is_refused_whoever_reports_it(api, other_api):
    citizen_id = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1980, 5, 17), sequence=12)
    person = {"CF_XDR_LB": "自然人", "CF_XDR_SHXYM": None, "CF_XDR_ZJLX": "身份证", "CF_XDR_ZJHM": citizen_id}
    assert push(other_api, [xzcf_item(7, CF_XDR_MC="张三", **person)]).json()["results"][0]["status"] == "created"
    for client in (api, other_api):  # natural persons have no registration authority here
        result = push(client, [xzcf_item(7, CF_WSH=f"罚{id(client)}", CF_XDR_MC="李四", **person)]).json()
        result = result["results"][0]
        assert (result["status"], list(result["errors"])) == ("rejected", ["CF_XDR_MC"])
        assert "李四" not in result["errors"]["CF_XDR_MC"][0]
        assert citizen_id not in json.dumps(result)
    subject = CreditSubject.objects.get(kind="natural_person")
    assert (subject.name, subject.name_source) == ("张三", NameSource.REPORTED)


@pytest.fixture
def other_clerk(other_department):
    with transaction.atomic():
        staff_create(
            username="otherclerk",
            password=PASSWORD,
            role="clerk",
            department_code=other_department.code,
            actor=Actor.system(),
        )
    client = StaffClient()
    assert client.login(username="otherclerk", password=PASSWORD)
    return client


def test_the_web_form_refuses_a_false_name_on_its_field(registered, api, other_clerk):
    data = xzcf_item(1, CF_WSH="吉税罚〔2026〕1号", CF_XDR_MC=FAKE_NAME)["data"]
    response = other_clerk.post("/workbench/records/new/xzcf/", data)
    assert response.status_code == 200
    assert "不一致" in response.context["form"].errors["CF_XDR_MC"][0]
    assert not CreditRecord.objects.filter(source_id__contains="吉税罚").exists()
    assert_untouched(registered, api=api)


def test_a_spreadsheet_with_a_false_name_gets_a_row_error_in_the_first_pass(
    registered, api, other_department, django_capture_on_commit_callbacks
):
    rows = [xzcf_item(1, CF_WSH="吉税罚〔2026〕2号", CF_XDR_MC=FAKE_NAME), xzcf_item(3, CF_WSH="吉税罚〔2026〕3号")]
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_create(
            department=other_department,
            upload=SimpleUploadedFile("u.csv", csv_bytes(rows, encoding="utf-8")),
            record_type_code="xzcf",
            channel=Channel.UPLOAD,
            actor=Actor.system(),
        )
    batch.refresh_from_db()
    assert (batch.state, batch.valid_rows) == (BatchState.VALIDATED, 1)
    error = BatchRowError.objects.get(batch=batch)
    assert (error.row_number, list(error.errors)) == (2, ["CF_XDR_MC"])
    assert not CreditRecord.objects.filter(department=other_department).exists()
    assert_untouched(registered, api=api)


def test_the_import_refuses_the_row_too_if_the_name_was_registered_after_the_check(
    api, other_department, django_capture_on_commit_callbacks
):
    items = [RecordInput(**xzcf_item(1, CF_WSH="吉税罚〔2026〕4号", CF_XDR_MC=FAKE_NAME))]
    assert records_check(items, department=other_department)[0].status == "unchanged"  # nobody known yet
    push(api, [xzxk_item(1)])
    assert records_check(items, department=other_department)[0].errors.keys() == {"CF_XDR_MC"}
    results = records_ingest(
        department=other_department, items=items, channel=Channel.UPLOAD, actor=Actor.system(), review=True
    )
    assert (results[0].status, list(results[0].errors)) == ("rejected", ["CF_XDR_MC"])
    assert CreditSubject.objects.get(uscc=company_uscc(1)).name == TRUE_NAME


def test_the_authority_check_of_a_spreadsheet_lets_its_own_new_names_through(registered, department):
    items = [RecordInput(**xzcf_item(1, CF_WSH="长市监罚〔2026〕新名1号", CF_XDR_MC="吉林测试集团有限公司"))]
    assert records_check(items, department=department)[0].status == "unchanged"
    assert records_check(items)[0].status == "rejected"  # without a department nobody is the authority


def test_the_name_check_costs_the_same_queries_for_ten_items_as_for_forty(department, other_department):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = Actor.system()
    registrations = [RecordInput(**xzxk_item(n)) for n in range(40)]
    records_ingest(department=department, items=registrations, channel="api", actor=actor)

    def count(numbers, batch):
        # Every third item carries a false name (refused), the others the registered one.
        items = [
            RecordInput(**xzcf_item(n, CF_WSH=f"税{batch}-{n}", **({"CF_XDR_MC": FAKE_NAME} if n % 3 == 0 else {})))
            for n in numbers
        ]
        with CaptureQueriesContext(connection) as queries:
            results = records_ingest(department=other_department, items=items, channel="api", actor=actor)
        assert [r.status for r in results] == ["rejected" if n % 3 == 0 else "created" for n in numbers]
        return len(queries)

    count(range(3), "warm-up")  # the day's statistics rows are created once
    assert count(range(10), "a") == count(range(40), "b")
