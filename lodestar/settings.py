"""Lodestar settings: one module, driven by environment variables.

Every value has a development default so that `make run` needs nothing secret; the defaults
that would be unsafe in production (DEBUG, SECRET_KEY) are the ones `check --deploy` rejects.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# A development key: `check --deploy` flags any key with this prefix, so production must set one.
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-lodestar-development-only-key-0123456789"
)
# Earlier keys, still accepted for signatures (sessions, links in emails) and for reading stored
# secrets (core/encryption.py) while a rotation is under way.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Keys of the stored secrets (TOTP keys, webhook secrets): the first encrypts, all decrypt. When
# unset, SECRET_KEY and its fallbacks serve; set it so that SECRET_KEY can change on its own.
ENCRYPTION_KEYS = env.list("ENCRYPTION_KEYS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# var/ sits beside the code in a checkout; an installed package uses the working directory.
_DEFAULT_VAR = (
    PROJECT_DIR / "var" if (PROJECT_DIR / "pyproject.toml").exists() else Path.cwd() / "var"
)
VAR_DIR = Path(env.str("LODESTAR_VAR_DIR", default=str(_DEFAULT_VAR)))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Records each sign-in (address, browser) for the "where you are signed in" page.
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Serves the API docs' Swagger UI from our own static files (the CSP allows no CDN).
    "ninja",
    "lodestar.core",
    "lodestar.accounts",
    "lodestar.programs",
    "lodestar.mentorships",
    "lodestar.matches",
    "lodestar.engagement",
    "lodestar.meetings",
    "lodestar.messaging",
    "lodestar.growth",
    "lodestar.network",
    "lodestar.flash",
    "lodestar.evaluations",
    "lodestar.webhooks",
    "lodestar.audit",
    "lodestar.privacy",
    "lodestar.demo",
]

MIDDLEWARE = [
    "lodestar.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lodestar.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lodestar.core.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before the session timeout, whose sign-out it must see.
    "lodestar.accounts.security.ClearSiteDataMiddleware",
    "lodestar.accounts.security.SessionTimeoutMiddleware",
    "lodestar.accounts.security.MfaRequiredMiddleware",
    "lodestar.accounts.security.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last: its process_view runs the view itself (in a transaction), after every other check.
    "lodestar.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "lodestar.urls"
WSGI_APPLICATION = "lodestar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "lodestar.core.context_processors.navigation",
                "lodestar.engagement.context_processors.notifications",
                "lodestar.messaging.context_processors.unread_messages",
            ],
        },
    },
]

SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
# Databases: SQLite under var/ by default, anything else through DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lodestar.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at BEGIN, so
    # two writers queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    DATABASES["default"]["TEST"] = {"NAME": None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code once its estimated cost passes jit_above_cost,
    # which the dashboard's aggregates over a large program do: 220 ms of compiling for a query
    # that then ran in 50. Lodestar's queries are short; an `options` in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Persistent connections on both engines: reopening one (and its PRAGMAs, on SQLite) cost a page
# about 10 ms in the load test.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://lodestar")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: email is the login; verification is mandatory outside DEBUG.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str(
    "ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory"
)
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lodestar] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_ADAPTER = "lodestar.accounts.adapter.AccountAdapter"
# A person is told by email when their password, email addresses or second factor change (with
# the time, address and browser), so that a change they did not make does not go unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Stores authenticator secrets encrypted (allauth keeps them in the clear by default).
MFA_ADAPTER = "lodestar.accounts.mfa_adapter.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lodestar"

# Email: console in development, anything (SMTP in production) through EMAIL_URL.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# A backend class of one's own (a provider's API, a test double) in place of the URL's scheme.
if env.str("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env.str("EMAIL_BACKEND")
# Outbox (core/emails.py): a worker holds a message this long while sending it, so a send must
# finish well within it — hence the SMTP timeout below it; a lapsed hold is taken for a dead worker.
EMAIL_LEASE_SECONDS = env.int("EMAIL_LEASE_SECONDS", default=300)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=60)
# Sent emails stay in the outbox this long (to trace a delivery), then the scheduler deletes them.
EMAIL_KEEP_DAYS = env.int("EMAIL_KEEP_DAYS", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lodestar <lodestar@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Tasks: run in-process unless a worker is configured; production uses the database worker.
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

LANGUAGE_CODE = "en"
# Date and number formats follow the browser's language; add a language here once its
# translations exist in lodestar/locale/.
LANGUAGES = [("en", _("English")), ("en-gb", _("British English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The project package is not an installed app, so its static folder must be named here.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
# The JSON API's limit per token (or per person, for a browser session): "<count>/<period>",
# period one of second, minute, hour, day. Counted in CACHE_URL's cache: share it between
# processes (Redis, Memcached) for the limit to hold across them.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/minute")
# Refused API tokens per client address; past it the address waits for the window to end.
API_TOKEN_FAILURE_RATE = env.str("API_TOKEN_FAILURE_RATE", default="10/minute")
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=2_000_000)
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)
# Files attached to messages: a size cap, and the types accepted (a subset of PDF, PNG, JPEG,
# GIF, WebP, TXT, CSV, DOCX, XLSX, PPTX, ODT — each checked by its first bytes too).
MESSAGE_ATTACHMENT_MAX_BYTES = env.int("MESSAGE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
MESSAGE_ATTACHMENT_TYPES = env.list(
    "MESSAGE_ATTACHMENT_TYPES",
    default=[
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "txt",
        "csv",
        "docx",
        "xlsx",
        "pptx",
        "odt",
    ],
)

# Security: strict defaults that also hold in development.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Webhooks (lodestar/webhooks) ---
# Seconds a receiver has to answer one delivery (connect, send, first bytes of the answer).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10)
# How long a worker holds a delivery while sending it: must outlast a few WEBHOOK_TIMEOUTs.
WEBHOOK_LEASE_SECONDS = env.int("WEBHOOK_LEASE_SECONDS", default=120)
# Finished deliveries (delivered or given up) are deleted this many days after the event.
WEBHOOK_KEEP_DAYS = env.int("WEBHOOK_KEEP_DAYS", default=30)
# Off in production: a coordinator must not make the server call its own network (SSRF).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)

# --- Single sign-on (OpenID Connect through allauth) ---
# Off unless OIDC_SERVER_URL is set: then the login page offers "Sign in with <OIDC_NAME>" and
# accounts are created on first sign-in for verified addresses in OIDC_ALLOWED_DOMAINS (comma-
# separated; "*" for any domain the provider verifies). The rules live in lodestar/accounts/sso.py.
SOCIALACCOUNT_ADAPTER = "lodestar.accounts.sso.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_REQUIRED = True
# An SSO sign-in with a verified, allowed address reaches the local account that has it.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS: dict = {}
OIDC_ALLOWED_DOMAINS: list[str] = []
if env.str("OIDC_SERVER_URL", default=""):
    from lodestar.accounts.sso_config import oidc_settings

    _sso = oidc_settings(
        server_url=env.str("OIDC_SERVER_URL"),
        client_id=env.str("OIDC_CLIENT_ID", default=""),
        client_secret=env.str("OIDC_CLIENT_SECRET", default=""),
        provider_id=env.str("OIDC_PROVIDER_ID", default="sso"),
        name=env.str("OIDC_NAME", default="SSO"),
        allowed_domains=env.list("OIDC_ALLOWED_DOMAINS", default=[]),
        form_action=CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"],
        extra_form_action=env.list("OIDC_EXTRA_FORM_ACTION", default=[]),
    )
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = _sso.pop("CSP_FORM_ACTION")
    vars().update(_sso)

# --- Security hardening (issue 8: sessions, throttling, MFA policy, uploads) ---
# `check --deploy` is clean in production (SECRET_KEY set, DEBUG=0, ALLOWED_HOSTS, HTTPS):
# tests/security/test_deploy_check.py runs it with a production environment.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
# One year of HSTS outside DEBUG. Preloading (browsers' built-in list) commits the whole
# registered domain and its subdomains to HTTPS for months and is slow to undo, so it is the
# operator's decision: SECURE_HSTS_PRELOAD=1 once the domain qualifies.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # preload: the operator's decision (above)
if BEHIND_PROXY and not SECURE_SSL_REDIRECT:
    # The TLS-terminating proxy redirects http to https, and only it listens publicly; Django
    # still knows which requests were secure from X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
    SILENCED_SYSTEM_CHECKS.append("security.W008")
# allauth throttles by client address: behind a proxy, the address the proxy saw.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)

# Secure cookies take the __Host- prefix (the browser then refuses them over http, from a
# subdomain or for another path); plain names over http in development so `make run` works.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Sessions end after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS after
# sign-in, whatever happens (lodestar/accounts/security.py); a new session id at each sign-in.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# Coordinators and site admins must turn on two-factor authentication before anything else.
MFA_REQUIRED_FOR_COORDINATORS = env.bool("MFA_REQUIRED_FOR_COORDINATORS", default=False)
# Changing one's email address, password or second factor asks for the password again.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_REAUTHENTICATION_REQUIRED = True

# Throttling of sign-in, sign-up, password reset, re-authentication and second-factor codes
# (allauth counts in the default cache: see CACHES below). Over the limit a person waits for the
# window to pass; nothing is locked for good.


def _rates(*rates: str) -> str:
    """allauth's format: "<count>/<period>/<per ip|key|user>" rates, comma-separated."""
    return ",".join(rates)


