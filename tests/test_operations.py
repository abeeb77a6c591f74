"""Faults the site must survive without a 500: Redis down (cache and broker), PostgreSQL unreachable; and the
health endpoints an orchestrator polls. The outages are real: a cache and a broker on a port where nothing
listens, a database connection to a closed port (no mocks of the services themselves)."""

import json
import logging
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connections
from django.db.utils import ConnectionHandler
from django.test import Client, override_settings

from audit.services import Actor
from credit_portal.celery import app
from credit_portal.logging import OneLineFilter
from outbox.models import OutboxItem
from outbox.services import outbox_sweep
from records.models import CreditRecord
from sanctions.consistency import status_drift
from sanctions.models import Membership
from subjects.models import CreditSubject
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item, yzsxmd_item

DEAD_PORT = 6391  # nothing listens here
DEAD_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{DEAD_PORT}/0",
        "KEY_PREFIX": "credit",
        "OPTIONS": settings.REDIS_CACHE_OPTIONS,  # the options production uses
    }
}


@pytest.fixture
def department(db):
    return DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation")


@pytest.fixture
def token(department):
    _, raw = api_token_issue(department)
    return raw


def push(raw: str, *items):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/records/", data=json.dumps(list(items)), content_type="application/json"
    )


@pytest.fixture
def published(token, django_capture_on_commit_callbacks):
    """A black-listed company, a published penalty and a licence, evaluated as after a normal push."""
    with django_capture_on_commit_callbacks(execute=True):
        response = push(token, yzsxmd_item(1), xzcf_item(2), xzxk_item(3))
    assert response.status_code == 200, response.content
    return CreditRecord.objects.get(subject__uscc=company_uscc(2))


def public_urls(penalty) -> list[str]:
    black = company_uscc(1)
    return [
        "/",
        "/search/?q=长春测试",
        f"/search/?q={black}",
        f"/subjects/{black}/",
        f"/subjects/{black}/?tab=lists",
        f"/subjects/{company_uscc(2)}/",
        "/lists/",
        "/lists/yzsx_scjg/",
        "/shuanggongshi/xzcf/",
        "/shuanggongshi/xzcf/?q=长春",
        "/shuanggongshi/xzxk/",
        "/reports/verify/",
        "/applications/status/",
        "/tipoffs/new/",
        "/commitments/new/",
        f"/records/{penalty.pk}/objection/",
        "/opendata/",
        "/opendata/lists/yzsx_scjg.csv",
        "/articles/news/",
        "/healthz",
    ]


# Redis down: the cache ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_public_page_answers_as_usual_while_the_cache_is_down(published):
    urls = public_urls(published)
    normal = {url: Client().get(url).status_code for url in urls}
    assert 500 not in normal.values()
    with override_settings(CACHES=DEAD_CACHE):
        down = {url: Client().get(url).status_code for url in urls}
        again = {url: Client().get(url).status_code for url in urls}  # nothing was cached: built again
    assert down == normal
    assert again == normal
    assert normal["/"] == normal[f"/subjects/{company_uscc(1)}/"] == 200


@pytest.mark.django_db
def test_a_subject_page_shows_the_data_of_postgresql_while_the_cache_is_down(published):
    url = f"/subjects/{company_uscc(1)}/"
    normal = Client().get(url).content.decode()
    with override_settings(CACHES=DEAD_CACHE):
        page = Client().get(url)
    assert page.status_code == 200
    assert page.content.decode() == normal
    assert "失信" in normal


@pytest.mark.django_db
def test_both_rate_limiters_fail_open_with_ignored_cache_errors(published, token):
    limits = {scope: (1, 60) for scope in settings.PUBLIC_RATE_LIMITS}
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with override_settings(CACHES=DEAD_CACHE, PUBLIC_RATE_LIMITS=limits, API_RATE_LIMIT_READ=1):
        assert [Client().get("/search/?q=长春测试").status_code for _ in range(3)] == [200, 200, 200]
        assert [Client().get(f"/subjects/{company_uscc(1)}/").status_code for _ in range(3)] == [200, 200, 200]
        assert [api.get("/api/v1/records/").status_code for _ in range(3)] == [200, 200, 200]
    # The limits are real when the cache is up.
    with override_settings(PUBLIC_RATE_LIMITS=limits, API_RATE_LIMIT_READ=1):
        assert [Client().get("/search/?q=长春测试").status_code for _ in range(2)] == [200, 429]
        assert [api.get("/api/v1/records/").status_code for _ in range(2)] == [200, 429]


