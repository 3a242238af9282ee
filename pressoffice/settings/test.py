"""Tests: dev settings with fast password hashing and media in a temporary folder."""

import tempfile
from pathlib import Path

from .dev import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pressoffice-test-media-"))
LOGGING = {"version": 1, "disable_existing_loggers": False}
