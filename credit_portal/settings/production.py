"""Production settings: secrets and services have no defaults and fail fast when missing.

The two secrets are also refused when they are the development defaults of ``base.py`` or too short: a
known ``SUBJECT_ID_HASH_KEY`` lets anyone link a citizen ID number to its hash (so to a person's records),
and a known ``DJANGO_SECRET_KEY`` lets anyone forge sessions and signed report links. ``SITE_URL`` is refused
unless absolute: the worker's mail would carry links that open nowhere.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from . import base
from .base import *  # noqa: F403
from .base import REDIS_CACHE_OPTIONS, env, logging_config

SECRET_MIN_LENGTH = 32


def production_secret(name: str, development_default: str) -> str:
    """The secret from the environment; refuses a missing one, the development default and short ones."""
    value = env(name)
    if value == development_default:
        raise ImproperlyConfigured(f"{name} is the development default: set a random production value.")
    if len(value) < SECRET_MIN_LENGTH:
        raise ImproperlyConfigured(f"{name} is shorter than {SECRET_MIN_LENGTH} characters: set a longer random value.")
    return value


def production_site_url(name: str) -> str:
    """The portal's public address from the environment; refuses a missing one and one that is not an absolute
    http(s) URL (a host name alone, a path) or one whose links would break (a query or fragment marker, a space, a
    port that is not a number) or carry credentials."""
    value = env(name)
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 (raises for a port that is not a number)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.username is None
    except ValueError:
        usable = False
    # The links are this text and a path: no query or fragment marker (even empty), no space or control
    # character, no user name or password (they would be mailed to everyone).
    if not usable or any(mark in value for mark in "?#") or any(c.isspace() or not c.isprintable() for c in value):
        raise ImproperlyConfigured(
            f"{name} must be the portal's absolute public address, such as https://credit.example.gov.cn "
            f"(got {value!r})."
        )
    return value


DEBUG = False
# base.py derives these from its own DEBUG, which defaults to on: serving from the finders and re-scanning
# files on every request are development conveniences (slow, and they serve unhashed files), never production.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
SECRET_KEY = production_secret("DJANGO_SECRET_KEY", base.DEVELOPMENT_SECRET_KEY)
SUBJECT_ID_HASH_KEY = production_secret("SUBJECT_ID_HASH_KEY", base.DEVELOPMENT_ID_HASH_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SITE_URL = production_site_url("SITE_URL")
# Required here (no SQLite fallback); the connection itself is base.py's, built from the same variable, with
# its health checks, connect timeout and jit=off.
env("DATABASE_URL")
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "credit",
        "OPTIONS": REDIS_CACHE_OPTIONS,  # a cache error is a miss: Redis down degrades the site, never breaks it
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False
DEMO_ACCOUNTS_ENABLED = False
TWO_FACTOR_DEMO_EXEMPT = False  # every required role enters a code in production, whatever the environment says

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
# Every subdomain of a government domain is served over HTTPS; preload (a browser-list commitment that is
# hard to undo) is left to the operator.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Celery at INFO, so the worker's log shows each task received, retried, succeeded or failed.
LOGGING = logging_config(
    level=env("DJANGO_LOG_LEVEL", default="INFO"), quiet=("weasyprint", "fontTools"), one_line=("django_redis",)
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
