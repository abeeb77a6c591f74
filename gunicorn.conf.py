"""gunicorn settings of the web container (``gunicorn -c gunicorn.conf.py credit_portal.wsgi``).

The access log masks what would identify a person (credit_portal/logging.py; docs/operations.md): the
client address keeps its first two octets (IPv4) or first 32 bits (IPv6), every query-string value becomes
``***`` (``/search/?q=***``), and a citizen ID number in a path (``/subjects/<ID>/``), a referrer or a header
is masked. gunicorn's error log goes through the same filter. Other settings come from the command line or
``GUNICORN_CMD_ARGS`` as usual.
"""

from gunicorn.glogging import Logger

from credit_portal.logging import PrivacyFilter, mask_log_text, mask_query_string, mask_query_values

# Atoms that are a bare query string; every other atom is masked as text that may hold a URL.
_QUERY_ATOMS = ("q", "{query_string}e")


class PrivacyLogger(Logger):
    """gunicorn's logger with personal information masked in every access and error line."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, PrivacyFilter) for f in log.filters):
                log.addFilter(PrivacyFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            value = mask_query_string(value) if key in _QUERY_ATOMS else mask_query_values(value)
            atoms[key] = mask_log_text(value)
        return atoms


logger_class = PrivacyLogger
accesslog = "-"
errorlog = "-"
