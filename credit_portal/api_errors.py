"""One place where the apps' domain errors become HTTP answers for API clients (400 with a Chinese message and a
stable code)."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from records.services import RecordError
from sanctions.services import SanctionsError
from subjects.identifiers import IdentifierError


def exception_handler(exc, context):
    if isinstance(exc, IdentifierError):
        exc = exceptions.ValidationError({"code": [str(exc)]})
    elif isinstance(exc, RecordError | SanctionsError):
        exc = exceptions.ValidationError({"detail": exc.message, "code": exc.code})
    return drf_exception_handler(exc, context)
