"""Tests: dev settings with fast password hashing and media in a temporary folder."""

import os
import tempfile
from pathlib import Path

from .dev import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pressoffice-test-media-"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "public", "base_url": "/media/"},
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": "/private-media-is-not-served/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A throwaway signing key per test run, made on first use (tests/conftest.py gives each
# test that needs another its own).
PRESSOFFICE_SIGNING_KEY_FILE = str(MEDIA_ROOT / "signing" / "test-key.pem")
LOGGING = {"version": 1, "disable_existing_loggers": False}

# Tests change content inside transactions that never commit, so the after-commit
# generation bump never runs: the page cache is off unless a test turns it on.
PRESSOFFICE_PAGE_CACHE = False
# For the same reason the cached data (filter choices, publication times) follows every
# save at once here; tests/test_page_cache.py turns both back to production behaviour.
PRESSOFFICE_INVALIDATE_AT_ONCE = True

# The browser tests' live server shows pictures from the public media folder.
PRESSOFFICE_SERVE_MEDIA = True

# Rate limits are off for the suite (one test fetches a feed many times);
# tests/test_security.py turns them on to prove they work.
PRESSOFFICE_RATE_LIMIT_SEARCH = "off"
PRESSOFFICE_RATE_LIMIT_FEEDS = "off"
PRESSOFFICE_RATE_LIMIT_ALERTS = "off"
PRESSOFFICE_RATE_LIMIT_ALERT_ADDRESS = "off"
# Mail stays in django.core.mail.outbox unless a test points it at its SMTP server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The crawler tests fetch stylesheets too: serve them from the source folders.
WHITENOISE_USE_FINDERS = True

# Each test process keeps its cache in memory (tests/conftest.py clears it per test),
# unless the Redis tests give a REDIS_URL.
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks run in the test process after commit; tests of the database and RQ backends start
# real workers (tests/test_workers.py) or switch to the dummy backend to see what was queued.
PRESSOFFICE_TASKS = "immediate"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}

# A SQLite test database in a file, not in memory, so a worker process can open it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"pressoffice-test-{os.getpid()}.sqlite3")
    }
