"""The one settings module, driven by environment variables.

With nothing set it runs embedded: SQLite, tasks in-process, email to the console. Production sets
DEBUG=false (the default), SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and the email
variables; a missing SECRET_KEY outside DEBUG stops the process at start-up rather than later.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (production), or set DEBUG=true "
            "for a local demo."
        )
    SECRET_KEY = "insecure-local-demo-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The address people use to reach the portal, for links in emails sent outside a request
# (reminders from Celery beat have no request to build a URL from). Unset, the local address on
# the PORT the demo serves (script/demo: PORT=8001 script/demo), so its emails' links work.
SITE_URL = (
    os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # lets our form renderer find Django's widget templates
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    "csp",  # its system checks catch settings in the pre-4.0 format
    "council",
    "protocol",
    "correspondence",
    "concerns",
]

MIDDLEWARE = [
    # One JSON line per request, and per 403 or 429, on stdout (council.logs). Outermost, to time
    # the whole request and log the status that was sent.
    "council.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # `Cache-Control: private, no-store` on every answer to a signed-in person, and the
    # Permissions-Policy on every answer (council.middleware).
    "council.middleware.PrivatePagesMiddleware",
    # The Content-Security-Policy header on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs sign-in unless its view is marked @login_not_required (the public home,
    # healthz, the protocol's and the news pages, allauth's own), so a new page is never public
    # by accident.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sessions end after SESSION_IDLE_SECONDS idle, and SESSION_SHORT_MAX_SECONDS or
    # SESSION_COOKIE_AGE after sign-in (council.accounts). After the messages (it leaves one).
    "council.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Fallback only: services set the acting user on each change explicitly; this covers the
    # Django admin, whose saves do not go through our services.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Two-factor is required of officers, chairs and the personnel committee (council.policy,
    # issue 8): sends them to set it up first.
    "council.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "council.urls"
WSGI_APPLICATION = "council.wsgi.application"

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
                "council.context_processors.portal",
            ],
        },
    },
]
# Our own field and form templates (labels, hints, inline errors in the GOV.UK pattern).
FORM_RENDERER = "council.forms.PortalFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections: without them PostgreSQL throughput falls tenfold
        # (docs/operations.md).
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The embedded demo: two people submitting at the same moment (a double click on "Record the
    # decision") must not meet "database is locked". IMMEDIATE takes the write lock when the
    # transaction begins, so the second waits (up to `timeout` seconds) and then finds the first
    # one's change, as on PostgreSQL; WAL lets readers carry on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)

# The cache (and with it allauth's rate-limit counters and used TOTP codes) lives in the database,
# never in Redis, so a Redis outage cannot break sign-in (docs/operations.md).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    },
    # Rendered public pages, in each process's memory, under keys that name their content
    # (council.pagecache): never stale, so nothing is shared or invalidated. Signed-in people's
    # pages are never kept. A few MB per process when full.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# How long a signed-in session lasts (council.accounts; README "Security"). Idle: no request for
# this long signs the person out. Lifetime: with "Remember me" ticked, a councillor stays signed in
# for SESSION_COOKIE_AGE at most; everyone who must use two-factor (officers, chairs, the personnel
# committee, site operators), and anyone who did not tick it, for SESSION_SHORT_MAX_SECONDS.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 2 * 3600)
SESSION_SHORT_MAX_SECONDS = env_int("SESSION_SHORT_MAX_SECONDS", 12 * 3600)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_SECONDS", 14 * 24 * 3600)

AUTH_USER_MODEL = "council.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# allauth: email is the login, nobody signs themselves up (the clerk invites people).
ACCOUNT_ADAPTER = "council.accounts.adapters.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Council portal] "
ACCOUNT_PREVENT_ENUMERATION = True
# Changes only the owner can make: adding, changing or removing an address, and setting up or
# removing two-factor, ask for the password (or the two-factor code) again unless it was given in
# the last five minutes; changing the password asks for the old one. The old address is told of
# every change to the address, the password or two-factor. An account has one address at a time:
# a new one replaces the old once confirmed.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_CHANGE_EMAIL = True
# An address another account holds, or an invitation waits on, cannot be added (council.accounts).
ACCOUNT_FORMS = {"add_email": "council.accounts.forms.PortalAddEmailForm"}
# Password-reset links last an hour; an invitation's link (the same page, for someone with no
# password yet) three days, as its email says (council.accounts.tokens.PortalTokenGenerator).
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "council.accounts.tokens.PortalTokenGenerator"
PASSWORD_RESET_LINK_SECONDS = env_int("PASSWORD_RESET_LINK_SECONDS", 3600)
INVITATION_LINK_SECONDS = env_int("INVITATION_LINK_SECONDS", 3 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = max(PASSWORD_RESET_LINK_SECONDS, INVITATION_LINK_SECONDS)
# Behind a reverse proxy every request comes from the proxy's address, so the per-client limit on
# failed sign-ins would count every client together and ten wrong passwords a minute would lock
# everyone out. TRUSTED_PROXY_COUNT says how many proxies in front add themselves to
# X-Forwarded-For (1 for the README's one proxy; compose sets it); the client's address is then
# read from that header. 0 (no proxy): the connection's own address. Never set it higher than the
# proxies really there: the client could then choose its own address, and its own limit.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# allauth's defaults, written out so that they are visible and reviewed: failed sign-ins are
# limited per address and per IP; password reset emails per address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Council portal"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files made by collectstatic; the demo and the tests serve
# them straight from static/ (STATIC_MANIFEST=false, set by tests/plugin.py for tests).
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Council documents live outside the web root and have no URL of their own: they are streamed by
# a view that checks permission first (council.views.documents.document_download).
PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", BASE_DIR / "private"))
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Email: the console unless EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Council portal <portal@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
    # The folder for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend.
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or None

# Celery. With no REDIS_URL tasks run in-process (eager), so the embedded demo needs no services.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
# A worker killed mid-task leaves the message unacknowledged, so it is delivered again; the
# outbox's conditional claim makes the second run a no-op if the first had finished.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A Redis that accepts connections but never answers must not hang a request (docs/operations.md):
# one attempt (max_retries 0; redis-py still reconnects a pooled connection that Redis closed) of
# at most a second, then the row waits for the sweep. Each retry would add a whole timeout, and
# outbox.enqueue_delivery skips the broker for a while after a failure, so a request pays for
# at most one (tests/cross/test_faults.py times it against a server that never answers).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 1,
    "socket_connect_timeout": 1,
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "deliver-pending-notifications": {
        # Catches anything whose enqueue failed (broker down) or whose worker died.
        "task": "council.tasks.deliver_pending_notifications",
        "schedule": timedelta(minutes=2),
    },
    "protocol-review-reminders": {
        # R25: 90, 30 and 7 days before the review date, then weekly; each once (outbox keys).
        "task": "protocol.tasks.send_review_reminders",
        "schedule": timedelta(hours=6),
    },
    "information-request-reminders": {
        # R9: 2 working days before the due date, and escalation when overdue; each once.
        "task": "correspondence.tasks.send_request_reminders",
        "schedule": timedelta(hours=1),
    },
    "concern-stage-reminders": {
        # R23: each stage's handler is reminded before its due date; the chair is told when a
        # matter is overdue. Each once (outbox keys), and without details (R16).
        "task": "concerns.tasks.send_stage_reminders",
        "schedule": timedelta(hours=1),
    },
    "warn-roles-ending": {
        "task": "council.tasks.warn_roles_ending",
        "schedule": timedelta(hours=6),
    },
    "purge-expired-records": {
        # Data protection: each council's expired personal records and their history rows, by
        # its retention periods (council.models.RetentionPolicy). Daily; bounded and idempotent.
        "task": "council.tasks.purge_expired_records",
        "schedule": timedelta(days=1),
    },
}

# Production hardening, on whenever DEBUG is off. `manage.py check --deploy` stays clean.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Off only for the test run's plain-HTTP live server (tests/plugin.py).
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# django-csp 4: our own files only, and no 'unsafe-inline' anywhere: the templates carry no inline
# script, style attribute or <style> block (tests/cross/test_security.py scans them), so an injected
# one does not run. data: images for allauth's TOTP QR code. Emails are not web pages: their
# inline styles are for mail programs, which never see this header.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "council.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "json_stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The request and security lines (council.logs), once each, as JSON on stdout.
        "council.requests": {"handlers": ["json_stdout"], "level": "INFO", "propagate": False},
        "council.security": {"handlers": ["json_stdout"], "level": "INFO", "propagate": False},
    },
}
