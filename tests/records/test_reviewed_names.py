"""An entry of the registration authority names its subject once its reviewer approves it (issue 10, red team).

Entries wait for review without renaming; without this, a department that reports only through the workbench
could never give a subject its registered name, and a provisional name typed by another department stayed on
the public page until the credit centre corrected it by hand.
"""

import datetime
import json

import pytest
from django.db import transaction
from django.test import Client

from audit.models import AuditEvent
from audit.services import Actor
from organisations.services import staff_create
from records.models import CreditRecord
from subjects.choices import NameSource
from subjects.models import CreditSubject
from tests.conftest import StaffClient
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-12345-x"
FALSE_NAME = "冒名抢注皮包有限公司"


def _staff(username, role, department):
    with transaction.atomic():
        staff_create(
            username=username, password=PASSWORD, role=role, department_code=department.code, actor=Actor.system()
        )
    client = StaffClient()
    assert client.login(username=username, password=PASSWORD)
    return client


def _enter_and_approve(department, data, *, suffix):
    """A clerk of ``department`` enters a licence in the web form; a reviewer of the same department approves it."""
    clerk = _staff(f"clerk{suffix}", "clerk", department)
    response = clerk.post("/workbench/records/new/xzxk/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    record = CreditRecord.objects.get(source_id=data["XK_WSH"])
    assert record.status == "pending_review"
    reviewer = _staff(f"rev{suffix}", "reviewer", department)
    reviewer.post(f"/workbench/records/{record.pk}/review/", {"decision": "approve", "note": ""})
    record.refresh_from_db()
    assert record.status == "active"
    return record


def test_the_authoritys_approved_entry_replaces_a_provisional_false_name(
    department, other_api, django_capture_on_commit_callbacks
):
    push = other_api.post(
        "/api/v1/records/", data=json.dumps([xzcf_item(8, CF_XDR_MC=FALSE_NAME)]), content_type="application/json"
    )
    assert push.json()["results"][0]["status"] == "created"
    subject = CreditSubject.objects.get(uscc=company_uscc(8))
    assert (subject.name, subject.name_source) == (FALSE_NAME, NameSource.PROVISIONAL)
    assert FALSE_NAME in Client().get(f"/subjects/{subject.uscc}/").text  # cached with the false name
    with django_capture_on_commit_callbacks(execute=True):
        _enter_and_approve(department, xzxk_item(8)["data"], suffix="a")
    subject.refresh_from_db()
    assert (subject.name, subject.name_source) == ("长春测试8商贸有限公司", NameSource.AUTHORITY)
    assert not subject.former_names.exists()  # a provisional name was never the subject's
    assert AuditEvent.objects.filter(action="subject.rename", object_id=str(subject.pk)).exists()
    page = Client().get(f"/subjects/{subject.uscc}/").text
    assert FALSE_NAME not in page
    assert "长春测试8商贸有限公司" in page


def test_another_departments_approved_entry_names_nobody(department, other_department, other_api):
    other_api.post("/api/v1/records/", data=json.dumps([xzcf_item(9)]), content_type="application/json")
    data = xzxk_item(9, XK_WSH="吉税许〔2026〕9号", XK_XDR_MC="另一个名称有限公司")["data"]
    _enter_and_approve(other_department, data, suffix="b")
    subject = CreditSubject.objects.get(uscc=company_uscc(9))
    assert (subject.name, subject.name_source) == ("长春测试9商贸有限公司", NameSource.PROVISIONAL)
    assert not AuditEvent.objects.filter(action="subject.rename").exists()


def test_an_approved_entry_older_than_the_registered_name_does_not_rename_back(department, make_token):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {make_token(department)}")
    new_name = xzxk_item(10, XK_XDR_MC="吉林新名集团有限公司", XK_JDRQ="2026-06-10")
    assert api.post("/api/v1/records/", data=json.dumps([new_name]), content_type="application/json").status_code
    old = xzxk_item(10, XK_WSH="吉市监许〔2026〕旧10号", XK_JDRQ="2026-05-01")["data"]
    _enter_and_approve(department, old, suffix="c")
    subject = CreditSubject.objects.get(uscc=company_uscc(10))
    assert (subject.name, subject.name_changed_on) == ("吉林新名集团有限公司", datetime.date(2026, 6, 10))


def test_the_public_page_says_a_provisional_name_is_not_yet_registered(
    department, other_api, make_token, django_capture_on_commit_callbacks
):
    """A name no registration authority gave must not look registered to the public."""
    other_api.post("/api/v1/records/", data=json.dumps([xzcf_item(11)]), content_type="application/json")
    uscc = company_uscc(11)
    assert 'data-testid="name-provisional"' in Client().get(f"/subjects/{uscc}/").text
    api = Client(HTTP_AUTHORIZATION=f"Bearer {make_token(department)}")
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/records/", data=json.dumps([xzxk_item(11)]), content_type="application/json")
    assert CreditSubject.objects.get(uscc=uscc).name_source == NameSource.AUTHORITY
    assert 'data-testid="name-provisional"' not in Client().get(f"/subjects/{uscc}/").text


def test_a_new_subject_from_an_entry_waiting_for_review_is_provisional_until_approved(department, other_api):
    """市场监管's clerk types a new company with a typo. Until a reviewer approves the entry the name is not
    the registered one: another department's correct name is accepted, and a rejected entry leaves nothing
    authoritative behind."""
    clerk = _staff("clerkd", "clerk", department)
    typo = xzxk_item(12, XK_XDR_MC="长春测试12商贸有线公司")["data"]
    assert clerk.post("/workbench/records/new/xzxk/", typo).status_code == 302
    subject = CreditSubject.objects.get(uscc=company_uscc(12))
    assert (subject.name, subject.name_source) == ("长春测试12商贸有线公司", NameSource.PROVISIONAL)
    correct = xzcf_item(12, CF_WSH="吉税罚〔2026〕12号")
    answer = other_api.post("/api/v1/records/", data=json.dumps([correct]), content_type="application/json")
    assert answer.json()["results"][0]["status"] == "created"
    record = CreditRecord.objects.get(source_id=typo["XK_WSH"])
    reviewer = _staff("revd", "reviewer", department)
    reviewer.post(f"/workbench/records/{record.pk}/review/", {"decision": "reject", "note": "名称有误"})
    subject.refresh_from_db()
    assert subject.name_source == NameSource.PROVISIONAL
    # The clerk corrects the entry; approved, the authority's name is registered.
    fixed = {**typo, "XK_XDR_MC": "长春测试12商贸有限公司"}
    assert clerk.post("/workbench/records/new/xzxk/", fixed).status_code == 302
    reviewer.post(f"/workbench/records/{record.pk}/review/", {"decision": "approve", "note": ""})
    subject.refresh_from_db()
    assert (subject.name, subject.name_source) == ("长春测试12商贸有限公司", NameSource.AUTHORITY)
