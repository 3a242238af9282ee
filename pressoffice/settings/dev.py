"""Local development: what `make run` and `manage.py` use by default."""

import os

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
# A fixed, public key: fine for a developer's laptop, refused by prod.py.
SECRET_KEY = "dev-only-insecure-key-for-make-run-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
# runserver serves static files from the source folders; no collectstatic in development.
STATIC_ROOT = None

# Readable logs on a developer's terminal (unless DJANGO_LOG_FORMAT says otherwise).
if not os.environ.get("DJANGO_LOG_FORMAT"):
    LOGGING = {**LOGGING, "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}}}  # noqa: F405

# Signed editions: a development key, made on first use in a git-ignored folder
# (var/signing/); the first signing says where (statements/signing.py).
PRESSOFFICE_SIGNING_KEY_FILE = os.environ.get("PRESSOFFICE_SIGNING_KEY_FILE") or str(
    BASE_DIR / "var" / "signing" / "dev-signing-key.pem"  # noqa: F405
)
PRESSOFFICE_SIGNING_KEY_AUTOCREATE = True

# Alert mail (confirmations, alerts) is printed by the worker (`make run` starts one).
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
