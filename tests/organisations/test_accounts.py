"""Staff accounts: login lockout, audit of account events, two-factor authentication, idle sessions.

These tests go through the real login and code pages (the ``client.login`` shortcut of tests/conftest.py
would skip the very steps under test)."""

import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import Actor
from organisations.services import staff_create
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Pass-12345-x"
NOW = datetime.datetime(2026, 7, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def department():
    return DepartmentFactory(code="jl-scjg")


@pytest.fixture
def accounts(department):
    with transaction.atomic():
        for username, role, code in [
            ("centre", "credit_admin", ""),
            ("aud", "auditor", ""),
            ("deptadmin1", "dept_admin", "jl-scjg"),
            ("rev", "reviewer", "jl-scjg"),
            ("clerk1", "clerk", "jl-scjg"),
        ]:
            staff_create(username=username, password=PASSWORD, role=role, department_code=code, actor=Actor.system())


def password_login(client, username, password=PASSWORD, *, address="10.0.0.1", path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def code_for(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now, computed as the app does (RFC 6238)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset_steps):06d}"


# Lockout ------------------------------------------------------------------------------------------------


def test_an_account_is_locked_after_five_failures_whatever_the_address(accounts):
    client = Client()
    for attempt in range(5):
        response = password_login(client, "rev", "wrong-password", address=f"10.0.0.{attempt + 1}")
    assert response.status_code == 429
    assert "30 分钟后再试" in response.text
    # The right password from yet another address is refused while the lock lasts...
    locked = password_login(client, "rev", address="10.9.9.9")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...and accepted once the 30 minutes have passed.
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=31)):
        assert password_login(Client(), "rev", address="10.9.9.9").status_code == 302
    events = AuditEvent.objects.filter(action__startswith="auth.")
    assert events.filter(action="auth.login_failed", after__username="rev").count() == 6
    assert events.filter(action="auth.lockout", after__username="rev").exists()
    assert "30 分钟" in events.filter(action="auth.lockout").first().reason
    assert not AuditEvent.objects.filter(after__icontains="wrong-password").exists()


def test_a_client_address_is_locked_after_five_failures_on_any_accounts(accounts):
    client = Client()
    for username in ["a1", "a2", "a3", "a4", "a5"]:
        password_login(client, username, "wrong-password", address="10.0.0.7")
    assert password_login(client, "clerk1", address="10.0.0.7").status_code == 429
    assert password_login(Client(), "clerk1", address="10.0.0.8").status_code == 302