def test_an_ignored_cache_error_is_one_line_without_traceback():
    try:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6391. Connection refused.")
    except ConnectionError:
        import sys

        record = logging.LogRecord("django_redis.cache", logging.ERROR, __file__, 1, "Exception ignored", (), None)
        record.exc_info = sys.exc_info()
    assert OneLineFilter(("django_redis",)).filter(record)
    assert record.exc_info is None
    assert (
        record.getMessage()
        == "Exception ignored: ConnectionError: Error 111 connecting to 127.0.0.1:6391. Connection refused."
    )
    from credit_portal.settings import base

    assert "django_redis" in base.LOGGING["filters"]["one_line"]["loggers"]
    assert base.REDIS_CACHE_OPTIONS["IGNORE_EXCEPTIONS"] is True
    assert base.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS is True


# Redis down: the broker --------------------------------------------------------------------------------------


@contextmanager
def broker_down():
    """Celery publishing to a Redis broker where nothing listens (instead of running tasks eagerly)."""
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, f"redis://127.0.0.1:{DEAD_PORT}/0"
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool, app.amqp._producer_pool = None, None


@pytest.mark.django_db
def test_a_push_while_the_broker_is_down_is_answered_fast_and_the_sweep_alone_recovers_it(
    token, django_capture_on_commit_callbacks, caplog
):
    with broker_down(), caplog.at_level(logging.WARNING, logger="outbox"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = push(token, yzsxmd_item(7))
        seconds = time.monotonic() - started
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["status"] == "created"
    assert seconds < 5  # was ~20 s with unbounded retries and a result backend
    subject = CreditSubject.objects.get(uscc=company_uscc(7))
    # Not evaluated yet, but not lost: one pending outbox item names the subject, and the log says so.
    item = OutboxItem.objects.get()
    assert (item.topic, item.state, item.payload["subject_ids"]) == ("records.changed", "pending", [subject.pk])
    assert f"outbox item {item.pk} not queued" in caplog.text
    assert not Membership.objects.filter(subject=subject).exists()
    assert [d.subject_id for d in status_drift()[1]] == [subject.pk]
    url = f"/subjects/{company_uscc(7)}/?tab=black"
    before = Client().get(url).content.decode()  # and this page is now cached
    # The broker is back (tasks run eagerly here): the sweep alone delivers it; no recompute is run.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep()["delivered"] >= 1  # and the lists_changed item the evaluation wrote
    item.refresh_from_db()
    assert item.state == "done"
    assert Membership.objects.filter(subject=subject).exists()
    assert status_drift()[1] == []
    list_name = Membership.objects.get(subject=subject).list_type.name
    assert list_name not in before
    assert list_name in Client().get(url).content.decode()  # the cached page was dropped
    assert not OutboxItem.objects.filter(state="pending").exists()


@pytest.mark.django_db
def test_a_batch_sent_while_the_broker_is_down_is_accepted_and_the_sweep_runs_it_to_the_end(
    token, django_capture_on_commit_callbacks, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from records.models import IngestBatch
    from tests.records.test_batches import csv_bytes

    settings.MEDIA_ROOT = str(settings.BASE_DIR / "test-artifacts" / "media-broker-down")
    content = csv_bytes([xzcf_item(1)], encoding="utf-8", header="code")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/api/v1/batches/",
            {"file": SimpleUploadedFile("a.csv", content), "record_type": "xzcf"},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    # The batch row is committed with its outbox item: the answer says so.
    assert response.status_code == 202, response.content
    batch = IngestBatch.objects.get(pk=response.json()["id"])
    assert batch.state == "queued"
    assert list(OutboxItem.objects.values_list("topic", "state", "payload")) == [
        ("batch.process", "pending", {"batch_id": batch.pk})
    ]
    # The broker is back: the next sweep gives the batch its task and it ends (no watchdog needed).
    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()
    batch.refresh_from_db()
    assert batch.state == "done"
    assert CreditRecord.objects.filter(department=batch.department).count() == 1
    assert set(OutboxItem.objects.values_list("topic", "state")) == {
        ("batch.process", "done"),
        ("records.changed", "done"),
        ("subjects.lists_changed", "done"),  # a fine is 一般: its subject joins the list whose measures warn
        ("subjects.grades_changed", "done"),  # and it gets its published grade (issue 15)
    }
    assert status_drift()[1] == []


def test_no_task_result_is_stored_or_waited_for():
    assert app.conf.task_ignore_result is True
    assert not settings.CELERY_RESULT_BACKEND
    assert app.conf.task_publish_retry_policy["max_retries"] <= 3
    assert app.conf.broker_connection_timeout <= 5


# PostgreSQL unreachable --------------------------------------------------------------------------------------


@contextmanager
def database_down():
    """The default database replaced by a PostgreSQL connection to a closed port: every query fails with a
    real ``OperationalError`` (connection refused), on SQLite and PostgreSQL test runs alike."""
    dead = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "credit",
                "USER": "nobody",
                "HOST": "127.0.0.1",
                "PORT": DEAD_PORT,
                "CONN_HEALTH_CHECKS": True,
            }
        }
    )["default"]
    saved = connections["default"]
    connections["default"] = dead
    try:
        yield
    finally:
        connections["default"] = saved


