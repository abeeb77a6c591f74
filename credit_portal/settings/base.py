"""Settings shared by every environment, read from environment variables.

Every value has a safe local default so that a fresh clone runs with no service at all: SQLite in the
project folder, eager Celery, local-memory cache. Set ``DATABASE_URL`` and ``REDIS_URL`` to run on
PostgreSQL and Redis. ``production.py`` removes the defaults that must never reach production.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

from credit_portal.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless DJANGO_DEBUG=1: `make run` serves the site's own error pages (a 404 in Chinese, not Django's English
# debug page; issue 16). Static files are served by WhiteNoise from the app folders either way (below).
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The development defaults below are refused by production.py.
DEVELOPMENT_SECRET_KEY = "local-development-secret-key-not-for-production"
DEVELOPMENT_ID_HASH_KEY = "local-development-id-hash-key"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Keyed hash for citizen ID numbers: the clear number is never stored (see subjects.identifiers).
SUBJECT_ID_HASH_KEY = env("SUBJECT_ID_HASH_KEY", default=DEVELOPMENT_ID_HASH_KEY)

PLATFORM_NAME = env("PLATFORM_NAME", default="信用吉林")
PLATFORM_OWNER = env("PLATFORM_OWNER", default="吉林省社会信用体系建设领导小组办公室")
# The portal's public address (scheme, host and any path prefix): links in mail sent without a request (by the
# worker: core.links.site_url). Required in production, which refuses anything but an absolute http(s) URL.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# GB/T 2260 code of the province the platform serves (default division of its departments).
PLATFORM_DIVISION_CODE = env("PLATFORM_DIVISION_CODE", default="220000")
# Demo accounts are created by ``seed_demo`` only where this is true (never in production settings).
DEMO_ACCOUNTS_ENABLED = env.bool("DEMO_ACCOUNTS_ENABLED", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "outbox",  # the transactional outbox: the lowest layer, below the audit trail
    "audit",
    "subjects",
    "organisations",  # departments, staff roles and accounts, API tokens: who acts, below the records they send
    "accounts",  # subject accounts (企业/个人用户), their grants and proofs, OpenID Connect sign-in
    "records",
    "sanctions",
    "evaluation",  # graded evaluation and risk classification, above the lists it reads
    "supervision",  # 双随机、一公开 by risk class: inspector pools, plans, draws, results (records), above evaluation
    "disclosure",
    "rights",  # objections, repairs, tip-offs and commitments: above the public site, whose records they name
    "queries",  # departments' graded queries and special queries of restricted records (their grants, the results)
    "operations",  # /healthz and /readyz, seed_demo: the top layer, reading every app through its selectors
]

MIDDLEWARE = [
    "credit_portal.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "credit_portal.security.SecurityHeadersMiddleware",
    # A view failing because PostgreSQL or the broker is down answers 503 with Retry-After, not 500.
    "credit_portal.unavailable.ServiceUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organisations.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication (the body limit depends on the caller), before any view reads the body.
    "credit_portal.request_guard.RequestBodyLimitMiddleware",
    "credit_portal.request_guard.QueryParameterGuardMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the request into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "credit_portal.urls"
WSGI_APPLICATION = "credit_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "credit_portal.context_processors.platform",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# A kept connection is checked before a request reuses it: after a PostgreSQL restart the dead one is replaced
# instead of failing the first request of each worker.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytic queries, which this site does not run; for its short ones
    # it only adds time (8 ms of a 30 ms read of a recompute chunk, measured in bench/sanctions.py).
    # (A connection pooler in transaction mode refuses startup options: set jit = off on the role there.)
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # A database host that does not answer at all (down, partitioned: no "connection refused") would hold each
    # request in connect() for the kernel's two minutes, past gunicorn's timeout, instead of a 503 at once.
    options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Redis down degrades, never breaks: a cache error is a miss (the page is built from PostgreSQL, a rate limit is
# not counted) and is logged as one line by the ``django_redis`` logger (credit_portal/logging.py). The short
# timeouts keep a request from waiting on an unreachable Redis.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
REDIS_CACHE_OPTIONS = {
    "IGNORE_EXCEPTIONS": True,
    "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=1.0),
    "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=2.0),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "credit",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    # The embedded default (one process): room for the page versions of a demo of a million subjects.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 200_000}}
    }

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
# No code reads a task's result: none is stored, and ``.delay()`` never waits on a result backend.
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = True
# Enqueueing in a web request gives up within about two seconds when the broker is down (instead of ~20 s):
# the caller logs the failure (core/enqueue.py) and answers; nothing waits on Redis.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# visibility_timeout: a task taken by a worker that dies (kill -9) goes back to the queue after 5 minutes
# (Redis' default is an hour). A task running longer than that is delivered again while it still runs: the
# long ones are safe so (batches advance chunk by chunk under a lock on processed_rows; the nightly recomputes
# are acks_early) — docs/operations.md, "Faults". The workers look for such tasks every
# unacked_restore_interval × unacked_restore_throttle seconds: kombu's defaults (10 s × 10) add up to 100 s
# to the timeout (the fault tests found it); here every 30 s, one ZRANGE on Redis each.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_SECONDS", default=30),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Without a broker the tasks run in the calling process, so a fresh clone needs no worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
# The outbox (docs/operations.md): how often beat sends the sweep, and after how long an item claimed by a
# delivery that never ended (a killed worker) is taken again. The fault tests (tests/faults/) shorten both.
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=60)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=600)
# The workbench home's to-do panel (organisations.workbench): each higher app's provider of the lines it adds.
WORKBENCH_TODO_PROVIDERS = [
    "records.selectors.workbench_todo_records",
    "rights.selectors.workbench_todo_cases",
    "rights.selectors.workbench_todo_complaints",
    "queries.selectors.workbench_todo_special_queries",
    "accounts.selectors.workbench_todo_grants",
    "records.selectors.workbench_todo_tokens",
]
# How often the reviewers of a department are told by e-mail that new entries wait for them (at most).
REVIEW_NOTICE_MINUTES = env.int("REVIEW_NOTICE_MINUTES", default=60)

CELERY_BEAT_SCHEDULE: dict = {
    # What follows a commit and was not delivered (broker or database away, handler failing, worker killed).
    "outbox-sweep": {
        "task": "outbox.tasks.outbox_sweep_task",
        "schedule": float(OUTBOX_SWEEP_SECONDS),
    },
    "memberships-expire-nightly": {
        "task": "sanctions.tasks.memberships_expire_task",
        "schedule": crontab(hour=0, minute=30),
    },
    "applications-overdue-daily": {
        "task": "rights.tasks.applications_overdue_task",
        "schedule": crontab(hour=8, minute=0),
    },
    # Until the coming year's holidays are entered (from November; records.workdays.calendar_gaps).
    "calendar-gaps-daily": {
        "task": "records.tasks.calendar_gaps_task",
        "schedule": crontab(hour=8, minute=5),
    },
    "quality-reports-nightly": {
        "task": "records.tasks.quality_reports_compute_task",
        "schedule": crontab(hour=2, minute=0),
    },
    # New entries waiting for review: one e-mail to the department's reviewers at most every hour.
    "review-notices-hourly": {
        "task": "records.tasks.review_notices_task",
        "schedule": crontab(minute=5),
    },
    "batches-expire-nightly": {
        "task": "records.tasks.batches_expire_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # After the memberships' nightly expiry, so that only what is really wrong is reported.
    "status-check-nightly": {
        "task": "sanctions.tasks.status_check_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Open data (issue 12): yesterday's increments and list snapshots after midnight; on the 1st, last month's
    # full files. Both take the date from the task's run time, so a late run still writes the right period.
    # The home page's totals (public records and list entries counted over millions of rows, issue 12).
    "home-counts": {
        "task": "disclosure.tasks.home_counts_task",
        "schedule": 600.0,
    },
    "opendata-daily": {
        "task": "disclosure.tasks.opendata_daily_task",
        "schedule": crontab(hour=0, minute=45),
    },
    # Files holding records that changed or left the public site since they were written (disclosure.opendata).
    "opendata-stale": {
        "task": "disclosure.tasks.opendata_stale_task",
        "schedule": 300.0,
    },
    "opendata-monthly": {
        "task": "disclosure.tasks.opendata_monthly_task",
        "schedule": crontab(day_of_month=1, hour=1, minute=15),
    },
    # Name search (issue 12): the ranked results of frequent name fragments, rebuilt from the whole table.
    "search-fragments-nightly": {
        "task": "subjects.tasks.search_fragments_refresh_task",
        "schedule": crontab(hour=4, minute=0),
    },
    # Graded evaluation (issue 15): every subject under the current models (windows and ages move with time),
    # then each department's dated files; after the lists' nightly expiry, so that the lists read are current.
    "evaluation-full-nightly": {
        "task": "evaluation.tasks.evaluation_full_task",
        "schedule": crontab(hour=1, minute=30),
    },
    "account-proofs-purge-nightly": {
        "task": "accounts.tasks.proofs_purge_task",
        "schedule": crontab(hour=3, minute=0),
    },
    "batches-watchdog": {
        "task": "records.tasks.batches_watchdog_task",
        "schedule": crontab(minute="*/10"),
    },
    "bulk-reviews-watchdog": {
        "task": "records.tasks.bulk_reviews_watchdog_task",
        "schedule": crontab(minute="2-52/10"),
    },
    "redecisions-watchdog": {
        "task": "records.tasks.redecisions_watchdog_task",
        "schedule": crontab(minute="5-55/10"),
    },
    "special-queries-expire": {
        "task": "queries.tasks.special_queries_expire_task",
        "schedule": crontab(minute=5),
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "organisations.accounts.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "organisations:workbench"
LOGOUT_REDIRECT_URL = "disclosure:home"

# Login throttling (django-axes): an account, and separately a client address, is locked for
# LOGIN_LOCKOUT_MINUTES after LOGIN_FAILURE_LIMIT failures within that time (等保 2.0: 登录失败处理).
# The address is the project's own (audit.services.client_ip, which honours TRUSTED_PROXY_COUNT).
# Staff and subject accounts never mix (accounts/backends.py): each login authenticates its own kind only.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.StaffBackend",
    "accounts.backends.SubjectAccountBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
AXES_LOCKOUT_CALLABLE = "organisations.views.login_locked_out"
AXES_RESET_ON_SUCCESS = False

# Two-factor authentication (TOTP): required for these roles and for superusers, available to every account.
TWO_FACTOR_REQUIRED_ROLES = ["credit_admin", "auditor", "dept_admin"]
# The demo accounts of ``seed_demo`` may log in with a password alone so a newcomer can look around at once.
# Never in production (production.py forces it off).
TWO_FACTOR_DEMO_EXEMPT = env.bool("TWO_FACTOR_DEMO_EXEMPT", default=DEMO_ACCOUNTS_ENABLED)
OTP_TOTP_ISSUER = PLATFORM_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret
# Staff sessions end after this many minutes without a request.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)

# Subject accounts: how long the e-mail confirmation link works, and how long the proofs of a grant (ID cards,
# licences, mandates) are kept after the credit centre decided on it (then the nightly purge deletes the files).
ACCOUNT_CONFIRM_DAYS = env.int("ACCOUNT_CONFIRM_DAYS", default=3)
ACCOUNT_PROOF_RETENTION_DAYS = env.int("ACCOUNT_PROOF_RETENTION_DAYS", default=180)
# A subject authorises a third party to read its record for at most this many days at a time.
AUTHORISATION_MAX_DAYS = env.int("AUTHORISATION_MAX_DAYS", default=365)

# OpenID Connect sign-in of subject accounts (a province's 统一身份认证, accounts/oidc.py): on when a client id
# is configured, local accounts only otherwise. The claims that carry a USCC, a citizen ID number, the name and
# the role at the company (values meaning 法定代表人; any other value is an agent) are configurable.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_ISSUER = env("OIDC_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
OIDC_CLAIM_USCC = env("OIDC_CLAIM_USCC", default="uscc")
OIDC_CLAIM_CITIZEN_ID = env("OIDC_CLAIM_CITIZEN_ID", default="citizen_id")
OIDC_CLAIM_NAME = env("OIDC_CLAIM_NAME", default="name")
OIDC_CLAIM_ROLE = env("OIDC_CLAIM_ROLE", default="org_role")
OIDC_LEGAL_REPRESENTATIVE_VALUES = env.list(
    "OIDC_LEGAL_REPRESENTATIVE_VALUES", default=["legal_representative", "法定代表人"]
)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.SubjectAccountOIDCBackend")

# Mail to applicants and handlers: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@credit.example.gov.cn")

# Chinese only, whatever the browser asks for (Accept-Language: en-US is Chromium's default): no LocaleMiddleware,
# one language, so Django's own texts (form errors, file sizes, the admin, password reset) are Chinese (issue 16).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Uploaded files (department spreadsheets) live outside the web root and are never served by URL.
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Generated open-data files (issue 12); served by ``disclosure.views.opendata_file``, never by the web server's
# static or media mapping.
OPENDATA_ROOT = env("OPENDATA_ROOT", default=str(Path(MEDIA_ROOT) / "opendata"))
OPENDATA_MAX_AGE = env.int("OPENDATA_MAX_AGE", default=3600)
BATCH_MAX_BYTES = env.int("BATCH_MAX_BYTES", default=100 * 1024 * 1024)
# A validated upload not imported within this many days is closed and its file (citizen IDs in clear) deleted.
BATCH_IMPORT_DAYS = env.int("BATCH_IMPORT_DAYS", default=30)
# Data rows in one file; a file over it fails before anything is imported.
BATCH_MAX_ROWS = env.int("BATCH_MAX_ROWS", default=200_000)
# XLSX bounds, on the sizes the package declares (zipfile never inflates beyond them): all parts together,
# and the shared strings, which openpyxl holds in memory (up to ~5x this size for a file of tiny strings).
BATCH_XLSX_MAX_UNZIPPED_BYTES = env.int("BATCH_XLSX_MAX_UNZIPPED_BYTES", default=256 * 1024 * 1024)
BATCH_XLSX_MAX_SHARED_STRINGS_BYTES = env.int("BATCH_XLSX_MAX_SHARED_STRINGS_BYTES", default=32 * 1024 * 1024)
# The watchdog queues again a batch with no progress for this long, and fails it if it stalls again.
BATCH_STALL_MINUTES = env.int("BATCH_STALL_MINUTES", default=60)
# A policy recomputation (records.redecisions) that has not moved for this long is queued again.
REDECISION_STALL_MINUTES = env.int("REDECISION_STALL_MINUTES", default=15)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=20 * 1024 * 1024)

STATIC_URL = "static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production WhiteNoise serves straight from the app folders, so no collectstatic is needed.
# Development: serve static files straight from the finders (no collectstatic before `make run`), re-scanned on
# each request; production.py turns both off.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Files served at the site's root: /favicon.ico, which browsers ask for on every page that names none (the
# admin's pages), answered by the file instead of a 404 (issue 16). The site's own pages link static/favicon.svg.
WHITENOISE_ROOT = BASE_DIR / "webroot"

REST_FRAMEWORK = {
    # drf-spectacular's AutoSchema, adding the 401/403/429 answers to every operation.
    "DEFAULT_SCHEMA_CLASS": "organisations.api.schema.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organisations.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "credit_portal.api_errors.exception_handler",
    # Per token (per user or address without one), read and write counted apart: subjects/api/throttling.py.
    "DEFAULT_THROTTLE_CLASSES": ["organisations.api.throttling.ApiRateThrottle"],
    # JSON nested deeper than a record needs is refused with a 400 instead of exhausting the stack.
    "DEFAULT_RENDERER_CLASSES": [
        "credit_portal.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "credit_portal.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# API calls per minute and per token (docs/api.md). The write default leaves room for a department pushing
# 1,000-item calls at 6 calls/s (360/min), as the ingestion benchmark does.
API_RATE_LIMIT_WRITE = env.int("API_RATE_LIMIT_WRITE", default=1200)
API_RATE_LIMIT_READ = env.int("API_RATE_LIMIT_READ", default=3000)
# API tokens expire at most this many days after they are issued.
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)

SPECTACULAR_SETTINGS = {
    "TITLE": "公共信用信息平台 API",
    "DESCRIPTION": "部门系统对接接口：信用主体查询、信用记录报送、联合奖惩核查与反馈。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from the sidecar package: nothing outside loads in the browser.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RecordStatusEnum": "records.choices.RecordStatus",
        "SeverityEnum": "records.choices.Severity",
        "IngestOutcomeEnum": "records.choices.IngestOutcome",
        "BatchStateEnum": "records.choices.BatchState",
        "ChannelEnum": "records.choices.Channel",
    },
}

# Public name search: shortest accepted query, and how many matches are ranked at most.
SEARCH_MIN_LENGTH = 2
SEARCH_RESULT_CAP = env.int("SEARCH_RESULT_CAP", default=1000)
SEARCH_PAGE_SIZE = 20
# Fragments of up to this many characters that match more than SEARCH_RESULT_CAP subjects have their ranked
# result precomputed (subjects.fragments: nightly, after seed_demo, and for the fragments a rename touches).
SEARCH_FRAGMENT_MAX_LENGTH = env.int("SEARCH_FRAGMENT_MAX_LENGTH", default=16)
# Public rate limits per client address: (requests, window in seconds). A person reading the site never
# meets them; a crawler copying the register does. "page": subject, person, 双公示 and list pages;
# "filter": those lists with a filter in the query string (search-like); "apply": form submissions only.
PUBLIC_RATE_LIMITS = {
    "page": (env.int("RATE_LIMIT_PAGE", default=120), 60),
    "filter": (env.int("RATE_LIMIT_FILTER", default=30), 60),
    "search": (env.int("RATE_LIMIT_SEARCH", default=60), 60),
    "download": (env.int("RATE_LIMIT_DOWNLOAD", default=30), 600),
    # Generated open-data files (served from disk): a mirror fetching the dated listing gets through it.
    "file": (env.int("RATE_LIMIT_FILE", default=120), 600),
    "report": (env.int("RATE_LIMIT_REPORT", default=10), 3600),
    "verify": (env.int("RATE_LIMIT_VERIFY", default=20), 600),
    "opendata": (env.int("RATE_LIMIT_OPENDATA", default=20), 3600),
    "apply": (env.int("RATE_LIMIT_APPLY", default=10), 3600),
    "password_reset": (env.int("RATE_LIMIT_PASSWORD_RESET", default=5), 3600),
}
# Subject pages are cached until their records or lists change (and at the latest until midnight).
SUBJECT_PAGE_CACHE_SECONDS = env.int("SUBJECT_PAGE_CACHE_SECONDS", default=3600)
# The unfiltered first page of each 双公示 type (disclosure.views._shuanggongshi_page): new records show within it.
SHUANGGONGSHI_FIRST_PAGE_SECONDS = env.int("SHUANGGONGSHI_FIRST_PAGE_SECONDS", default=60)
# Statement timeout of the heavy public list views on PostgreSQL (core/db_budget.py); 0 turns it off.
PUBLIC_STATEMENT_TIMEOUT_MS = env.int("PUBLIC_STATEMENT_TIMEOUT_MS", default=3000)
# Deadlines of objections and repairs, in Chinese working days (DESIGN.md §4; all configurable).
APPLICATION_DEADLINES = {
    "accept": env.int("DEADLINE_ACCEPT_DAYS", default=2),
    "objection_department": env.int("DEADLINE_OBJECTION_DEPARTMENT_DAYS", default=10),
    "repair_department": env.int("DEADLINE_REPAIR_DEPARTMENT_DAYS", default=3),
    "answer": env.int("DEADLINE_ANSWER_DAYS", default=10),
    # A complaint about the platform's handling (投诉) is answered by the credit centre within this many.
    "complaint": env.int("DEADLINE_COMPLAINT_DAYS", default=10),
}
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Special queries (queries app): the credit centre decides, then issues the result, within these working days;
# an issued result is readable by the applicant department for at most SPECIAL_QUERY_MAX_VALID_DAYS days.
SPECIAL_QUERY_DEADLINES = {
    "decide": env.int("DEADLINE_SPECIAL_QUERY_DECIDE_DAYS", default=5),
    "issue": env.int("DEADLINE_SPECIAL_QUERY_ISSUE_DAYS", default=2),
}
SPECIAL_QUERY_MAX_VALID_DAYS = env.int("SPECIAL_QUERY_MAX_VALID_DAYS", default=30)
# Bodies over these sizes are refused (413) from their Content-Length, before they are read: anonymous
# requests (application forms: five evidence files of EVIDENCE_MAX_BYTES), and the API and staff (a batch
# file of BATCH_MAX_BYTES plus the form around it). See credit_portal/request_guard.py.
REQUEST_BODY_OVERHEAD_BYTES = 1024 * 1024
PUBLIC_BODY_MAX_BYTES = env.int("PUBLIC_BODY_MAX_BYTES", default=5 * EVIDENCE_MAX_BYTES + REQUEST_BODY_OVERHEAD_BYTES)
# Longest accepted query-parameter value; longer ones, control characters and NUL are refused with a 400.
QUERY_VALUE_MAX_LENGTH = env.int("QUERY_VALUE_MAX_LENGTH", default=1000)
# Proxies in front of the site whose X-Forwarded-For entries are trusted (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# ``Retry-After`` of the 503 answered while the database or the broker is unavailable (credit_portal/unavailable.py).
SERVICE_RETRY_AFTER_SECONDS = env.int("SERVICE_RETRY_AFTER_SECONDS", default=30)

# Every handler masks citizen ID numbers and client addresses (credit_portal/logging.py). Eager tasks in
# development would log every run, hence the quiet loggers; their warnings and errors still show.
# Cache errors ignored by django-redis are logged by ``django_redis`` as one line with the cause, without the
# traceback (one per cache call during an outage would drown the log): see ``one_line`` in logging_config.
LOGGING = logging_config(
    level=env("DJANGO_LOG_LEVEL", default="INFO"),
    quiet=("celery", "weasyprint", "fontTools"),
    one_line=("django_redis",),
)
