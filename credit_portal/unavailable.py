"""The database or the broker unavailable: a 503 with ``Retry-After`` that a client can act on, not a 500.

An outage of PostgreSQL (``django.db.OperationalError`` / ``InterfaceError``: connection refused, server closed
the connection, a restart in progress) or of the Celery broker (``kombu.exceptions.OperationalError``) is not a
bug of the request: the same request succeeds once the service is back. API clients get JSON 503 with
``Retry-After`` (``credit_portal/api_errors.py``), people a Chinese 503 page (:class:`ServiceUnavailableMiddleware`
for errors raised in views, :func:`server_error` for those raised in middleware). Each is logged as one
warning line naming the cause, without a traceback: during an outage every request fails the same way, and a
traceback each would bury everything else in the log.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError as BrokerError

from core.http import is_api

logger = logging.getLogger("credit_portal.unavailable")

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, BrokerError)
UNAVAILABLE_CODE = "service_unavailable"
UNAVAILABLE_MESSAGE = "服务暂时不可用（数据库或任务队列维护中），请稍后重试。"


def unavailable_service(exc: BaseException) -> str | None:
    """``"database"`` or ``"broker"`` when ``exc`` means that service is unreachable, else None."""
    if isinstance(exc, BrokerError):
        return "broker"
    if isinstance(exc, OperationalError | InterfaceError):
        return "database"
    return None


def retry_after() -> int:
    return settings.SERVICE_RETRY_AFTER_SECONDS


def log_unavailable(request, exc: BaseException) -> None:
    logger.warning(
        "%s unavailable: %s %s answered 503 (%s: %s)",
        unavailable_service(exc),
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
    )


def unavailable_response(request, exc: BaseException) -> HttpResponse:
    """JSON for the API, the Chinese page for people; ``Retry-After`` on both, never cached."""
    log_unavailable(request, exc)
    if is_api(request):
        response = JsonResponse({"detail": UNAVAILABLE_MESSAGE, "code": UNAVAILABLE_CODE}, status=503)
    else:
        # Rendered without the request: its context (the user, the session) may need the database that is down.
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    """A view that failed because the database or the broker is down answers 503 (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if unavailable_service(exception) is None:
            return None
        return unavailable_response(request, exception)


def server_error(request):
    """``handler500``: an outage raised outside a view (a middleware reading the session or the token) is a 503
    too; anything else is the site's 500 page."""
    import sys

    exc = sys.exc_info()[1]
    if exc is not None and unavailable_service(exc) is not None:
        return unavailable_response(request, exc)
    from disclosure.views import server_error as site_server_error

    return site_server_error(request)
