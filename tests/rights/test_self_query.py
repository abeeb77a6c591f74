"""What a subject account may do for its subject (issue 14): file objections, repairs and commitments for its
own verified subjects only; read the subject's whole record (self-query) and its own report; see who read it.
Every trust boundary is tested from both sides: the refused caller and the allowed one."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client

import disclosure.reports as reports
from accounts.services import account_suspend, grant_suspend
from audit.models import AuditEvent
from audit.services import Actor
from disclosure.models import CreditReport
from records.models import CreditRecord
from rights.models import Application
from rights.services import ApplicationError, application_submit
from subjects.models import SubjectAccess
from subjects.services import subject_access_record
from tests.accounts.helpers import CENTRE, account_client, account_make, acting_account, grant_make
from tests.disclosure.conftest import TZ
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import xzcf_item
from tests.rights.test_rights_pages import objection_form

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 7, 1, 10, tzinfo=TZ)


def at_now():
    return time_machine.travel(NOW, tick=False)


# Filing ---------------------------------------------------------------------------------------------------


def test_only_a_verified_account_of_the_subject_files_an_objection(record_of_a):
    penalty, other = record_of_a
    url = f"/records/{penalty.pk}/objection/"
    verified = acting_account(penalty.subject)
    unverified = account_make("unverified@example.com")
    grant_make(unverified, penalty.subject, verified=False)
    unrelated = acting_account(other.subject)  # verified, for subject B
    suspended = acting_account(penalty.subject, email="suspended@example.com")
    account_suspend(account=suspended, actor=CENTRE, reason="冒用")
    with at_now():
        assert Client().get(url)["Location"].startswith("/account/login/")
        assert Client().post(url, objection_form())["Location"].startswith("/account/login/")
        for refused in (unverified, unrelated):
            browser = account_client(Client(), refused)
            assert browser.get(url).status_code == 403
            assert browser.post(url, objection_form(submission_key=f"k-{refused.pk}")).status_code == 403
        assert account_client(Client(), suspended).get(url)["Location"].startswith("/account/login/")
        assert not Application.objects.exists()
        browser = account_client(Client(), verified)
        form = browser.get(url)
        assert form.status_code == 200
        assert form.context["form"]["applicant_email"].value() == verified.email
        assert browser.post(url, objection_form()).status_code == 200
    application = Application.objects.get()
    assert (application.account, application.subject) == (verified, penalty.subject)


def test_a_suspended_grant_files_nothing_more(record_of_a):
    penalty, _ = record_of_a
    account = acting_account(penalty.subject)
    browser = account_client(Client(), account)
    with at_now():
        assert browser.get(f"/records/{penalty.pk}/repair/").status_code == 200
        grant_suspend(grant=account.grants.get(), actor=CENTRE, reason="委托书过期")
        assert browser.get(f"/records/{penalty.pk}/repair/").status_code == 403
        assert browser.get("/commitments/new/").context["has_subjects"] is False


@pytest.mark.parametrize("kind", ["objection", "repair"])
def test_the_service_refuses_without_an_acting_account_whatever_the_view(record_of_a, kind):
    """The check is in the service, not only in the page: a caller that reaches it without an account (or with
    another subject's) is refused and nothing is written."""
    penalty, other = record_of_a
    fields = {
        "kind": kind,
        "record": penalty,
        "explanation": "x",
        "applicant_name": "王",
        "applicant_phone": "1",
        "ground": "wrong",
        "commitment_signed": True,
        "obligations_fulfilled": True,
        "actor": Actor.public(),
    }
    with time_machine.travel(datetime.datetime(2026, 10, 1, 10, tzinfo=TZ), tick=False):  # repairable by then
        for n, account in enumerate([None, acting_account(other.subject)]):
            with pytest.raises(ApplicationError, match="只有经信用中心核验"), transaction.atomic():
                application_submit(submission_key=f"s-{n}", account=account, **fields)
    assert not Application.objects.exists()


def test_whistle_blowing_stays_anonymous_and_is_never_shown_to_the_subject(record_of_a):
    penalty, _ = record_of_a
    with at_now():
        response = Client().post(
            "/tipoffs/new/",
            {
                "submission_key": "t-1",
                "code": penalty.subject.uscc,
                "department": penalty.department.pk,
                "explanation": "长期拖欠货款",
                "applicant_name": "李举报",
                "applicant_phone": "13900000000",
            },
        )
        assert response.status_code == 200
        tipoff = Application.objects.get(kind="tipoff")
        assert tipoff.account is None
        page = account_client(Client(), acting_account(penalty.subject)).get(
            f"/account/subjects/{penalty.subject_id}/record/"
        )
    assert tipoff.receipt_number not in page.text
    assert "李举报" not in page.text


# Self-query -----------------------------------------------------------------------------------------------


def test_the_self_query_shows_the_whole_record_and_is_logged(record_of_a):
    penalty, _other = record_of_a
    account = acting_account(penalty.subject)
    browser = account_client(Client(), account)
    with at_now():
        public_page = Client().get(f"/subjects/{penalty.subject.uscc}/", {"tab": "xzxk"}).text
        page = browser.get(f"/account/subjects/{penalty.subject_id}/record/")
    assert page.status_code == 200
    text = page.text
    for source_id in ("长市监罚〔2026〕1号", "长市监罚〔2026〕撤1号", "长市监罚〔2019〕旧1号", "长市监许〔2026〕1号"):
        assert source_id in text, source_id
    assert "长市监许〔2026〕1号" not in public_page  # the licence is not public: the self-query shows it anyway
    assert "已撤销" in text
    assert "复议撤销" in text
    assert "不公示：该类信息不向社会公开" in text
    assert "不公示：公示期已届满" in text
    assert "严重违法失信名单" in text
    assert "规则版本" in text
    assert "长市监罚〔2026〕2号" not in text  # subject B's
    [access] = SubjectAccess.objects.all()
    assert (access.subject, access.kind) == (penalty.subject, "self")
    assert account.display_name in access.accessor
    assert AuditEvent.objects.filter(action="subject.access", object_id=str(penalty.subject_id)).count() == 1


def test_the_self_query_of_another_subject_is_refused_and_not_logged(record_of_a):
    penalty, other = record_of_a
    browser = account_client(Client(), acting_account(other.subject))
    pending = account_make("pending@example.com")
    grant_make(pending, penalty.subject, verified=False)
    with at_now():
        for client in (browser, account_client(Client(), pending)):
            for page in ("record", "report", "accesses"):
                assert client.get(f"/account/subjects/{penalty.subject_id}/{page}/").status_code == 403, page
        assert Client().get(f"/account/subjects/{penalty.subject_id}/record/")["Location"].startswith("/account/login/")
    assert not SubjectAccess.objects.exists()


def test_the_access_log_lists_every_kind_of_access(record_of_a):
    penalty, _ = record_of_a
    with transaction.atomic():
        subject_access_record(
            subject=penalty.subject,
            kind="department",
            accessor="吉林省税务局",
            accessor_code="jl-sw",
            purpose="行政许可审查",
            actor=CENTRE,
            scope=["xzcf"],
            basis="部门查询权限",
        )
        subject_access_record(
            subject=penalty.subject, kind="special", accessor="长春市中级人民法院", purpose="执行查询", actor=CENTRE
        )
    browser = account_client(Client(), acting_account(penalty.subject))
    with at_now():
        browser.get(f"/account/subjects/{penalty.subject_id}/record/")
        log = browser.get(f"/account/subjects/{penalty.subject_id}/accesses/").text
    for text in ("部门按权限查询", "吉林省税务局", "行政许可审查", "特殊查询", "长春市中级人民法院", "本主体查询"):
        assert text in log, text
    assert "<td>xzcf</td>" not in log  # the scope is named, not coded (issue 16)
    assert "<td>行政处罚</td>" in log


# Reports --------------------------------------------------------------------------------------------------


@pytest.fixture
def report_html(monkeypatch):
    monkeypatch.setattr(reports, "pdf_render", lambda template, context: render_to_string(template, context).encode())


def _download(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_the_subject_report_differs_from_the_public_one_and_verifies_without_a_new_download(record_of_a, report_html):
    penalty, _ = record_of_a
    browser = account_client(Client(), acting_account(penalty.subject))
    with at_now():
        own = _download(browser.get(f"/account/subjects/{penalty.subject_id}/report/"))
        public = _download(Client().get(f"/subjects/{penalty.subject.uscc}/report/"))
    assert "信用信息自查报告（本主体查询）" in own
    assert "仅供本主体使用" in own
    assert "信用信息自查报告" not in public
    assert "仅供本主体使用" not in public
    assert "长市监罚〔2026〕撤1号" in own
    assert "长市监罚〔2026〕撤1号" not in public
    assert "长市监许〔2026〕1号" in own
    assert "长市监许〔2026〕1号" not in public
    report = CreditReport.objects.get(variant="self")
    code = next(line for line in own.splitlines() if "验证码" in line)
    code = code.split("<td>")[-1].split("</td>")[0]
    with at_now():
        verified = Client().get("/reports/verify/", {"number": report.number, "code": code})
    assert verified.status_code == 200
    assert "信用信息自查报告（本主体查询）" in verified.text
    assert "重新下载该报告" not in verified.text
    from disclosure.views import DOWNLOAD_SIGNER

    assert Client().get("/reports/download/", {"t": DOWNLOAD_SIGNER.sign(report.number)}).status_code == 404
    assert SubjectAccess.objects.filter(subject=penalty.subject, kind="self").count() == 1


def test_a_persons_report_is_only_the_persons_own(client, report_html, django_capture_on_commit_callbacks):
    from disclosure.addresses import subject_url
    from subjects import identifiers as ids

    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    with transaction.atomic():
        _, raw = api_token_issue(department)
    citizen_id = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1979, 2, 3), sequence=451)
    item = xzcf_item(
        9, CF_XDR_MC="欧阳娜娜", CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=citizen_id
    )
    with at_now(), django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/api/v1/records/", json.dumps([item]), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
        )
    person = CreditRecord.objects.get().subject
    with at_now():
        page = Client().get(subject_url(person))
        assert page.status_code == 200
        assert 'data-testid="report-link"' not in page.text
        assert Client().get(subject_url(person) + "report/").status_code == 404
        own = _download(account_client(Client(), acting_account(person)).get(f"/account/subjects/{person.pk}/report/"))
    assert "信用信息自查报告" in own
    assert citizen_id not in own


def test_a_type_without_subject_page_items_shows_field_names_and_list_names(record_of_a):
    """Issue 16: "HM_MDDM hmd_nsa" reached the subject: a type naming no subject-page items falls back to every
    public value, by the catalog's field names, a list's code by the list's name."""
    from records.choices import Channel
    from records.models import RecordField
    from records.selectors import catalog_display_changed
    from records.services import RecordInput, records_ingest
    from sanctions.models import ListType
    from tests.records.helpers import hmd_item

    penalty, _ = record_of_a
    RecordField.objects.filter(record_type__code="hmd").update(subject_page_order=None)
    catalog_display_changed()
    with at_now(), transaction.atomic():
        records_ingest(
            department=penalty.department,
            items=[RecordInput(**hmd_item(1))],
            channel=Channel.API,
            actor=Actor.system(),
        )
    browser = account_client(Client(), acting_account(penalty.subject))
    with at_now():
        text = browser.get(f"/account/subjects/{penalty.subject_id}/record/").text
    assert "名单代码" in text
    assert "认定文书号" in text
    assert "HM_MDDM" not in text
    assert "HM_RDWH" not in text
    assert f"<td>{ListType.objects.get(code='hmd_nsa').name}</td>" in text