@pytest.mark.django_db
def test_the_api_answers_json_503_with_retry_after_when_the_database_is_down(token, caplog):
    with database_down(), caplog.at_level(logging.WARNING):
        read = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/records/")
        write = push(token, xzcf_item(1))
    for response in (read, write):
        assert response.status_code == 503
        assert response["Retry-After"] == str(settings.SERVICE_RETRY_AFTER_SECONDS)
        assert response.json()["code"] == "service_unavailable"
    assert "database unavailable" in caplog.text


@pytest.mark.django_db
def test_people_get_the_chinese_503_page_when_the_database_is_down(published, caplog):
    with database_down(), caplog.at_level(logging.WARNING):
        pages = [Client().get(url) for url in ("/", f"/subjects/{company_uscc(1)}/", "/search/?q=长春测试")]
    for page in pages:
        assert page.status_code == 503
        assert page["Retry-After"] == "30"
        assert "服务暂时不可用" in page.content.decode()
    assert not [r for r in caplog.records if r.exc_info and r.name == "credit_portal.unavailable"]


@pytest.mark.django_db
def test_a_staff_session_read_in_a_middleware_also_gets_the_503(published):
    from django.contrib.auth import get_user_model

    from tests.conftest import StaffClient

    user = get_user_model().objects.create_superuser("ops-admin", password="a-long-password-1")
    # The test client would re-raise what reached handler500; a server does not.
    staff = StaffClient(raise_request_exception=False)
    staff.force_login(user)
    with database_down():
        response = staff.get("/workbench/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_connections_are_health_checked_after_a_database_restart():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# Health endpoints --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    with database_down():
        assert Client().get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_ready_with_the_checks_and_pending_work(published):
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["migrations"]["ok"]
    assert body["checks"]["pending"] == {
        "ok": True,
        "required": False,
        "memberships_overdue": 0,
        "oldest_running_batch": None,
    }
    assert "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_names_the_failing_checks(published):
    with database_down():
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert "Retry-After" in response

    redis_everywhere = {**DEAD_CACHE}
    with override_settings(CACHES=redis_everywhere, CELERY_BROKER_URL=f"redis://127.0.0.1:{DEAD_PORT}/0"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert "Connection" in body["checks"]["cache"]["error"]
    assert body["checks"]["queue"]["ok"] is False  # reported, but a backlog or a lost broker is not "unready"


@pytest.mark.django_db
def test_readyz_reports_unapplied_migrations(monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    from operations import readiness

    monkeypatch.setattr(readiness, "_migrations_applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("a", False), ("b", False)])
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "required": True, "unapplied": 2}


@pytest.mark.django_db
def test_health_endpoints_are_never_rate_limited():
    limits = {scope: (0, 60) for scope in settings.PUBLIC_RATE_LIMITS}
    with override_settings(PUBLIC_RATE_LIMITS=limits):
        assert [Client().get("/readyz").status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.django_db
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_readyz_reads_a_live_redis_and_the_queue_depth():
    body = Client().get("/readyz").json()
    assert body["status"] == "ready"
    assert body["checks"]["cache"]["ok"] is True
    assert isinstance(body["checks"]["queue"]["depth"], int)


@pytest.mark.django_db
def test_a_page_whose_task_cannot_be_queued_answers_the_chinese_503(caplog):
    from django.db import transaction

    from organisations.services import staff_create
    from tests.conftest import StaffClient

    with transaction.atomic():
        staff_create(username="centre", password="a-long-password-1", role="credit_admin", actor=Actor.system("测试"))
    staff = StaffClient()
    assert staff.login(username="centre", password="a-long-password-1")
    with broker_down(), caplog.at_level(logging.WARNING, logger="credit_portal.unavailable"):
        response = staff.post("/workbench/quality/recompute/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "服务暂时不可用" in response.content.decode()
    assert "broker unavailable: POST /workbench/quality/recompute/" in caplog.text