ACCOUNT_RATE_LIMITS = {
    "login": _rates("30/m/ip"),
    # Failed sign-ins (and wrong second-factor codes): per address, and per account for 5 min.
    "login_failed": _rates("10/m/ip", "5/5m/key"),
    "signup": _rates("20/m/ip"),
    "reset_password": _rates("20/m/ip", "5/m/key"),
    "reset_password_from_key": _rates("20/m/ip"),
    "reauthenticate": _rates("10/m/user"),
    "change_password": _rates("5/m/user"),
    "manage_email": _rates("10/m/user"),
    "confirm_email": _rates("1/3m/key"),
}
# The counters (and allauth's record of used TOTP codes) must be shared by every process: a
# table in the database unless CACHE_URL names another shared cache (redis://, memcache://).
# The table is made by `lodestar migrate` (a post_migrate hook in accounts/security.py).
if not env.str("CACHE_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lodestar_cache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

AUTH_PASSWORD_VALIDATORS.append({"NAME": "lodestar.accounts.passwords.GuessablePasswordValidator"})

# --- Reliability (issue 8: health, request ids, structured logs, idempotency) ---
# /healthz answers 503 when the task worker's last heartbeat (a scheduler job every minute, run
# by the worker) is older than this: the scheduler, the queue or the worker is down.
HEALTH_WORKER_STALE_SECONDS = env.int("HEALTH_WORKER_STALE_SECONDS", default=300)
# A load balancer's probe may come over plain http even when the site redirects to https.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# API writes sent with an Idempotency-Key are answered once and replayed for this long; a
# request still running holds its key this long (a retry meanwhile gets 409).
IDEMPOTENCY_KEY_TTL_SECONDS = env.int("IDEMPOTENCY_KEY_TTL_SECONDS", default=24 * 60 * 60)
IDEMPOTENCY_LOCK_SECONDS = env.int("IDEMPOTENCY_LOCK_SECONDS", default=60)
# A form's submission token (static/lodestar/submit-once.js) is remembered this long: a double
# click or a back-and-resubmit within it gets the first answer instead of a second record.
FORM_SUBMISSION_TTL_SECONDS = env.int("FORM_SUBMISSION_TTL_SECONDS", default=10 * 60)
# How long a repeated submission waits for the first one, still running, to finish.
FORM_SUBMISSION_WAIT_SECONDS = env.float("FORM_SUBMISSION_WAIT_SECONDS", default=10)

# Logs: one JSON object per line in production (LOG_FORMAT=json), readable text in development;
# every line carries the request id (X-Request-ID), the user id and the task id when there is
# one, and each request writes one access line (lodestar.access) with its status and duration.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "lodestar.core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "lodestar.core.logging.JsonFormatter"},
        "text": {"()": "lodestar.core.logging.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The access line says it once; Django's own "Not Found: /x" lines would repeat it.
        "django.request": {"level": "ERROR"},
        # runserver's own access lines, likewise.
        "django.server": {"level": "WARNING"},
    },
}

# --- Privacy (issue 8: export, erasure, retention) ---

# How long a site admin may read a conversation after stating why (privacy/access.py).
PRIVACY_ACCESS_HOURS = env.int("PRIVACY_ACCESS_HOURS", default=24)

# --- Audit trail (issue 8) ---
# Sensitive actions (lodestar/audit) are recorded with the client's IP address. Behind a reverse
# proxy (BEHIND_PROXY=1) it is read from X-Forwarded-For, counting this many proxies of ours
# from the right: the entries further left are whatever the client sent. The same count as the
# sign-in throttling's (TRUSTED_PROXY_COUNT), so that both name the same address.
AUDIT_TRUSTED_PROXIES = env.int("TRUSTED_PROXY_COUNT", default=1)
# Days the audit trail keeps an event (0: forever); a daily job deletes older ones.
AUDIT_KEEP_DAYS = env.int("AUDIT_KEEP_DAYS", default=730)
# Keeps the request at hand for the audit events that services and signals record.
MIDDLEWARE.append("lodestar.audit.context.AuditContextMiddleware")
