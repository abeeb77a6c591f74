"""Logs without personal information: citizen ID numbers and client addresses are masked in every log line.

Logs are copied to places the database's protections do not reach (log shippers, support tickets, backups),
so they must not carry what the platform keeps only masked or hashed (the Personal Information Protection
Law art. 51, GB/T 35273-2020 §6.3; seed 002 item 77). :class:`PrivacyFilter` is installed on every handler
of ``settings.LOGGING`` (and on gunicorn's loggers by ``gunicorn.conf.py``):

* a valid 18-digit citizen ID number (``subjects.identifiers.find_citizen_ids``: check character and birth
  date), also percent-encoded in a URL, becomes its masked form ``220102********123X``;
* a client address keeps only its network part: IPv4 ``203.0.*.*`` (the first two octets), IPv6 the first
  32 bits ``2001:db8:*``. Enough to see that requests come from one provider or region, or from the proxy;
  not enough to single out a person. A keyed hash would let log readers follow one client across lines,
  which is what the rate limiter (in the cache, not in logs) already does, so it was not needed.

The functions are pure, so the gunicorn access logger and tests use them directly.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from urllib.parse import unquote

from subjects.identifiers import find_citizen_ids, mask_citizen_ids_in_text

_IPV4 = re.compile(r"(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\w|\.\d)")
# Hex groups with at least two colons, optionally ending in a dotted IPv4 (``::ffff:203.0.113.9``);
# each candidate is confirmed by ``ipaddress`` so times such as ``12:30:45`` are left alone.
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![\w:.])")
_QUERY_VALUE = re.compile(r"(?<=[?&;])([^=&;#\s\"]*)=([^&;#\s\"]*)")


def _mask_ipv4(match: re.Match) -> str:
    octets = match.groups()
    if any(int(octet) > 255 for octet in octets):
        return match.group()
    return f"{octets[0]}.{octets[1]}.*.*"


def _mask_ipv6(match: re.Match) -> str:
    text = match.group()
    if text.count(":") < 2:
        return text
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return text
    groups = address.exploded.split(":")
    return f"{int(groups[0], 16):x}:{int(groups[1], 16):x}:*"


def mask_addresses(text: str) -> str:
    """``text`` with IPv4 and IPv6 addresses reduced to their first two octets / first 32 bits."""
    if ":" in text:
        text = _IPV6.sub(_mask_ipv6, text)
    if "." in text:
        text = _IPV4.sub(_mask_ipv4, text)
    return text


def mask_log_text(text: str) -> str:
    """A log line with citizen ID numbers (plain or percent-encoded) and client addresses masked."""
    text = mask_citizen_ids_in_text(text)
    if "%" in text:
        decoded = unquote(text)
        if decoded != text and find_citizen_ids(decoded):
            # An ID typed with full-width digits or glued to Chinese text arrives percent-encoded.
            text = mask_citizen_ids_in_text(decoded)
    return mask_addresses(text)


def mask_query_values(text: str) -> str:
    """Every value of a query string in ``text`` replaced by ``***``: what people search for (a name, an ID
    number, a company they are checking) is nobody else's business. Parameter names are kept."""
    if "=" not in text:
        return text
    return _QUERY_VALUE.sub(lambda m: f"{m.group(1)}=***" if m.group(2) else m.group(), text)


def mask_query_string(query: str) -> str:
    """A bare query string (``q=张三&page=2``) with its values masked (``q=***&page=***``)."""
    return mask_query_values("?" + query)[1:] if query else query


class PrivacyFilter(logging.Filter):
    """Masks citizen ID numbers and client addresses in a record's message, arguments and traceback.

    The message is formatted here (``record.getMessage()``) and the arguments dropped, so nothing reaches a
    handler unmasked whatever the format string; a record is never refused.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_privacy_masked", False):
            return True  # a record passes through several handlers; once is enough
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log what there is rather than lose the line
            message = f"{record.msg} {record.args!r}"
        record.msg = mask_log_text(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_log_text(record.stack_info)
        record._privacy_masked = True
        return True


class OneLineFilter(logging.Filter):
    """Records of the given loggers (and their children) lose their traceback and name its cause instead.

    For outages that are expected and already handled: django-redis logs every ignored cache error with
    ``logger.exception``, which during a Redis outage would be a traceback per cache call of every request.
    One line with the exception's type and message says the same to an operator."""

    def __init__(self, loggers: tuple[str, ...] = ()):
        super().__init__()
        self.loggers = tuple(loggers)

    def _applies(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(self.loggers):
            return True
        # Django's own "Service Unavailable" line of an outage raised in a middleware (credit_portal/unavailable.py).
        if record.name == "django.request":
            from credit_portal.unavailable import unavailable_service

            return unavailable_service(record.exc_info[1]) is not None
        return False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] and not getattr(record, "_one_line", False) and self._applies(record):
            exc = record.exc_info[1]
            cause = exc.__cause__ or exc
            record.msg = f"{record.getMessage()}: {type(cause).__name__}: {cause}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record._one_line = True
        return True


def logging_config(*, level: str = "INFO", quiet: tuple[str, ...] = (), one_line: tuple[str, ...] = ()) -> dict:
    """``settings.LOGGING``: every handler masks through :class:`PrivacyFilter`; records of the ``one_line``
    loggers are logged without their traceback (:class:`OneLineFilter`).

    Django's own ``django`` and ``django.server`` (runserver) loggers are configured here too: the defaults
    Django installs have handlers of their own that would print "Bad Request: /subjects/<ID>/" unmasked.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "one_line": {"()": "credit_portal.logging.OneLineFilter", "loggers": tuple(one_line)},
            "privacy": {"()": "credit_portal.logging.PrivacyFilter"},
        },
        "formatters": {
            "django.server": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            }
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["one_line", "privacy"]},
            "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["privacy"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": [], "level": "NOTSET", "propagate": True},
            "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
            **{name: {"level": "WARNING"} for name in quiet},
        },
    }
