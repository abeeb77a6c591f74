"""Per-client rate limits of the public site (search, reports, report verification).

A fixed window counter per client address in the cache (Redis in production, so all web workers share
it). Credit sites are scraped in bulk; these limits keep one client from copying the register or tying
up the PDF generator, and the page it gets is a friendly 429 in Chinese.
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from audit.services import client_ip


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def allowed(request, scope: str) -> tuple[bool, int]:
    """Count this request; returns whether it is within the limit and the seconds until the window ends."""
    limit, window = settings.PUBLIC_RATE_LIMITS[scope]
    now = int(time.time())
    key = f"throttle:{scope}:{client_address(request)}:{now // window}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit, window - now % window


def throttled(scope: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            ok, retry_after = allowed(request, scope)
            if not ok:
                response = render(request, "errors/429.html", {"retry_after": retry_after}, status=429)
                response["Retry-After"] = str(retry_after)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
