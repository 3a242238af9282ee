"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser),
axe-core and the Nu HTML Checker from npm. Marked `browser`; `make test-all` and
.ci/run install what they need."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright and the ORM in one thread

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHECKED = {"axe": set(), "vnu": set()}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }  # fmt: skip


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(autouse=True)
def save_failures(request):
    """A failing browser test leaves a screenshot and the page's HTML in test-artifacts/."""
    yield
    report = getattr(request.node, "report_call", None)
    page = request.node.funcargs.get("page")
    if report is not None and report.failed and page is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name.replace("/", "_")[:120]
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as error:  # noqa: BLE001 - the failure itself is what matters
            print(f"could not save the failing page: {error}")


def axe(page, tags=WCAG) -> list[dict]:
    """axe-core's violations of the WCAG rules on the page as it is."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: tags})", tags)
    CHECKED["axe"].add(page.url)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]  # fmt: skip


@pytest.fixture(scope="session")
def vnu():
    """The Nu HTML Checker as a local server for the session; returns a checking function."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            "java",
            "-Xss4m",
            "-Dnu.validator.servlet.bind-address=127.0.0.1",
            "-cp",
            str(VNU),
            "nu.validator.servlet.Main",
            str(port),
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/?out=json"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)  # noqa: S310 - local checker
            break
        except OSError:
            time.sleep(0.5)

    def check(html: str, label: str) -> list[str]:
        request = urllib.request.Request(  # noqa: S310 - local checker
            url, data=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            messages = json.loads(response.read())["messages"]
        CHECKED["vnu"].add(label)
        return [f"{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]

    yield check
    process.terminate()
    process.wait(timeout=20)


def pytest_terminal_summary(terminalreporter):
    if CHECKED["axe"] or CHECKED["vnu"]:
        axe_count, vnu_count = len(CHECKED["axe"]), len(CHECKED["vnu"])
        terminalreporter.write_line(
            f"browser checks: axe-core on {axe_count} page(s), Nu HTML Checker on {vnu_count} page(s)"
        )


def log_in_browser(context, live_server, user):
    """Give the browser context a logged-in session for `user`."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])
