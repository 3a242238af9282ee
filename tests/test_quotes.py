"""Quotes as records: the importer proposes them, they follow the text through review, a
change to a live quote is a major correction with history lines the workflow writes, and
only quotes of public versions are ever shown."""

import dataclasses
import datetime
import hashlib
import json
from pathlib import Path

import feedparser
import jsonschema
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from statements import editions, workflow
from statements.importer import parse, saving
from statements.models import Quote, Revision, Translation
from statements.workflow.quotes import QuoteDraft

from .factories import (
    appoint,
    edit_text,
    make_person,
    make_role,
    make_statement,
    make_version,
    review_and_publish,
    version_data,
    version_state,
)

pytestmark = pytest.mark.django_db

SEED = (Path(__file__).resolve().parent.parent / "statements/demo/readout-2023-11-06-leader-iraq-pm.txt").read_bytes()
SCHEMAS = Path(__file__).resolve().parent / "schemas"
BODY = (
    "The minister met the envoy on Monday.\n\n"
    "The minister said, “Our two offices will keep talking every month.”\n\n"
    "The envoy replied that “the harbour works are on schedule” and thanked the hosts."
)
MINISTER_WORDS = "Our two offices will keep talking every month."
ENVOY_WORDS = "the harbour works are on schedule"


@pytest.fixture
def cast(db):
    minister = make_person("Anna Vell", slug="anna-vell")
    envoy = make_person("Piet Morrow", slug="piet-morrow")
    role = make_role("Minister of Harbours")
    appoint(minister, role, datetime.date(2020, 1, 1))
    return {"minister": minister, "envoy": envoy}


def quoted_draft(staff, cast, quotes=None, body=BODY):
    statement = make_statement(participants=[cast["minister"], cast["envoy"]])
    version = make_version(statement, body=body, actor=staff["editor"])
    if quotes is None:
        quotes = [
            QuoteDraft(speaker=cast["minister"], words=MINISTER_WORDS),
            QuoteDraft(speaker=cast["envoy"], words=ENVOY_WORDS, fidelity=Quote.Fidelity.PARAPHRASE),
        ]
    latest = version.latest_revision()
    workflow.save_draft(
        translation=version, actor=staff["editor"], title=latest.title, standfirst="", body=body,
        base_revision=latest.number, quotes=quotes,
    )  # fmt: skip
    return version


def live_quoted(staff, cast):
    return review_and_publish(quoted_draft(staff, cast), staff)


# The importer ----------------------------------------------------------------------------------


def test_importer_proposes_the_seeds_quotes_with_their_speakers(db):
    from statements.importer.parser import Directory, KnownPerson

    directory = Directory(
        people=[
            KnownPerson("ali-khamenei", ("Ayatollah Khamenei", "Leader of the Islamic Revolution"), ()),
            KnownPerson("sudani", ("Mohammad Shiaa’ al-Sudani", "Al-Sudani", "Iraqi Prime Minister"), ()),
        ]
    )
    parsed = parse(SEED, directory)
    speakers = [quote.speaker for quote in parsed.quotes]
    assert speakers == ["ali-khamenei"] * 5 + ["sudani"] * 2
    assert parsed.quotes[0].text.startswith("Iraq, as an important country in the region")
    assert parsed.quotes[-1].text.startswith("The first stage is to devote all our efforts")
    assert {quote.fidelity for quote in parsed.quotes} == {"verbatim"}
    # Each proposed quote stands in the paragraph it names.
    for quote in parsed.quotes:
        assert quote.text in parsed.paragraphs[quote.paragraph]


def test_single_marks_are_guessed_as_paraphrase_and_apostrophes_are_not_quotes():
    parsed = parse("Office\n\nTitle here\n\nShe said the plan was ‘ready for the next stage’ today. It’s done’ now.")
    assert [(q.text, q.fidelity) for q in parsed.quotes] == [("ready for the next stage", "paraphrase")]


