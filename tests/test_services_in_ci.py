"""In CI the suite must run on the real PostgreSQL and Redis, never on the embedded fallbacks."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

in_ci = pytest.mark.skipif(not os.environ.get("CI"), reason="only CI promises PostgreSQL and Redis")


@in_ci
@pytest.mark.django_db
def test_ci_database_is_postgresql():
    assert connection.vendor == "postgresql"


@in_ci
def test_ci_cache_is_redis_and_answers():
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache.set("ci-probe", "在线", timeout=10)
    assert cache.get("ci-probe") == "在线"
    cache.delete("ci-probe")
