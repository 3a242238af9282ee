"""Machine-translation suggestions for translators: off by default; the dummy translator
and the LibreTranslate client (against a stand-in service on loopback); confirmed quotes
never sent; every request logged; bad answers and failures refused with the
translator's text untouched; an unchanged suggestion cannot be submitted."""

import logging

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from statements import machine_translation, workflow
from statements.models import AuditEntry, MachineSuggestion, Translation
from statements.workflow.quotes import QuoteDraft

from .factories import make_person, make_public, make_version, review_and_publish
from .translator_stub import TranslatorStub

pytestmark = pytest.mark.django_db

DUMMY = {"CLASS": "statements.machine_translation.DummyTranslator", "OPTIONS": {}}
SOURCE = "\n\n".join(
    [
        "The two sides met in the harbour city.",
        "Holt said “we build bridges” to the press.",
        "They agreed to meet again.",
    ]
)


@pytest.fixture
def stub():
    server = TranslatorStub()
    yield server
    server.stop()


@pytest.fixture
def libre(stub, settings):
    settings.PRESSOFFICE_MACHINE_TRANSLATOR = {
        "CLASS": "statements.machine_translation.LibreTranslateTranslator",
        "OPTIONS": {"url": stub.url, "api_key": "k-123", "timeout": 1},
    }
    return stub


@pytest.fixture
def persian(staff, people):
    """A public English original with a confirmed quote, and a Persian draft started from it."""
    speaker = make_person("Maren Holt")
    statement_version = make_version(title="Harbour talks", body=SOURCE, actor=staff["editor"])
    statement_version.statement.participations.create(person=speaker, position=0)
    latest = statement_version.revisions.get()
    workflow.save_draft(
        translation=statement_version,
        actor=staff["editor"],
        title=latest.title,
        standfirst="",
        body=SOURCE,
        base_revision=1,
        quotes=[QuoteDraft(speaker=speaker, words="we build bridges")],
    )
    review_and_publish(statement_version, staff)
    return workflow.start_translation(source=statement_version, language="fa", actor=people["translator"])


def url(version):
    return reverse("admin:statements_translation_translate", args=[version.pk])


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def posted(version, **fields):
    latest = version.latest_revision()
    data = {"title": "گفت‌وگوی بندر", "standfirst": "", "slug": "", "base_revision": str(latest.number)}
    data.update({f"p{i}": "" for i in range(3)})
    data.update(fields)
    return data


def test_machine_translation_is_off_by_default(client, people, persian, settings):
    assert settings.PRESSOFFICE_MACHINE_TRANSLATOR is None
    client.force_login(people["translator"])
    html = page(client.get(url(persian)))
    assert html.select("button[name=suggest], input[name=suggest_all]") == []
    response = client.post(url(persian), posted(persian, suggest="0"))
    assert "Machine translation is not available" in page(response).select_one(".errornote").text
    assert not AuditEntry.objects.filter(action="machine_translation").exists()


def test_suggestion_for_one_paragraph_with_the_dummy_translator_is_marked_and_not_saved(
    client, people, persian, settings
):
    settings.PRESSOFFICE_MACHINE_TRANSLATOR = DUMMY
    client.force_login(people["translator"])
    revisions = persian.revisions.count()
    response = client.post(url(persian), posted(persian, p2="ترجمهٔ من", suggest="0"))
    html = page(response)
    assert html.select_one("textarea[name=p0]").text.strip() == "[fa] The two sides met in the harbour city."
    assert html.select_one("textarea[name=p2]").text.strip() == "ترجمهٔ من"  # the translator's own text stays
    assert "Machine translation — review before publishing." in html.select_one("#id_p0_machine").text
    assert html.select_one("#id_p2_machine") is None
    assert persian.revisions.count() == revisions
    entry = AuditEntry.objects.get(action="machine_translation")
    assert entry.actor == people["translator"] and entry.translation_id == persian.pk
    assert entry.changes == {
        "characters": len("The two sides met in the harbour city."),
        "paragraphs": 1,
        "service": "DummyTranslator",
    }


def test_suggest_all_fills_untranslated_paragraphs_only(client, people, persian, settings):
    settings.PRESSOFFICE_MACHINE_TRANSLATOR = DUMMY
    client.force_login(people["translator"])
    data = posted(persian, p0="The two sides met in the harbour city.", p1="بند دوم از من", suggest_all="1")
    html = page(client.post(url(persian), data))
    assert html.select_one("textarea[name=p0]").text.strip().startswith("[fa] ")
    assert html.select_one("textarea[name=p1]").text.strip() == "بند دوم از من"
    assert html.select_one("textarea[name=p2]").text.strip() == "[fa] They agreed to meet again."


