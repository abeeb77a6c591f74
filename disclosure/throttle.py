"""Per-client rate limits of the public site: pages, filtered lists, search, reports, forms.

A fixed window counter per client address in the cache (Redis in production, so all web workers share
it). Credit sites are scraped in bulk; these limits keep one client from copying the register or tying
up the PDF generator, and the page it gets is a friendly 429 in Chinese. The defaults
(``PUBLIC_RATE_LIMITS``) are set so that a person reading the site never meets them and a crawler does.

A limit is a guard, not a gate: when the cache cannot be reached the request is let through and a warning
logged, so an outage of Redis never takes the public site down with it.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from audit.services import client_ip

logger = logging.getLogger(__name__)

# Query parameters that only move through a list: a request with anything else is a filtered (search-like)
# request. The list pages' filters run LIKE queries over the whole register, as search does.
NON_FILTER_PARAMETERS = frozenset({"page", "cursor"})


# What each scope limits, as the 429 page names it ("…的次数过多").
SCOPE_ACTIONS = {
    "page": "浏览页面",
    "filter": "筛选查询公示信息",
    "search": "信用查询",
    "download": "下载信用报告",
    "file": "下载开放数据文件",
    "report": "生成信用报告",
    "verify": "核验、查证",  # report numbers, inspection draws, the status of an application
    "opendata": "按条件下载开放数据",
    "apply": "提交申请",
    "password_reset": "申请重置密码",
}


def wait_text(seconds: int) -> str:
    """The wait as people read it: "1 分钟" for anything up to a minute, else whole minutes rounded up
    (a 1855-second wait is "31 分钟", never a figure in seconds)."""
    minutes = max(1, -(-int(seconds) // 60))
    return f"{minutes} 分钟"


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def rate_key(request) -> str:
    """Whom a request is counted against: the client's address, an IPv6 one by its /64 prefix (one
    subscriber's network: a client can use any of its 2^64 addresses, and privacy extensions change them all
    day) and an IPv4-mapped one as the IPv4 address it is."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return address


def account_key(request) -> str:
    """Whom a signed-in person's own request is counted against: the account, not the address (an office
    behind one NAT address shares it; its accounts are people, each with its own limit). Anonymous callers
    are counted by address as elsewhere."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"account:{user.pk}"
    return rate_key(request)


def allowed(request, scope: str, *, by=rate_key) -> tuple[bool, int]:
    """Count this request against ``by(request)`` (the client's address unless told); returns whether it is
    within the limit and the seconds until the window ends.

    Fails open: a cache error (Redis down) allows the request and logs a warning."""
    limit, window = settings.PUBLIC_RATE_LIMITS[scope]
    now = int(time.time())
    retry_after = window - now % window
    key = f"throttle:{scope}:{by(request)}:{now // window}"
    try:
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
    except Exception:  # any cache backend error: a rate limit must not become an outage
        logger.warning("rate limit %s not checked: the cache is unavailable", scope, exc_info=True)
        return True, retry_after
    if count is None:  # the cache ignored its error (IGNORE_EXCEPTIONS) and counted nothing: fail open
        return True, retry_after
    return count <= limit, retry_after


def is_submission(request) -> bool:
    """Only a submitted form counts against the application limit; opening the form is free."""
    return request.method == "POST"


def is_lookup(request) -> bool:
    """A verification counts when something is looked up (a query string with a value, or a POST); opening the
    empty form costs nothing."""
    return request.method == "POST" or any(value.strip() for value in request.GET.values())


def is_filtered(request) -> bool:
    """A list request with any filter in its query string (not just a page number)."""
    return any(value.strip() for key, value in request.GET.items() if key not in NON_FILTER_PARAMETERS)


def throttled(scope: str, *, when=None, by=rate_key):
    """Limit a view per client under ``scope``; with ``when``, only requests for which it is true count; ``by``:
    whom a request is counted against (``account_key`` for a signed-in person's own requests)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if when is None or when(request):
                ok, retry_after = allowed(request, scope, by=by)
                if not ok:
                    context = {
                        "retry_after": retry_after,
                        "wait": wait_text(retry_after),
                        "action": SCOPE_ACTIONS.get(scope, "访问"),
                    }
                    response = render(request, "errors/429.html", context, status=429)
                    response["Retry-After"] = str(retry_after)
                    return response
            return view(request, *args, **kwargs)

        # Every scope of the view, outermost first: a test walks the public URLs and fails on a view without.
        wrapper.throttle_scopes = (scope, *getattr(view, "throttle_scopes", ()))
        return wrapper

    return decorator
