import pytest
from django.test import override_settings

from .factories import make_staff, make_user


@pytest.fixture
def superuser(db):
    return make_user("chief", superuser=True)


@pytest.fixture
def staff(db):
    """An editor and a publisher: the two people a normal publication needs."""
    return {"editor": make_staff("Editor"), "publisher": make_staff("Publisher")}


# Everyone a workflow test may need, by the name tests use for them: (group, languages
# translated). Users are made on first use, with their key as username.
CAST = {
    "editor": ("Editor", ()),
    "editor2": ("Editor", ()),
    "author": ("Editor", ()),
    "translator": ("Translator", ("fa",)),
    "arabic": ("Translator", ("ar",)),
    "publisher": ("Publisher", ()),
    "publisher2": ("Publisher", ()),
    "other_publisher": ("Publisher", ()),
    "superuser": (None, ()),
    "no_role": ("", ()),
    "inactive": ("Publisher", ()),  # a publisher whose account is disabled
}


class Cast(dict):
    """`people["publisher2"]`: the user, made when first asked for."""

    def __missing__(self, key):
        group, languages = CAST[key]
        if group is None:
            user = make_user("root", superuser=True)
        elif not group:
            user = make_user(key)
        else:
            user = make_staff(group, key, languages=languages)
        if key == "inactive":
            user.is_active = False
            user.save()
        self[key] = user
        return user


@pytest.fixture
def people(db):
    """Editors, translators (fa, ar), publishers, a superuser and staff without a role."""
    return Cast()


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """`run_tasks(action, *args)`: call it and run what it queued (the immediate task
    backend runs tasks after commit), and what those tasks queued in turn."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def media_storage(tmp_path):
    """Each test gets empty public and private media folders."""
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "public", "base_url": "/media/"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": "/private-media-is-not-served/"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield tmp_path


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (a request may leave another active)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """No cached page or content generation carries from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def cache_outage_log_state():
    """Each test sees the first cache outage logged."""
    from statements import freshness

    freshness._CACHE_DOWN.update(logged_at=0.0, suppressed=0)


def pytest_terminal_summary(terminalreporter):
    from .counts import TRIED

    for name, line in TRIED.items():
        terminalreporter.write_line(f"{name}: {line}")
