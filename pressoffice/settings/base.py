"""Settings shared by every environment: safe defaults, configuration from the environment.

dev.py (what `make run` uses) and prod.py build on this. Nothing here turns DEBUG on
or ships a secret.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "statements.apps.PressOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "sequences",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "statements",
]

MIDDLEWARE = [
    # First: anonymous GETs of cached public responses are answered here, before the
    # rest runs (the stored response carries the headers the rest added).
    "statements.pagecache.PublicCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "statements.security.BodySizeLimitMiddleware",
    "statements.security.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "statements.security.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pressoffice.urls"
WSGI_APPLICATION = "pressoffice.wsgi.application"

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
                "statements.context_processors.office",
            ],
        },
    },
]

# The embedded default is a SQLite file beside manage.py; production sets DATABASE_URL
# (postgres://user:password@host:5432/name).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default, tuned as SQLite recommends for a web application: readers
    # never block the writer (WAL), commits need no fsync of the main file, and a busy
    # database is waited for instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL (redis://host:6379/0) shares the cache between app servers. Without it the
# cache is a folder on this machine (PRESSOFFICE_CACHE_DIR), shared by every worker
# process and management command here, so a publication or withdrawal made in one process
# is seen by all at once (a per-process memory cache would keep serving the old page).
# One machine only: several app servers need Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "statements.redis_cache.RedisCache",  # Django's, reusing its client
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pressoffice",
        }
    }
else:
    import hashlib
    import tempfile

    _database = DATABASES["default"]
    _site = f"{_database.get('HOST', '')}:{_database.get('PORT', '')}/{_database.get('NAME', '')}"
    _site_folder = Path(tempfile.gettempdir()) / "pressoffice-cache" / hashlib.sha256(_site.encode()).hexdigest()[:16]
    CACHES = {
        "default": {
            "BACKEND": "statements.file_cache.FileCache",  # Django's, with a quicker get_many
            "LOCATION": os.environ.get("PRESSOFFICE_CACHE_DIR") or str(_site_folder),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Background tasks (Django's tasks API through the django-tasks backport). Side effects of
# publication (WebSub pings, public image files, cache warming) run as tasks, never in the
# editor's request. PRESSOFFICE_TASKS picks the backend:
#   database  (default) rows in this database, run by `manage.py worker` (make run starts one);
#   rq        RQ on Redis (PRESSOFFICE_QUEUE_REDIS_URL, else REDIS_URL), run by `manage.py worker`
#             or `manage.py rqworker --with-scheduler default` on any number of machines;
#   immediate in the process that enqueues them, after commit (tests, tiny installs: run
#             `publish_due` from cron for scheduled versions and retries).
PRESSOFFICE_TASKS = os.environ.get("PRESSOFFICE_TASKS", "database").strip().lower()
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if PRESSOFFICE_TASKS not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"PRESSOFFICE_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {PRESSOFFICE_TASKS!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[PRESSOFFICE_TASKS], "QUEUES": ["default"]}}
# The queue's Redis: a database number of its own (or an instance without eviction), so
# that a cache under memory pressure never evicts waiting tasks.
PRESSOFFICE_QUEUE_REDIS_URL = os.environ.get("PRESSOFFICE_QUEUE_REDIS_URL") or REDIS_URL
_queue_url = PRESSOFFICE_QUEUE_REDIS_URL or "redis://127.0.0.1:6379/1"
if "socket_connect_timeout" not in _queue_url:
    # An unreachable Redis costs the editor's request two seconds at most (then the outbox).
    _queue_url += ("&" if "?" in _queue_url else "?") + "socket_connect_timeout=2"
RQ_QUEUES = {"default": {"URL": _queue_url}}
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # RQ workers run the tasks API's tasks
RQ_SHOW_ADMIN_LINK = PRESSOFFICE_TASKS == "rq"
# A task still marked running this long after it started is taken to have lost its worker
# and is queued again (each task is idempotent, so a slow one run twice does no harm).
PRESSOFFICE_TASK_TIMEOUT = int(os.environ.get("PRESSOFFICE_TASK_TIMEOUT", "600"))
RQ_QUEUES["default"]["DEFAULT_TIMEOUT"] = PRESSOFFICE_TASK_TIMEOUT
# How often `manage.py worker` runs the periodic trigger (go-live announcements, the outbox,
# the reaper), in seconds.
PRESSOFFICE_TASK_BEAT = float(os.environ.get("PRESSOFFICE_TASK_BEAT", "20"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: DJANGO_LANGUAGES is a comma list of codes; the first is the default.
# Model fields never take their choices from here (migrations must not depend on the
# environment): language codes are validated against this list in clean().
LANGUAGE_CODES = env_list("DJANGO_LANGUAGES", "en,fa,ar,fr")
_unknown = [code for code in LANGUAGE_CODES if code not in LANG_INFO]
if _unknown or not LANGUAGE_CODES:
    raise ImproperlyConfigured(f"DJANGO_LANGUAGES must list known language codes; unknown: {', '.join(_unknown)}")
LANGUAGES = [(code, LANG_INFO[code]["name"]) for code in LANGUAGE_CODES]
LANGUAGE_CODE = LANGUAGE_CODES[0]
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ug", "ur"]
LOCALE_PATHS = [BASE_DIR / "statements" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media: "default" holds the public copies of image renditions (served at MEDIA_URL
# by the web server or object storage); "private" holds originals and renditions of
# images nothing public uses yet, served to staff only through the admin.
MEDIA_URL = os.environ.get("PRESSOFFICE_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("PRESSOFFICE_MEDIA_ROOT", BASE_DIR / "media"))
S3_BUCKET = os.environ.get("PRESSOFFICE_S3_BUCKET", "")
if S3_BUCKET:
    _s3 = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("PRESSOFFICE_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("PRESSOFFICE_S3_REGION") or None,
        "file_overwrite": False,
    }
    MEDIA_STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "location": "public",
                "querystring_auth": False,
                "custom_domain": os.environ.get("PRESSOFFICE_S3_CUSTOM_DOMAIN") or None,
            },
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "bucket_name": os.environ.get("PRESSOFFICE_S3_PRIVATE_BUCKET", S3_BUCKET),
                "location": "private",
                "querystring_auth": True,
                "default_acl": "private",
            },
        },
    }
else:
    MEDIA_STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT / "public", "base_url": MEDIA_URL},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": "/private-media-is-not-served/"},
        },
    }
STORAGES = {
    **MEDIA_STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security defaults that hold everywhere; prod.py adds the HTTPS-only ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Only staff have sessions. They end when the browser closes and after
# PRESSOFFICE_SESSION_HOURS (8) at most, whatever the staff member does.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(float(os.environ.get("PRESSOFFICE_SESSION_HOURS", "8")) * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Content Security Policy (django-csp, applied by statements.security): scripts and
# styles from this site only, no inline script anywhere. Public pages never read a
# nonce, so they stay cacheable; admin pages may use request.csp_nonce.
_media_origin = ""
if S3_BUCKET and os.environ.get("PRESSOFFICE_S3_CUSTOM_DOMAIN"):
    _media_origin = "https://" + os.environ["PRESSOFFICE_S3_CUSTOM_DOMAIN"]
elif MEDIA_URL.startswith(("http://", "https://")):
    _media_origin = "/".join(MEDIA_URL.split("/")[:3])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_media_origin] if _media_origin else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Uploads: request bodies beyond PRESSOFFICE_MAX_BODY_BYTES are refused with 413 before
# Django reads them; form data (not files) is capped by Django's own limits; uploaded
# files above 2.5 MB go to a temporary file rather than memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1000 * 1000))
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", 5000))
DATA_UPLOAD_MAX_NUMBER_FILES = 50
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DJANGO_FILE_UPLOAD_MAX_MEMORY_SIZE", 2500 * 1000))

# Login throttling (django-axes): after PRESSOFFICE_LOGIN_FAILURE_LIMIT failed logins
# for one username from one address, that pair is locked out for
# PRESSOFFICE_LOGIN_COOLOFF_MINUTES; a successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("PRESSOFFICE_LOGIN_THROTTLING", True)
AXES_FAILURE_LIMIT = int(os.environ.get("PRESSOFFICE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("PRESSOFFICE_LOGIN_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "statements.security.lockout_response"
AXES_VERBOSE = False
# Behind a proxy, the client address is taken from X-Forwarded-For only when
# PRESSOFFICE_PROXY_COUNT says how many proxies append to it (0: use REMOTE_ADDR).
PRESSOFFICE_PROXY_COUNT = int(os.environ.get("PRESSOFFICE_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "statements.security.client_ip"

# Two-factor sign-in (django-otp, TOTP): off by default. When on, publishers and
# superusers must give a code from their authenticator app at login
# (`manage.py add_totp_device USER` makes one).
PRESSOFFICE_REQUIRE_2FA = env_bool("PRESSOFFICE_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = os.environ.get("PRESSOFFICE_OFFICE_NAME", "Press Office")

# Logs go to standard error: JSON lines (DJANGO_LOG_FORMAT=json, the default) for log
# collectors, or plain text. Workflow transitions and refusals, lockouts, rate limits,
# 4xx and 5xx responses are logged with fields of their own (statements/logs.py).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "statements.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "plain"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {"statements": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# The product's own settings.
PRESSOFFICE_OFFICE_NAME = os.environ.get("PRESSOFFICE_OFFICE_NAME", _("Press Office"))
PRESSOFFICE_REFERENCE_PREFIX = os.environ.get("PRESSOFFICE_REFERENCE_PREFIX", "PO")
PRESSOFFICE_FOUR_EYES = env_bool("PRESSOFFICE_FOUR_EYES", True)
PRESSOFFICE_ADMIN_PATH = os.environ.get("PRESSOFFICE_ADMIN_PATH", "admin/").strip("/") + "/"
PRESSOFFICE_WEBSUB_HUB_URL = os.environ.get("PRESSOFFICE_WEBSUB_HUB_URL", "")
# The public address of the site, for addresses made outside a request (WebSub topics).
PRESSOFFICE_SITE_URL = os.environ.get("PRESSOFFICE_SITE_URL", "http://127.0.0.1:8000")
# Whole anonymous responses kept in the cache, each tagged with what it shows and out of
# date only when one of those things changes (statements/cachetags.py, pagecache.py).
PRESSOFFICE_PAGE_CACHE = env_bool("PRESSOFFICE_PAGE_CACHE", True)
# After a publication or correction, how long other processes may serve the previous
# copy of a page while one re-renders it (never after a withdrawal or unpublication).
PRESSOFFICE_STALE_SECONDS = float(os.environ.get("PRESSOFFICE_STALE_SECONDS", "10"))
# Each process keeps recently served responses in memory too (checked against the shared
# cache's tags on every request, so exactly as fresh); its size in MB.
PRESSOFFICE_MEMORY_CACHE_MB = int(os.environ.get("PRESSOFFICE_MEMORY_CACHE_MB", "64"))
# HTTP caches in front (Varnish with xkey, deploy/varnish/default.vcl), comma-separated
# URLs that take `PURGE` with an xkey-purge header; purges run as tasks after commit.
PRESSOFFICE_PURGE_URLS = [u.strip() for u in os.environ.get("PRESSOFFICE_PURGE_URLS", "").split(",") if u.strip()]
# The code's version, part of every cached page's key and ETag, so a deploy with changed
# templates or code never serves markup stored by the old one. Default: a digest of the
# templates, Python code and translations (the same on every server running the same code).
PRESSOFFICE_BUILD_ID = os.environ.get("PRESSOFFICE_BUILD_ID", "")
# Tests only: invalidate cached responses at every save instead of after commit.
PRESSOFFICE_INVALIDATE_AT_ONCE = False
# The benchmark's template-only floor view, off unless the benchmark turns it on.
PRESSOFFICE_BENCH_FLOOR = env_bool("PRESSOFFICE_BENCH_FLOOR", False)
PRESSOFFICE_XLIFF_MAX_BYTES = int(os.environ.get("PRESSOFFICE_XLIFF_MAX_BYTES", 2 * 1000 * 1000))
PRESSOFFICE_IMAGE_MAX_BYTES = int(os.environ.get("PRESSOFFICE_IMAGE_MAX_BYTES", 20 * 1000 * 1000))
PRESSOFFICE_IMAGE_MAX_PIXELS = int(os.environ.get("PRESSOFFICE_IMAGE_MAX_PIXELS", 50 * 1000 * 1000))

PRESSOFFICE_MAX_BODY_BYTES = int(
    os.environ.get("PRESSOFFICE_MAX_BODY_BYTES", PRESSOFFICE_IMAGE_MAX_BYTES + 5 * 1000 * 1000)
)
# Per-client rate limits, "requests/seconds"; empty or "off" turns one off.
PRESSOFFICE_RATE_LIMIT_SEARCH = os.environ.get("PRESSOFFICE_RATE_LIMIT_SEARCH", "60/60")
PRESSOFFICE_RATE_LIMIT_FEEDS = os.environ.get("PRESSOFFICE_RATE_LIMIT_FEEDS", "120/60")

# Signed editions (statements/signing.py, statements/tlog.py). The office's Ed25519
# private key, PEM (PKCS#8), outside the database: `manage.py signing_key create` writes
# it. Without a readable key every publication is refused (`check --deploy` warns).
PRESSOFFICE_SIGNING_KEY_FILE = os.environ.get("PRESSOFFICE_SIGNING_KEY_FILE", "")
# Development and tests only: make a key on first use when the file does not exist.
PRESSOFFICE_SIGNING_KEY_AUTOCREATE = False
# The transparency log's name: the first line of every checkpoint and the signed note's
# key name (C2SP tlog-checkpoint). Set it once, to the site's host: it never changes.
PRESSOFFICE_LOG_ORIGIN = os.environ.get("PRESSOFFICE_LOG_ORIGIN", "press-office.invalid/transparency")

# Email (alerts: statements/alerts/). Django's own settings, from the environment; the
# backend is looked up at send time, so a change applies to the next batch.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "alerts@press-office.invalid")
# The envelope sender (Return-Path) of alert mail: where bounces go, for
# `manage.py process_bounces` to read. Empty: DEFAULT_FROM_EMAIL.
PRESSOFFICE_BOUNCE_ADDRESS = os.environ.get("PRESSOFFICE_BOUNCE_ADDRESS", "")
# django-anymail, for an email service instead of SMTP: its settings as JSON, e.g.
# {"POSTMARK_SERVER_TOKEN": "…", "WEBHOOK_SECRET": "user:password"} with
# DJANGO_EMAIL_BACKEND=anymail.backends.postmark.EmailBackend. With a WEBHOOK_SECRET the
# tracking webhooks are served under /alerts/esp/ and feed the suppression list.
try:
    ANYMAIL = json.loads(os.environ.get("PRESSOFFICE_ANYMAIL") or "{}")
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"PRESSOFFICE_ANYMAIL must be a JSON object: {error}") from None
if not isinstance(ANYMAIL, dict):
    raise ImproperlyConfigured('PRESSOFFICE_ANYMAIL must be a JSON object, like {"WEBHOOK_SECRET": "user:password"}')
# Digests go out at this hour of the office's time zone (TIME_ZONE); weekly ones on this
# weekday (0 = Monday).
PRESSOFFICE_DIGEST_HOUR = int(os.environ.get("PRESSOFFICE_DIGEST_HOUR", "7"))
PRESSOFFICE_DIGEST_WEEKDAY = int(os.environ.get("PRESSOFFICE_DIGEST_WEEKDAY", "0"))
PRESSOFFICE_ALERT_BATCH_SIZE = int(os.environ.get("PRESSOFFICE_ALERT_BATCH_SIZE", "100"))
# Unconfirmed subscriptions (and their links) expire after CONFIRM_DAYS; unsubscribed
# ones are forgotten after FORGET_DAYS.
PRESSOFFICE_ALERT_CONFIRM_DAYS = int(os.environ.get("PRESSOFFICE_ALERT_CONFIRM_DAYS", "7"))
PRESSOFFICE_ALERT_FORGET_DAYS = int(os.environ.get("PRESSOFFICE_ALERT_FORGET_DAYS", "30"))
# A delivery claimed this long ago by a worker that never finished is marked unknown.
PRESSOFFICE_ALERT_CLAIM_MINUTES = int(os.environ.get("PRESSOFFICE_ALERT_CLAIM_MINUTES", "15"))
# Subscribe requests: per client (like searches), and confirmation mails per address.
PRESSOFFICE_RATE_LIMIT_ALERTS = os.environ.get("PRESSOFFICE_RATE_LIMIT_ALERTS", "20/3600")
PRESSOFFICE_RATE_LIMIT_ALERT_ADDRESS = os.environ.get("PRESSOFFICE_RATE_LIMIT_ALERT_ADDRESS", "5/86400")

# Machine-translation suggestions on the side-by-side screen (statements/machine_translation.py).
# Off unless set: drafts, embargoed ones included, then leave the machine. The class is
# a dotted path (statements.machine_translation.LibreTranslateTranslator or
# …DummyTranslator); its options a JSON object, e.g. {"url": "https://…", "api_key": "…"}.
_MT_CLASS = os.environ.get("PRESSOFFICE_MACHINE_TRANSLATOR", "").strip()
try:
    _MT_OPTIONS = json.loads(os.environ.get("PRESSOFFICE_MACHINE_TRANSLATOR_OPTIONS") or "{}")
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"PRESSOFFICE_MACHINE_TRANSLATOR_OPTIONS must be a JSON object: {error}") from None
if not isinstance(_MT_OPTIONS, dict):
    raise ImproperlyConfigured('PRESSOFFICE_MACHINE_TRANSLATOR_OPTIONS must be a JSON object, like {"url": "…"}')
PRESSOFFICE_MACHINE_TRANSLATOR = {"CLASS": _MT_CLASS, "OPTIONS": _MT_OPTIONS} if _MT_CLASS else None
PRESSOFFICE_MACHINE_TRANSLATION_MAX_CHARACTERS = int(
    os.environ.get("PRESSOFFICE_MACHINE_TRANSLATION_MAX_CHARACTERS", "20000")
)