def test_the_address_is_the_projects_client_address_behind_the_proxy(accounts, settings):
    """Behind one trusted proxy the client is the last X-Forwarded-For hop (audit.services.client_ip):
    clients behind the same proxy are told apart, and a forged first hop does not help."""
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for n, username in enumerate(["a1", "a2", "a3", "a4", "a5"]):
        forwarded = f"1.2.3.{n}, 10.0.0.7"  # a first hop the client wrote itself, then what the proxy saw
        password_login(client, username, "x-wrong-1", address="172.16.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert password_login(client, "clerk1", address="172.16.0.2", HTTP_X_FORWARDED_FOR="10.0.0.7").status_code == 429
    other = password_login(Client(), "clerk1", address="172.16.0.2", HTTP_X_FORWARDED_FOR="10.0.0.8")
    assert other.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login_failed", client_ip="10.0.0.7").count() == 6


def test_the_admin_login_is_locked_too(accounts):
    client = Client()
    for _ in range(5):
        response = password_login(client, "centre", "wrong-password", path="/admin/login/")
    assert response.status_code == 429
    assert "登录已锁定" in response.text
    assert password_login(client, "centre", path="/admin/login/").status_code == 429


def test_a_wrong_password_says_so_in_chinese(accounts):
    response = password_login(Client(), "rev", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.text


# Audit of account events --------------------------------------------------------------------------------


def test_login_logout_and_password_change_are_audited(accounts):
    client = Client()
    assert password_login(client, "clerk1", address="10.0.0.5").status_code == 302
    login = AuditEvent.objects.get(action="auth.login")
    assert (login.actor_label, login.client_ip, login.object_type) == ("clerk1", "10.0.0.5", "auth.user")
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Another-Pass-2026", "new_password2": "Another-Pass-2026"},
        REMOTE_ADDR="10.0.0.5",
    )
    assert response.status_code == 302
    change = AuditEvent.objects.get(action="auth.password_change")
    assert (change.actor_label, change.object_id) == ("clerk1", login.object_id)
    assert "Another-Pass-2026" not in str(change.after)
    client.post("/accounts/logout/", REMOTE_ADDR="10.0.0.5")
    assert AuditEvent.objects.filter(action="auth.logout", actor_label="clerk1").exists()


def test_a_weak_new_password_is_refused_and_not_audited(accounts):
    client = Client()
    password_login(client, "clerk1")
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "密码" in response.text
    assert not AuditEvent.objects.filter(action="auth.password_change").exists()


# Two-factor authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["centre", "aud", "deptadmin1"])
def test_roles_that_need_a_second_factor_can_do_nothing_before_enrolling(accounts, username):
    client = Client()
    assert password_login(client, username).status_code == 302
    for path in ["/workbench/", "/workbench/applications/", "/admin/", "/admin/audit/auditevent/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/two-factor/setup/"), path
    api = client.get("/api/v1/subjects/")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"
    assert client.get("/accounts/two-factor/setup/").status_code == 200


def test_a_clerk_and_a_reviewer_need_no_second_factor(accounts):
    for username in ["clerk1", "rev"]:
        client = Client()
        password_login(client, username)
        assert client.get("/workbench/").status_code == 200


def enrol(client) -> TOTPDevice:
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.text
    key = client.session["two_factor_setup_key"]
    secret = page.context["secret"].replace(" ", "")
    import base64

    assert base64.b32decode(secret) == bytes.fromhex(key)  # the secret shown is the one in the QR code
    device = TOTPDevice(key=key)
    wrong = client.post("/accounts/two-factor/setup/", {"token": f"{(int(code_for(device)) + 1) % 10**6:06d}"})
    assert "验证码不正确" in wrong.text
    assert not TOTPDevice.objects.exists()
    response = client.post("/accounts/two-factor/setup/", {"token": code_for(device), "next": "/workbench/"})
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"
    return TOTPDevice.objects.get()


def test_enrolment_with_a_real_code_then_every_login_asks_for_a_code(accounts):
    client = Client()
    with time_machine.travel(NOW, tick=False):
        password_login(client, "centre")
        device = enrol(client)
        assert device.user.username == "centre"
        assert client.get("/workbench/").status_code == 200
        assert client.get("/admin/").status_code == 200
        assert AuditEvent.objects.filter(action="auth.two_factor_enrol", actor_label="centre").exists()
        client.post("/accounts/logout/")
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        fresh = Client()
        response = password_login(fresh, "centre", path="/admin/login/")
        assert response.status_code == 302
        gate = fresh.get("/admin/")
        assert gate["Location"].startswith("/accounts/two-factor/?")
        # With the password alone no second device can be enrolled in place of the first.
        assert fresh.get("/accounts/two-factor/setup/")["Location"].startswith("/accounts/two-factor/?")
        assert "验证码不正确" in fresh.post("/accounts/two-factor/", {"token": "000000"}).text
        assert fresh.get("/admin/").status_code == 302
    with time_machine.travel(NOW + datetime.timedelta(minutes=5, seconds=3), tick=False):
        device.refresh_from_db()
        response = fresh.post("/accounts/two-factor/", {"token": code_for(device), "next": "/admin/"})
        assert response["Location"] == "/admin/"
        assert fresh.get("/admin/").status_code == 200
        # The code just used does not open a second session.
        other = Client()
        password_login(other, "centre", address="10.0.0.2")
        assert "验证码不正确" in other.post("/accounts/two-factor/", {"token": code_for(device)}).text
    actions = list(AuditEvent.objects.filter(actor_label="centre").values_list("action", flat=True))
    assert {"auth.two_factor_failed", "auth.two_factor_verify"} <= set(actions)


def test_a_clerk_may_enrol_and_then_must_give_a_code(accounts):
    client = Client()
    with time_machine.travel(NOW, tick=False):
        password_login(client, "clerk1")
        assert "启用" in client.get("/workbench/").text
        enrol(client)
    with time_machine.travel(NOW + datetime.timedelta(minutes=2), tick=False):
        again = Client()
        password_login(again, "clerk1")
        assert again.get("/workbench/")["Location"].startswith("/accounts/two-factor/?")


def test_the_demo_accounts_are_exempt_only_where_the_setting_says(department, settings):
    from organisations.demo import demo_accounts_seed

    with transaction.atomic():
        demo_accounts_seed(Actor.system())
    settings.TWO_FACTOR_DEMO_EXEMPT = True
    client = Client()
    password_login(client, "admin", "Demo-Admin-2026")
    assert client.get("/admin/").status_code == 200
    settings.TWO_FACTOR_DEMO_EXEMPT = False
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/setup/")


def test_production_settings_never_exempt_the_demo_accounts(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 50,
        "SUBJECT_ID_HASH_KEY": "y" * 50,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "SITE_URL": "https://example.org",
        "DATABASE_URL": "postgres://u@localhost:5432/d",
        "REDIS_URL": "redis://localhost:6379/0",
        "TWO_FACTOR_DEMO_EXEMPT": "true",
        "DEMO_ACCOUNTS_ENABLED": "true",
    }
    code = "import credit_portal.settings.production as p; print(p.TWO_FACTOR_DEMO_EXEMPT, p.DEMO_ACCOUNTS_ENABLED)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_the_test_client_shortcut_logs_in_verified_staff(client, accounts):
    """tests/conftest.py's ``client.login`` passes the code step for roles that need it (as a person would)."""
    assert client.login(username="centre", password=PASSWORD)
    assert client.get("/admin/").status_code == 200


# Idle sessions ------------------------------------------------------------------------------------------


def test_a_staff_session_ends_after_thirty_idle_minutes(accounts):
    client = Client()
    with time_machine.travel(NOW, tick=False):
        password_login(client, "clerk1")
    with time_machine.travel(NOW + datetime.timedelta(minutes=29), tick=False):
        assert client.get("/workbench/").status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(minutes=58), tick=False):
        assert client.get("/workbench/").status_code == 200  # 29 minutes after the last request
    with time_machine.travel(NOW + datetime.timedelta(minutes=89), tick=False):
        response = client.get("/workbench/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session
        login_page = client.get(response["Location"])
    assert "30 分钟未操作" in login_page.text
    assert AuditEvent.objects.filter(action="auth.logout", reason="空闲超时").exists()


def test_the_idle_time_is_a_setting(accounts, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    client = Client()
    with time_machine.travel(NOW, tick=False):
        password_login(client, "clerk1")
    with time_machine.travel(NOW + datetime.timedelta(minutes=6), tick=False):
        assert client.get("/workbench/").status_code == 302


# create_staff -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [("short-1", "太短"), ("12345678901", "只包含数字"), ("password123", "太常见"), ("zhangsan-2026", "太相似")],
    ids=["short", "numeric", "common", "like-the-name"],
)
def test_create_staff_refuses_a_weak_password(department, password, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "create_staff", "--username=zhangsan", f"--password={password}", "--role=clerk", "--department=jl-scjg"
        )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="zhangsan").exists()


