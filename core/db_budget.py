"""A time budget for the database work of a heavy public view (issue 12: overload protection).

A crawler asking for pages that each read for seconds ties up every worker and the database, and then the
cheap cached pages wait too. ``statement_budget`` runs the view in a transaction with
``SET LOCAL statement_timeout`` (``PUBLIC_STATEMENT_TIMEOUT_MS``, 3 s by default), so PostgreSQL cancels a
statement that runs past it; the reader gets a Chinese 503 page with ``Retry-After`` instead of a page that
never comes, and the worker is free again at once. ``SET LOCAL`` ends with the transaction, so a kept
connection does not carry the limit into the next request (staff pages and exports have no such limit).

A crawler thus gets, per client: the page; 429 with ``Retry-After`` past its rate (disclosure/throttle.py);
503 with ``Retry-After`` when a single request would run past the budget. Neither is cached.
Other databases (SQLite in development and tests) have no statement timeout: the view runs as is.

A streamed CSV reads its rows after the view has returned, so ``budgeted_stream`` puts the same limit on
each read of the stream. The status line (200) has gone out by then: a stream cut by the budget ends with a
last line saying the file is incomplete and then breaks off without the end of the chunked body, so no
client takes it for a complete file (curl exits with 18, browsers mark the download failed).
"""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("core.db_budget")

BUSY_RETRY_AFTER_SECONDS = 30


def is_statement_timeout(exc: BaseException) -> bool:
    """True when PostgreSQL cancelled a statement (SQLSTATE 57014 ``query_canceled``)."""
    cause = exc.__cause__ or exc
    return getattr(cause, "sqlstate", None) == "57014" or getattr(cause, "pgcode", None) == "57014"


def busy_response(request) -> HttpResponse:
    # Rendered without the request context: the transaction that timed out is gone, and the page needs no data.
    response = HttpResponse(render_to_string("errors/503_busy.html"), status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class StreamCut(RuntimeError):
    """A streamed response stopped by the statement budget after its headers were sent. Raised out of the
    stream so that the server drops the connection instead of ending the body cleanly."""


STREAM_CUT_LINE = "数据导出中断：查询超时，本文件不完整。请稍后重试，或在“数据开放”页面下载按月生成的文件。\r\n"


def _set_budget(milliseconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = %s", [int(milliseconds)])


def budgeted_stream(rows):
    """Iterate ``rows`` (lines of a streamed body that query the database as they go) in one transaction
    under the public statement timeout; on a timeout, yield ``STREAM_CUT_LINE`` and raise ``StreamCut``.

    One transaction also lets the rows' ``iterator()`` use a real server-side cursor, read chunk by chunk;
    outside a transaction the cursor is declared ``WITH HOLD`` and the whole result is built up front."""
    milliseconds = settings.PUBLIC_STATEMENT_TIMEOUT_MS
    if connection.vendor != "postgresql" or not milliseconds or connection.in_atomic_block:
        yield from rows
        return
    try:
        with transaction.atomic():
            _set_budget(milliseconds)
            yield from rows
    except OperationalError as exc:
        if not is_statement_timeout(exc):
            raise
        logger.warning("statement timeout (%s ms) in a streamed response: cut", milliseconds)
        yield STREAM_CUT_LINE
        raise StreamCut("statement timeout while streaming") from exc


def statement_budget(view):
    """Run ``view`` under the public statement timeout on PostgreSQL; a cancelled statement answers 503."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        milliseconds = settings.PUBLIC_STATEMENT_TIMEOUT_MS
        if connection.vendor != "postgresql" or not milliseconds or connection.in_atomic_block:
            return view(request, *args, **kwargs)
        try:
            with transaction.atomic():
                _set_budget(milliseconds)
                return view(request, *args, **kwargs)
        except OperationalError as exc:
            if not is_statement_timeout(exc):
                raise
            logger.warning("statement timeout (%s ms): %s %s answered 503", milliseconds, request.method, request.path)
            return busy_response(request)

    wrapper.statement_budget = True  # read by the test that every public page has a budget
    return wrapper
