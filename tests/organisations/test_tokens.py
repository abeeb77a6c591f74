"""API tokens (issue 10): explicit scopes, credit-centre approval of publishing tokens, bounded expiry, audited
life cycle, no writes through a logged-in session, per-token rate limits."""

import datetime
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import Actor
from organisations.choices import TokenScope, TokenState
from organisations.models import ApiToken
from organisations.services import (
    ApiTokenError,
    api_token_approve,
    api_token_create,
    api_token_refuse,
    api_token_revoke,
    staff_create,
)
from records.models import CreditRecord
from sanctions.models import Check, Feedback
from tests.conftest import StaffClient
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import xzcf_item
from tests.records.test_batches import csv_bytes

pytestmark = pytest.mark.django_db

PASSWORD = "Token-Test-Pass-2026!"
DEPT_ADMIN = Actor.system("部门管理员")
CENTRE = Actor.system("信用中心管理员")
ALL_SCOPES = list(TokenScope.values)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def request_token(department, *, scopes=("records:write", "records:read"), days=30) -> tuple[ApiToken, str]:
    """A token asked for by a department admin in the workbench."""
    with transaction.atomic():
        return api_token_create(
            department=department,
            name="处罚系统",
            scopes=list(scopes),
            expires_on=in_days(days),
            actor=DEPT_ADMIN,
            by_credit_centre=False,
        )


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def push(client: Client, *items):
    return client.post("/api/v1/records/", data=json.dumps(list(items)), content_type="application/json")


@pytest.fixture
def department(db):
    return DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation")


@pytest.fixture
def staff(department):
    with transaction.atomic():
        staff_create(
            username="deptadmin", password=PASSWORD, role="dept_admin", department_code=department.code, actor=CENTRE
        )
        staff_create(username="centre", password=PASSWORD, role="credit_admin", actor=CENTRE)


def logged_in(username: str) -> Client:
    client = StaffClient()
    assert client.login(username=username, password=PASSWORD)
    return client


# Approval ---------------------------------------------------------------------------------------------------


def test_a_publishing_token_asked_for_by_a_department_admin_does_not_work_before_approval(department):
    token, raw = request_token(department)
    assert token.state == TokenState.PENDING
    response = push(bearer(raw), xzcf_item(1))
    assert response.status_code == 401
    assert "审批" in response.json()["detail"]
    assert not CreditRecord.objects.exists()

    with transaction.atomic():
        api_token_approve(token=token, actor=CENTRE, reason="已核实处罚业务系统")
    response = push(bearer(raw), xzcf_item(1))
    assert response.status_code == 200, response.content
    assert CreditRecord.objects.count() == 1
    event = AuditEvent.objects.get(action="api_token.approve")
    assert event.reason == "已核实处罚业务系统"
    assert event.before["state"] == "pending"
    assert event.after["state"] == "active"
    assert event.after["scopes"] == ["records:write", "records:read"]
    assert event.after["expires_at"]


def test_a_refused_token_never_works_and_the_refusal_is_audited(department):
    token, raw = request_token(department)
    with pytest.raises(ApiTokenError), transaction.atomic():
        api_token_refuse(token=token, actor=CENTRE, reason=" ")
    with transaction.atomic():
        api_token_refuse(token=token, actor=CENTRE, reason="业务系统未通过安全测评")
    response = bearer(raw).get("/api/v1/records/")
    assert response.status_code == 401
    assert "拒绝" in response.json()["detail"]
    event = AuditEvent.objects.get(action="api_token.refuse")
    assert (event.before["state"], event.after["state"]) == ("pending", "refused")
    assert event.reason == "业务系统未通过安全测评"
    with pytest.raises(ApiTokenError), transaction.atomic():
        api_token_approve(token=token, actor=CENTRE, reason="改为批准")
    assert ApiToken.objects.get().state == TokenState.REFUSED


def test_a_read_only_token_of_a_department_admin_works_at_once(department):
    token, raw = request_token(department, scopes=["records:read"])
    assert token.state == TokenState.ACTIVE
    assert bearer(raw).get("/api/v1/records/").status_code == 200


def test_a_token_issued_by_the_credit_centre_works_at_once(department):
    token, raw = api_token_issue(department, scopes=["records:write"])
    assert token.state == TokenState.ACTIVE
    assert push(bearer(raw), xzcf_item(1)).status_code == 200
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.after["scopes"] == ["records:write"]
    assert event.after["state"] == "active"
    assert event.after["expires_at"]


