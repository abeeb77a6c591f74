"""What the public sees of a record type is catalog data (issue 13): the tab of the subject page
(``RecordType.subject_tab``) and, per field, its column in the 双公示 list, its place on the subject page and in
the credit report, and its column in the open-data files (``RecordField``). Adding a public field of 行政许可
is one change in the admin; the pages, the report and the files follow, masking included."""

import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string

import disclosure.reports as reports
from audit.services import Actor
from organisations.services import staff_create
from records.models import RecordField, RecordType
from records.selectors import catalog_display
from subjects import identifiers as ids
from tests.disclosure.conftest import CITIZEN_ID, NOW
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item
from tests.records.test_admin_audit import form_data

pytestmark = pytest.mark.django_db

PREMISES = "长春市朝阳区人民大街1号"
NEW_FIELD = {
    "code": "XK_JYCS",
    "label": "经营场所",
    "type": "text",
    "requirement": "optional",
    "max_length": "200",
    "list_column": "2",
    "subject_page_order": "7",
    "report_order": "5",
    "open_data_column": "9",
}


@pytest.fixture
def centre(client):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    client.login(username="centre", password="Centre-Pass-2026")
    return client


@pytest.fixture
def push(django_capture_on_commit_callbacks):
    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    with transaction.atomic():
        _, raw = api_token_issue(department)

    def push(*items):
        from django.test import Client

        with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
            response = Client().post(
                "/api/v1/records/",
                data=json.dumps(list(items)),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )
        results = response.json()["results"]
        assert {r["status"] for r in results} <= {"created", "updated"}, results
        return results

    return push


