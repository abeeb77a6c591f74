"""Overload protection of the public site (issue 12): every public page has a per-client rate limit and, where
it reads the database, the statement budget; a request past the budget is a Chinese 503 page and leaves the
connection usable; a streamed CSV cut by the budget does not end as a complete-looking 200."""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from core.db_budget import STREAM_CUT_LINE, StreamCut
from disclosure.addresses import PERSON_SIGNER
from disclosure.views import DOWNLOAD_SIGNER
from tests.records.helpers import company_uscc

# Staff pages (login required), the admin, the API (DRF throttles, tokens), Django's own login pages (axes and
# the password-reset limit), the subject accounts' pages (sign-in required; their login is axes', their
# registration has the ``apply`` limit: tests/accounts) and the orchestrator's health checks are not public pages.
NOT_PUBLIC_PREFIXES = ("admin/", "api/", "accounts/", "account/", "workbench/", "healthz", "readyz")
# Forms that write a citizen's application: their POSTs have the ``apply`` limit; a budget would cancel a
# submission half-way for a reason the citizen cannot act on, and opening the form reads one row by id.
WITHOUT_BUDGET = {"rights:objection-apply", "rights:repair-apply", "rights:tipoff-apply"}
WITHOUT_BUDGET |= {"rights:commitment-apply"}


