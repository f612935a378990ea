"""Settings of the customer-ledger application, read from the environment.

Every value that differs between a developer's laptop and production comes from an
environment variable (see docs/operations.md for the full list). Nothing secret is kept
in the repository: with ``DEBUG`` off, ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be set.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LEDGER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development key that survives restarts (so logins do) but never enters git.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "ledger",
    "sales",
    "contracts",
    "visits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their caching; everything else is private.
    "ledger.security.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before the session: a NUL in a cookie, path, query or form is a 400, not a 500.
    "ledger.security.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ledger.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (login, /healthz).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes goes last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ledger.urls"
WSGI_APPLICATION = "ledger.wsgi.application"

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
                "django.template.context_processors.i18n",
                "ledger.context_processors.navigation",
                "ledger.context_processors.inbox",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------


def sqlite_database(path) -> dict:
    """SQLite set up for a multi-user server: writers wait for each other instead of failing.

    - WAL journal: readers never block the writer, and the writer never blocks readers.
    - IMMEDIATE transactions: a transaction takes the write lock when it begins, so two
      read-then-write transactions queue up rather than deadlock (SQLite answers a lock
      upgrade deadlock with "database is locked" at once, without waiting).
    - A busy timeout (seconds): how long a writer waits for the lock before giving up.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


# PostgreSQL in production and CI (DATABASE_URL=postgres://user@host:5432/name);
# SQLite under var/ as the zero-setup default.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Short OLTP queries: JIT compilation costs more than it saves (measured in bench/).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(VAR_DIR / "ledger.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Covering indexes (``Index(include=…)``, the sales registers' shipment lines) are a
# PostgreSQL feature; SQLite builds the same indexes on their key columns alone, which is
# all it needs at its scale. Its warning about that would greet every ``make run``.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"

# --- Authentication -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account (per user name and address) after repeated failed log-ins.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_USERNAME_CALLABLE = "accounts.lockout.client_username"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)

# --- Security -------------------------------------------------------------------------
# Secure by default when DEBUG is off; each flag can be turned off explicitly (for
# example SECURE_SSL_REDIRECT=0 when a proxy in front already redirects).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp 4): the app's own files only, no inline script or
# style (templates keep CSS in static/css and JS in static/js; htmx's inline indicator
# style is switched off by a meta tag in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language, time -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Every filter's empty choice reads 全部 (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = _("All")
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Exported files (background exports, closed months): their own store, never served as
# media. Local disk by default; any Django storage (e.g. S3-compatible through
# django-storages) by EXPORTS_STORAGE_BACKEND and its OPTIONS as JSON.
STORAGES["exports"] = {
    "BACKEND": os.environ.get(
        "EXPORTS_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
    ),
    "OPTIONS": json.loads(os.environ.get("EXPORTS_STORAGE_OPTIONS", "") or "null")
    or {"location": str(Path(os.environ.get("EXPORTS_ROOT", VAR_DIR / "exports")))},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# --- Lists ----------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "registers/table.html"
DJANGO_TABLES2_PAGE_RANGE = 8

# --- Ledger ---------------------------------------------------------------------------
# A PDF is a printed form: past this many rows the user is asked to narrow the filter.
LEDGER_PDF_MAX_ROWS = env_int("LEDGER_PDF_MAX_ROWS", 3000)
# Rows per page in the on-screen lists.
LEDGER_PAGE_SIZE = env_int("LEDGER_PAGE_SIZE", 25)
# The home page's figures are cached this many seconds under the customers' generation
# (ledger.generations): any write moves it on, so the figures are never older than the last
# write; 0 turns the cache off.
LEDGER_HOME_CACHE_SECONDS = env_int("LEDGER_HOME_CACHE_SECONDS", 300)
LEDGER_PDF_FONT_FAMILY = os.environ.get("LEDGER_PDF_FONT_FAMILY", "Noto Sans CJK SC")

# --- Background exports ---------------------------------------------------------------
# Django's Tasks framework (the django-tasks backport) with its database backend: a
# ``manage.py db_worker`` process beside the web server runs the jobs.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "exports"],
    }
}
# An Excel file of more rows than this (a register, or the monthly workbook in all) is made
# by a worker; smaller ones stream from the request as before. A PDF the same past its own
# (lower) threshold: laying out a printed page costs far more than writing a sheet row.
LEDGER_EXPORT_JOB_ROWS = env_int("LEDGER_EXPORT_JOB_ROWS", 5000)
LEDGER_EXPORT_PDF_JOB_ROWS = env_int("LEDGER_EXPORT_PDF_JOB_ROWS", 300)
# Days a finished export is kept before it is deleted (closed months are kept for good).
LEDGER_EXPORT_KEEP_DAYS = env_int("LEDGER_EXPORT_KEEP_DAYS", 7)
# A running job not heard from for this long was stopped with its worker: it may be retried.
LEDGER_EXPORT_STALE_SECONDS = env_int("LEDGER_EXPORT_STALE_SECONDS", 120)
# Where a worker writes a file before it is stored (local to the worker's machine).
LEDGER_EXPORT_TMP_DIR = Path(os.environ.get("LEDGER_EXPORT_TMP_DIR", VAR_DIR / "exports-tmp"))
# --- Supervision (台账审核, 梳理, access log) --------------------------------------------
# A register whose latest review is older than this many days is listed as due for review.
LEDGER_REVIEW_OVERDUE_DAYS = env_int("LEDGER_REVIEW_OVERDUE_DAYS", 45)
# 梳理: a customer not contacted for this many days is stale; an open service record
# received this many days ago is past due.
LEDGER_STALE_CONTACT_DAYS = env_int("LEDGER_STALE_CONTACT_DAYS", 90)
LEDGER_SERVICE_DUE_DAYS = env_int("LEDGER_SERVICE_DUE_DAYS", 7)
# Access-log rows older than this many days are removed by ``prune_access_log``.
LEDGER_ACCESS_LOG_DAYS = env_int("LEDGER_ACCESS_LOG_DAYS", 365)
# A user who reads more customers' details in one day than this is flagged to admins
# (a detail page counts one customer, an export or print its rows).
LEDGER_ACCESS_DAILY_THRESHOLD = env_int("LEDGER_ACCESS_DAILY_THRESHOLD", 200)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint reports every unsupported CSS property at WARNING.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# E-mail (overdue contract reviews …): printed on the console unless a backend is set.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ledger@localhost")
# Contract review (表5-14): working days (Monday–Friday) from submission to the deadline.
CONTRACT_REVIEW_WORKING_DAYS = env_int("CONTRACT_REVIEW_WORKING_DAYS", 3)
