"""OpenID Connect sign-in against a real provider: django-oauth-toolkit in its own process on a free port
(tests/oidc_provider/), the code flow with PKCE, signed ID tokens checked against the provider's JWKS, the
claims read at its userinfo endpoint. Nothing of mozilla-django-oidc is replaced."""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import AccountGrant, AccountIdentity, SubjectAccount
from accounts.services import account_suspend, grant_suspend
from audit.models import AuditEvent
from subjects import identifiers as ids
from subjects.privacy import citizen_id_digest
from tests.accounts.helpers import CENTRE
from tests.factories import CreditSubjectFactory, uscc_for

COMPANY_USCC = uscc_for(4242)
CITIZEN_ID = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1975, 5, 6), sequence=77)
CLIENT = {"id": "credit-portal", "secret": "provider-secret-2026", "redirect_uri": ""}
USERS = {
    "boss": {
        "password": "boss-pass",
        "claims": {
            "name": "王总",
            "email": "boss@hongda.example",
            "email_verified": True,
            "uscc": COMPANY_USCC,
            "org_role": "legal_representative",
        },
    },
    "citizen": {"password": "citizen-pass", "claims": {"name": "欧阳娜娜", "idcard": CITIZEN_ID}},
    "nobody": {"password": "nobody-pass", "claims": {"name": "路人", "uscc": "not-a-code"}},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider process, ready to answer; killed at the end of the module."""
    port = _free_port()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    env = {
        **os.environ,
        "OIDC_TEST_DB": str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
        "OIDC_TEST_KEY": pem.decode(),
        "OIDC_TEST_USERS": json.dumps(USERS),
        "OIDC_TEST_CLIENT": json.dumps({**CLIENT, "redirect_uri": "http://testserver/account/oidc/callback/"}),
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/o/.well-known/openid-configuration/", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the OIDC provider did not start: {process.stderr.read() if process.poll() else ''}"
                )
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc_settings(settings, provider):
    """The portal configured for the provider, as a province would in its environment."""
    discovery = requests.get(f"{provider}/o/.well-known/openid-configuration/", timeout=5).json()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT["id"]
    settings.OIDC_RP_CLIENT_SECRET = CLIENT["secret"]
    settings.OIDC_ISSUER = discovery["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.OIDC_CLAIM_CITIZEN_ID = "idcard"  # this province names it so: configuration, not code
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accounts.oidc.SubjectAccountOIDCBackend"]
    return settings


def sign_in(browser: Client, provider: str, username: str):
    """The whole code flow as a browser goes through it: the portal sends the browser to the provider, the
    user signs in there, the provider sends it back with a code, which the portal exchanges server-side."""
    start = browser.get("/account/oidc/login/")
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(provider)
    assert "code_challenge=" in authorize
    at_provider = requests.Session()
    assert at_provider.post(f"{provider}/login/", {"username": username, "password": USERS[username]["password"]}).ok
    back = at_provider.get(authorize, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:300]
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/account/oidc/callback/"
    return browser.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_a_company_signs_in_through_the_provider_and_acts_for_the_subject_it_vouches_for(oidc_settings, provider):
    company = CreditSubjectFactory(uscc=COMPANY_USCC, name="长春宏达商贸有限公司")
    browser = Client()
    done = sign_in(browser, provider, "boss")
    assert (done.status_code, done.get("Location")) == (302, "/account/")
    account = SubjectAccount.objects.get()
    assert (account.email, account.display_name, account.state) == ("boss@hongda.example", "王总", "active")
    assert AccountIdentity.objects.get().issuer == oidc_settings.OIDC_ISSUER
    grant = AccountGrant.objects.get()
    assert (grant.subject, grant.role, grant.state, grant.verified_by) == (company, "legal_rep", "verified", "idp")
    assert not account.user.is_staff
    assert not account.user.has_usable_password()
    page = browser.get("/account/").content.decode()
    assert "长春宏达商贸有限公司" in page
    assert "统一身份认证" in page
    assert {"account.identity_link", "account.grant_vouch"} <= set(AuditEvent.objects.values_list("action", flat=True))
    # The next sign-in is the same account; a grant the centre suspended stays suspended.
    grant_suspend(grant=grant, actor=CENTRE, reason="委托争议")
    assert sign_in(Client(), provider, "boss").status_code == 302
    assert SubjectAccount.objects.count() == 1
    grant.refresh_from_db()
    assert grant.state == "suspended"
    # A suspended account signs in no more.
    account_suspend(account=account, actor=CENTRE, reason="冒用")
    assert sign_in(Client(), provider, "boss")["Location"] == "/account/login/?oidc=failed"


@pytest.mark.django_db
def test_a_person_is_found_by_the_configured_citizen_id_claim_which_is_not_kept(oidc_settings, provider):
    person = CreditSubjectFactory(
        kind="natural_person", name="欧阳娜娜", uscc=None, citizen_id_hash=citizen_id_digest(CITIZEN_ID)
    )
    assert sign_in(Client(), provider, "citizen")["Location"] == "/account/"
    grant = AccountGrant.objects.get()
    assert (grant.subject, grant.role, grant.verified_by) == (person, "self", "idp")
    assert CITIZEN_ID not in json.dumps(list(AuditEvent.objects.values("after", "reason")), ensure_ascii=False)
    assert CITIZEN_ID not in str(list(SubjectAccount.objects.values()))


@pytest.mark.django_db
def test_claims_that_name_no_known_subject_vouch_for_nothing(oidc_settings, provider):
    assert sign_in(Client(), provider, "nobody")["Location"] == "/account/"
    assert SubjectAccount.objects.count() == 1
    assert not AccountGrant.objects.exists()


@pytest.mark.django_db
def test_without_configuration_the_site_has_local_accounts_only(client, settings):
    settings.OIDC_ENABLED = False
    assert client.get("/account/oidc/login/").status_code == 404
    assert client.get("/account/oidc/callback/?code=x&state=y").status_code == 404
    assert "统一身份认证" not in client.get("/account/login/").content.decode()
    assert "accounts.oidc.SubjectAccountOIDCBackend" not in settings.AUTHENTICATION_BACKENDS