def admin_add_field(client, type_code: str, values: dict, django_capture_on_commit_callbacks) -> None:
    """The credit centre adds one row to the type's fields in the admin and saves: one change."""
    record_type = RecordType.objects.get(code=type_code)
    url = f"/admin/records/recordtype/{record_type.pk}/change/"
    data = form_data(client.get(url))
    prefix = next(key.removesuffix("-TOTAL_FORMS") for key in data if key.endswith("-TOTAL_FORMS") and "field" in key)
    row = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(row + 1)
    data |= {f"{prefix}-{row}-{name}": value for name, value in values.items()}
    data |= {f"{prefix}-{row}-position": str(row), f"{prefix}-{row}-record_type": str(record_type.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]


def public(client, path, **params):
    with time_machine.travel(NOW, tick=False):
        response = client.get(path, params)
    assert response.status_code == 200, path
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.fixture
def report_html(monkeypatch):
    """The credit report as the HTML WeasyPrint would turn into the PDF (same template, same context)."""
    monkeypatch.setattr(reports, "pdf_render", lambda template, context: render_to_string(template, context).encode())


def surfaces(client) -> dict[str, str]:
    uscc = company_uscc(1)
    return {
        # Filtered: the unfiltered first page keeps its rows for a minute (SHUANGGONGSHI_FIRST_PAGE_SECONDS).
        "双公示": public(client, "/shuanggongshi/xzxk/", q="长春测试1商贸"),
        "subject page": public(client, f"/subjects/{uscc}/", tab="xzxk"),
        "report": public(client, f"/subjects/{uscc}/report/"),
        "open data": public(client, "/opendata/shuanggongshi/xzxk.csv", **{"from": "2026-05-01", "to": "2026-05-31"}),
    }


def test_a_public_field_of_xzxk_is_one_admin_change_and_shows_everywhere(
    centre, push, report_html, django_capture_on_commit_callbacks
):
    push(xzxk_item(1))
    before = surfaces(centre)  # the subject page is cached now, and so is the catalog's display
    assert all("经营场所" not in text for text in before.values())

    admin_add_field(centre, "xzxk", NEW_FIELD, django_capture_on_commit_callbacks)
    push(xzxk_item(1, XK_JYCS=PREMISES))  # the department's system sends the new item (a new version)
    shown = surfaces(centre)
    for where, text in shown.items():
        assert "经营场所" in text, where
        assert PREMISES in text, where
    header = shown["open data"].splitlines()[0].split(",")
    assert header[-1] == "经营场所"  # after 许可机关, the 8th column of the type's own
    row = shown["open data"].splitlines()[1].split(",")
    assert row[-1] == PREMISES


def test_a_field_switched_off_leaves_every_surface(centre, push, report_html, django_capture_on_commit_callbacks):
    admin_add_field(centre, "xzxk", NEW_FIELD, django_capture_on_commit_callbacks)
    push(xzxk_item(1, XK_JYCS=PREMISES))
    assert all(PREMISES in text for text in surfaces(centre).values())
    field = RecordField.objects.get(record_type__code="xzxk", code="XK_JYCS")
    with django_capture_on_commit_callbacks(execute=True):
        for name in RecordField.DISPLAY_FIELDS:
            setattr(field, name, None)
        field.save()
    for where, text in surfaces(centre).items():
        assert PREMISES not in text, where
        assert "经营场所" not in text, where


def test_the_migration_reproduces_what_the_templates_showed():
    display = catalog_display().types

    def labels(type_code, place):
        return [item.label for item in getattr(display[type_code], place)]

    assert labels("xzcf", "list_columns") == ["处罚类别"]
    assert labels("xzxk", "list_columns") == ["许可内容"]
    assert labels("xzcf", "subject_page") == ["违法行为类型", "处罚类别", "处罚内容", "处罚依据", "处罚机关"]
    assert labels("xzxk", "subject_page") == ["许可证书", "许可内容", "有效期", "许可机关"]
    assert labels("xycn", "subject_page") == ["承诺类型", "承诺事项", "承诺内容", "履约情况", "受理单位"]
    assert labels("wncn", "subject_page") == ["违诺情况", "承诺书编号", "认定单位"]
    assert labels("xzcf", "report") == ["违法行为类型", "处罚类别", "处罚内容", "处罚机关"]
    assert labels("xzxk", "report") == ["许可内容", "有效期", "许可机关"]
    assert labels("xzcf", "open_data") == [
        "行政处罚决定书文号",
        "违法行为类型",
        "处罚类别",
        "处罚内容",
        "罚款金额（万元）",
        "处罚决定日期",
        "处罚机关",
    ]
    assert labels("xzxk", "open_data") == [
        "行政许可决定文书号",
        "许可类别",
        "许可证书名称",
        "许可编号",
        "许可内容",
        "许可决定日期",
        "有效期至",
        "许可机关",
    ]
    for type_code in ("sxbzxr", "yzsxmd", "jyyc", "hmd"):  # shown with their source department only
        assert labels(type_code, "subject_page") == []
    certificate, _, validity, _ = display["xzxk"].subject_page
    assert certificate.value({"XK_XKZS": "食品经营许可证", "XK_XKBH": "JY1"}) == "食品经营许可证 JY1"
    assert validity.value({"XK_YXQZ": "2026-05-10", "XK_YXQZI": "2031-05-09"}) == "2026-05-10 至 2031-05-09"
    fulfilment = display["xycn"].subject_page[3]
    assert (fulfilment.value({}), fulfilment.value({"CN_LYQK": "违诺"})) == ("履约中", "违诺")
    tabs = {code: d.tab for code, d in display.items()}
    assert tabs == {
        "xzxk": "xzxk",
        "xzcf": "xzcf",
        "jyyc": "jyyc",
        "xycn": "xycn",
        "hmd": "red",
        "yzsxmd": "black",
        "sxbzxr": "black",
        "wncn": "other",
        "ccjc": "other",  # records 0021, with its display set by that migration
        "qsxx": "other",  # records 0026: 政务共享, shown to the subject itself and to departments with a grant
    }


def test_the_tab_of_a_type_is_catalog_data(client, push, django_capture_on_commit_callbacks):
    breach = {
        "record_type": "wncn",
        "data": {
            "WN_XDR_MC": "长春测试1商贸有限公司",
            "WN_XDR_SHXYM": company_uscc(1),
            "WN_CNBH": "CN-2026-1",
            "WN_WNQK": "未按承诺补交材料",
            "WN_RDRQ": "2026-06-02",
            "WN_RDJG": "吉林省市场监督管理厅",
        },
    }
    push(breach)
    uscc = company_uscc(1)
    assert "未按承诺补交材料" in public(client, f"/subjects/{uscc}/", tab="other")
    assert "未按承诺补交材料" not in public(client, f"/subjects/{uscc}/", tab="xycn")
    record_type = RecordType.objects.get(code="wncn")
    record_type.subject_tab = "xycn"
    with django_capture_on_commit_callbacks(execute=True):
        record_type.save()
    page = public(client, f"/subjects/{uscc}/", tab="xycn")
    assert "未按承诺补交材料" in page
    assert '?tab=xycn" aria-current="page">信用承诺<span class="count">1</span>' in page
    assert "未按承诺补交材料" not in public(client, f"/subjects/{uscc}/", tab="other")


REFUSED = "证件号码不在双公示列表、主体页、信用报告和开放数据中逐条公开"


def test_an_identity_document_number_cannot_be_made_public():
    xzcf = RecordType.objects.get(code="xzcf")
    renamed = RecordType(code="xzcf2", citizen_id_field="CF_XDR_SFZH")  # the type names its own document field
    for record_type, code in ((xzcf, "CF_XDR_ZJHM"), (xzcf, "CF_FR_ZJHM"), (renamed, "CF_XDR_SFZH")):
        field = RecordField(record_type=record_type, code=code, label="证件号码", subject_page_order=9)
        field.open_data_column = 12
        with pytest.raises(ValidationError) as refused:
            field.clean()
        assert set(refused.value.message_dict) == {"subject_page_order", "open_data_column"}
        assert REFUSED in refused.value.message_dict["subject_page_order"][0]
        field.subject_page_order = field.open_data_column = None
        field.clean()  # not shown anywhere: allowed
    RecordField(record_type=xzcf, code="CF_XDR_MC", label="名称", subject_page_order=1).clean()


def test_the_admin_refuses_to_show_a_document_number(centre, django_capture_on_commit_callbacks):
    record_type = RecordType.objects.get(code="xzcf")
    url = f"/admin/records/recordtype/{record_type.pk}/change/"
    data = form_data(centre.get(url))
    prefix = next(key.removesuffix("-TOTAL_FORMS") for key in data if key.endswith("-TOTAL_FORMS") and "field" in key)
    row = next(i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data[f"{prefix}-{i}-code"] == "CF_XDR_ZJHM")
    data[f"{prefix}-{row}-subject_page_order"] = "9"
    response = centre.post(url, data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert RecordField.objects.get(record_type=record_type, code="CF_XDR_ZJHM").subject_page_order is None


def test_a_document_number_shown_anyway_is_masked_on_every_surface(centre, push, report_html):
    """Forced past validation (a bulk update, which also sends no signal): still masked wherever it shows."""
    from django.test import Client
    from django.urls import reverse

    from disclosure.addresses import subject_url
    from records.selectors import catalog_display_changed
    from subjects.models import CreditSubject
    from tests.accounts.helpers import account_client, acting_account

    RecordField.objects.filter(record_type__code="xzcf", code="CF_XDR_ZJHM").update(
        list_column=2, subject_page_order=9, report_order=9, open_data_column=12
    )
    RecordField.objects.filter(record_type__code="xzcf", code="CF_SY").update(
        list_column=3, subject_page_order=8, report_order=8, open_data_column=13
    )
    catalog_display_changed()
    push(
        xzcf_item(
            9,
            CF_XDR_MC="欧阳娜娜",
            CF_XDR_LB="自然人",
            CF_XDR_SHXYM=None,
            CF_XDR_ZJLX="护照号",  # a citizen ID declared as a passport: masked all the same
            CF_XDR_ZJHM=CITIZEN_ID,
            CF_SY=f"当事人欧阳娜娜（身份证号{CITIZEN_ID}）销售过期食品",
        )
    )
    person = CreditSubject.objects.get(kind="natural_person")
    texts = {
        "双公示": public(centre, "/shuanggongshi/xzcf/"),
        "subject page": public(centre, subject_url(person), tab="xzcf"),
        # A person's report is the person's own (本主体查询), issued to an account acting for the person.
        "report": public(
            account_client(Client(), acting_account(person)), reverse("rights:self-report", args=[person.pk])
        ),
        "open data": public(centre, "/opendata/shuanggongshi/xzcf.csv", **{"from": "2026-06-01", "to": "2026-06-30"}),
    }
    for where, text in texts.items():
        assert CITIZEN_ID not in text, where
        assert "欧阳娜娜" not in text, where
        assert ids.mask_citizen_id(CITIZEN_ID) in text, where
        assert "销售过期食品" in text, where


def test_the_display_costs_no_query_per_row(client, push):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    push(xzxk_item(1), *[xzxk_item(2, XK_WSH=f"长市监许〔2026〕2-{n}号") for n in range(30)])
    public(client, "/shuanggongshi/xzxk/")  # the catalog's display is read once, then kept in the cache

    def queries(path, **params) -> int:
        with CaptureQueriesContext(connection) as captured:
            text = public(client, path, **params)
        return len(captured.captured_queries), text

    one, text = queries(f"/subjects/{company_uscc(1)}/", tab="xzxk")
    many, text = queries(f"/subjects/{company_uscc(2)}/", tab="xzxk")
    assert text.count("许可证书") == 30
    assert one == many
    few, text = queries("/shuanggongshi/xzxk/", q="长春测试1商贸")
    full, text = queries("/shuanggongshi/xzxk/", q="长春测试2商贸")
    assert text.count("预包装食品销售") == 20
    assert few == full
