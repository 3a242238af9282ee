"""Two app servers on one PostgreSQL and one Redis: what is published or withdrawn through
one is seen at once on the other, cached pages included."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from statements import workflow
from statements.models import Translation

from .factories import free_port, make_person, make_staff, make_statement, make_version

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def signing_key_file():
    """The test run's throwaway signing key (made now if no test has signed yet): the
    servers sign what publishers publish through them with it."""
    from statements import signing

    signing.signer()
    return signing.key_path()


class AppServer:
    def __init__(self, **extra_env):
        db = connection.settings_dict
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESSOFFICE_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="pressoffice.settings.base",
            DJANGO_SECRET_KEY=settings.SECRET_KEY,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            REDIS_URL=settings.REDIS_URL,
            PRESSOFFICE_PAGE_CACHE="true",
            PRESSOFFICE_SIGNING_KEY_FILE=str(signing_key_file()),
            **extra_env,
        )
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "pressoffice.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)  # noqa: S310 - our own server
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def get(self, path, opener=None):
        with (opener or urllib.request.build_opener()).open(self.base + path, timeout=10) as response:
            return response.status, response.read().decode()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)


def logged_in_opener(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    jar = http.cookiejar.CookieJar()
    jar.set_cookie(
        http.cookiejar.Cookie(
            0, settings.SESSION_COOKIE_NAME, session.session_key, None, False, "127.0.0.1", False, False, "/", True,
            False, None, True, None, None, {},
        )
    )  # fmt: skip
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def act(server, opener, version, action, **fields):
    """Run a workflow action through the admin of `server`, as a browser would."""
    path = f"/admin/statements/translation/{version.pk}/act/{action}/"
    _status, page = server.get(path, opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    request = urllib.request.Request(server.base + path, data=data, method="POST")
    with opener.open(request, timeout=10) as response:
        return response.status


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_servers_agree_on_publication_and_withdrawal():
    assert connection.vendor == "postgresql" and settings.REDIS_URL
    editor, publisher = make_staff("Editor"), make_staff("Publisher")
    version = make_version(make_statement(participants=[make_person()]), title="Seen on both", actor=editor)
    workflow.submit_for_review(translation=version, actor=editor)
    first, second = AppServer(), AppServer()
    try:
        _status, before = second.get("/en/statements/")  # now cached on the second server
        assert "Seen on both" not in before
        assert act(first, logged_in_opener(publisher), version, "publish", at="") == 200
        version = Translation.objects.get(pk=version.pk)
        assert version.status == "published"
        assert "Seen on both" in second.get("/en/statements/")[1]
        assert second.get(version.get_absolute_url())[0] == 200
        assert "Seen on both" in second.get("/en/feeds/statements.rss")[1]
        act(first, logged_in_opener(publisher), version, "withdraw", explanation="Superseded by talks.")
        assert "Superseded by talks." in second.get(version.get_absolute_url())[1]
        assert "[Withdrawn] Seen on both" in second.get("/en/feeds/statements.rss")[1]
    finally:
        first.stop()
        second.stop()
