"""Every public template, in English and Persian, through axe-core (WCAG 2.0–2.2 A/AA:
no violations) and the Nu HTML Checker (no errors); the admin pages this project adds
through axe-core (nothing serious or critical)."""

import datetime

import pytest
from django.utils import timezone, translation

from statements import history, images, workflow
from statements.alerts import criteria as criteria_module
from statements.alerts import mail, tokens
from statements.models import Administration, Country, Image, Role, Subscriber, Subscription
from statements.workflow.quotes import QuoteDraft

from ..factories import appoint, make_person, make_role, make_staff, make_statement, make_topic, make_version
from ..pictures import GOOD, jpeg_upload
from .conftest import ARTIFACTS, axe, log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def picture(name="photo.webp", alt="Delegations at the table"):
    file = jpeg_upload(name, GOOD["photo.webp"]())
    image = Image(alt_text=alt, alt_texts={"fa": "هیئت‌ها دور میز"}, caption="The talks", credit="Office photographer")
    images.store_upload(image, file, images.inspect(file))
    images.save_with_renditions(image)
    return image


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script, which the site's Content Security Policy
    rightly refuses: these checks bypass it. The policy itself is held to account by the
    editorial flows and tests/browser/test_xss_browser.py, which run with it enforced."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def browser_world(db):
    editor, publisher = make_staff("Editor", "editor"), make_staff("Publisher", "publisher")
    role = make_role("President of Northland", names={"fa": "رئیس‌جمهور نورثلند"})
    holt = make_person(
        "Maren Holt", slug="maren-holt", names={"fa": "مارن هولت"}, portrait=picture("p.webp", "Maren Holt")
    )
    appoint(holt, role, datetime.date(2020, 1, 1))
    parent = make_topic("Cooperation", slug="cooperation", names={"fa": "همکاری"})
    topic = make_topic("Trade", slug="trade", parent=parent, names={"fa": "تجارت"})
    country = Country.objects.create(code="XN", name="Northland", names={"fa": "نورثلند"})

    def publish(
        statement, language, title, body="A *first* paragraph.\n\nA second one with a [link](https://example.org)."
    ):
        version = make_version(statement, language=language, title=title, body=body, actor=editor)
        workflow.submit_for_review(translation=version, actor=editor)
        return workflow.publish(translation=version, actor=publisher)

    versions = {}
    for index, day in enumerate([datetime.date(2024, 3, 1), datetime.date(2024, 3, 8), datetime.date(2024, 4, 2)]):
        statement = make_statement(participants=[holt, make_person()], topics=[topic], occurred_on=day,
                                   featured_image=picture(f"s{index}.webp") if index == 0 else None)  # fmt: skip
        statement.countries.add(country)
        versions[index] = {
            "en": publish(statement, "en", f"Maren Holt receives the envoy {index}"),
            "fa": publish(statement, "fa", f"دیدار فرستاده با مارن هولت {index}"),
        }
    corrected = versions[0]["en"]
    latest = corrected.latest_revision()
    workflow.save_draft(translation=corrected, actor=editor, title=latest.title, standfirst="", body="Corrected text.",
                        base_revision=latest.number, is_major=True, change_note="Corrected the date.")  # fmt: skip
    workflow.submit_for_review(translation=corrected, actor=editor)
    workflow.publish(translation=corrected, actor=publisher)
    for language in ("en", "fa"):
        workflow.withdraw(translation=versions[1][language], actor=publisher, explanation="Superseded by later talks.")
        workflow.unpublish(translation=versions[2][language], actor=publisher, reason="published_in_error")
    # Quotes, and history mode: a quoted statement whose administration has since ended.
    quoted = make_statement(participants=[holt], topics=[topic], occurred_on=datetime.date(2024, 5, 6))
    bodies = {
        "en": "Maren Holt met the envoy.\n\nShe said, “Our harbours stay open to every trader.”",
        "fa": "مارن هولت با فرستاده دیدار کرد.\n\nاو گفت: «بندرهای ما به روی همه بازرگانان باز می‌ماند.»",
    }
    words = {"en": "Our harbours stay open to every trader.", "fa": "بندرهای ما به روی همه بازرگانان باز می‌ماند."}
    quotes = {}
    for language in ("en", "fa"):
        version = make_version(quoted, language=language, title=f"Harbour talks {language}", body=bodies[language],
                               actor=editor)  # fmt: skip
        source = quotes.get("en")
        draft = QuoteDraft(speaker=holt, words=words[language], fidelity="translation" if source else "verbatim",
                           source=source)  # fmt: skip
        workflow.save_draft(translation=version, actor=editor, title=version.title, standfirst="",
                            body=bodies[language], base_revision=1, quotes=[draft])  # fmt: skip
        quotes[language] = version.latest_revision().quotes.get().uuid
        workflow.submit_for_review(translation=version, actor=editor)
        versions.setdefault("quoted", {})[language] = workflow.publish(translation=version, actor=publisher)
    Role.objects.filter(pk=role.pk).update(is_government_office=True)
    Administration.objects.create(
        name="first Example", slug="first-example", names={"fa": "نخست نمونه"},
        started_on=datetime.date(2024, 5, 1), ended_on=datetime.date(2024, 12, 31),
    )  # fmt: skip
    history.reassign()
    images.sync_public_files()
    reader = Subscriber.objects.create(email="reader@example.org", language="en")
    subscriptions = {}
    for language in ("en", "fa"):
        with translation.override(language):
            alert_list = criteria_module.list_for({"person": ["maren-holt"]}, language)
        subscriptions[language] = Subscription.objects.create(
            subscriber=reader, alert_list=alert_list, requested_at=timezone.now(), confirmed_at=timezone.now()
        )
    return {"versions": versions, "editor": editor, "publisher": publisher, "subscriptions": subscriptions,
            "quotes": quotes}  # fmt: skip


