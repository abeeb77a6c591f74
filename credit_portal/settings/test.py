"""Test settings: the base settings with a fast hasher and eager Celery.

``DATABASE_URL`` and ``REDIS_URL`` still apply, so CI runs the suite on PostgreSQL and Redis.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import REDIS_URL, env, logging_config

DEBUG = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
SUBJECT_ID_HASH_KEY = "test-id-hash-key"
DEMO_ACCOUNTS_ENABLED = True
# Open-data files the suite generates (seed_demo) go to a temporary folder, not the project's media/.
OPENDATA_ROOT = str(Path(tempfile.gettempdir()) / f"credit-portal-test-opendata-{os.getpid()}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Generous limits for the suite; the throttle tests set their own.
PUBLIC_RATE_LIMITS = {scope: (100_000, 60) for scope in PUBLIC_RATE_LIMITS}  # noqa: F405
# The same masking handlers as in production, so tests capture exactly what would be written.
LOGGING = logging_config(level="WARNING")

# On PostgreSQL the test database is copied from this template when given, so it inherits the C.UTF-8
# locale that pg_trgm needs to see Chinese characters (.ci/run creates it).
DATABASES["default"]["TEST"] = {"TEMPLATE": env("DATABASE_TEST_TEMPLATE", default=None)}  # noqa: F405