def test_command_line_import_stores_proposals_unconfirmed_and_never_public(db, superuser):
    sudani = make_person("Mohammad Shia al-Sudani", slug="sudani", aliases=["al-Sudani", "Al-Sudani"])
    make_person("Ali Khamenei", slug="ali-khamenei", aliases=["Ayatollah Khamenei"])
    outcome = saving.save(saving.prepare(SEED, source="seed.txt"), actor=superuser)
    version = outcome.statement.translations.get()
    quotes = list(version.latest_revision().quotes.order_by("position"))
    assert len(quotes) == 7 and not any(q.is_confirmed for q in quotes)
    assert [q.speaker for q in quotes][-2:] == [sudani, sudani]
    assert Quote.objects.public().count() == 0


def test_import_screen_confirms_and_corrects_the_proposed_quotes(client, superuser):
    make_person("Ali Khamenei", slug="ali-khamenei", aliases=["Ayatollah Khamenei"])
    sudani = make_person("Mohammad Shia al-Sudani", slug="sudani", aliases=["al-Sudani", "Al-Sudani"])
    client.force_login(superuser)
    url = reverse("admin:statements_statement_import")
    page = BeautifulSoup(client.post(url, {"text": SEED.decode()}).content, "html.parser")
    data = {
        field["name"]: field.get("value", "on")
        for field in page.select("form input")
        if field.get("name") and (field.get("type") != "checkbox" or field.has_attr("checked"))
    }
    data |= {area["name"]: area.text for area in page.select("form textarea")}
    for select in page.select("form select"):
        chosen = [o["value"] for o in select.select("option[selected]")]
        if chosen:
            data[select["name"]] = chosen
    assert data["readout-0-quote_count"] == "7"
    assert data["readout-0-quote_6_speaker"] == [str(sudani.pk)]
    # The editor unticks five, keeps the first as proposed, and corrects the last's fidelity.
    for number in range(1, 6):
        data.pop(f"readout-0-quote_{number}_keep", None)
    data["readout-0-quote_6_fidelity"] = "as-prepared"
    # Words that are not in the body are refused, and nothing is created.
    data["readout-0-quote_0_words"] = "Words nobody said"
    again = client.post(url, data)
    assert "The body does not contain these words." in again.content.decode()
    assert not Translation.objects.exists()
    data["readout-0-quote_0_words"] = "Iraq, as an important country in the region, can play a special role"
    created = client.post(url, data).content.decode()
    assert "errornote" not in created and "errorlist" not in created, created[created.find("error") - 300 :][:900]
    version = Translation.objects.get()
    quotes = list(version.latest_revision().quotes.order_by("position"))
    assert [(q.speaker.slug, q.fidelity, q.is_confirmed) for q in quotes] == [
        ("ali-khamenei", "verbatim", True),
        ("sudani", "as-prepared", True),
    ]
    assert quotes[0].paragraph == 1 and quotes[1].paragraph == 10


# Following the text ------------------------------------------------------------------------------


def test_quotes_are_carried_by_every_save_and_their_paragraph_is_found(staff, cast):
    version = quoted_draft(staff, cast)
    edit_text(version, staff["editor"], "Opening line.\n\n" + BODY)
    quotes = list(version.latest_revision().quotes.order_by("position"))
    assert [(q.words, q.paragraph) for q in quotes] == [(MINISTER_WORDS, 3), (ENVOY_WORDS, 4)]
    assert quotes[0].role == "Minister of Harbours"  # the title on the meeting date


def test_a_save_that_drops_a_confirmed_quotes_words_is_refused_naming_the_paragraph(staff, cast):
    version = quoted_draft(staff, cast)
    before = version_state(version)
    with pytest.raises(workflow.TransitionError, match="paragraph 2"):
        edit_text(version, staff["editor"], BODY.replace("every month", "every year"))
    assert version_state(version) == before


def test_bad_quotes_are_refused_with_nothing_saved(staff, cast):
    version = quoted_draft(staff, cast, quotes=[])
    before = version_state(version)
    bad = [
        ([QuoteDraft(speaker=cast["minister"], words="Not in the text")], "no longer contains"),
        ([QuoteDraft(speaker=987654, words=MINISTER_WORDS)], "not in the list of people"),
        ([QuoteDraft(speaker=cast["minister"], words=MINISTER_WORDS, fidelity="rumour")], "fidelity"),
        ([QuoteDraft(speaker=cast["minister"], words=MINISTER_WORDS, fidelity="translation")], "links to the quote"),
    ]
    for quotes, message in bad:
        with pytest.raises(workflow.TransitionError, match=message):
            edit_text(version, staff["editor"], BODY, quotes=quotes)
    assert version_state(version) == before


