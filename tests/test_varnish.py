"""A real varnishd (deploy/varnish/default.vcl) in front of gunicorn, on the machine's
PostgreSQL and Redis: publications show within a second, withdrawals and unpublications
are gone at once, unrelated pages stay hits, and staff are never served from or stored in
Varnish. The workflow runs in this process; its purges reach Varnish through the task
queue (the `immediate` backend runs them right after commit)."""

import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from statements import workflow
from statements.models import Translation

from .factories import free_port, make_person, make_staff, make_statement, make_version
from .hub import Hub
from .test_two_servers import AppServer, logged_in_opener

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.varnish, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Varnish:
    """varnishd on a free port, with a working folder of its own, the shipped VCL pointed
    at `backend_port`."""

    def __init__(self, folder: Path, backend_port: int, port: int):
        binary = shutil.which("varnishd") or "/usr/sbin/varnishd"
        vcl = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
        assert '.port = "8000";' in vcl
        (folder / "default.vcl").write_text(vcl.replace('.port = "8000";', f'.port = "{backend_port}";'))
        self.port, self.base = port, f"http://127.0.0.1:{port}"
        self.log = open(folder / "varnishd.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [binary, "-F", "-j", "none", "-n", str(folder / "work"), "-a", f"127.0.0.1:{port}",
             "-f", str(folder / "default.vcl"), "-s", "malloc,64m", "-T", "none"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("varnishd did not start: " + (folder / "varnishd.log").read_text())

    def get(self, path, opener=None):
        """(status, headers, body) of a GET through Varnish."""
        try:
            with (opener or urllib.request.build_opener()).open(self.base + path, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def ready(editor, title, person):
    version = make_version(make_statement(participants=[person]), title=title, actor=editor)
    workflow.submit_for_review(translation=version, actor=editor)
    return version


def within(seconds, check):
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


@pytest.fixture
def hub():
    stand_in = Hub()
    yield stand_in
    stand_in.stop()


def test_varnish_in_front_purged_by_tag(tmp_path, hub):
    assert connection.vendor == "postgresql" and settings.REDIS_URL
    editor, publisher = make_staff("Editor"), make_staff("Publisher")
    holt, vell = make_person("Maren Holt", slug="maren-holt"), make_person("Tomas Vell", slug="tomas-vell")
    first = ready(editor, "Holt at the table", holt)
    second = ready(editor, "Vell at the table", vell)
    workflow.publish(translation=first, actor=publisher)
    workflow.publish(translation=second, actor=publisher)
    first, second = Translation.objects.get(pk=first.pk), Translation.objects.get(pk=second.pk)

    varnish_port = free_port()
    purge_url = f"http://127.0.0.1:{varnish_port}/"
    app = AppServer(PRESSOFFICE_PURGE_URLS=purge_url)
    varnish = None
    try:
        varnish = Varnish(tmp_path, app.port, varnish_port)
        pages = ["/en/statements/", "/en/feeds/statements.rss", first.get_absolute_url(), "/en/people/maren-holt/",
                 second.get_absolute_url(), "/en/people/tomas-vell/"]  # fmt: skip
        for path in pages:
            status, headers, _body = varnish.get(path)
            assert status == 200 and headers["X-Cache"] == "MISS", path
            status, headers, _body = varnish.get(path)
            assert headers["X-Cache"] == "HIT" and "s-maxage=3600" in headers["Cache-Control"], path

        with override_settings(PRESSOFFICE_PURGE_URLS=[purge_url], PRESSOFFICE_WEBSUB_HUB_URL=hub.url):
            third = ready(editor, "Vell again at the table", vell)
            workflow.publish(translation=third, actor=publisher)  # commits; purge, then pings
            third = Translation.objects.get(pk=third.pk)
            for path in ["/en/statements/", "/en/feeds/statements.rss", "/en/people/tomas-vell/"]:
                assert within(1, lambda path=path: "Vell again at the table" in varnish.get(path)[2]), path
            assert "Vell again at the table" in varnish.get(third.get_absolute_url())[2]
            assert hub.arrived >= 3  # the pings went out after the purge succeeded
            # Unrelated pages are still Varnish's copies.
            for path in [first.get_absolute_url(), "/en/people/maren-holt/", second.get_absolute_url()]:
                _status, headers, _body = varnish.get(path)
                assert headers["X-Cache"] == "HIT" and int(headers["Age"]) >= 0, path

            # A withdrawal is on the page at the very next request: no grace, no stale copy.
            workflow.withdraw(translation=second, actor=publisher, explanation="Replaced by a later account.")
            _status, headers, body = varnish.get(second.get_absolute_url())
            assert "Replaced by a later account." in body and headers["X-Cache"] == "MISS"
            # An unpublication: gone from its page, the list and the feed at once.
            workflow.unpublish(
                translation=Translation.objects.get(pk=first.pk), actor=publisher, reason="published_in_error"
            )
            assert varnish.get(first.get_absolute_url())[0] == 410
            assert "Holt at the table" not in varnish.get("/en/statements/")[2]
            assert "Holt at the table" not in varnish.get("/en/feeds/statements.rss")[2]
            assert "Holt at the table" not in varnish.get("/en/people/maren-holt/")[2]

        # Staff: passed to the app every time, and nothing they get is stored.
        staff = logged_in_opener(editor)
        fresh = "/en/statements/?kind=readout"
        for _ in range(2):
            status, headers, _body = varnish.get(fresh, staff)
            assert status == 200 and headers["X-Cache"] == "MISS"
        assert varnish.get(fresh)[1]["X-Cache"] == "MISS"  # the staff copy was not kept
        assert varnish.get(fresh)[1]["X-Cache"] == "HIT"

        # Purges come from the app servers only.
        request = urllib.request.Request(varnish.base + "/", method="PURGE", headers={"xkey-purge": "site"})
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own varnishd
            assert response.status == 200  # 127.0.0.1 is in the purgers ACL
    finally:
        if varnish is not None:
            varnish.stop()
        app.stop()