# Scopes and expiry ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scopes", "message"),
    [([], "至少选择一项"), (["records:write", "records:delete"], "records:delete"), (None, "至少选择一项")],
    ids=["none", "unknown", "missing"],
)
def test_scopes_are_explicit_and_known(department, scopes, message):
    with pytest.raises(ApiTokenError, match=message), transaction.atomic():
        api_token_create(
            department=department,
            name="x",
            scopes=scopes,
            expires_on=in_days(10),
            actor=CENTRE,
            by_credit_centre=True,
        )
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("days", "ok"),
    [(-1, False), (0, False), (1, True), (365, True), (366, False)],
    ids=["yesterday", "today", "tomorrow", "a-year", "a-year-and-a-day"],
)
def test_expiry_is_after_today_and_at_most_a_year_away(department, days, ok):
    def create():
        with transaction.atomic():
            return api_token_create(
                department=department,
                name="x",
                scopes=["records:read"],
                expires_on=in_days(days),
                actor=CENTRE,
                by_credit_centre=True,
            )

    if ok:
        token, _ = create()
        assert timezone.localtime(token.expires_at).date() == in_days(days)
    else:
        with pytest.raises(ApiTokenError) as error:
            create()
        assert error.value.field == "expires_on"
        assert not ApiToken.objects.exists()


@override_settings(API_TOKEN_MAX_DAYS=30)
def test_the_longest_validity_is_a_setting(department):
    with pytest.raises(ApiTokenError, match="最长30天"), transaction.atomic():
        api_token_issue(department, days=31)
    api_token_issue(department, days=30)


def test_an_expired_token_gets_401(department):
    token, raw = api_token_issue(department, days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = bearer(raw).get("/api/v1/records/")
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


# The operator's command -------------------------------------------------------------------------------------


def test_the_command_issues_an_active_token_with_explicit_scopes_and_expiry(department, capsys):
    call_command("create_api_token", "--department=jl-scjg", "--scope=records:write", f"--expires={in_days(90)}")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert (token.state, token.scopes) == (TokenState.ACTIVE, ["records:write"])
    assert timezone.localtime(token.expires_at).date() == in_days(90)
    assert push(bearer(raw), xzcf_item(1)).status_code == 200


@pytest.mark.parametrize(
    "args",
    [
        ["--scope=records:read", f"--expires={in_days(0)}"],
        ["--scope=records:read", f"--expires={in_days(-3)}"],
        ["--scope=records:read", "--days=366"],
        ["--scope=records:read", "--days=0"],
        ["--scope=records:read", "--expires=2027-13-01"],
        ["--scope=records:read"],
        [f"--expires={in_days(10)}"],
    ],
    ids=["today", "past", "too-long", "zero-days", "bad-date", "no-expiry", "no-scope"],
)
def test_the_command_refuses_bad_scopes_and_expiry(department, args):
    with pytest.raises(CommandError):
        call_command("create_api_token", "--department=jl-scjg", *args)
    assert not ApiToken.objects.exists()


# Revocation -------------------------------------------------------------------------------------------------


def test_revoke_is_audited_with_before_and_after(department):
    token, raw = api_token_issue(department)
    with transaction.atomic():
        api_token_revoke(token=token, actor=CENTRE, reason="系统下线")
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.before == {"state": "active", "revoked_at": None}
    assert event.after["state"] == "revoked"
    assert event.after["revoked_at"]
    assert event.reason == "系统下线"
    assert bearer(raw).get("/api/v1/records/").status_code == 401
    with transaction.atomic():
        api_token_revoke(token=token, actor=CENTRE)
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


# The workbench ----------------------------------------------------------------------------------------------


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_workbench_form_shows_scope_labels_never_codes(department, staff):
    api_token_issue(department, scopes=ALL_SCOPES)
    page = logged_in("deptadmin").get("/workbench/tokens/")
    text = visible_text(page.text)
    for scope, label in TokenScope.choices:
        assert label in text
        assert scope not in text


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name": "x", "expires_on": in_days(10)}, "请至少选择一项权限范围"),
        ({"name": "x", "scopes": ["records:read"]}, "请填写到期日期"),
        ({"name": "x", "scopes": ["records:read"], "expires_on": in_days(0)}, "到期日期须晚于今天"),
        ({"name": "x", "scopes": ["records:read"], "expires_on": in_days(400)}, "最长365天"),
        ({"name": "x", "scopes": ["records:read", "admin:all"], "expires_on": in_days(10)}, "admin:all"),
    ],
    ids=["no-scope", "no-expiry", "today", "too-long", "unknown-scope"],
)
def test_the_workbench_refuses_a_request_without_scopes_or_a_good_expiry(department, staff, data, field_error):
    response = logged_in("deptadmin").post("/workbench/tokens/", data)
    assert response.status_code == 200
    assert field_error in response.text
    assert not ApiToken.objects.exists()


