"""An outsider's checks of issue 10 on data of their own (independent red team, data half).

Each test here reproduced a finding on the merged code: citizen ID numbers kept in clear in the text people
type outside a record (the public application forms, staff notes and reasons), the day's rejection
statistics grown by field codes a sender invents, and a forwarded address that is not an address.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.db import transaction
from django.test import Client
from openpyxl import Workbook

from audit.models import AuditEvent
from audit.services import Actor
from organisations.services import staff_create
from records.models import BatchRowError, CreditRecord, IngestStat, RecordVersion
from records.selectors import catalog_entries
from rights.models import Application, ApplicationEvent
from subjects import identifiers as ids
from subjects.models import CreditSubject
from tests.accounts.helpers import account_client, acting_account
from tests.disclosure import conftest as disclosure_fixtures
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import company_uscc, xzcf_item
from tests.records.test_batch_files import MAIN, assert_done, assert_failed, send, xlsx
from tests.records.test_batch_files import codes as xlsx_codes
from tests.rights.test_applications import at
from tests.test_privacy_scan import database_text, valid_citizen_ids, where

pytestmark = pytest.mark.django_db
published_penalty = disclosure_fixtures.penalty  # a fixture: a published penalty of jl-scjg
PASSWORD = "Pass-12345-x"


class Ids:
    """Distinct valid citizen IDs, as people type them: plain, lower-case x, full-width, next to Chinese."""

    def __init__(self):
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        birth = datetime.date(1985, 3, 1) + datetime.timedelta(days=self.n * 13)
        return ids.make_citizen_id(division_code="220103", birth_date=birth, sequence=100 + self.n)


def test_citizen_ids_typed_into_applications_notes_and_reasons_are_masked_before_storage(client, published_penalty):
    planted = Ids()
    with transaction.atomic():
        staff_create(
            username="rev", password=PASSWORD, role="reviewer", department_code="jl-scjg", actor=Actor.system()
        )
        _, raw = api_token_issue(published_penalty.department)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    applicant = account_client(Client(), acting_account(published_penalty.subject))  # the subject's own account
    with at(2026, 7, 1):
        objection = applicant.post(
            f"/records/{published_penalty.pk}/objection/",
            {
                "submission_key": "k-1",
                "ground": "wrong",
                "explanation": f"我的身份证号{planted()}，另一证件{planted().lower()}",
                "applicant_name": f"王{planted()}",
                "applicant_phone": planted(),
                "applicant_email": f"{planted()}@example.com",
                "pledge": "on",
            },
        )
        tipoff = client.post(
            "/tipoffs/new/",
            {
                "submission_key": "t-1",
                "code": company_uscc(1),
                "department": published_penalty.department.pk,
                "explanation": f"法定代表人身份证{planted()}",
                "applicant_name": "李举报",
                "applicant_phone": "13900000000",
            },
        )
        commitment = applicant.post(
            "/commitments/new/",
            {
                "subject": published_penalty.subject_id,
                "kind": "审批替代型",
                "matter": f"食品经营许可{planted()}",
                "department": published_penalty.department.pk,
                "signer": f"张{planted()}",
                "phone": "13700000000",
                "sign": "on",
            },
        )
        assert (objection.status_code, tipoff.status_code, commitment.status_code) == (200, 200, 200)
        client.login(username="rev", password=PASSWORD)
        answered = client.post(
            f"/workbench/applications/{Application.objects.get(kind='commitment').pk}/",
            {"action": "answer", "outcome": "confirm", "note": f"已核对签署人身份证{planted()}"},
        )
        assert answered.status_code == 302
        client.logout()
        client.post("/api/v1/records/", data=json.dumps([xzcf_item(5)]), content_type="application/json", **auth)
        mis_sent = CreditRecord.objects.get(source_id="长市监罚〔2026〕5号")
        revoked = client.post(
            f"/api/v1/records/{mis_sent.pk}/revoke/",
            data=json.dumps({"reason": f"误报，当事人身份证为{planted()}"}),
            content_type="application/json",
            **auth,
        )
        assert revoked.status_code == 200
    mis_sent.refresh_from_db()
    assert mis_sent.status == "revoked"
    assert "********" in mis_sent.revoked_reason
    assert "********" in RecordVersion.objects.filter(record=mis_sent).latest("version").reason
    assert Application.objects.get(kind="objection").explanation.startswith("我的身份证号220103********")
    assert ApplicationEvent.objects.filter(reason__contains="已核对签署人身份证220103********").exists()
    assert AuditEvent.objects.filter(reason__contains="误报，当事人身份证为220103********").exists()
    text = database_text()
    assert where(text, valid_citizen_ids(text)) == []
    assert planted.n == 10


@pytest.fixture
def api(client):
    department = DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", registers="9")
    with transaction.atomic():
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token_issue(department)[1]}"
    return client


def test_field_codes_outside_the_catalog_are_counted_under_one_key(api):
    item = xzcf_item(1)
    for n in range(200):
        item["data"][f"X_{n:03d}_{'长' * 100}"] = "1"
    response = api.post("/api/v1/records/", data=json.dumps([item] * 5), content_type="application/json")
    assert {r["status"] for r in response.json()["results"]} == {"rejected"}
    bad_date = xzcf_item(2, CF_JDRQ="1949-09-30")
    api.post("/api/v1/records/", data=json.dumps([bad_date]), content_type="application/json")
    stat = IngestStat.objects.get()
    assert stat.rejected_by_reason == {"unknown_field": 1000, "CF_JDRQ": 1}


@pytest.mark.parametrize("forwarded", ["not-an-address", "203.0.113.9:51234", "\x01" * 300, "999.1.1.1"])
def test_a_forwarded_hop_that_is_not_an_address_is_not_trusted(client, published_penalty, settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    with at(2026, 7, 1):
        response = client.post(
            "/tipoffs/new/",
            {
                "submission_key": "t-xff",
                "code": company_uscc(1),
                "department": published_penalty.department.pk,
                "explanation": "该企业长期拖欠货款",
                "applicant_name": "李举报",
                "applicant_phone": "13900000000",
            },
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="application.submit.tipoff").client_ip == "127.0.0.1"


def test_an_id_typed_into_a_numeric_excel_cell_is_refused_not_rounded_to_another_person(
    django_capture_on_commit_callbacks,
):
    department = DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", registers="9")
    exact, rounded = "220103198501030024", "220103198501030016"  # both valid: Excel's 15 digits turn one into the other
    codes = [field.code for field in catalog_entries()["xzcf"].spec.fields]
    workbook = Workbook()
    workbook.active.append(codes)
    # Excel keeps 15 digits of a number (openpyxl writes an int this large as a float too); text stays exact.
    for n, number in ((1, float(f"{int(exact):.15g}")), (2, exact)):
        person = xzcf_item(
            n,
            CF_XDR_MC="欧阳娜娜",
            CF_XDR_LB="自然人",
            CF_XDR_SHXYM=None,
            CF_XDR_ZJLX="身份证",
            CF_XDR_ZJHM=number,
            CF_WSH=f"长市监罚〔2026〕人{n}号",
        )
        workbook.active.append([person["data"].get(code) for code in codes])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch, _ = send(department, django_capture_on_commit_callbacks, "ids.xlsx", buffer.getvalue())
    assert batch.counts == {"created": 1, "rejected": 1}
    error = BatchRowError.objects.get(batch=batch)
    assert (error.row_number, list(error.errors)) == (2, ["CF_XDR_ZJHM"])
    assert "15位有效数字" in error.errors["CF_XDR_ZJHM"][0]
    person = CreditSubject.objects.get(kind="natural_person")
    assert person.citizen_id_masked == ids.mask_citizen_id(exact) != ids.mask_citizen_id(rounded)


def test_a_shared_strings_bomb_under_the_size_cap_is_refused_by_its_compression_ratio(
    django_capture_on_commit_callbacks,
):
    department = DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", registers="9")
    rows = [[xzcf_item(1)["data"].get(code, "") for code in xlsx_codes()]]
    # 2 MB of identical entries in a 10 KB file: under the 32 MB cap, but no Excel writes that.
    bomb = xlsx(rows, shared_strings=f'<sst xmlns="{MAIN}">' + "<si><t>a</t></si>" * 120_000 + "</sst>")
    assert len(bomb) < 20_000
    batch, stored = send(department, django_capture_on_commit_callbacks, "bomb.xlsx", bomb)
    assert_failed(batch, stored, "大量重复内容")
    # Distinct texts, as Excel writes them, compress a few times and are read.
    texts = "".join(f"<si><t>{n:x}号{n * 7919 % 1000003}</t></si>" for n in range(60_000))
    normal = xlsx(rows, shared_strings=f'<sst xmlns="{MAIN}">{texts}</sst>')
    batch, stored = send(department, django_capture_on_commit_callbacks, "normal.xlsx", normal)
    assert_done(batch, stored, {"created": 1})


@pytest.mark.parametrize(
    "written",
    ["{}", "身份证号{}，", "{}号", "（{}）"],
    ids=["alone", "after-chinese", "before-chinese", "in-brackets"],
)
@pytest.mark.parametrize("separator", [" ", "-", "\u3000"], ids=["space", "hyphen", "ideographic-space"])
def test_an_id_written_in_its_three_parts_is_masked_in_free_text(api, written, separator):
    code = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1979, 2, 3), sequence=451)
    spaced = separator.join((code[:6], code[6:14], code[14:]))
    item = xzcf_item(1, CF_SY=written.format(spaced))
    response = api.post("/api/v1/records/", data=json.dumps([item]), content_type="application/json")
    assert response.json()["results"][0]["status"] == "created"
    stored = CreditRecord.objects.get().data["CF_SY"]
    assert stored == written.format(ids.mask_citizen_id(code))


@pytest.mark.parametrize("value", ["李\x07四", "李\u202e四", "李\x1b[2J四"], ids=["bell", "rtl-override", "escape"])
@pytest.mark.parametrize("field", ["explanation", "applicant_name", "applicant_phone"])
def test_the_public_forms_refuse_control_and_override_characters(client, published_penalty, field, value):
    form = {
        "submission_key": "t-ctl",
        "code": company_uscc(1),
        "department": published_penalty.department.pk,
        "explanation": "该企业长期拖欠货款",
        "applicant_name": "李举报",
        "applicant_phone": "13900000000",
        field: value,
    }
    with at(2026, 7, 1):
        response = client.post("/tipoffs/new/", form)
    assert response.status_code == 200
    assert "不允许的控制字符" in response.text
    assert not Application.objects.exists()


def test_a_name_that_displays_reversed_is_a_field_error(api):
    item = xzcf_item(1, CF_XDR_MC="长春\u202e司公限有易贸试测")
    result = api.post("/api/v1/records/", data=json.dumps([item]), content_type="application/json").json()
    assert (result["results"][0]["status"], list(result["results"][0]["errors"])) == ("rejected", ["CF_XDR_MC"])
    assert not CreditRecord.objects.exists()
