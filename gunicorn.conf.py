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

# Chosen from the issue-12 crawler mix (docs/benchmarks.md; docs/operations.md "Web workers"): one gthread
# worker process per core, 4 threads each. On two cores the pages are CPU-bound (Django and the templates,
# not the database): more processes than cores (3x1, 4x2, 4x4) only competed for the CPUs, while threads keep
# a fast page from waiting behind a slow one in the same process (a sync worker serves one request at a time)
# and let a request that waits on PostgreSQL leave the CPU to the others. Reports and downloads go to the
# heavy pool (docker-compose.yml web-heavy, routed by deploy/nginx.conf).
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
# For gthread the worker's heartbeat limit (a process that stops answering is restarted), not a request limit:
# the public list pages have their statement budget (credit_portal/db_budget.py) and the proxy its 65 s. For
# sync workers (the heavy pool) a limit on one request.
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
