"""One place where the apps' domain errors (``core.errors.DomainError``) become HTTP answers for API clients
(400 with a Chinese message, a stable code and the field when there is one), and where an outage of the
database or the broker becomes a JSON 503 with ``Retry-After`` (credit_portal/unavailable.py), so that a
client knows to send the same request again later."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError
from credit_portal.unavailable import unavailable_response, unavailable_service
from subjects.identifiers import IdentifierError


def exception_handler(exc, context):
    if unavailable_service(exc) is not None:
        return unavailable_response(context["request"], exc)
    if isinstance(exc, IdentifierError):
        exc = exceptions.ValidationError({"code": [str(exc)]})
    elif isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        exc = exceptions.ValidationError(body | ({"field": exc.field} if exc.field else {}))
    return drf_exception_handler(exc, context)