def test_department_admin_asks_and_the_credit_centre_approves_in_the_workbench(department, staff):
    admin = logged_in("deptadmin")
    response = admin.post(
        "/workbench/tokens/", {"name": "处罚系统", "scopes": ["records:write"], "expires_on": in_days(30)}, follow=True
    )
    raw = response.context["new_token"]
    token = ApiToken.objects.get()
    assert token.state == TokenState.PENDING
    assert push(bearer(raw), xzcf_item(1)).status_code == 401
    # The department admin cannot approve its own request.
    assert admin.post(f"/workbench/tokens/{token.pk}/approve/", {"reason": "自己批准"}).status_code == 403

    centre = logged_in("centre")
    page = centre.get("/workbench/tokens/")
    assert [t.pk for t in page.context["pending"]] == [token.pk]
    centre.post(f"/workbench/tokens/{token.pk}/approve/", {"reason": ""})
    assert ApiToken.objects.get().state == TokenState.PENDING
    centre.post(f"/workbench/tokens/{token.pk}/approve/", {"reason": "已核实"})
    assert ApiToken.objects.get().state == TokenState.ACTIVE
    assert push(bearer(raw), xzcf_item(1)).status_code == 200

    admin.post(f"/workbench/tokens/{token.pk}/revoke/")
    assert ApiToken.objects.get().state == TokenState.REVOKED
    assert push(bearer(raw), xzcf_item(2)).status_code == 401


def test_the_credit_centre_refuses_in_the_workbench(department, staff):
    token, raw = request_token(department)
    logged_in("centre").post(f"/workbench/tokens/{token.pk}/refuse/", {"reason": "用途不明"})
    token.refresh_from_db()
    assert (token.state, token.decision_reason, token.decided_by) == (TokenState.REFUSED, "用途不明", "centre")
    assert bearer(raw).get("/api/v1/records/").status_code == 401


def test_the_credit_centre_issues_an_active_token_for_a_department(department, staff):
    response = logged_in("centre").post(
        "/workbench/tokens/",
        {"department": department.pk, "name": "处罚系统", "scopes": ["records:write"], "expires_on": in_days(30)},
        follow=True,
    )
    token = ApiToken.objects.get()
    assert (token.department, token.state) == (department, TokenState.ACTIVE)
    assert push(bearer(response.context["new_token"]), xzcf_item(1)).status_code == 200


def test_issuing_redirects_so_a_reload_issues_nothing_and_the_secret_is_shown_once(department, staff):
    admin = logged_in("deptadmin")
    data = {"name": "处罚系统", "scopes": ["records:read"], "expires_on": in_days(30)}
    response = admin.post("/workbench/tokens/", data)
    assert (response.status_code, response["Location"]) == (302, "/workbench/tokens/")
    shown = admin.get("/workbench/tokens/")
    raw = shown.context["new_token"]
    assert raw.startswith("cpt_")
    assert raw in shown.text
    assert "no-store" in shown["Cache-Control"]  # not kept by the browser either
    again = admin.get("/workbench/tokens/")
    assert again.context["new_token"] is None
    assert raw not in again.text
    assert ApiToken.objects.count() == 1


def test_the_credit_centres_department_choice_starts_in_chinese(department, staff):
    page = logged_in("centre").get("/workbench/tokens/").text
    assert "---------" not in page
    assert "请选择部门" in page


