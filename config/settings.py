"""ITA Desk settings: everything comes from the environment (django-environ).

With no variables set, the embedded default works: SQLite file, Celery tasks run
eagerly in-process, email printed to the console. `.env.example` lists every variable
read below; the README's tables say what each means.

Read top to bottom, each block once: where a new app, middleware, setting or variable goes
is the block of its kind (never `INSTALLED_APPS += ...` or `MIDDLEWARE.insert(...)` further
down). Every setting the code reads is declared here (no `getattr(settings, "X", default)`);
what only tests need lives in the test configuration (conftest.py).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------------------------------
EMBEDDED_SECRET_KEY = "insecure-dev-key-only-for-the-embedded-default"
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=EMBEDDED_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Production over HTTPS: SECURE_SSL=true (with DEBUG=false, a real SECRET_KEY and ALLOWED_HOSTS)
# makes `manage.py check --deploy` clean (the HTTPS block below). Off by default so the embedded
# default and the tests run over plain http.
SECURE_SSL = env.bool("SECURE_SSL", default=False)
if SECURE_SSL and DEBUG:
    raise ImproperlyConfigured("SECURE_SSL=true is production: set DEBUG=false.")
if SECURE_SSL and SECRET_KEY == EMBEDDED_SECRET_KEY:
    raise ImproperlyConfigured("SECURE_SSL=true needs a SECRET_KEY of its own (50+ random characters).")

INSTALLED_APPS = [
    "audit.apps.AdminConfig",  # django.contrib.admin, superuser-only by default (audit/admin_access.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "django_countries",  # country names in the page's language (its translations); codes stay stored
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",  # audit history of the models that register it
    "axes",  # login throttling
    "csp",  # Content Security Policy
    # ours, ground floor first
    "clients",
    "draws",
    "eligibility",
    "ops",
    "invitations",
    "dashboard",
    "audit",
    "portal",
    "documents",
    "intake",
    "demo",  # seed_demo: demo data of every app above (imports them all; nothing imports it)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # records who made each audited change
    # A lost database connection: a clean 503 page, never a 500 (ops/middleware.py).
    "ops.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clients.permissions.role_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# CONN_MAX_AGE 60 unless the URL says otherwise (`?conn_max_age=0`); no request-wide transaction:
# services open their own. Measured (`make capacity`, ops/results/capacity-conn-max-age.txt,
# capacity-pool.txt): a new connection per request costs the floor more CPU and a fifth of its
# requests/s; psycopg's pool ("pool": True, which needs CONN_MAX_AGE 0) saved nothing over this
# with gunicorn's one-request-at-a-time workers.
DATABASES = {
    "default": {
        "CONN_MAX_AGE": 60,
        **env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        "ATOMIC_REQUESTS": False,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and login throttling ----------------------------------------------------------
# django-axes: N failures for one username from one address lock that pair out for a while; a
# success resets the count. The pair, not the username alone, so nobody can lock a colleague out
# from elsewhere; the password validators make guessing slow anyway.
AUTHENTICATION_BACKENDS = [
    "audit.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every management command
AXES_USERNAME_CALLABLE = "audit.backends.throttle_username"  # cut to 150 characters
AXES_LOCKOUT_CALLABLE = "audit.views.locked_out"  # the login card with a clear message, HTTP 429
AXES_CLIENT_IP_CALLABLE = "audit.backends.client_address"

# --- Sessions, headers, proxies, HTTPS ------------------------------------------------------------
# Sessions end after 8 hours or when the browser closes; cookies are out of reach of scripts.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Sessions in the database only. cached_db saved the floor about 1 ms of CPU per request and the
# pages nothing measurable (ops/results/capacity-sessions.txt); with Redis unreachable, its cache
# write after a database read fails the request, and a logout leaves a cached copy to come back.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Behind a reverse proxy (nginx, a load balancer): how many set X-Forwarded-For/-Proto. Login
# throttling counts the address the first of them saw (audit.backends.client_address: the N-th
# X-Forwarded-For entry from the right; the header is ignored when 0), and HTTPS is read from
# X-Forwarded-Proto.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None

# HTTPS only when SECURE_SSL=true (refused above with DEBUG or the embedded key).
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600) if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL and env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = SECURE_SSL and env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SECURE_SSL

# Content Security Policy (django-csp), in every environment so browser tests catch violations:
# scripts only from our own static files (no inline script; data for charts goes through
# json_script, which is JSON, not script). Style attributes are allowed (Bootstrap markup).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Languages, time, formats ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The navbar switcher (clients.views.set_language) stores the choice in this cookie, which outlives
# the session and logins, and on the user's membership (Membership.language: their emails' language).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = env.str("TIME_ZONE", default="America/Toronto")  # the default firm time zone
USE_I18N = True
USE_TZ = True
# "15 déc. 2026" / "Dec 15, 2026": the project's display formats, over Django's (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files and storage ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files clients upload (documents/): private, never served statically; only documents.views read them
# back, after checking the user. Local by default: PRIVATE_FILES_ROOT (git-ignored), outside
# STATIC_ROOT and any served path. With DOCUMENTS_S3_BUCKET set, S3-compatible object storage through
# django-storages, so several web servers share the files; the bucket must not be public (objects
# are written without an ACL, so the bucket's own policy applies). Keys: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the host's role when empty.
PRIVATE_FILES_ROOT = env.path("PRIVATE_FILES_ROOT", default=BASE_DIR / "private-files")
DOCUMENTS_S3_BUCKET = env.str("DOCUMENTS_S3_BUCKET", default="")
DOCUMENTS_STORAGE = (
    {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": DOCUMENTS_S3_BUCKET,
        "location": env.str("DOCUMENTS_S3_PREFIX", default="documents"),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "file_overwrite": False,
    }}
    if DOCUMENTS_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {
        "location": PRIVATE_FILES_ROOT, "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700,
    }}
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": DOCUMENTS_STORAGE,
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------------
# EMAIL_URL such as smtp://host:port, smtp+tls://user:password@host:587 or consolemail://
_EMAIL = env.email_url("EMAIL_URL", default="consolemail://")
# SMTP through config.mail.EmailBackend: Django's, keeping the recipients a server refused while
# accepting others (a reminder whose client address bounced must not read as sent).
SMTP_EMAIL_BACKEND = "config.mail.EmailBackend"
_DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND = SMTP_EMAIL_BACKEND if _EMAIL["EMAIL_BACKEND"] == _DJANGO_SMTP else _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _EMAIL.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _EMAIL.get("EMAIL_FILE_PATH") or None
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ITA Desk <noreply@itadesk.local>")
# The address people reach the site at: every email's links (a round, a client, the dashboard) start
# with it, because an email has no request to take the host from. The demo's by default;
# `check --deploy` warns while it is (ops/checks.py).
SITE_URL_DEMO = "http://127.0.0.1:8000"
SITE_URL = env.str("SITE_URL", default=SITE_URL_DEMO).rstrip("/")

# --- Redis: Celery broker and cache ---------------------------------------------------------------
# Celery: Redis broker when REDIS_URL is set, else eager in-process execution.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Every task has a time limit: its own in its decorator, else these. The soft limit raises
# SoftTimeLimitExceeded in the task (its transaction rolls back); the hard one kills the worker child.
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
# The queue this deployment publishes to and its workers read: deployments sharing one Redis
# (staging beside production, each test's workers) keep their tasks apart.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")

CACHES = {
    "default": (
        # Short socket timeouts: the cache holds nothing the database cannot recompute, so a
        # Redis that does not answer is skipped quickly (clients/counts.py) rather than waited for.
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
         "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
    # Separates what shares one Redis (each test run sets its own: conftest.py).
    | {"KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="")}
}

# --- ITA Desk -------------------------------------------------------------------------------------
# A client search PostgreSQL stops after this many ms, with a message (clients.selectors
# search_time_limit): under gunicorn's 30 s timeout by far, above any search of a 100,000-client firm.
CLIENT_SEARCH_TIMEOUT_MS = env.int("CLIENT_SEARCH_TIMEOUT_MS", default=5000)
# IRCC's rounds feed, checked by beat (draws.feed): a new or changed round is imported and matched
# as a hand entry is. Empty turns the check off (make demo sets it empty: it has no network).
IRCC_PUBLISHED_FEED_URL = "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json"
IRCC_ROUNDS_URL = env.str("IRCC_ROUNDS_URL", default=IRCC_PUBLISHED_FEED_URL)
IRCC_ROUNDS_EVERY_MINUTES = env.int("IRCC_ROUNDS_EVERY_MINUTES", default=30)
# Client portal sign-in links (portal.tokens): django-sesame tokens, valid 30 minutes and used once
# (signing in changes the portal user's last login, which every token signs).
SESAME_MAX_AGE = 30 * 60
SESAME_ONE_TIME = True
# How long the dashboard keeps a firm's totals in the cache (dashboard/selectors.py); an edit shows
# at once (the key names the firm's data version), bulk writes within this. 0 turns it off.
DASHBOARD_CACHE_SECONDS = 60
# What a client may upload (documents/validation.py): per file, for all their files together, files
# per request, and an image's width x height (a 48-megapixel phone photo passes; decoding it takes
# about 150 MB for a moment).
DOCUMENTS_MAX_FILE_BYTES = env.int("DOCUMENTS_MAX_FILE_MB", default=10) * 1024 * 1024
DOCUMENTS_MAX_CLIENT_BYTES = env.int("DOCUMENTS_MAX_CLIENT_MB", default=200) * 1024 * 1024
DOCUMENTS_MAX_FILES_PER_UPLOAD = 10
DOCUMENTS_MAX_IMAGE_PIXELS = 50_000_000

# --- Logging --------------------------------------------------------------------------------------
# One handler, and every filter on it: email addresses and phone numbers masked in every record
# and traceback (audit/log_filters.py); a refused request (4xx) is one line, without the
# traceback Django attaches to a 403 or 400 (config/log_refusals.py). Django's own loggers write
# through the same handler. Third-party chatter is kept to warnings: WeasyPrint logs nine
# progress lines per PDF, fontTools (its font subsetting) what it pruned.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub_personal_data": {"()": "audit.log_filters.ScrubPersonalDataFilter"},
        "one_line_refusals": {"()": "config.log_refusals.OneLineRefusals"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "filters": ["one_line_refusals", "scrub_personal_data"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
