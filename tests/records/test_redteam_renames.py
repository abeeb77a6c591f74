"""Department B (the tax bureau, no registration authority) tries to rename department A's registered
company through every API channel, with names an impostor or a careless clerk would send (issue 10, red team).

A name equal to the registered one up to full-width forms and spaces, or a former name of this company, is
accepted without renaming; anything else is refused on the name field and the company keeps its name.
"""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from subjects.models import CreditSubject
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item

pytestmark = pytest.mark.django_db

TRUE_NAME = "长春测试1商贸有限公司"
FORMER_NAME = "长春测试壹商贸有限公司"

NAMES = [
    pytest.param("长春测试１商贸有限公司", True, id="full-width-digit"),
    pytest.param(" 长春测试1商贸  有限公司\u3000", True, id="spaces-and-ideographic-space"),
    pytest.param(FORMER_NAME, True, id="own-former-name"),
    pytest.param("長春測試1商貿有限公司", False, id="traditional-characters"),
    pytest.param("长春测试2商贸有限公司", False, id="another-subjects-current-name"),
    pytest.param("长春别家曾用名有限公司", False, id="another-subjects-former-name"),
    pytest.param("冒名改名皮包有限公司", False, id="impostor"),
    pytest.param("长春测试1商贸有限公司\u200b", False, id="zero-width-space"),
]


@pytest.fixture
def registered(api):
    """Company 1 (with a former name) and company 2 (with its own former name), registered by 市场监管."""
    answer = api.post(
        "/api/v1/records/", data=json.dumps([xzxk_item(1), xzxk_item(2)]), content_type="application/json"
    )
    assert [r["status"] for r in answer.json()["results"]] == ["created", "created"]
    subject = CreditSubject.objects.get(uscc=company_uscc(1))
    subject.former_names.create(name=FORMER_NAME, source="登记机关")
    CreditSubject.objects.get(uscc=company_uscc(2)).former_names.create(
        name="长春别家曾用名有限公司", source="登记机关"
    )
    return subject


def _assert_kept(subject):
    subject.refresh_from_db()
    assert subject.name == TRUE_NAME
    assert set(subject.former_names.values_list("name", flat=True)) == {FORMER_NAME}
    assert TRUE_NAME in Client().get(f"/subjects/{subject.uscc}/").text


@pytest.mark.parametrize(("name", "accepted"), NAMES)
def test_a_push_from_another_department(registered, other_api, name, accepted):
    item = xzcf_item(1, CF_WSH="吉税罚〔2026〕1号", CF_XDR_MC=name)
    result = other_api.post("/api/v1/records/", data=json.dumps([item]), content_type="application/json").json()
    result = result["results"][0]
    assert (result["status"], list(result["errors"])) == (("created", []) if accepted else ("rejected", ["CF_XDR_MC"]))
    _assert_kept(registered)


@pytest.mark.parametrize(("name", "accepted"), NAMES)
def test_a_jsonl_batch_from_another_department(
    registered, other_api, name, accepted, django_capture_on_commit_callbacks
):
    line = json.dumps(xzcf_item(1, CF_WSH="吉税罚〔2026〕2号", CF_XDR_MC=name), ensure_ascii=False)
    upload = SimpleUploadedFile("b.jsonl", line.encode(), content_type="application/x-ndjson")
    with django_capture_on_commit_callbacks(execute=True):
        answer = other_api.post("/api/v1/batches/", {"file": upload})
    assert answer.status_code == 202, answer.content
    batch = other_api.get(f"/api/v1/batches/{answer.json()['id']}/").json()
    assert batch["state"] == "done"
    assert batch["counts"] == ({"created": 1} if accepted else {"rejected": 1})
    _assert_kept(registered)


def test_a_legacy_organisation_code_does_not_open_another_way_to_rename(api, other_api):
    """With the company's 组织机构代码 beside its USCC the false name is still refused on the name field; with
    the legacy code alone a legal person's item is refused for want of its USCC (the national format)."""
    code = company_uscc(3)[8:17]
    api.post("/api/v1/records/", data=json.dumps([xzxk_item(3, XK_XDR_ZZJG=code)]), content_type="application/json")
    items = [
        xzcf_item(3, CF_WSH="吉税罚〔2026〕3号", CF_XDR_ZZJG=code, CF_XDR_MC="冒名改名皮包有限公司"),
        xzcf_item(3, CF_WSH="吉税罚〔2026〕4号", CF_XDR_SHXYM=None, CF_XDR_ZZJG=code, CF_XDR_MC="冒名改名皮包有限公司"),
    ]
    results = other_api.post("/api/v1/records/", data=json.dumps(items), content_type="application/json").json()
    assert [(r["status"], list(r["errors"])) for r in results["results"]] == [
        ("rejected", ["CF_XDR_MC"]),
        ("rejected", ["CF_XDR_SHXYM"]),
    ]
    assert CreditSubject.objects.get(uscc=company_uscc(3)).name == "长春测试3商贸有限公司"


def test_an_old_dated_authority_record_does_not_rename_back(api):
    renamed = xzxk_item(4, XK_WSH="吉市监许〔2026〕新4号", XK_XDR_MC="吉林新名4有限公司", XK_JDRQ="2026-06-01")
    old = xzxk_item(4, XK_WSH="吉市监许〔2025〕旧4号", XK_JDRQ="2025-03-01")
    for item in (renamed, old):
        api.post("/api/v1/records/", data=json.dumps([item]), content_type="application/json")
    subject = CreditSubject.objects.get(uscc=company_uscc(4))
    assert (subject.name, subject.name_changed_on) == ("吉林新名4有限公司", datetime.date(2026, 6, 1))
