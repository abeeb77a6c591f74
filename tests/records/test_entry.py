"""Clerk entry (issue 16): the authority and data source prefilled from the department, the subject looked up
by name or code, and an entry sent back modified and resubmitted as a new version of the same record."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from organisations.services import staff_create
from records.models import CreditRecord
from subjects.models import CreditSubject, SubjectNameHistory
from tests.factories import CreditSubjectFactory
from tests.records.helpers import company_uscc, xzcf_item

pytestmark = pytest.mark.django_db
PASSWORD = "Pass-12345-x"


@pytest.fixture
def staff(department, other_department):
    with transaction.atomic():
        for username, role, dept in [
            ("clerk", "clerk", department.code),
            ("clerk2", "clerk", department.code),
            ("reviewer", "reviewer", department.code),
            ("otherclerk", "clerk", other_department.code),
        ]:
            staff_create(username=username, password=PASSWORD, role=role, department_code=dept, actor=Actor.system())


def login(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_authority_and_data_source_are_prefilled_from_the_clerks_department(client, staff, department):
    login(client, "clerk")
    page = client.get("/workbench/records/new/xzcf/").text
    for code, value in [
        ("CF_CFJG", department.name),
        ("CF_CFJGDM", department.uscc),
        ("CF_SJLY", department.name),
        ("CF_SJLYDM", department.uscc),
    ]:
        assert f'name="{code}" value="{value}"' in page, code
    assert 'name="CF_XDR_MC" value=' not in page  # the subject's fields stay empty
    permit = client.get("/workbench/records/new/xzxk/").text
    assert f'name="XK_XKJGDM" value="{department.uscc}"' in permit
    assert "js/subject_lookup.js" in permit


def test_the_subject_is_found_by_name_former_name_or_code(client, staff):
    subject = CreditSubjectFactory(name="长春市新华书店有限公司", uscc=company_uscc(41))
    renamed = CreditSubjectFactory(name="吉林省远航物流有限公司", uscc=company_uscc(42))
    SubjectNameHistory.objects.create(subject=renamed, name="长春市远航运输有限公司")
    login(client, "clerk")
    by_name = client.get("/workbench/subjects/lookup/", {"q": "新华书店"}).json()["results"]
    assert by_name == [
        {
            "name": "长春市新华书店有限公司",
            "code": subject.uscc,
            "kind": subject.get_kind_display(),
            "record_kind": "法人及非法人组织",
            "matched": "名称",
        }
    ]
    by_former = client.get("/workbench/subjects/lookup/", {"q": "远航运输"}).json()["results"]
    assert [(r["name"], r["matched"]) for r in by_former] == [
        ("吉林省远航物流有限公司", "曾用名：长春市远航运输有限公司")
    ]
    by_code = client.get("/workbench/subjects/lookup/", {"q": subject.uscc.lower()}).json()["results"]
    assert [r["name"] for r in by_code] == ["长春市新华书店有限公司"]
    bad = client.get("/workbench/subjects/lookup/", {"q": "91220104MA0000000X"}).json()
    assert bad["results"] == []
    assert "统一社会信用代码" in bad["message"]


def test_natural_persons_are_never_offered_by_the_entry_lookup(client, staff):
    CreditSubjectFactory(name="王小明", kind="natural_person", uscc=None, citizen_id_hash="x" * 64)
    login(client, "clerk")
    assert client.get("/workbench/subjects/lookup/", {"q": "王小明"}).json()["results"] == []


def test_the_lookup_is_for_department_staff_only(client, staff):
    assert client.get("/workbench/subjects/lookup/", {"q": "书店"}).status_code == 302  # to the login page


def test_an_entry_sent_back_is_modified_and_resubmitted_as_a_new_version(client, staff):
    login(client, "clerk")
    client.post("/workbench/records/new/xzcf/", xzcf_item(1, CF_NR_FK="50")["data"])
    record = CreditRecord.objects.get()
    login(client, "reviewer")
    client.post(f"/workbench/records/{record.pk}/review/", {"decision": "reject", "note": "罚款金额应为5万元"})
    login(client, "clerk2")
    detail = client.get(f"/workbench/records/{record.pk}/").text
    assert f"/workbench/records/{record.pk}/edit/" in detail
    form = client.get(f"/workbench/records/{record.pk}/edit/").text
    assert "罚款金额应为5万元" in form
    assert 'name="CF_NR_FK" value="50"' in form
    response = client.post(f"/workbench/records/{record.pk}/edit/", xzcf_item(1, CF_NR_FK="5")["data"])
    assert response.status_code == 302
    assert CreditRecord.objects.count() == 1
    record.refresh_from_db()
    assert (record.status, record.version, record.data["CF_NR_FK"]) == ("pending_review", 3, "5")
    assert record.submitted_by.username == "clerk2"
    history = [(v.change, v.data["CF_NR_FK"]) for v in record.versions.order_by("version")]
    assert history == [("create", "50"), ("reject", "50"), ("resubmit", "5")]
    assert AuditEvent.objects.filter(action="record.resubmit", object_id=str(record.pk)).exists()
    page = client.get(f"/workbench/records/{record.pk}/").text
    assert "修改后重新提交" in page
    assert "审核退回" in page
    assert "<td>create</td>" not in page
    login(client, "reviewer")
    client.post(f"/workbench/records/{record.pk}/review/", {"decision": "approve", "note": ""})
    record.refresh_from_db()
    assert record.status == "active"


def test_resubmission_errors_are_shown_and_change_nothing(client, staff):
    login(client, "clerk")
    client.post("/workbench/records/new/xzcf/", xzcf_item(1)["data"])
    client.post("/workbench/records/new/xzcf/", xzcf_item(2)["data"])
    first, second = CreditRecord.objects.order_by("pk")
    login(client, "reviewer")
    client.post(f"/workbench/records/{first.pk}/review/", {"decision": "reject", "note": "日期有误"})
    login(client, "clerk")
    bad_date = client.post(f"/workbench/records/{first.pk}/edit/", xzcf_item(1, CF_JDRQ="2026-13-01")["data"])
    assert "不是有效日期" in bad_date.text
    taken = client.post(f"/workbench/records/{first.pk}/edit/", xzcf_item(1, CF_WSH=second.source_id)["data"])
    assert "本部门已有该编号的同类记录" in taken.text
    first.refresh_from_db()
    assert (first.status, first.version) == ("rejected", 2)
    # Only an entry sent back is modified so; another department's is not found.
    refused = client.post(f"/workbench/records/{second.pk}/edit/", xzcf_item(2)["data"], follow=True)
    assert "只有审核未通过的记录可以修改后重新提交" in refused.text
    login(client, "otherclerk")
    assert client.get(f"/workbench/records/{first.pk}/edit/").status_code == 404
    assert CreditSubject.objects.count() == 2