def public_patterns(resolver=None, prefix="", namespace=""):
    """(route, name, view) of every URL pattern outside ``NOT_PUBLIC_PREFIXES``."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from public_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and not route.startswith(NOT_PUBLIC_PREFIXES):
            yield route, f"{namespace}{pattern.name}", pattern.callback


PUBLIC = sorted(public_patterns())


def test_the_walk_sees_the_public_pages():
    names = {name for _, name, _ in PUBLIC}
    assert {"disclosure:home", "disclosure:search", "disclosure:shuanggongshi", "disclosure:opendata-file"} <= names
    assert names >= WITHOUT_BUDGET  # the exemptions name real pages
    assert not any("workbench" in route for route, _, _ in PUBLIC)


@pytest.mark.parametrize(("route", "name", "view"), PUBLIC, ids=[name for _, name, _ in PUBLIC])
def test_every_public_page_is_rate_limited_and_budgeted(route, name, view):
    scopes = getattr(view, "throttle_scopes", ())
    assert scopes, f"{route} ({name}) has no per-client rate limit: decorate it with disclosure.throttle.throttled"
    assert set(scopes) <= set(settings.PUBLIC_RATE_LIMITS)
    if name not in WITHOUT_BUDGET:
        assert getattr(view, "statement_budget", False), f"{route} ({name}) has no statement budget"


# --- PostgreSQL: a budget overrun through the real views ------------------------------------------------------

postgres = pytest.mark.postgres


class TableLock:
    """Another connection holding ACCESS EXCLUSIVE locks: every statement of the view on those tables waits,
    which counts against its statement timeout, so the overrun is certain and no query needs to be slow. A
    timer releases the locks after 10 s, so a page without a budget fails the test instead of hanging it."""

    def __init__(self, tables, release_after: float = 10):
        self.tables = tables
        self.release_after = release_after
        self.other = connections.create_connection("default")

    def __enter__(self):
        self.other.ensure_connection()
        self.raw = self.other.connection.cursor()
        try:
            self.raw.execute("BEGIN")
            self.raw.execute(f"LOCK TABLE {', '.join(self.tables)} IN ACCESS EXCLUSIVE MODE")
        except BaseException:
            self.other.close()
            raise
        self.timer = threading.Timer(self.release_after, self.release)
        self.timer.start()
        return self

    def release(self):
        if self.raw is not None:
            raw, self.raw = self.raw, None
            raw.execute("ROLLBACK")

    def __exit__(self, *exc):
        self.timer.cancel()
        self.release()
        self.other.close()


def all_tables() -> list[str]:
    return [t for t in connection.introspection.table_names() if not t.startswith(("django_", "auth_", "axes_"))]


def assert_connection_clean():
    assert not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"  # SET LOCAL ended with the request's transaction
        cursor.execute("SELECT count(*) FROM records_recordtype")
        assert cursor.fetchone()[0] > 0


PAGES = {
    "home": "/",
    "search": "/search/?q=长春",
    "subject": f"/subjects/{company_uscc(1)}/",
    "person": "/persons/{person}/",
    "subject-report": f"/subjects/{company_uscc(1)}/report/",
    "verify": "/reports/verify/?number=XY2026&code=ABCDEF",
    "report-download": "/reports/download/?t={download}",
    "shuanggongshi": "/shuanggongshi/xzcf/?region=220100",
    "lists": "/lists/",
    "list": "/lists/yzsx_scjg/",
    "articles": "/articles/news/",
    "article": "/article/1/",
    "opendata": "/opendata/",
    "opendata-file": "/opendata/files/1/",
    "opendata-list": "/opendata/lists/yzsx_scjg.csv",
    "opendata-sgs": "/opendata/shuanggongshi/xzcf.csv?from=2026-06-01&to=2026-06-30",
}


# Streams whose view reads nothing from the database before the first row (their lookups come from the cache).
STREAMED_WITHOUT_READING = {"opendata-sgs"}


def page_url(which: str) -> str:
    person = PERSON_SIGNER.sign("1").split(":", 1)[1] + "-1"
    return PAGES[which].format(person=person, download=DOWNLOAD_SIGNER.sign("XY2026"))


@postgres
@pytest.mark.django_db(transaction=True)
@override_settings(PUBLIC_STATEMENT_TIMEOUT_MS=200)
def test_a_page_past_its_budget_is_a_busy_page_and_the_connection_stays_usable(reference_data, client):
    # One test for all pages: a transactional test reloads the reference data, which costs seconds.
    for which in PAGES:
        url = page_url(which)
        with TableLock(all_tables()):
            response = client.get(url)
            if which in STREAMED_WITHOUT_READING:
                # The catalog's display is in the cache by now (the pages before read it): the view reads
                # nothing before its stream, which is sent and then cut visibly (as in the test below).
                assert response.status_code == 200, url
                chunks = []
                with pytest.raises(StreamCut):
                    chunks.extend(response.streaming_content)
                assert b"".join(chunks).decode().splitlines()[-1] == STREAM_CUT_LINE.strip()
            else:
                assert response.status_code == 503, url
                assert response["Retry-After"] == "30"
                assert response["Cache-Control"] == "no-store"
                assert "查询繁忙" in response.content.decode()
        assert_connection_clean()
        assert client.get(url).status_code in (200, 302, 400, 404), url  # once the tables are free


@postgres
@pytest.mark.django_db(transaction=True)
@override_settings(PUBLIC_STATEMENT_TIMEOUT_MS=200)
def test_a_csv_stream_past_its_budget_is_cut_visibly(reference_data, client):
    url = page_url("opendata-sgs")
    with TableLock(["records_creditrecord"]):  # the view's own lookups pass; the rows, read while streaming, wait
        response = client.get(url)
        assert response.status_code == 200  # sent before the first row is read
        chunks = []
        with pytest.raises(StreamCut):
            chunks.extend(response.streaming_content)
    body = b"".join(chunks).decode("utf-8")
    lines = body.splitlines()
    assert lines[0].startswith("\ufeff行政相对人名称")
    assert lines[-1] == STREAM_CUT_LINE.strip()
    assert_connection_clean()
    # Without the lock the same file streams to its end.
    complete = b"".join(client.get(url).streaming_content).decode("utf-8")
    assert STREAM_CUT_LINE.strip() not in complete


@postgres
@pytest.mark.django_db(transaction=True)
@override_settings(PUBLIC_STATEMENT_TIMEOUT_MS=200)
def test_the_stream_reads_through_a_cursor_inside_its_transaction(reference_data, client):
    """Outside a transaction Django declares the cursor WITH HOLD, which builds the whole result before the
    first row; the budgeted stream reads it chunk by chunk under the budget."""
    response = client.get(page_url("opendata-sgs"))
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        b"".join(response.streaming_content)
    timeout = [atomic for sql, atomic in statements if sql.startswith("SET LOCAL statement_timeout")]
    rows = [atomic for sql, atomic in statements if "records_creditrecord" in sql]
    assert timeout == [True]
    assert rows
    assert all(rows)


@postgres
@pytest.mark.django_db(transaction=True)
@override_settings(PUBLIC_STATEMENT_TIMEOUT_MS=200)
def test_home_totals_past_the_budget_are_counted_in_the_background(reference_data, client):
    """Counting millions of public records takes seconds: the home page shows dashes instead of a 503, and the
    task counts them (here once the lock is gone: eager Celery runs it after the page's transaction)."""
    from django.core.cache import cache

    from disclosure.selectors import HOME_COUNTS_KEY

    with TableLock(["records_creditrecord"], release_after=1):
        page = client.get("/")
    assert page.status_code == 200
    assert '<strong data-testid="count-subjects">—</strong>' in page.content.decode()
    assert cache.get(HOME_COUNTS_KEY)["records"] == 0
    assert '<strong data-testid="count-subjects">0</strong>' in client.get("/").content.decode()
    assert_connection_clean()