def test_unchanged_suggestion_cannot_be_submitted_until_edited(client, people, persian, settings):
    settings.PRESSOFFICE_MACHINE_TRANSLATOR = DUMMY
    client.force_login(people["translator"])
    suggested = page(client.post(url(persian), posted(persian, suggest_all="1")))
    data = posted(persian, **{f"p{i}": suggested.select_one(f"textarea[name=p{i}]").text.strip() for i in range(3)})
    response = client.post(url(persian), {**data, "submit": "1"})
    assert response.status_code == 200
    assert (
        "Paragraph 1, 2, 3 is still the machine translation as suggested"
        in page(response).select_one(".errornote").text
    )
    version = Translation.objects.get(pk=persian.pk)
    assert version.status == "draft"
    with pytest.raises(workflow.TransitionError, match="still the machine translation"):
        workflow.submit_for_review(translation=version, actor=people["translator"])
    # Reviewed and made the translator's own: it goes.
    edited = {
        **data,
        "p0": "دو طرف در شهر بندری دیدار کردند.",
        "p1": "هولت گفت ⟦we build bridges⟧.",
        "p2": "قرار شد دوباره دیدار کنند.",
    }
    edited["base_revision"] = str(version.latest_revision().number)
    client.post(url(persian), {**edited, "submit": "1"})
    assert Translation.objects.get(pk=persian.pk).status == "in_review"


def test_libretranslate_client_sends_the_service_its_fields(libre, client, people, persian):
    client.force_login(people["translator"])
    page(client.post(url(persian), posted(persian, suggest="2")))
    assert libre.received == [
        {
            "path": "/translate",
            "q": ["They agreed to meet again."],
            "source": "en",
            "target": "fa",
            "format": "text",
            "api_key": "k-123",
        }
    ]


def test_confirmed_quotes_are_never_machine_translated(libre, client, people, persian):
    client.force_login(people["translator"])
    html = page(client.post(url(persian), posted(persian, suggest="1")))
    sent = libre.received[0]["q"][0]
    assert "we build bridges" not in sent and "⟦1⟧" in sent
    assert html.select_one("textarea[name=p1]").text.strip() == "fa: Holt said “⟦we build bridges⟧” to the press."


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("html", "answered with HTML"),
        ("garbage", "not a translation"),
        ("count", "not a translation"),
        ("long", "far longer than the source"),
        ("lost", "lost a quote's place"),
        ("error", "refused the request (HTTP 500)"),
        ("slow", "did not answer within 1 seconds"),
    ],
)
def test_bad_answers_and_failures_are_refused_logged_and_keep_the_text(
    libre, client, people, persian, caplog, mode, message
):
    libre.mode = mode
    client.force_login(people["translator"])
    with caplog.at_level(logging.WARNING, logger="statements.machine_translation"):
        response = client.post(url(persian), posted(persian, p0="متن خودم", p1="", suggest="1"))
    assert response.status_code == 200
    html = page(response)
    assert (
        message in html.select_one(".errornote").text
        and "Your text is unchanged." in html.select_one(".errornote").text
    )
    assert html.select_one("textarea[name=p0]").text.strip() == "متن خودم"
    assert html.select_one("textarea[name=p1]").text.strip() == ""
    assert not MachineSuggestion.objects.exists()
    assert any(message.split(" (")[0] in record.getMessage() for record in caplog.records)
    assert AuditEntry.objects.filter(action="machine_translation").count() == 1  # the request is on record


def test_unreachable_service_is_a_clear_message(settings, client, people, persian):
    settings.PRESSOFFICE_MACHINE_TRANSLATOR = {
        "CLASS": "statements.machine_translation.LibreTranslateTranslator",
        "OPTIONS": {"url": "http://127.0.0.1:9", "timeout": 1},
    }
    client.force_login(people["translator"])
    response = client.post(url(persian), posted(persian, suggest="0"))
    assert "could not be reached" in page(response).select_one(".errornote").text


def test_too_much_text_at_once_is_refused_before_sending(libre, settings, client, people, persian):
    settings.PRESSOFFICE_MACHINE_TRANSLATION_MAX_CHARACTERS = 10
    client.force_login(people["translator"])
    response = client.post(url(persian), posted(persian, suggest_all="1"))
    assert "ask paragraph by paragraph" in page(response).select_one(".errornote").text
    assert libre.received == []


def test_bad_paragraph_number_is_a_message_not_a_500(settings, client, people, persian):
    settings.PRESSOFFICE_MACHINE_TRANSLATOR = DUMMY
    client.force_login(people["translator"])
    for value in ("99", "x", "-1000"):
        response = client.post(url(persian), posted(persian, suggest=value))
        assert response.status_code == 200


def test_suggestion_digest_ignores_spacing_only(staff):
    assert machine_translation.digest("a  b\n") == machine_translation.digest("a b")
    assert machine_translation.digest("a b") != machine_translation.digest("a c")


def test_published_then_reverted_suggestion_blocks_force_publish_too(settings, staff, people):
    settings.PRESSOFFICE_MACHINE_TRANSLATOR = DUMMY
    english = make_public(staff, title="Quiet talks")
    version = workflow.start_translation(source=english, language="fa", actor=people["translator"])
    found = machine_translation.suggest(
        version=version, source_language="en", paragraphs={0: "A paragraph."}, actor=people["translator"]
    )
    latest = version.latest_revision()
    workflow.save_draft(
        translation=version,
        actor=people["translator"],
        title="عنوان",
        standfirst="",
        body=found[0].text,
        base_revision=latest.number,
    )
    with pytest.raises(workflow.TransitionError, match="still the machine translation"):
        workflow.force_publish(translation=version, actor=people["publisher"], reason="Urgent")
