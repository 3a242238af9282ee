"""/verify/ in Chromium with the site's Content Security Policy enforced: the browser checks
the signed edition again with WebCrypto's Ed25519 and says so."""

import pytest

from statements import workflow

from ..factories import make_person, make_staff, make_statement, make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def signed(db):
    editor, publisher = make_staff("Editor", "editor"), make_staff("Publisher", "publisher")
    version = make_version(
        make_statement(participants=[make_person("Ilse Varga")]),
        title="Ilse Varga receives the envoy",
        body="The talks covered river trade.\n\nBoth sides agreed to meet again.",
        actor=editor,
    )
    workflow.submit_for_review(translation=version, actor=editor)
    return workflow.publish(translation=version, actor=publisher)


def test_the_browser_verifies_the_signature_itself(page, live_server, signed):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + signed.get_absolute_url())
    page.get_by_role("link", name="Verify this statement").click()
    status = page.locator(".verify-browser")
    status.and_(page.locator("[data-browser-check]")).wait_for()
    assert status.get_attribute("data-browser-check") == "valid", status.text_content()
    assert "Checked again in your browser" in status.text_content()
    assert "Verified: this matches edition 1" in page.content()
    # A pasted text: the server finds the edition, the browser compares the words.
    page.goto(live_server.url + "/verify/")
    page.get_by_label("The statement's text, or its edition address").fill(
        "The talks covered river trade.\nBoth sides agreed to meet again."
    )
    page.get_by_role("button", name="Verify").click()
    status = page.locator(".verify-browser[data-browser-check]")
    status.wait_for()
    assert status.get_attribute("data-browser-check") == "valid"
    assert "The text you pasted is the record’s text." in status.text_content()
    assert not [e for e in errors if "Content Security Policy" in e], errors