def test_a_translated_quote_links_to_a_quote_in_another_language(staff, cast):
    original = quoted_draft(staff, cast)
    source = original.latest_revision().quotes.first()
    persian = make_version(original.statement, language="fa", body="«جمله‌ای ترجمه‌شده از وزیر»", actor=staff["editor"])
    translated = QuoteDraft(speaker=cast["minister"], words="جمله‌ای ترجمه‌شده از وزیر", fidelity="translation")
    edit_text(persian, staff["editor"], persian.body, quotes=[dataclasses.replace(translated, source=source.uuid)])
    assert persian.latest_revision().quotes.get().source == source.uuid
    # Linking an original's quote to one in its own language is refused.
    same = QuoteDraft(speaker=cast["minister"], words=MINISTER_WORDS, fidelity="translation", source=source.uuid)
    with pytest.raises(workflow.TransitionError, match="another language"):
        edit_text(original, staff["editor"], BODY, quotes=[same])


# Integrity -------------------------------------------------------------------------------------------


def corrected_quote(version, staff, cast):
    """The editor corrects the minister's words in text and quote; it goes for review."""
    latest = version.latest_revision()
    quotes = list(latest.quotes.order_by("position"))
    new_words = "Our two offices will keep talking every week."
    drafts = [QuoteDraft.of(q) for q in quotes]
    drafts[0] = QuoteDraft(speaker=cast["minister"], words=new_words, uuid=quotes[0].uuid)
    edit_text(version, staff["editor"], BODY.replace("every month", "every week"), quotes=drafts)
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    return quotes[0].uuid


def test_a_minor_correction_that_changes_a_quote_is_refused(staff, cast):
    version = live_quoted(staff, cast)
    key = corrected_quote(version, staff, cast)
    before = version_state(version)
    with pytest.raises(workflow.TransitionError, match="major correction"):
        workflow.publish(translation=version, actor=staff["publisher"], major=False, confirmed_quotes=[str(key)])
    # Major, but without confirming the quote change on the publish screen: refused too.
    with pytest.raises(workflow.TransitionError, match="Confirm each change"):
        workflow.publish(translation=version, actor=staff["publisher"], major=True, change_note="Word corrected.")
    assert version_state(version) == before
    assert Quote.objects.public().get(uuid=key).words == MINISTER_WORDS  # readers still see the reviewed words


def test_force_publishing_a_quote_change_is_refused(staff, cast):
    version = live_quoted(staff, cast)
    corrected_quote(version, staff, cast)
    with pytest.raises(workflow.TransitionError, match="alter quotes"):
        workflow.force_publish(translation=version, actor=staff["publisher"], reason="Urgent")


def test_a_major_correction_of_a_quote_writes_history_moves_feeds_and_is_signed(client, staff, cast):
    version = live_quoted(staff, cast)
    first_updated = Translation.objects.get(pk=version.pk).public_updated_at
    key = corrected_quote(version, staff, cast)
    workflow.publish(
        translation=version, actor=staff["publisher"], major=True, change_note="A word corrected.",
        confirmed_quotes=[str(key)],
    )  # fmt: skip
    version.refresh_from_db()
    assert version.public_updated_at > first_updated
    entry = version.change_history[-1]
    assert entry["note"] == "A word corrected."
    assert entry["quotes"] == [
        "Quote by Anna Vell corrected: “Our two offices will keep talking every month.” → "
        "“Our two offices will keep talking every week.”"
    ]
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Quote by Anna Vell corrected" in page and "every week" in page
    feed = client.get("/en/feeds/statements.atom").content.decode()
    assert f"urn:uuid:{version.uuid}" in feed
    assert version.public_updated_at.isoformat()[:19] in feed
    # The quote keeps its address; readers see the corrected words.
    assert Quote.objects.public().get(uuid=key).words.endswith("every week.")
    # The signed edition lists every live quote with the hash of its words.
    record = json.loads(client.get(f"/api/editions/{version.uuid}/{version.edition}.json").content)
    listed = {q["id"]: q for q in record["quotes"]}
    assert (
        listed[str(key)]["words_sha256"]
        == hashlib.sha256(b"Our two offices will keep talking every week.").hexdigest()
    )
    assert {q["fidelity"] for q in record["quotes"]} == {"verbatim", "paraphrase"}
    assert editions.quotes_of(version)[0]["speaker"] == "anna-vell"