def test_a_department_admin_cannot_revoke_another_departments_token(department, staff):
    token, _ = api_token_issue(DepartmentFactory())
    assert logged_in("deptadmin").post(f"/workbench/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get().state == TokenState.ACTIVE


# No writes through a logged-in session ----------------------------------------------------------------------


@pytest.fixture
def writes(department, django_capture_on_commit_callbacks, settings, tmp_path):
    """One request for each write endpoint of the API, made by a given client."""
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, raw = api_token_issue(department)
    with django_capture_on_commit_callbacks(execute=True):
        record_id = push(bearer(raw), xzcf_item(1)).json()["results"][0]["record_id"]
    check = bearer(raw).post(
        "/api/v1/checks/",
        data=json.dumps(
            {"scenario": "procurement", "reference": "JLCG-1", "subjects": [xzcf_item(1)["data"]["CF_XDR_SHXYM"]]}
        ),
        content_type="application/json",
    )
    check_id = check.json()["id"]
    csv = csv_bytes([xzcf_item(3)], encoding="utf-8", header="code")
    subject = xzcf_item(1)["data"]["CF_XDR_SHXYM"]

    def requests(client):
        return {
            "records push": push(client, xzcf_item(2)),
            "records revoke": client.post(
                f"/api/v1/records/{record_id}/revoke/", data={"reason": "复议撤销"}, content_type="application/json"
            ),
            "batches create": client.post(
                "/api/v1/batches/", {"record_type": "xzcf", "file": SimpleUploadedFile("a.csv", csv)}
            ),
            "checks create": client.post(
                "/api/v1/checks/",
                data=json.dumps({"scenario": "procurement", "reference": "JLCG-2", "subjects": [subject]}),
                content_type="application/json",
            ),
            "checks feedback": client.post(
                f"/api/v1/checks/{check_id}/feedback/",
                data=json.dumps({"items": []}),
                content_type="application/json",
            ),
        }

    requests.raw = raw
    return requests


@pytest.mark.parametrize("username", ["deptadmin", "centre"])
def test_a_logged_in_staff_session_never_writes_through_the_api(staff, writes, username):
    counts = (CreditRecord.objects.count(), Check.objects.count(), Feedback.objects.count())
    session = logged_in(username)
    for name, response in writes(session).items():
        assert response.status_code == 403, name
        assert "须使用部门接口令牌" in response.json()["detail"], name
    assert (CreditRecord.objects.count(), Check.objects.count(), Feedback.objects.count()) == counts
    assert CreditRecord.objects.get().status == "active"
    # Reading through the session still works.
    assert session.get("/api/v1/records/").status_code == 200


def test_the_right_token_is_accepted_by_every_write_endpoint(writes):
    statuses = {name: response.status_code for name, response in writes(bearer(writes.raw)).items()}
    # The empty feedback is refused as bad input (400), past the permission check.
    assert statuses == {
        "records push": 200,
        "records revoke": 200,
        "batches create": 202,
        "checks create": 201,
        "checks feedback": 400,
    }


# Rate limits ------------------------------------------------------------------------------------------------


@override_settings(API_RATE_LIMIT_READ=2)
def test_reads_over_the_limit_get_429_with_retry_after_per_token(department):
    _, raw = api_token_issue(department)
    _, other = api_token_issue(department, name="另一系统")
    client = bearer(raw)
    assert [client.get("/api/v1/records/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/records/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["code"] == "rate_limited"
    assert "频率" in body["detail"]
    assert body["retry_after"] == int(response["Retry-After"])
    # The limit is per token: another token of the same department is not affected.
    assert bearer(other).get("/api/v1/records/").status_code == 200


@override_settings(API_RATE_LIMIT_WRITE=1, API_RATE_LIMIT_READ=100)
def test_writes_are_counted_apart_from_reads(department):
    _, raw = api_token_issue(department)
    client = bearer(raw)
    assert push(client, xzcf_item(1)).status_code == 200
    assert push(client, xzcf_item(2)).status_code == 429
    assert CreditRecord.objects.count() == 1
    assert client.get("/api/v1/records/").status_code == 200


@override_settings(API_RATE_LIMIT_READ=1)
def test_a_logged_in_session_is_limited_by_user(staff):
    session = logged_in("deptadmin")
    assert session.get("/api/v1/records/").status_code == 200
    assert session.get("/api/v1/records/").status_code == 429


def test_the_limiter_fails_open_when_the_cache_is_down(department, caplog):
    _, raw = api_token_issue(department)
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    with override_settings(CACHES=unreachable, API_RATE_LIMIT_READ=1), caplog.at_level("WARNING"):
        responses = [bearer(raw).get("/api/v1/records/").status_code for _ in range(3)]
    assert responses == [200, 200, 200]
    assert "rate limiter unavailable" in caplog.text


def test_the_schema_declares_401_403_and_429(client):
    schema = client.get("/api/schema/?format=json").json()
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert operations
    for path, method, operation in operations:
        responses = operation["responses"]
        assert "429" in responses, (path, method)
        assert "Retry-After" in responses["429"]["headers"]
        if not path.startswith("/api/v1/catalog/"):
            assert {"401", "403"} <= set(responses), (path, method)
