import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from organisations.models import Department
from organisations.services import staff_create
from tests.factories import CreditSubjectFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    client.login(username="centre", password="Centre-Pass-2026")
    return client


def test_credit_admin_edits_a_department_and_the_change_is_audited(admin_client):
    department = DepartmentFactory(name="旧名称")
    page = admin_client.get(f"/admin/organisations/department/{department.pk}/change/")
    assert page.status_code == 200
    response = admin_client.post(
        f"/admin/organisations/department/{department.pk}/change/",
        {
            "code": department.code,
            "name": "吉林省新名称厅",
            "uscc": department.uscc,
            "level": "province",
            "division": "220000",
            "parent": "",
            "is_active": "on",
            "sector": "other",
        },
    )
    assert response.status_code == 302
    assert Department.objects.get(pk=department.pk).name == "吉林省新名称厅"
    event = AuditEvent.objects.get(action="department.change")
    assert (event.before["name"], event.after["name"]) == ("旧名称", "吉林省新名称厅")
    assert event.actor_label == "centre"


def test_admin_refuses_an_invalid_department_uscc(admin_client):
    department = DepartmentFactory()
    response = admin_client.post(
        f"/admin/organisations/department/{department.pk}/change/",
        {
            "code": department.code,
            "name": department.name,
            "uscc": "123",
            "level": "province",
            "division": "220000",
            "parent": "",
            "is_active": "on",
            "sector": "other",
        },
    )
    assert response.status_code == 200
    assert "应为18位" in response.text
    assert not AuditEvent.objects.filter(action="department.change").exists()


def test_credit_admin_sees_subjects_but_cannot_delete_them(admin_client):
    subject = CreditSubjectFactory()
    assert admin_client.get(f"/admin/subjects/creditsubject/{subject.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/subjects/creditsubject/{subject.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/audit/auditevent/").status_code == 403


def test_credit_admin_maintains_the_catalog_and_the_holiday_table(admin_client):
    from records.models import CalendarDay, RecordType

    record_type = RecordType.objects.get(code="xzcf")
    assert admin_client.get(f"/admin/records/recordtype/{record_type.pk}/change/").status_code == 200
    response = admin_client.post(
        "/admin/records/calendarday/add/", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(day="2027-01-01").kind == "holiday"
    assert AuditEvent.objects.filter(action="calendarday.create").exists()
    assert admin_client.get("/admin/records/creditrecord/").status_code == 200
    assert admin_client.get("/admin/records/creditrecord/add/").status_code == 403


def test_credit_admin_edits_a_measure_with_its_lists_and_the_change_is_audited(admin_client):
    from sanctions.models import ListType, Measure

    measure = Measure.objects.get(code="zfcg_xz")
    page = admin_client.get(f"/admin/sanctions/measure/{measure.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["list_types"] = [ListType.objects.get(code="yzsx_scjg").pk]
    data["departments"] = []
    data["sectors"] = '["finance"]'
    data["scenarios"] = '["procurement"]'
    data["is_active"] = "on"
    response = admin_client.post(f"/admin/sanctions/measure/{measure.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert list(measure.list_types.values_list("code", flat=True)) == ["yzsx_scjg"]
    event = AuditEvent.objects.get(action="measure.change")
    assert len(event.before["list_types"]) > 1
    assert len(event.after["list_types"]) == 1


def test_client_address_behind_a_trusted_proxy(rf, settings):
    from audit.services import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.2", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"