def test_removing_a_quote_is_a_major_correction_with_its_own_line(staff, cast):
    version = live_quoted(staff, cast)
    quotes = list(version.latest_revision().quotes.order_by("position"))
    edit_text(version, staff["editor"], BODY, quotes=[QuoteDraft.of(quotes[0])])
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    workflow.publish(
        translation=version, actor=staff["publisher"], major=True, change_note="Attribution withdrawn.",
        confirmed_quotes=[str(quotes[1].uuid)],
    )  # fmt: skip
    version.refresh_from_db()
    assert version.change_history[-1]["quotes"] == [f"Quote by Piet Morrow removed: “{ENVOY_WORDS}”"]
    assert not Quote.objects.public().filter(uuid=quotes[1].uuid).exists()


def test_text_only_corrections_stay_minor(staff, cast):
    version = live_quoted(staff, cast)
    edit_text(version, staff["editor"], BODY.replace("on Monday", "on Tuesday"))
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    workflow.publish(translation=version, actor=staff["publisher"], major=False)
    version.refresh_from_db()
    assert version.change_history == [] and Quote.objects.public().count() == 2


def test_pending_quotes_stay_private_until_the_revision_is_published(client, staff, cast):
    version = review_and_publish(quoted_draft(staff, cast, quotes=[]), staff)
    edit_text(version, staff["editor"], BODY, quotes=[QuoteDraft(speaker=cast["minister"], words=MINISTER_WORDS)])
    assert Quote.objects.public().count() == 0
    pending = version.latest_revision().quotes.get()
    assert client.get(reverse("statements:quote", args=[pending.uuid])).status_code == 404
    assert MINISTER_WORDS not in client.get("/en/quotes/").content.decode()


# The admin ---------------------------------------------------------------------------------------------


def test_admin_inline_adds_a_quote_and_refuses_words_not_in_the_body(admin_client, staff, cast):
    version = quoted_draft(staff, cast, quotes=[])
    url = reverse("admin:statements_translation_change", args=[version.pk])
    bad = version_data(
        version,
        quotes=[
            {"speaker": cast["minister"].pk, "words": "Invented words", "fidelity": "verbatim", "is_confirmed": "on"}
        ],
    )
    response = admin_client.post(url, bad)
    assert response.status_code == 200 and "The body does not contain these words." in response.content.decode()
    assert "Invented words" in response.content.decode()  # the editor's input is kept
    assert version.latest_revision().quotes.count() == 0
    good = version_data(
        version,
        quotes=[
            {"speaker": cast["minister"].pk, "words": MINISTER_WORDS, "fidelity": "verbatim", "is_confirmed": "on"}
        ],
    )
    assert admin_client.post(url, good).status_code == 302
    quote = version.latest_revision().quotes.get()
    assert (quote.speaker, quote.paragraph) == (cast["minister"], 2)
    # Saving again unchanged makes no new revision; editing the body alone keeps the quote.
    count = Revision.objects.filter(translation=version).count()
    assert admin_client.post(url, version_data(version)).status_code == 302
    assert Revision.objects.filter(translation=version).count() == count


def test_publish_screen_shows_each_quote_change_to_confirm(admin_client, staff, cast):
    version = live_quoted(staff, cast)
    key = corrected_quote(version, staff, cast)
    url = reverse("admin:statements_translation_act", args=[version.pk, "publish"])
    page = admin_client.get(url).content.decode()
    assert "every month.” → “Our two offices will keep talking every week." in page
    refused = admin_client.post(url, {"major": "on", "change_note": "Corrected."})
    assert "Confirm each change to a quote" in refused.content.decode()
    done = admin_client.post(url, {"major": "on", "change_note": "Corrected.", "confirmed_quotes": [str(key)]})
    assert done.status_code == 302
    assert Quote.objects.public().get(uuid=key).words.endswith("every week.")


