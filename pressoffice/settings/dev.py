"""Local development: what `make run` and `manage.py` use by default."""

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
# A fixed, public key: fine for a developer's laptop, refused by prod.py.
SECRET_KEY = "dev-only-insecure-key-for-make-run-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
# runserver serves static files from the source folders; no collectstatic in development.
STATIC_ROOT = None
