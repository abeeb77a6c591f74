"""Per-client rate limits of the public site: every scope refuses the request after its limit with a 429
and Retry-After; forms cost nothing to open; a cache outage lets requests through."""

import datetime
import logging

import pytest
import time_machine
from django.test import RequestFactory

from disclosure.addresses import person_token
from disclosure.throttle import allowed
from subjects.models import CreditSubject
from tests.disclosure.conftest import TZ
from tests.records.helpers import company_uscc

pytestmark = pytest.mark.django_db

# The start of a 60 s and of a 600 s window, so that no test straddles two windows.
WINDOW_START = datetime.datetime(2026, 7, 1, 10, 0, 1, tzinfo=TZ)


@pytest.fixture
def limits(settings):
    def set_limit(scope: str, count: int, window: int = 60):
        settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, scope: (count, window)}

    return set_limit


def statuses(client, url, times, method="get", **params):
    with time_machine.travel(WINDOW_START, tick=False):
        return [getattr(client, method)(url, params).status_code for _ in range(times)]


def assert_refused(response):
    assert response.status_code == 429
    assert "访问过于频繁" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600


def person_url() -> str:
    person = CreditSubject.objects.get(kind="natural_person")
    return f"/persons/{person_token(person)}/"


@pytest.mark.parametrize("which", ["subject", "person", "shuanggongshi", "list"])
def test_pages_are_limited_per_client(published, limits, which):
    limits("page", 3)
    url = {
        "subject": lambda: f"/subjects/{company_uscc(1)}/",
        "person": person_url,
        "shuanggongshi": lambda: "/shuanggongshi/xzcf/",
        "list": lambda: "/lists/yzsx_scjg/",
    }[which]()
    assert statuses(published, url, 3) == [200, 200, 200]
    with time_machine.travel(WINDOW_START, tick=False):
        assert_refused(published.get(url))
    # Another client has its own counter.
    with time_machine.travel(WINDOW_START, tick=False):
        assert published.get(url, REMOTE_ADDR="10.9.9.9").status_code == 200


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/shuanggongshi/xzcf/", {"q": "长春"}),
        ("/shuanggongshi/xzcf/", {"region": "2201"}),
        ("/shuanggongshi/xzxk/", {"from": "2026-01-01"}),
        ("/lists/yzsx_scjg/", {"q": "测试"}),
        ("/lists/hmd_nsa/", {"region": "220000"}),
    ],
)
def test_list_filters_are_limited_like_search(published, limits, url, params):
    limits("filter", 2)
    assert statuses(published, url, 5) == [200] * 5, "browsing a list without a filter is not a search"
    assert statuses(published, url, 5, page="2") == [200] * 5, "paging is not a filter"
    assert statuses(published, url, 2, **params) == [200, 200]
    with time_machine.travel(WINDOW_START, tick=False):
        assert_refused(published.get(url, params))


def test_report_downloads_after_verification_are_limited(client, limits):
    limits("download", 2, 600)
    assert statuses(client, "/reports/download/", 2, t="forged") == [404, 404]
    with time_machine.travel(WINDOW_START, tick=False):
        assert_refused(client.get("/reports/download/", {"t": "forged"}))


def test_opening_a_form_does_not_count_against_the_application_limit(client, penalty, limits):
    from tests.accounts.helpers import account_client, acting_account

    limits("apply", 1, 3600)
    account_client(client, acting_account(penalty.subject))  # objections, repairs, commitments: the subject's account
    record = f"/records/{penalty.pk}"
    forms = ["/tipoffs/new/", "/commitments/new/", f"{record}/objection/", f"{record}/repair/"]
    for url in forms:
        assert statuses(client, url, 3) == [200, 200, 200], url
    # Submissions count: the first (invalid, so answered with the form) passes, the next is refused.
    assert statuses(client, "/tipoffs/new/", 1, method="post") == [200]
    with time_machine.travel(WINDOW_START, tick=False):
        assert_refused(client.post(f"/records/{penalty.pk}/objection/", {}))
        assert client.get("/commitments/new/").status_code == 200


def test_a_cache_outage_lets_requests_through(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "search": (0, 60)}
    request = RequestFactory().get("/search/", {"q": "长春"})
    with caplog.at_level(logging.WARNING, logger="disclosure.throttle"):
        ok, retry_after = allowed(request, "search")
    assert ok
    assert 0 < retry_after <= 60
    assert "cache is unavailable" in caplog.text


# Red team (issue 12): an IPv6 client holds a whole /64 (privacy extensions hand out new addresses all day, and
# a crawler can bind any of 2^64), so counting per full address let one client escape every limit. The limit
# counts per /64; an IPv4-mapped address counts as its IPv4 address.
@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:192.0.2.7", "192.0.2.7", True),
        ("192.0.2.7", "192.0.2.8", False),
    ],
)
def test_an_ipv6_client_is_limited_per_64_prefix(published, limits, first, second, shared):
    limits("page", 2)
    url = f"/subjects/{company_uscc(1)}/"
    with time_machine.travel(WINDOW_START, tick=False):
        assert published.get(url, REMOTE_ADDR=first).status_code == 200
        assert published.get(url, REMOTE_ADDR=first).status_code == 200
        assert published.get(url, REMOTE_ADDR=second).status_code == (429 if shared else 200)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/reports/verify/", {"number": "R-none", "code": "x"}),
        ("/applications/status/", {"receipt_number": "YY-none", "code": "x"}),
    ],
)
def test_opening_a_verification_form_does_not_count(client, limits, url, params):
    """Issue 16: opening the empty form counted against the verify limit; only a look-up counts."""
    limits("verify", 2, 600)
    assert statuses(client, url, 5) == [200] * 5
    assert statuses(client, url, 2, **params) == [400, 400]
    with time_machine.travel(WINDOW_START, tick=False):
        refused = client.get(url, params)
        assert_refused(refused)
        # The scope serves reports, inspection draws and applications: the page names none of them wrongly.
        assert "核验、查证的次数过多" in refused.content.decode()
        assert client.get(url).status_code == 200


def test_the_subjects_own_report_is_limited_per_account_not_per_address(penalty, limits):
    """Issue 16: the signed-in subject's own report shared the anonymous per-address counter: one office behind a
    NAT address blocked all its accounts (and anonymous public reports blocked them too)."""
    from django.test import Client

    from tests.accounts.helpers import account_client, acting_account

    limits("report", 1, 3600)
    office = "10.20.30.40"
    url = f"/account/subjects/{penalty.subject_id}/report/"
    first = account_client(Client(REMOTE_ADDR=office), acting_account(penalty.subject))
    second = account_client(Client(REMOTE_ADDR=office), acting_account(penalty.subject, email="second@example.com"))
    with time_machine.travel(WINDOW_START, tick=False):
        assert Client(REMOTE_ADDR=office).get(f"/subjects/{penalty.subject.uscc}/report/").status_code == 200
        assert first.get(url).status_code == 200
        assert second.get(url).status_code == 200
        assert_refused(first.get(url))
