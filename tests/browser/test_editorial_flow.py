"""The editorial flow through the admin's own pages, by clicking and typing only (the
accounts and people are set up beforehand), then what readers see."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image as PillowImage
from playwright.sync_api import expect

from statements.models import Statement, Translation

from ..factories import appoint, make_person, make_role, make_staff, make_topic
from .conftest import ARTIFACTS, log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SEED = (Path(settings.BASE_DIR) / "statements" / "demo" / "readout-2023-11-06-leader-iraq-pm.txt").read_text()


@pytest.fixture
def newsroom(db):
    khamenei = make_person("Ali Khamenei", slug="ali-khamenei", aliases=["Khamenei", "Ayatollah Khamenei"])
    sudani = make_person("Mohammad Shia al-Sudani", slug="sudani", aliases=["al-Sudani", "Mohammad Shiaa’ al-Sudani"])
    raisi = make_person("Ebrahim Raisi", slug="raisi", aliases=["Raisi"])
    appoint(raisi, make_role("President of Iran"), datetime.date(2021, 8, 3), datetime.date(2024, 5, 19))
    make_topic("Gaza", slug="gaza")
    make_topic("Arbaeen pilgrimage", slug="arbaeen")
    return {
        "editor": make_staff("Editor", "editor"),
        "editor2": make_staff("Editor", "editor2"),
        "translator": make_staff("Translator", "translator", languages=["fa"]),
        "publisher": make_staff("Publisher", "publisher"),
        "people": (khamenei, sudani, raisi),
    }


CSP_VIOLATIONS = []


@pytest.fixture(autouse=True)
def no_csp_violations():
    """The admin's widgets (autocomplete, focal point, date pickers) work under the
    Content Security Policy: the browser never has to block anything."""
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == []


def as_user(browser, live_server, user):
    context = browser.new_context()
    log_in_browser(context, live_server, user)
    page = context.new_page()
    page.on("console", lambda m: CSP_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None)
    page.set_default_timeout(15000)
    return page


def run_action(page, label, **fields):
    page.get_by_role("link", name=label, exact=True).click()
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.locator("#content-main input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("done")


def pick(page, field, typed, choice):
    """Choose a value in one of the admin's autocomplete (select2) widgets by typing."""
    page.locator(f"#id_{field}").locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-search__field").last.fill(typed)
    page.locator(".select2-results__option", has_text=choice).first.click()