def page_addresses(browser_world, language):
    versions = browser_world["versions"]
    return {
        "home": f"/{language}/",
        "list with filters": f"/{language}/statements/?topic=trade&kind=readout&date_after=2024-01-01",
        "detail with image and change notes": versions[0][language].get_absolute_url(),
        "detail withdrawn": versions[1][language].get_absolute_url(),
        "person": f"/{language}/people/maren-holt/",
        "detail with quotes and the history banner": versions["quoted"][language].get_absolute_url(),
        "quotes": f"/{language}/quotes/",
        "quote": f"/{language}/quotes/{browser_world['quotes'][language]}/",
        "administration": f"/{language}/administrations/first-example/",
        "topic": f"/{language}/topics/cooperation/",
        "country": f"/{language}/countries/XN/",
        "archive": f"/{language}/archive/2024/",
        "search results": f"/{language}/statements/?q=envoy"
        if language == "en"
        else f"/{language}/statements/?q=فرستاده",
        "400": f"/{language}/statements/?page=abc",
        "404": f"/{language}/no-such-page/",
        "410": versions[2][language].get_absolute_url(),
        "alerts: subscribe": f"/{language}/alerts/subscribe/?person=maren-holt&topic=trade",
        "alerts: confirm": "/{}/alerts/confirm/{}/".format(
            language, tokens.confirm_token(browser_world["subscriptions"][language], "daily")
        ),
        "alerts: unsubscribe": "/{}/alerts/unsubscribe/{}/".format(
            language, tokens.unsubscribe_token(browser_world["subscriptions"][language].subscriber, [0])
        ),
        "alerts: manage": "/{}/alerts/manage/{}/".format(
            language, tokens.manage_token(browser_world["subscriptions"][language].subscriber)
        ),
        "alerts: unknown list (400)": f"/{language}/alerts/subscribe/?person=nobody",
        # /verify/ has no language prefix: its language follows the browser's (English here).
        **({"verify with a result": f"/verify/?edition={versions[0][language].uuid}/1"} if language == "en" else {}),
    }


