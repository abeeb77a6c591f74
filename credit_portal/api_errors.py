"""One place where application errors become HTTP answers for API clients."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from records.services import RecordError
from subjects.identifiers import IdentifierError


class ApplicationError(Exception):
    """A rule of the domain refused the request; ``code`` is stable for systems, ``message`` is for people."""

    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


def exception_handler(exc, context):
    if isinstance(exc, IdentifierError):
        exc = exceptions.ValidationError({"code": [str(exc)]})
    elif isinstance(exc, RecordError):
        exc = exceptions.ValidationError({"detail": exc.message, "code": exc.code})
    elif isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError({"detail": exc.message, "code": exc.code, **exc.extra})
    return drf_exception_handler(exc, context)