def test_import_review_publish_correct_withdraw(browser, live_server, newsroom, tmp_path):
    url = live_server.url
    editor = as_user(browser, live_server, newsroom["editor"])

    # The editor imports a readout from pasted text and confirms what was found.
    editor.goto(url + "/admin/statements/statement/")
    editor.get_by_role("link", name="Import readouts").click()
    editor.fill("textarea[name=text]", SEED)
    editor.get_by_role("button", name="Read the readouts").click()
    expect(editor.locator("input[name=readout-0-title]")).to_have_value(re.compile("^The Leader of the Islamic"))
    expect(editor.locator("input[name=readout-0-occurred_on]")).to_have_value("2023-11-06")
    editor.get_by_role("button", name="Create the drafts").click()
    editor.locator(".import-results a").first.click()
    statement = Statement.objects.get()
    assert statement.participations.count() == 3

    # The editor uploads a photo with its alt text, then tags the statement with another
    # topic and the photo through the autocomplete widgets.
    photo = tmp_path / "talks.jpg"
    PillowImage.new("RGB", (1600, 900), (30, 90, 160)).save(photo, "JPEG")
    editor.goto(url + "/admin/statements/image/add/")
    editor.set_input_files("input[name=upload]", str(photo))
    editor.fill("input[name=alt_text]", "Delegations around the table")
    editor.fill("input[name=alt_texts_fa]", "هیئت‌ها دور میز")  # Persian readers get their own description
    editor.locator("input[name=_save]").click()
    expect(editor.locator(".messagelist")).to_be_visible()
    editor.goto(url + f"/admin/statements/statement/{statement.pk}/change/")
    pick(editor, "topics", "Arba", "Arbaeen")
    pick(editor, "featured_image", "Delegations", "Delegations around the table")
    editor.locator("input[name=_continue]").click()
    expect(editor.locator(".messagelist")).to_be_visible()
    statement.refresh_from_db()
    assert statement.featured_image.alt_text == "Delegations around the table"
    assert {t.slug for t in statement.topics.all()} == {"gaza", "arbaeen"}

    # The editor opens the English version and submits it for review.
    editor.locator("a.inlinechangelink").first.click()
    run_action(editor, "Submit for review")
    version = Translation.objects.get(statement=statement, language="en")
    assert version.status == "in_review"

    # A second editor sees no way to publish it.
    other = as_user(browser, live_server, newsroom["editor2"])
    other.goto(url + f"/admin/statements/translation/{version.pk}/change/")
    expect(other.locator(".workflow-actions")).to_have_count(0)

    # The publisher publishes it now.
    publisher = as_user(browser, live_server, newsroom["publisher"])
    publisher.goto(url + f"/admin/statements/translation/{version.pk}/change/")
    run_action(publisher, "Publish")
    version.refresh_from_db()
    assert version.is_public

    # A translator starts the Persian version from the statement page, writes it side by
    # side (right-to-left fields) and submits it; the publisher schedules it for tomorrow.
    translator = as_user(browser, live_server, newsroom["translator"])
    translator.goto(url + f"/admin/statements/statement/{statement.pk}/change/")
    translator.get_by_role("link", name="fa", exact=True).click()
    translator.get_by_role("button", name="Start the translation").click()
    expect(translator.locator("textarea[name=p0]")).to_have_attribute("dir", "rtl")
    translator.fill("input[name=title]", "دیدار نخست‌وزیر عراق با رهبر انقلاب")
    for index in range(11):
        translator.fill(f"textarea[name=p{index}]", f"بند {index + 1} ترجمه")
    translator.get_by_role("button", name="Save and submit for review").click()
    expect(translator.locator(".messagelist")).to_contain_text("sent for review")
    persian = Translation.objects.get(statement=statement, language="fa")
    assert persian.status == "in_review" and persian.source_revision_id == version.live_revision_id
    publisher.goto(url + f"/admin/statements/translation/{persian.pk}/change/")
    publisher.get_by_role("link", name="Publish", exact=True).click()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    publisher.fill("[name=at]", f"{tomorrow.isoformat()}T09:00")
    publisher.locator("#content-main input[type=submit]").click()
    expect(publisher.locator(".errornote")).to_contain_text("at 09:00, UTC time (UTC+00:00)")
    publisher.locator("#content-main input[type=submit]").click()  # confirms the time read back in words
    expect(publisher.locator("#content-main")).to_contain_text("Scheduled: will go live at")
    persian.refresh_from_db()
    assert persian.is_scheduled() and not persian.is_public

    # Readers find it in the list, filtered by participant, on the person page and in RSS.
    reader = browser.new_context().new_page()
    reader.goto(url + "/en/statements/?person=sudani&topic=gaza")
    expect(reader.locator("article h3 a")).to_have_text(re.compile("The Leader of the Islamic"))
    reader.goto(url + "/en/people/sudani/")
    expect(reader.locator("article h3 a").first).to_contain_text("Prime Minister of Iraq")
    rss = reader.request.get(url + "/en/feeds/statements.rss").text()
    assert f"urn:uuid:{version.uuid}" in rss

    # A major correction with a change note shows on the page.
    editor.goto(url + f"/admin/statements/translation/{version.pk}/change/")
    body = editor.locator("textarea[name=body]")
    body.fill(body.input_value().replace("Arbaeen", "Arbaeen pilgrimage"))
    editor.check("input[name=is_major]")
    editor.fill("textarea[name=change_note]", "Named the pilgrimage in full.")
    editor.locator("input[name=_continue]").click()
    run_action(editor, "Submit for review")
    publisher.goto(url + f"/admin/statements/translation/{version.pk}/change/")
    run_action(publisher, "Publish")
    reader = browser.new_context().new_page()  # a reader arriving now (no browser cache)
    reader.goto(url + version.get_absolute_url())
    expect(reader.locator(".history")).to_contain_text("Named the pilgrimage in full.")
    expect(reader.locator(".body")).to_contain_text("Arbaeen pilgrimage")

    # Quotes are records: the import confirmed the Leader's and al-Sudani's. Correcting a
    # quote's words (in the text and in its inline) takes a major correction; the publisher
    # ticks the change on the publish screen and the workflow writes the history line.
    assert version.live_revision.quotes.filter(is_confirmed=True).count() == 7
    editor.goto(url + f"/admin/statements/translation/{version.pk}/change/")
    body = editor.locator("textarea[name=body]")
    body.fill(body.input_value().replace("can play a special role", "can play a key role"))
    words = editor.locator("textarea[name=quotes-0-words]")
    words.fill(words.input_value().replace("can play a special role", "can play a key role"))
    editor.check("input[name=is_major]")
    editor.fill("textarea[name=change_note]", "Corrected the Leader's words.")
    editor.locator("input[name=_continue]").click()
    run_action(editor, "Submit for review")
    publisher.goto(url + f"/admin/statements/translation/{version.pk}/change/")
    publisher.get_by_role("link", name="Publish", exact=True).click()
    expect(publisher.locator("#content-main")).to_contain_text("can play a key role")
    publisher.locator("input[name=confirmed_quotes]").check()
    publisher.locator("#content-main input[type=submit]").click()
    expect(publisher.locator(".messagelist")).to_contain_text("done")
    reader = browser.new_context().new_page()
    reader.goto(url + version.get_absolute_url())
    expect(reader.locator(".history")).to_contain_text("Quote by Ali Khamenei corrected")
    expect(reader.locator(".quotes")).to_contain_text("can play a key role")

    # A withdrawal shows its notice on top.
    publisher.goto(url + f"/admin/statements/translation/{version.pk}/change/")
    run_action(publisher, "Withdraw", explanation="Superseded by a later readout.")
    reader = browser.new_context().new_page()
    reader.goto(url + version.get_absolute_url())
    expect(reader.locator(".withdrawn-notice")).to_contain_text("Superseded by a later readout.")