def test_create_staff_stores_the_email(department):
    from django.contrib.auth import get_user_model

    call_command(
        "create_staff",
        "--username=li",
        "--password=Li-Strong-Pass-2026",
        "--role=reviewer",
        "--department=jl-scjg",
        "--email=li@scjg.jl.gov.cn",
    )
    assert get_user_model().objects.get(username="li").email == "li@scjg.jl.gov.cn"
    assert AuditEvent.objects.get(action="staff.create").after["email"] == "li@scjg.jl.gov.cn"
    with pytest.raises(CommandError, match="合法的邮件地址"):
        call_command(
            "create_staff",
            "--username=wang",
            "--password=Wang-Strong-Pass-2026",
            "--role=reviewer",
            "--department=jl-scjg",
            "--email=not-an-address",
        )


def test_two_factor_reset_removes_the_device_and_is_audited(accounts, client):
    from django.contrib.auth import get_user_model

    client.login(username="centre", password=PASSWORD)  # the shortcut enrols a device for the admin role
    user = get_user_model().objects.get(username="centre")
    assert TOTPDevice.objects.filter(user=user).exists()
    with pytest.raises(CommandError, match="原因"):
        call_command("two_factor_reset", "--username=centre", "--reason= ")
    call_command("two_factor_reset", "--username=centre", "--reason=手机丢失")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.get(action="auth.two_factor_reset").reason == "手机丢失"
    assert AuditEvent.objects.filter(action="auth.two_factor_remove", object_id=str(user.pk)).exists()
    fresh = Client()
    password_login(fresh, "centre")
    assert fresh.get("/workbench/")["Location"].startswith("/accounts/two-factor/setup/")
