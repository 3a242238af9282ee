"""The desk in a real Chromium: a publisher meets the "newer revision than reviewed"
refusal and follows its offer; a translator asks for machine-translation suggestions
(the dummy translator) and cannot submit them unchanged; a keyboard-only publisher
schedules a version in the office's time zone; the changed admin and public pages pass
axe-core and the Nu HTML Checker in English and Persian."""

import datetime

import pytest
from playwright.sync_api import expect

from statements import workflow
from statements.models import Translation

from ..factories import edit_text, make_country, make_person, make_public, make_staff, make_statement, make_version
from .conftest import axe, log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DUMMY = {"CLASS": "statements.machine_translation.DummyTranslator", "OPTIONS": {}}


@pytest.fixture
def desk(db):
    return {
        "editor": make_staff("Editor", "editor"),
        "editor2": make_staff("Editor", "editor2"),
        "translator": make_staff("Translator", "translator", languages=["fa"]),
        "publisher": make_staff("Publisher", "publisher"),
        "publisher2": make_staff("Publisher", "publisher2"),
    }


def as_user(browser, live_server, user, **context_args):
    # axe-core is injected as an inline script, which the Content Security Policy rightly
    # refuses: these contexts bypass it (the editorial flows run with it enforced).
    context = browser.new_context(bypass_csp=True, **context_args)
    log_in_browser(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def admin(live_server, version, action=None):
    base = f"{live_server.url}/admin/statements/translation/{version.pk}"
    return f"{base}/act/{action}/" if action else f"{base}/change/"


def test_publisher_meets_the_newer_revision_refusal_and_reviews_the_newest(browser, live_server, desk):
    version = make_version(make_statement(participants=[make_person()]), title="Harbour talks", actor=desk["editor"])
    workflow.submit_for_review(translation=version, actor=desk["editor"])
    publisher = as_user(browser, live_server, desk["publisher"])
    publisher.goto(admin(live_server, version, "publish"))
    expect(publisher.locator("#goes-live")).to_contain_text("Revision 1 goes live")
    # Meanwhile a colleague saves a newer text.
    edit_text(version, desk["editor2"], "A paragraph, corrected during review.")
    publisher.locator("#content-main input[type=submit]").click()
    refusal = publisher.locator(".errornote")
    expect(refusal).to_have_count(1)  # said once, with the way on
    expect(refusal).to_contain_text("Revision 2 was saved after revision 1 was submitted for review")
    assert Translation.objects.get(pk=version.pk).live_revision is None
    assert [v for v in axe(publisher) if v["impact"] in ("serious", "critical")] == []
    publisher.get_by_role("link", name="Submit revision 2 for review").click()
    publisher.locator("#content-main input[type=submit]").click()
    expect(publisher.locator(".messagelist")).to_contain_text("done")
    second = as_user(browser, live_server, desk["publisher2"])
    second.goto(admin(live_server, version, "publish"))
    expect(second.locator("#goes-live")).to_contain_text("Revision 2 goes live")
    expect(second.locator(".diff-lines ins", has_text="corrected during review")).to_have_count(1)
    second.locator("#content-main input[type=submit]").click()
    expect(second.locator(".messagelist")).to_contain_text("done")
    live = Translation.objects.get(pk=version.pk)
    assert live.is_public and live.live_revision.number == 2


def test_translator_asks_for_suggestions_and_cannot_submit_them_unchanged(browser, live_server, desk, settings, vnu):
    settings.PRESSOFFICE_MACHINE_TRANSLATOR = DUMMY
    english = make_public(desk, title="Harbour talks")
    persian = workflow.start_translation(source=english, language="fa", actor=desk["translator"], prefill=False)
    translator = as_user(browser, live_server, desk["translator"], locale="fa-IR")
    translator.goto(f"{live_server.url}/admin/statements/translation/{persian.pk}/translate/")
    translator.fill("input[name=title]", "گفت‌وگوی بندر")
    translator.locator("input[name=suggest_all]").click()
    expect(translator.locator("textarea[name=p0]")).to_have_value("[fa] A paragraph.")
    expect(translator.locator("#id_p0_machine")).to_be_visible()
    expect(translator.locator("input[name=title]")).to_have_value("گفت‌وگوی بندر")  # the translator's text kept
    errors = vnu(translator.content(), "fa:side by side with suggestions")
    violations = [v for v in axe(translator) if v["impact"] in ("serious", "critical")]
    assert (errors, violations) == ([], [])
    translator.locator("input[name=submit]").click()
    expect(translator.locator(".errornote")).to_be_visible()  # saved, but not sent for review
    assert Translation.objects.get(pk=persian.pk).status == "draft"
    translator.fill("textarea[name=p0]", "یک بند ترجمه‌شده به دست مترجم.")
    translator.locator("input[name=submit]").click()
    expect(translator.locator(".messagelist")).to_be_visible()
    assert Translation.objects.get(pk=persian.pk).status == "in_review"


def test_keyboard_only_publisher_schedules_in_the_offices_time_zone(browser, live_server, desk, settings):
    settings.TIME_ZONE = "Asia/Tehran"
    version = make_version(make_statement(participants=[make_person()]), title="Later talks", actor=desk["editor"])
    workflow.submit_for_review(translation=version, actor=desk["editor"])
    publisher = as_user(browser, live_server, desk["publisher"])
    publisher.goto(admin(live_server, version, "publish"))
    expect(publisher.locator("label[for=id_at]")).to_contain_text("Asia/Tehran")
    for _ in range(40):  # Tab through the page to the time field, as a keyboard user does
        publisher.keyboard.press("Tab")
        if publisher.evaluate("document.activeElement.name") == "at":
            break
    assert publisher.evaluate("document.activeElement.name") == "at"
    # Chromium's datetime-local field here: month, day, year, then hour, minute, AM/PM.
    for key in [*"01042099", "ArrowRight", *"0900", "A"]:
        publisher.keyboard.press(key)
    assert publisher.input_value("[name=at]") == "2099-01-04T09:00"  # sent as ISO, read in the office's zone
    publisher.keyboard.press("Enter")  # submits the form
    expect(publisher.locator(".errornote")).to_contain_text(
        "Sunday 4 January 2099 at 09:00, Asia/Tehran time (UTC+03:30)"
    )
    assert Translation.objects.get(pk=version.pk).published_at is None
    publisher.locator("#content-main input[type=submit]").focus()
    publisher.keyboard.press("Enter")  # confirms the time read back in words
    expect(publisher.locator(".messagelist")).to_contain_text("Scheduled: goes live on Sunday 4 January 2099 at 09:00")
    scheduled = Translation.objects.get(pk=version.pk)
    assert scheduled.published_at == datetime.datetime(2099, 1, 4, 5, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_changed_admin_pages_pass_axe_and_the_nu_checker(browser, live_server, desk, vnu, language):
    live = make_public(desk, title="Harbour talks")
    edit_text(live, desk["editor"], "A corrected paragraph.")
    workflow.submit_for_review(translation=live, actor=desk["editor"])
    sent_back = make_version(make_statement(participants=[make_person()]), title="Sent back", actor=desk["editor"])
    workflow.submit_for_review(translation=sent_back, actor=desk["editor"])
    workflow.reject(translation=sent_back, actor=desk["publisher"], reason="Check the names.")
    workflow.create_preview_link(translation=sent_back, actor=desk["editor"], note="Protocol office")
    country = make_country("XN", "Northland", names={"fa": "نورثلند"})
    pages = {
        "publish screen with its diff": admin(live_server, live, "publish"),
        "dashboard with sent back": f"{live_server.url}/admin/",
        "version sent back, with its preview link": admin(live_server, sent_back),
        "country, per-language names": f"{live_server.url}/admin/statements/country/{country.pk}/change/",
        "versions list": f"{live_server.url}/admin/statements/translation/",
        "statements list": f"{live_server.url}/admin/statements/statement/",
    }
    page = as_user(browser, live_server, desk["editor"], locale="fa-IR" if language == "fa" else "en-GB")
    publisher = as_user(browser, live_server, desk["publisher"], locale="fa-IR" if language == "fa" else "en-GB")
    problems = {}
    for name, url in pages.items():
        viewer = publisher if name == "publish screen with its diff" else page
        response = viewer.goto(url)
        assert response.status == 200, name
        errors = vnu(response.text(), f"{language}:admin {name}")
        violations = axe(viewer)
        if errors or violations:
            problems[name] = {"vnu": errors, "axe": violations}
    for name, found in problems.items():
        print(name, found)
    assert problems == {}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_changed_public_pages_pass_axe_and_the_nu_checker(browser, live_server, desk, vnu, language, monkeypatch):
    from statements import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    english = make_public(desk, title="Harbour talks", location="Harbour City")
    english.statement.location_names = {"fa": "شهر بندری"}
    english.statement.save()
    persian = workflow.start_translation(source=english, language="fa", actor=desk["translator"])
    workflow.save_draft(translation=persian, actor=desk["translator"], title="گفت‌وگوی بندر", standfirst="",
                        body="یک بند.", base_revision=1)  # fmt: skip
    workflow.submit_for_review(translation=persian, actor=desk["translator"])
    workflow.publish(translation=persian, actor=desk["publisher"])
    edit_text(english, desk["editor"], "A newer paragraph.", is_major=True, change_note="Added the outcome.")
    workflow.submit_for_review(translation=english, actor=desk["editor"])
    workflow.publish(translation=english, actor=desk["publisher"], major=True, change_note="Added the outcome.")
    for n in range(4):
        make_public(desk, title=f"Talks {n}", language=language)
    detail = Translation.objects.get(pk=(persian if language == "fa" else english).pk).get_absolute_url()
    pages = {"detail (outdated notice on fa)": detail, "list, page 2 of 3": f"/{language}/statements/?page=2"}
    reader = browser.new_context(bypass_csp=True, locale="fa-IR" if language == "fa" else "en-GB").new_page()
    problems = {}
    for name, path in pages.items():
        response = reader.goto(live_server.url + path)
        assert response.status == 200, name
        errors = vnu(response.text(), f"{language}:{name}")
        violations = axe(reader)
        if errors or violations:
            problems[name] = {"vnu": errors, "axe": violations}
    if language == "fa":
        reader.goto(live_server.url + detail)
        expect(reader.locator(".outdated-notice a")).to_have_attribute("hreflang", "en")
    assert problems == {}