def test_two_editors_editing_at_once_keep_both_texts(browser, live_server, newsroom):
    from statements import workflow

    from ..factories import make_statement, make_version

    version = make_version(
        make_statement(participants=[newsroom["people"][0]]), body="Start.", actor=newsroom["editor"]
    )
    workflow.submit_for_review  # noqa: B018 - the version stays a draft: both may edit
    first = as_user(browser, live_server, newsroom["editor"])
    second = as_user(browser, live_server, newsroom["editor2"])
    address = live_server.url + f"/admin/statements/translation/{version.pk}/change/"
    first.goto(address)
    second.goto(address)
    first.fill("textarea[name=body]", "First editor's text.")
    first.locator("input[name=_continue]").click()
    expect(first.locator(".messagelist")).to_be_visible()
    second.fill("textarea[name=body]", "Second editor's text.")
    second.locator("input[name=_continue]").click()
    expect(second.locator("#content-main")).to_contain_text("saved a newer revision")
    expect(second.locator("textarea[name=body]")).to_have_value("Second editor's text.")
    expect(second.locator(".conflict")).to_contain_text("First editor's text.")
    second.locator("input[name=_continue]").click()  # having seen both, the second saves on purpose
    expect(second.locator(".messagelist")).to_be_visible()
    bodies = list(version.revisions.order_by("number").values_list("body", flat=True))
    assert bodies == ["Start.", "First editor's text.", "Second editor's text."]


def test_reader_filters_with_the_keyboard_and_switches_to_persian(browser, live_server, newsroom):
    from statements import workflow

    from ..factories import make_statement, make_version

    sudani = newsroom["people"][1]
    for index in range(23):
        statement = make_statement(participants=[sudani], occurred_on=datetime.date(2024, 1, 1 + index))
        version = make_version(statement, title=f"Readout number {index}", actor=newsroom["editor"])
        workflow.submit_for_review(translation=version, actor=newsroom["editor"])
        workflow.publish(translation=version, actor=newsroom["publisher"])
        if index == 0:
            fa = make_version(statement, language="fa", title="گزارش دیدار", actor=newsroom["editor"])
            workflow.submit_for_review(translation=fa, actor=newsroom["editor"])
            workflow.publish(translation=fa, actor=newsroom["publisher"])
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server.url + "/en/statements/")
    page.locator("#f-person-list input[type=checkbox]").first.focus()
    page.keyboard.press("Space")  # the first (and only public) participant
    expect(page.locator("#f-person-find")).to_be_visible()  # the script shows the narrowing box
    page.locator("#f-date-after").focus()
    page.keyboard.type("01012024")
    page.locator("#f-date-before").focus()
    page.keyboard.type("01312024")  # Chromium's date field takes month, day, year here
    page.locator("form.filters button").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"person=sudani.*date_after=2024-01-01.*date_before=2024-01-31"))
    expect(page.locator(".result-count")).to_contain_text("23 statements")
    page.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.locator("article h3 a")).to_have_count(3)
    page.get_by_role("link", name="Subscribe").count()  # the line is there with its links
    page.locator("p.subscribe a", has_text="RSS").click()
    assert "<rss" in page.content() or "rss" in page.url
    page.goto(live_server.url + "/en/")
    page.locator("nav.languages a[hreflang=fa]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    nav = page.locator(".site-nav").bounding_box()
    name = page.locator(".site-name").bounding_box()
    assert name["x"] > nav["x"]  # right to left: the site name comes first, on the right
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-fa.png"))
    page.locator("#site-search-q").fill("گزارش")
    page.keyboard.press("Enter")
    expect(page.locator("article h3 a")).to_have_text("گزارش دیدار")
