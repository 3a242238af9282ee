"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_django(settings_module, env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESSOFFICE_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_prod_refuses_to_start_without_secret_key():
    result = run_django("pressoffice.settings.prod", {"DJANGO_ALLOWED_HOSTS": "example.org"}, "check")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def test_prod_refuses_to_start_without_allowed_hosts():
    result = run_django("pressoffice.settings.prod", {"DJANGO_SECRET_KEY": "x" * 60}, "check")
    assert result.returncode != 0 and "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_prod_passes_check_deploy(tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from statements import signing

    key = "k3y-" + "".join(chr(97 + i % 26) for i in range(7, 67))
    env = {"DJANGO_SECRET_KEY": key, "DJANGO_ALLOWED_HOSTS": "press.example.org"}
    # Without a signing key the deploy check warns (nothing could be published)…
    result = run_django("pressoffice.settings.prod", env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0 and "pressoffice.W101" in result.stderr
    # …with a readable one it is clean.
    signing.write_key(tmp_path / "key.pem", Ed25519PrivateKey.generate())
    env["PRESSOFFICE_SIGNING_KEY_FILE"] = str(tmp_path / "key.pem")
    result = run_django("pressoffice.settings.prod", env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


def test_unknown_language_in_env_is_refused():
    result = run_django("pressoffice.settings.dev", {"DJANGO_LANGUAGES": "en,zz"}, "check")
    assert result.returncode != 0 and "unknown: zz" in result.stderr


def test_languages_and_office_from_env():
    env = {"DJANGO_LANGUAGES": "fa,en", "PRESSOFFICE_OFFICE_NAME": "Test Office"}
    code = "from django.conf import settings; print(settings.LANGUAGE_CODE, settings.PRESSOFFICE_OFFICE_NAME)"
    result = run_django("pressoffice.settings.dev", env, "shell", "--no-imports", "-c", code)
    assert result.stdout.strip() == "fa Test Office", result.stderr


def test_base_settings_are_safe_by_default():
    from pressoffice.settings import base

    assert base.DEBUG is False
    assert base.SECRET_KEY == os.environ.get("DJANGO_SECRET_KEY", "")


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_bad_boolean_env_refused(value):
    result = run_django("pressoffice.settings.dev", {"PRESSOFFICE_FOUR_EYES": value}, "check")
    assert result.returncode != 0 and "PRESSOFFICE_FOUR_EYES must be true or false" in result.stderr


def test_without_redis_the_cache_is_shared_by_every_process_on_the_machine(tmp_path):
    """A per-process memory cache would let one gunicorn worker serve a page another
    worker's publication or withdrawal has made stale: the default is a folder."""
    env = {"PRESSOFFICE_CACHE_DIR": str(tmp_path), "REDIS_URL": ""}
    write = "from django.core.cache import cache; cache.set('shared', 'yes', None)"
    read = (
        "from django.core.cache import cache, caches;"
        "print(cache.get_many(['shared'])['shared'], type(caches['default']).__name__)"
    )
    assert run_django("pressoffice.settings.dev", env, "shell", "--no-imports", "-c", write).returncode == 0
    result = run_django("pressoffice.settings.dev", env, "shell", "--no-imports", "-c", read)
    assert result.stdout.strip() == "yes FileCache", result.stderr


@pytest.mark.parametrize("value", ["{not json", "[1, 2]"])
def test_bad_anymail_settings_are_refused_with_a_message(value):
    result = run_django("pressoffice.settings.dev", {"PRESSOFFICE_ANYMAIL": value}, "check")
    assert result.returncode != 0 and "PRESSOFFICE_ANYMAIL must be a JSON object" in result.stderr
