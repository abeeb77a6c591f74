"""The production settings module, loaded in a subprocess with environment values as a deployment sets
them: it refuses development and short secrets, and sets the transport-security values that matter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from credit_portal.settings import base

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "DJANGO_SECRET_KEY": "s" * 50,
    "SUBJECT_ID_HASH_KEY": "h" * 40,
    "DJANGO_ALLOWED_HOSTS": "credit.example.gov.cn",
    "SITE_URL": "https://credit.example.gov.cn",
    "DATABASE_URL": "postgres://credit_site:pw@postgres:5432/credit",
    "REDIS_URL": "redis://redis:6379/0",
}
SHOW = (
    "import json, credit_portal.settings.production as s; print(json.dumps({"
    "'DEBUG': s.DEBUG, 'HSTS': s.SECURE_HSTS_SECONDS, 'SUBDOMAINS': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "'SSL_REDIRECT': s.SECURE_SSL_REDIRECT, 'PROXY_SSL': s.SECURE_PROXY_SSL_HEADER, "
    "'SESSION_SECURE': s.SESSION_COOKIE_SECURE, 'CSRF_SECURE': s.CSRF_COOKIE_SECURE, "
    "'DEMO': s.DEMO_ACCOUNTS_ENABLED, 'EAGER': s.CELERY_TASK_ALWAYS_EAGER, "
    "'STATIC': s.STORAGES['staticfiles']['BACKEND'], 'SECRET': s.SECRET_KEY, 'HASH': s.SUBJECT_ID_HASH_KEY, "
    "'FINDERS': s.WHITENOISE_USE_FINDERS, 'AUTOREFRESH': s.WHITENOISE_AUTOREFRESH, 'SITE_URL': s.SITE_URL, "
    "'JIT_OFF': '-c jit=off' in s.DATABASES['default']['OPTIONS'].get('options', '')}))"
)


def load(**overrides) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    environment.update(GOOD)
    for key, value in overrides.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_load_with_real_secrets_and_set_transport_security():
    result = load()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "HSTS": 31536000,
        "SUBDOMAINS": True,
        "SSL_REDIRECT": True,
        "PROXY_SSL": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_SECURE": True,
        "CSRF_SECURE": True,
        "DEMO": False,
        "EAGER": False,
        "STATIC": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "SECRET": GOOD["DJANGO_SECRET_KEY"],
        "HASH": GOOD["SUBJECT_ID_HASH_KEY"],
        "FINDERS": False,
        "AUTOREFRESH": False,
        "SITE_URL": GOOD["SITE_URL"],
        "JIT_OFF": True,
    }


def test_production_is_not_switched_back_to_development_by_the_environment():
    # base.py reads DJANGO_DEBUG (default on) and derives WhiteNoise's finder and autorefresh from it: a
    # compose file or .env that sets it must not turn on debug pages or per-request static file scanning.
    result = load(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert (values["DEBUG"], values["FINDERS"], values["AUTOREFRESH"], values["JIT_OFF"]) == (False, False, False, True)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", base.DEVELOPMENT_SECRET_KEY, "DJANGO_SECRET_KEY is the development default"),
        ("SUBJECT_ID_HASH_KEY", base.DEVELOPMENT_ID_HASH_KEY, "SUBJECT_ID_HASH_KEY is the development default"),
        ("DJANGO_SECRET_KEY", "change-me", "DJANGO_SECRET_KEY is shorter than 32 characters"),
        ("SUBJECT_ID_HASH_KEY", "x" * 31, "SUBJECT_ID_HASH_KEY is shorter than 32 characters"),
        ("SUBJECT_ID_HASH_KEY", None, "SUBJECT_ID_HASH_KEY"),
        ("DJANGO_SECRET_KEY", None, "DJANGO_SECRET_KEY"),
    ],
    ids=["dev-secret", "dev-hash-key", "short-secret", "short-hash-key", "missing-hash-key", "missing-secret"],
)
def test_production_refuses_development_short_and_missing_secrets(name, value, message):
    if value is None and (ROOT / ".env").exists():
        pytest.skip("a local .env fills in missing variables (base.py reads it)")
    result = load(**{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    "value",
    [None, "credit.example.gov.cn", "/", "//credit.example.gov.cn", "ftp://credit.example.gov.cn", "https://"],
    ids=["missing", "host-only", "path", "no-scheme", "not-http", "no-host"],
)
def test_production_refuses_a_missing_or_relative_site_url(value):
    """The worker's mail links to the portal at ``SITE_URL``: a relative one would open nowhere."""
    if value is None and (ROOT / ".env").exists():
        pytest.skip("a local .env fills in missing variables (base.py reads it)")
    result = load(SITE_URL=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SITE_URL" in result.stderr


def test_an_unreachable_database_host_fails_a_connection_within_seconds():
    # Red-team (issue 11): without connect_timeout a host that does not answer (not "refused") held every
    # request and /readyz in connect() for about two minutes, beyond gunicorn's --timeout.
    show = "import credit_portal.settings.production as s; print(s.DATABASES['default']['OPTIONS']['connect_timeout'])"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", show], cwd=ROOT, env={**environment, **GOOD}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "5"


def test_production_keeps_the_connection_settings_of_base_and_requires_a_database_url():
    # production.py used to rebuild DATABASES from the URL and so dropped jit=off (short queries pay for JIT).
    show = (
        "import json, credit_portal.settings.production as s; d = s.DATABASES['default']; "
        "print(json.dumps([d['OPTIONS'].get('options', ''), d['CONN_HEALTH_CHECKS'], d['NAME']]))"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", show], cwd=ROOT, env={**environment, **GOOD}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    options, health_checks, name = json.loads(result.stdout.strip().splitlines()[-1])
    assert "-c jit=off" in options
    assert health_checks is True
    assert name == "credit"
    missing = load(DATABASE_URL=None)
    assert missing.returncode != 0
    assert "DATABASE_URL" in missing.stderr