@pytest.mark.parametrize("language", ["en", "fa"])
def test_public_templates_are_accessible_and_valid(page, live_server, browser_world, vnu, language):
    problems = {}
    for name, path in page_addresses(browser_world, language).items():
        response = page.goto(live_server.url + path)
        expected = {"400": 400, "404": 404, "410": 410, "alerts: unknown list (400)": 400}.get(name, 200)
        assert response.status == expected, (name, response.status)
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
        errors = vnu(response.text(), f"{language}:{name}")  # the HTML as served
        if name == "detail with image and change notes":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"detail-{language}.png"), full_page=True)
        violations = axe(page)
        if violations or errors:
            problems[name] = {"axe": violations, "vnu": errors}
    for name, found in problems.items():
        print(name, found)
    assert problems == {}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_subscribing_without_javascript_and_the_pages_it_leads_to(page, live_server, browser_world, vnu, language):
    """A reader subscribes with the form alone (no script on the page), a wrong address
    first; the error page and the answer pass both checkers, and so does the mail."""
    page.goto(live_server.url + f"/{language}/people/maren-holt/")
    with page.expect_navigation():
        page.get_by_role("link", name="Email alerts" if language == "en" else "هشدار ایمیلی").click()
    problems = {}
    page.fill("input[name=email]", "not an address")
    page.check("input[value=daily]")
    with page.expect_navigation() as wrong:
        page.click("form.alert-form button[type=submit]")
    assert wrong.value.status == 400
    problems["form error"] = vnu(wrong.value.text(), f"{language}:alerts form error") + axe(page)
    page.fill("input[name=email]", f"browser-{language}@example.org")
    with page.expect_navigation() as sent:
        page.click("form.alert-form button[type=submit]")
    assert sent.value.status == 200
    problems["check your inbox"] = vnu(sent.value.text(), f"{language}:alerts sent") + axe(page)
    subscription = Subscription.objects.get(subscriber__email=f"browser-{language}@example.org")
    assert subscription.frequency == "daily" and subscription.alert_list.language == language
    # The mail's HTML part is valid too.
    message = mail.confirmation(subscription, "daily")
    problems["confirmation mail"] = vnu(message.alternatives[0][0], f"{language}:confirmation mail")
    edition = browser_world["versions"][0][language].editions.order_by("-number").first()
    item = mail.edition_item(edition, language)
    alert = mail.alert(subscription.subscriber, [subscription], [item], language=language)
    problems["alert mail"] = vnu(alert.alternatives[0][0], f"{language}:alert mail")
    digest = mail.alert(subscription.subscriber, [subscription], [item, item], language=language, digest="daily")
    problems["digest mail"] = vnu(digest.alternatives[0][0], f"{language}:digest mail")
    problems = {name: found for name, found in problems.items() if found}
    assert problems == {}


def test_admin_pages_have_no_serious_violations(page, live_server, browser_world):
    log_in_browser(page.context, live_server, browser_world["publisher"])
    version = browser_world["versions"][0]["fa"]
    revisions = f"/admin/statements/translation/{version.pk}"
    pages = [
        "/admin/",
        f"{revisions}/translate/",
        "/admin/statements/statement/import/",
        "/admin/statements/translation/matrix/",
        f"{revisions}/revisions/",
        f"{revisions}/revisions/compare/?a=1&b=1",
        f"{revisions}/act/withdraw/",
        f"/admin/statements/translation/{browser_world['versions'][0]['en'].pk}/change/",
        "/admin/statements/alertlist/",
        "/admin/statements/alertrun/",
        "/admin/statements/suppression/",
        "/admin/statements/suppression/add/",
        "/admin/statements/administration/add/",
    ]
    problems = {}
    for path in pages:
        assert page.goto(live_server.url + path).status == 200, path
        serious = [v for v in axe(page) if v["impact"] in ("serious", "critical")]
        if serious:
            problems[path] = serious
    for path, found in problems.items():
        print(path, found)
    assert problems == {}


def test_scheduled_versions_are_not_shown(page, live_server, browser_world):
    editor, publisher = browser_world["editor"], browser_world["publisher"]
    version = make_version(make_statement(participants=[make_person()]), title="Not yet", actor=editor)
    workflow.submit_for_review(translation=version, actor=editor)
    workflow.publish(translation=version, actor=publisher, at=timezone.now() + datetime.timedelta(days=1))
    page.goto(live_server.url + "/en/statements/")
    assert page.get_by_text("Not yet").count() == 0
