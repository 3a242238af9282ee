"""XSS in a real Chromium: the payloads of tests/xss.py, in every editable field, on the
public pages and admin pages where they appear. No dialog may open, no request may
leave for another host, and the Content Security Policy must never have to block
anything (escaping is the defence; the policy is the second line and should stay idle).
"""

import pytest
from django.conf import settings
from django.urls import reverse

from ..counts import TRIED
from ..factories import make_user
from ..xss import PAYLOADS, build
from .conftest import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def chunks(limit=150):
    """The payloads grouped so that each group fits in the shortest field."""
    group, groups = [], []
    for payload in PAYLOADS:
        if group and len(" ".join([*group, payload])) > limit:
            groups.append(" ".join(group))
            group = []
        group.append(payload)
    groups.append(" ".join(group))
    return groups


GROUPS = chunks()
SEEN = {"pages": 0, "groups": set()}


def pages(w):
    def admin(name, *args):
        return reverse(f"admin:{name}", args=args)

    version, persian = w["version"], w["persian"]
    public = [
        version.get_absolute_url(),
        persian.get_absolute_url(),
        w["withdrawn"].get_absolute_url(),
        "/en/statements/",
        "/en/statements/?q=zxtitlezx",
        "/en/people/person-x/",
        "/fa/topics/topic-x/",
    ]
    staff = [
        f"/{settings.PRESSOFFICE_ADMIN_PATH}",
        admin("statements_translation_change", version.pk),
        admin("statements_statement_change", version.statement_id),
        admin("statements_statement_changelist"),
        admin("statements_person_change", w["person"].pk),
        admin("statements_image_change", w["image"].pk),
        admin("statements_translation_compare", version.pk) + "?a=1&b=2",
        admin("statements_translation_translate", persian.pk),
        admin("statements_auditentry_changelist"),
        admin("statements_translation_preview", version.pk),
    ]
    return public, staff


@pytest.mark.parametrize("group", range(len(GROUPS)))
def test_no_payload_runs_in_chromium(group, browser, live_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = build(GROUPS[group])
    public, staff = pages(w)
    dialogs, violations, foreign = [], [], []

    def watch(page):
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
        )
        page.on(
            "request",
            lambda request: foreign.append(request.url) if not request.url.startswith(live_server.url) else None,
        )

    for pages_to_visit, user in ((public, None), (staff, make_user("chief", superuser=True))):
        context = browser.new_context()
        if user:
            log_in_browser(context, live_server, user)
        page = context.new_page()
        watch(page)
        for path in pages_to_visit:
            response = page.goto(live_server.url + path)
            assert response.status < 400, path
            assert "zx" in page.content(), path  # the payloads are on the page
            # Focus and hover everything a payload could have hooked.
            page.keyboard.press("Tab")
            page.mouse.move(200, 300)
            page.wait_for_timeout(50)
            SEEN["pages"] += 1
        context.close()
    SEEN["groups"].add(group)
    assert dialogs == [], dialogs
    assert violations == [], violations
    assert foreign == [], foreign


@pytest.fixture(scope="module", autouse=True)
def report_xss_in_chromium():
    yield
    if SEEN["pages"]:
        TRIED["XSS in Chromium"] = (
            f"{len(PAYLOADS)} payloads in {len(SEEN['groups'])} groups,"
            f" {SEEN['pages']} page loads, no dialog, no blocked script, no foreign request"
        )


def test_the_policy_blocks_an_injected_inline_script_and_the_watch_sees_it(browser, live_server):
    """Were a payload ever to get through the escaping, the browser would refuse to run it
    — and the watch above would report it."""
    context = browser.new_context()
    page = context.new_page()
    reports = []
    page.on("console", lambda m: reports.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(live_server.url + "/en/")
    ran = page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1;';"
        " document.body.appendChild(s); return window.ran === 1; }"
    )
    page.wait_for_timeout(100)
    context.close()
    assert ran is False
    assert reports and "script-src" in reports[0]
