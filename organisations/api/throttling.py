"""Rate limits of the REST API: per department token, reads and writes counted apart.

``ApiRateThrottle`` is DRF's ``SimpleRateThrottle`` (a sliding window of request times in the Django cache,
Redis in production, so every web worker shares the count) keyed by the token's id; a call without a token
(a logged-in staff member reading, or an anonymous call to a public endpoint) is keyed by user or by client
address. Limits are requests per minute: ``API_RATE_LIMIT_WRITE`` for POST/PUT/PATCH/DELETE and
``API_RATE_LIMIT_READ`` for GET/HEAD/OPTIONS (docs/api.md).

Over the limit the answer is 429 with ``Retry-After`` (seconds) and a JSON body in Chinese with the code
``rate_limited``.

If the cache cannot be reached (Redis down), the limiter fails open: the request goes through and a
warning is logged. A limit exists to protect the platform from one runaway client; refusing every
department's pushes, or answering 500, because the counter store is down would do more harm than it saves.
"""

from __future__ import annotations

import logging
import math

from django.conf import settings
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from audit.services import client_ip

from ..models import ApiToken

logger = logging.getLogger(__name__)

RATE_LIMITED_CODE = "rate_limited"


class ApiRateLimited(exceptions.Throttled):
    """429 with the wait in ``Retry-After`` and a body a system can act on: ``{"detail", "code", "retry_after"}``."""

    def __init__(self, wait: float):
        seconds = max(1, math.ceil(wait or 1))
        super().__init__(
            detail={
                "detail": f"请求过于频繁，已超过接口调用频率限制，请在{seconds}秒后重试。",
                "code": RATE_LIMITED_CODE,
                "retry_after": seconds,
            }
        )
        # Set after the parent's __init__, which would otherwise append an English sentence to the detail
        # (and turn the number into text).
        self.wait = seconds
        self.detail["retry_after"] = seconds


class ApiRateThrottle(SimpleRateThrottle):
    """Requests per minute per token (else per user, else per client address), reads and writes apart."""

    def __init__(self):
        # The rate depends on the request's method, so it is read in ``allow_request``, from the settings of
        # the moment (tests override them).
        self.rate = None

    def get_rate(self) -> str:
        limit = settings.API_RATE_LIMIT_WRITE if self.scope == "api_write" else settings.API_RATE_LIMIT_READ
        return f"{limit}/min"

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"addr:{client_ip(request) or 'unknown'}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        self.scope = "api_read" if request.method in SAFE_METHODS else "api_write"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            allowed = super().allow_request(request, view)
        except Exception:
            logger.warning("API rate limiter unavailable (cache error); request allowed", exc_info=True)
            return True
        if not allowed:
            # Raised here rather than returned, so the 429 carries our Chinese body and code without every
            # view overriding ``throttled``.
            raise ApiRateLimited(self.wait())
        return True
