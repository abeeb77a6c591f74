"""gunicorn settings of the web container (``gunicorn -c gunicorn.conf.py credit_portal.wsgi``).

The access log masks what would identify a person (credit_portal/logging.py; docs/operations.md): the
client address keeps its first two octets (IPv4) or first 32 bits (IPv6), every query-string value becomes
``***`` (``/search/?q=***``), and a citizen ID number in a path (``/subjects/<ID>/``), a referrer or a header
is masked. gunicorn's error log goes through the same filter.

The worker settings are the production ones, in this one place: docker-compose.yml passes only the bind
address, and ``bench/public.py`` starts gunicorn with this file, so the benchmark measures what ships
(docs/operations.md, "Web workers"; figures in docs/benchmarks.md). ``WEB_WORKERS``, ``WEB_THREADS`` and
``WEB_TIMEOUT`` override them from the environment (``.env``); other settings come from the command line or
``GUNICORN_CMD_ARGS`` as usual.
"""

import os

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

# Chosen from the issue-12 crawler mix (docs/benchmarks.md; docs/operations.md "Web workers"): one sync worker
# process per core. On two cores the pages are CPU-bound (Django and the templates, not the database). Threads
# (2 gthread workers x 4) served more requests a second, but each request then waits for the GIL behind the
# others of its process: search p95 86 ms and cached subject pages 43 ms server-side, against 28 and 12 ms
# with sync workers, which met every target. Slow requests no longer hold a sync worker: public pages have
# a 3 s statement budget and answer in milliseconds at any depth, and reports and downloads go to the heavy
# pool (docker-compose.yml web-heavy, routed by deploy/nginx.conf).
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# For sync workers a limit on one request, as long as the proxy waits (65 s); for gthread the worker's
# heartbeat limit. The public pages have their statement budget (core/db_budget.py) well below it.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