# Public ------------------------------------------------------------------------------------------------


def test_quote_page_search_person_page_and_markup(client, staff, cast):
    version = live_quoted(staff, cast)
    quotes = list(Quote.objects.public().order_by("position"))
    page = client.get(reverse("statements:quote", args=[quotes[0].uuid]))
    html = BeautifulSoup(page.content, "html.parser")
    assert html.blockquote["cite"].endswith(f"{version.get_absolute_url()}#p-2")
    assert "Verbatim (transcript)" in page.content.decode() and "Minister of Harbours" in page.content.decode()
    data = json.loads(html.find("script", type="application/ld+json").string)
    assert data["@type"] == "Quotation" and data["spokenByCharacter"]["name"] == "Anna Vell"
    assert data["isPartOf"].endswith(version.get_absolute_url())
    # The statement page anchors the paragraph and marks the quotes up.
    detail = BeautifulSoup(client.get(version.get_absolute_url()).content, "html.parser")
    assert MINISTER_WORDS in detail.find(id="p-2").text
    article = json.loads(detail.find("script", type="application/ld+json").string)
    assert [part["text"] for part in article["hasPart"]] == [MINISTER_WORDS, ENVOY_WORDS]
    # Search: by speaker, by words, with the statements' filters; malformed values are 400.
    assert MINISTER_WORDS in client.get("/en/quotes/?person=anna-vell").content.decode()
    assert ENVOY_WORDS not in client.get("/en/quotes/?person=anna-vell").content.decode()
    assert ENVOY_WORDS in client.get("/en/quotes/?q=harbour").content.decode()
    assert MINISTER_WORDS not in client.get("/en/quotes/?q=harbour").content.decode()
    assert MINISTER_WORDS not in client.get("/en/quotes/?date_after=2030-01-01").content.decode()
    assert client.get("/en/quotes/?person=not a slug").status_code == 400
    assert client.get("/en/quotes/?date_after=yesterday").status_code == 400
    assert client.get("/en/quotes/?page=x").status_code == 400
    # The person page lists their quotes.
    assert MINISTER_WORDS in client.get("/en/people/anna-vell/").content.decode()
    # Feeds beside the search.
    for fmt in ("rss", "atom", "json"):
        feed = client.get(f"/en/quotes/feed.{fmt}?person=piet-morrow")
        assert feed.status_code == 200 and ENVOY_WORDS in feed.content.decode()
        assert MINISTER_WORDS not in feed.content.decode()
    assert client.get("/en/quotes/feed.rss?limit=0").status_code == 400


def test_quote_feeds_parse_and_validate(client, staff, cast):
    live_quoted(staff, cast)
    for fmt in ("rss", "atom"):
        parsed = feedparser.parse(client.get(f"/en/quotes/feed.{fmt}").content)
        assert not parsed.bozo, parsed.bozo_exception
        assert [entry.id.startswith("urn:uuid:") for entry in parsed.entries] == [True, True]
        assert {entry.link.startswith("http://testserver/en/quotes/") for entry in parsed.entries} == {True}
        assert {entry.author for entry in parsed.entries} == {"Anna Vell", "Piet Morrow"}
    feed = client.get("/en/quotes/feed.json").json()
    jsonschema.validate(feed, json.loads((SCHEMAS / "jsonfeed-1.1.json").read_text()))
    assert {item["content_text"] for item in feed["items"]} == {MINISTER_WORDS, ENVOY_WORDS}


def test_ninjs_lists_quotes_as_associations_valid_against_iptc(client, staff, cast):
    version = live_quoted(staff, cast)
    item = client.get(f"/api/ninjs/statements/{version.uuid}/").json()
    quotes = [a for a in item["associations"] if a["rel"] == "quote"]
    assert [q["bodies"][0]["value"] for q in quotes] == [MINISTER_WORDS, ENVOY_WORDS]
    assert quotes[0]["people"][0]["literal"] == "anna-vell"
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.validate(item, json.loads((SCHEMAS / "ninjs-3.json").read_text()), format_checker=checker)
    jsonschema.validate(item, json.loads((SCHEMAS / "ninjs-schema_3.1.json").read_text()), format_checker=checker)
