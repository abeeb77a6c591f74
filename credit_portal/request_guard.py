"""Requests refused at the door, before any view, form or query sees them.

Two checks every request passes, the same for the public site, the workbench and the API:

- Query parameters: PostgreSQL refuses a NUL character in text, so a ``%00`` in any filter used to reach the
  database and come back as a 500; control characters and lone surrogates are never part of a name, a code or
  a date either. Over-long values are refused too (no filter of this site needs more than a few hundred
  characters). One check here instead of one in every view: a view added tomorrow is covered as well.
- Body size: the ``Content-Length`` is compared with the limit of the caller *before* Django reads the body,
  so an anonymous 150 MB upload is refused without being read or spooled to disk. Under WSGI Django reads
  at most ``Content-Length`` bytes (a chunked body without one is read as empty), so the declared length is
  the streaming cap as well.

People get a Chinese page, systems (``/api/``) a JSON body with a stable code.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from core.http import is_api
from organisations.models import StaffRole

# One definition of text that is never accepted, shared with record validation.
from records.validation import UNSAFE_CHARACTERS


def unsafe_text_reason(value: str, *, max_length: int | None = None) -> str | None:
    """Why ``value`` cannot be accepted as text from outside (in Chinese), or None when it can."""
    if UNSAFE_CHARACTERS.search(value):
        return "包含不允许的控制字符或无效字符"
    if max_length is not None and len(value) > max_length:
        return f"长度超过{max_length}个字符"
    return None


def refusal(request, *, status: int, message: str, code: str, **extra):
    """The answer to a refused request: JSON for the API, the Chinese error page for people."""
    if is_api(request):
        return JsonResponse({"detail": message, "code": code, **extra}, status=status)
    return render(request, f"errors/{status}.html", {"message": message}, status=status)


class QueryParameterGuardMiddleware:
    """Refuse (400) a query string with control characters, surrogates or over-long values, naming the
    parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.QUERY_VALUE_MAX_LENGTH
        for name, values in request.GET.lists():
            reason = unsafe_text_reason(name, max_length=100)
            for value in values:
                reason = reason or unsafe_text_reason(value, max_length=limit)
            if reason:
                shown = name if not UNSAFE_CHARACTERS.search(name) and len(name) <= 100 else "?"
                return refusal(
                    request,
                    status=400,
                    message=f"查询参数“{shown}”{reason}，请检查后重试。",
                    code="invalid_query_parameter",
                    parameter=shown,
                )
        return self.get_response(request)


def body_limit(request) -> int:
    """The largest body this caller may send. Files come only as multipart: department systems and staff
    upload spreadsheets of up to ``BATCH_MAX_BYTES``; the public and subject accounts (anyone may register one)
    send application forms and proofs with at most five files of ``EVIDENCE_MAX_BYTES``. Any other body (JSON,
    a plain form) is read into memory whole, so it gets Django's in-memory bound, ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    if request.content_type != "multipart/form-data":
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    user = getattr(request, "user", None)
    staff = (
        user is not None and user.is_authenticated and (user.is_staff or StaffRole.objects.filter(user=user).exists())
    )
    if is_api(request) or staff:
        return settings.BATCH_MAX_BYTES + settings.REQUEST_BODY_OVERHEAD_BYTES
    return settings.PUBLIC_BODY_MAX_BYTES


class RequestBodyLimitMiddleware:
    """Refuse (413) a body whose declared length is over the caller's limit, before it is read.

    Placed after the authentication middleware (which reads the session, never the body) so the limit can
    depend on who is asking, and before the CSRF middleware reads the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refusal(request, status=400, message="请求头 Content-Length 无效。", code="invalid_content_length")
        limit = body_limit(request)
        if length > limit:
            megabytes = max(limit // (1024 * 1024), 1)
            response = refusal(
                request,
                status=413,
                message=f"提交的内容过大（上限约{megabytes}MB），请减少或压缩附件后重试。",
                code="payload_too_large",
            )
            # The body was not read: the connection cannot be reused for another request.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
