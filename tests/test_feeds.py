"""Feeds in three formats, the ninjs API, conditional GET and WebSub, checked the way
feed readers and validators check them."""

import datetime
import email.utils
import json
from pathlib import Path

import defusedxml.ElementTree as ET
import feedparser
import jsonschema
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements import workflow
from statements.models import Country, OutboxTask, Translation, WebSubDelivery
from statements.tasks import queue

from .factories import (
    make_person,
    make_public,
    make_statement,
    make_topic,
    make_version,
    publish_correction,
    review_and_publish,
)
from .hub import Hub

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ["/en/feeds/statements.rss", "/en/feeds/statements.atom", "/en/feeds/statements.json"]


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    if url.split("?")[0].endswith(".json"):
        return response, json.loads(response.content)
    return response, feedparser.parse(response.content)


def entry_ids(client, url) -> list[str]:
    response, feed = parsed(client, url)
    if isinstance(feed, dict) and "version" in feed:
        return [item["id"] for item in feed["items"]]
    return [entry.id for entry in feed.entries]


@pytest.fixture
def feed_world(staff):
    person = make_person("Maren Holt", slug="maren-holt")
    topic = make_topic("Trade", slug="trade")
    country = Country.objects.create(code="XN", name="Northland")
    statement = make_statement(participants=[person], topics=[topic], occurred_on=datetime.date(2024, 3, 1))
    statement.countries.add(country)
    first = make_public(staff, title="First <b>readout</b> & more", statement=statement)
    second = make_public(staff, title="Second readout")
    return {"first": first, "second": second, "person": person, "topic": topic}


# Well-formed, with every field readers need ----------------------------------------------


@pytest.mark.parametrize("url", FEEDS[:2])
def test_xml_feeds_parse_cleanly_with_the_fields(client, feed_world, url):
    response, feed = parsed(client, url)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Statements" and feed.feed.language == "en"
    first = feed_world["first"]
    entry = next(e for e in feed.entries if e.id == f"urn:uuid:{first.uuid}")
    assert entry.title == "First <b>readout</b> & more"
    assert entry.link == f"http://testserver{first.get_absolute_url()}"
    assert entry.published_parsed[:6] == first.first_published_at.utctimetuple()[:6]
    assert entry.updated_parsed[:6] == first.public_updated_at.utctimetuple()[:6]
    assert entry.author == "Press Office"
    assert {t.term if url.endswith(".atom") else t.label or t.term for t in entry.tags} >= {
        "trade",
        "maren-holt",
        "XN",
    } or {t.term for t in entry.tags} >= {"Trade", "Maren Holt", "Northland"}
    assert "A paragraph." in entry.content[0].value


def test_rss_meets_what_the_validator_checks(client, feed_world):
    response = client.get("/en/feeds/statements.rss?topic=trade&kind=readout")
    root = ET.fromstring(response.content)
    channel = root.find("channel")
    self_link = channel.find("{http://www.w3.org/2005/Atom}link[@rel='self']").get("href")
    assert self_link == "http://testserver/en/feeds/statements.rss?topic=trade&kind=readout"
    guids = [item.findtext("guid") for item in channel.iter("item")]
    assert guids and len(guids) == len(set(guids)) and all(g.startswith("urn:uuid:") for g in guids)
    for item in channel.iter("item"):
        assert item.find("guid").get("isPermaLink") == "false"
        assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        assert item.find("category[@domain='http://testserver/en/topics/trade/']").text == "Trade"


def test_atom_meets_what_the_validator_checks(client, feed_world):
    root = ET.fromstring(client.get("/en/feeds/statements.atom").content)
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/en/feeds/statements.atom"
    assert root.find(f"{ATOM}id").text and root.find(f"{ATOM}updated").text
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for name in ("id", "title", "updated", "published"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert entry.find(f"{ATOM}author/{ATOM}name").text == "Press Office"
        datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)  # RFC 3339
        assert entry.find(f"{ATOM}content").get("type") == "html"
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None


def test_json_feed_matches_the_1_1_schema(client, feed_world):
    response, feed = parsed(client, "/en/feeds/statements.json")
    assert response["Content-Type"].startswith("application/feed+json")
    schema = json.loads((SCHEMAS / "jsonfeed-1.1.json").read_text())
    jsonschema.validate(feed, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    item = next(i for i in feed["items"] if i["id"] == f"urn:uuid:{feed_world['first'].uuid}")
    assert item["date_published"] == feed_world["first"].first_published_at.isoformat()
    assert item["_press_office"]["reference"] == feed_world["first"].statement.reference
    assert feed["feed_url"] == "http://testserver/en/feeds/statements.json"


def test_featured_image_as_enclosure_and_media_content(client, staff, django_capture_on_commit_callbacks):
    from .pictures import GOOD, store

    image = store("photo.webp", GOOD["photo.webp"](), alt_text="Delegations", credit="Office photographer")
    with django_capture_on_commit_callbacks(execute=True):
        make_public(staff, title="Pictured", featured_image=image)
    root = ET.fromstring(client.get("/en/feeds/statements.rss").content)
    item = root.find("channel/item")
    enclosure = item.find("enclosure")
    rendition = image.renditions.get(spec="w1024-jpeg")
    assert enclosure.get("type") == "image/jpeg" and enclosure.get("length") == str(rendition.size)
    assert enclosure.get("url").endswith(rendition.public_path)
    media = item.find("{http://search.yahoo.com/mrss/}content")
    assert media.find("{http://search.yahoo.com/mrss/}description").text == "Delegations"
    assert media.find("{http://search.yahoo.com/mrss/}credit").text == "Office photographer"
    _, feed = parsed(client, "/en/feeds/statements.json")
    assert feed["items"][0]["image"] == enclosure.get("url")


# Which items, in which order ------------------------------------------------------------


def test_feeds_take_the_list_filters(client, feed_world):
    for url in FEEDS:
        base = url.replace("/en/feeds/statements", "/en/people/maren-holt/feed")
        assert entry_ids(client, base) == [f"urn:uuid:{feed_world['first'].uuid}"]
        assert entry_ids(client, f"{url}?topic=trade") == [f"urn:uuid:{feed_world['first'].uuid}"]
        assert len(entry_ids(client, url)) == 2


def test_feed_titles_describe_the_filters(client, feed_world):
    _, feed = parsed(client, "/en/feeds/statements.json?person=maren-holt&topic=trade&country=XN&kind=readout")
    assert feed["title"] == "Statements with Maren Holt about Trade concerning Northland (Readout)"


def test_major_correction_resurfaces_a_minor_one_does_not(client, staff, feed_world):
    first, second = feed_world["first"], feed_world["second"]
    assert entry_ids(client, FEEDS[2])[0] == f"urn:uuid:{second.uuid}"
    publish_correction(first, staff, "Typo fixed.")
    assert entry_ids(client, FEEDS[2])[0] == f"urn:uuid:{second.uuid}"
    publish_correction(first, staff, "Corrected.", is_major=True, change_note="Corrected the figures.")
    assert entry_ids(client, FEEDS[2])[0] == f"urn:uuid:{first.uuid}"


def test_withdrawn_stay_marked_unpublished_leave(client, staff, feed_world):
    workflow.withdraw(translation=feed_world["first"], actor=staff["publisher"], explanation="Superseded.")
    workflow.unpublish(translation=feed_world["second"], actor=staff["publisher"], reason="published_in_error")
    _, feed = parsed(client, FEEDS[2])
    # Newest change first: the unpublished one is a kill notice (no title, no text), then the withdrawn.
    second, first = feed_world["second"], feed_world["first"]
    assert [item["id"] for item in feed["items"]] == [f"urn:uuid:{second.uuid}", f"urn:uuid:{first.uuid}"]
    gone = feed["items"][0]
    assert gone["_press_office"] == {"reference": second.statement.reference, "removed": True}
    assert second.title not in json.dumps(gone) and "content_html" not in gone
    assert feed["items"][1]["title"].startswith("[Withdrawn]") and feed["items"][1]["_press_office"]["withdrawn"]
    assert "Superseded." in feed["items"][1]["content_html"]


def test_hidden_versions_never_in_feeds_or_api(client, staff, feed_world):
    draft = make_version(
        make_statement(participants=[feed_world["person"]]), title="Secret draft", actor=staff["editor"]
    )
    scheduled = make_version(
        make_statement(participants=[feed_world["person"]]), title="Secret later", actor=staff["editor"]
    )
    review_and_publish(scheduled, staff, at=timezone.now() + datetime.timedelta(days=1))
    urls = [*FEEDS, "/en/people/maren-holt/feed.rss", "/api/ninjs/statements/", "/api/ninjs/statements/?q=secret"]
    for url in urls:
        assert "Secret" not in client.get(url).content.decode(), url
    for version in (draft, scheduled):
        assert client.get(f"/api/ninjs/statements/{version.uuid}/").status_code == 404
        conditional = client.get(f"/api/ninjs/statements/{version.uuid}/", HTTP_IF_NONE_MATCH="*")
        unknown = client.get("/api/ninjs/statements/00000000-0000-4000-8000-000000000000/", HTTP_IF_NONE_MATCH="*")
        assert conditional.status_code == unknown.status_code == 404


def test_feed_titles_never_reveal_hidden_names(client, staff):
    hidden = make_person("Undisclosed Envoy", slug="undisclosed")
    make_version(make_statement(participants=[hidden]), actor=staff["editor"])
    response, feed = parsed(client, "/en/people/undisclosed/feed.json")
    assert feed["items"] == [] and "Undisclosed Envoy" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("limit=2", 200),
        ("limit=200", 200),
        ("limit=201", 400),
        ("limit=0", 400),
        ("limit=abc", 400),
        ("date_after=2024-02-30", 400),
        ("month=4", 400),
        ("topic=no-such-topic", 200),
        ("page=7", 200),  # feeds are not paged: ignored
    ],
)
def test_feed_parameters(client, feed_world, query, status):
    for url in FEEDS:
        assert client.get(f"{url}?{query}").status_code == status, url


def test_limit_caps_the_items(client, feed_world):
    assert len(entry_ids(client, "/en/feeds/statements.json?limit=1")) == 1


# ninjs ------------------------------------------------------------------------------------


def test_ninjs_item_and_list_match_the_schema(client, feed_world):
    schema = json.loads((SCHEMAS / "ninjs-3.json").read_text())
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    first = feed_world["first"]
    item = client.get(f"/api/ninjs/statements/{first.uuid}/").json()
    jsonschema.validate(item, schema, format_checker=checker)
    assert item["uri"] == f"urn:uuid:{first.uuid}"
    assert item["headlines"][0]["value"] == first.title
    assert {"role": "reference", "value": first.statement.reference} in item["altIds"]
    assert {"role": "content_id", "value": str(first.statement.content_id)} in item["altIds"]
    assert item["people"][0]["literal"] == "maren-holt" and item["subjects"][0]["literal"] == "trade"
    assert item["places"][0]["uri"] == "http://cvx.iptc.org/iso3166-1a2/xn"
    listing = client.get("/api/ninjs/statements/?person=maren-holt").json()
    assert listing["count"] == 1
    for entry in listing["items"]:
        jsonschema.validate(entry, schema, format_checker=checker)


def test_ninjs_bad_parameters(client, feed_world):
    assert client.get("/api/ninjs/statements/?page=abc").status_code == 400
    assert client.get("/api/ninjs/statements/?language=xx").status_code == 400
    assert client.get("/api/ninjs/statements/?date_after=nope").status_code == 400
    assert client.get("/api/ninjs/statements/?page=99").status_code == 404
    assert client.get("/api/ninjs/statements/not-a-uuid/").status_code == 404


# Conditional GET ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*FEEDS, "/en/statements/", "/en/", "/api/ninjs/statements/", "/sitemap.xml"])
def test_repeat_request_is_a_304_with_at_most_one_query(client, feed_world, url):
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and len(queries) <= 1
    # A 304 repeats the validators (RFC 9110 §15.4.5) and the caching rules.
    assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]
    assert again["Cache-Control"] == first["Cache-Control"]
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304 and since["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", ["/api/ninjs/statements/", "/news-sitemap.xml", "/sitemap.xml"])
def test_addresses_without_a_language_are_cached_per_language(client, feed_world, url, settings):
    """The API and the sitemaps answer in the negotiated language: each language has a
    cache key and an ETag of its own, whichever asked first."""
    settings.PRESSOFFICE_PAGE_CACHE = True
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="fa")
    second = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert first["ETag"] != second["ETag"]
    assert first["Content-Language"] == "fa" and second["Content-Language"] == "en"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fa").content == first.content
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fa", HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 200


def test_a_filtered_feeds_id_does_not_depend_on_the_order_of_its_parameters(client, feed_world):
    person, topic = feed_world["person"].slug, feed_world["topic"].slug
    one = ET.fromstring(client.get(f"{FEEDS[1]}?topic={topic}&person={person}").content)
    other = ET.fromstring(client.get(f"{FEEDS[1]}?person={person}&topic={topic}").content)
    assert one.find(f"{ATOM}id").text == other.find(f"{ATOM}id").text
    rss = [ET.fromstring(client.get(f"{FEEDS[0]}?{q}").content).find("channel/link").text
           for q in (f"topic={topic}&person={person}", f"person={person}&topic={topic}")]  # fmt: skip
    assert rss[0] == rss[1]


def test_publishing_changes_the_etag(client, staff, feed_world, django_capture_on_commit_callbacks):
    before = client.get(FEEDS[0])["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        make_public(staff, title="Third")
    response = client.get(FEEDS[0], HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200 and response["ETag"] != before


def test_withdrawal_changes_the_etag(client, staff, feed_world, django_capture_on_commit_callbacks):
    before = client.get(FEEDS[0])["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(translation=feed_world["first"], actor=staff["publisher"], explanation="Out of date.")
    assert client.get(FEEDS[0], HTTP_IF_NONE_MATCH=before).status_code == 200


def test_etag_differs_between_formats_and_filters(client, feed_world):
    tags = {client.get(url)["ETag"] for url in [*FEEDS, f"{FEEDS[0]}?topic=trade"]}
    assert len(tags) == 4


def test_a_scheduled_time_passing_changes_the_etag_and_caps_max_age(client, staff, feed_world, monkeypatch):
    at = timezone.now() + datetime.timedelta(seconds=30)
    version = make_version(make_statement(participants=[make_person()]), title="At noon", actor=staff["editor"])
    review_and_publish(version, staff, at=at)
    response = client.get(FEEDS[0])
    assert "max-age=" in response["Cache-Control"]
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age <= 30
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    later = client.get(FEEDS[0], HTTP_IF_NONE_MATCH=response["ETag"])
    assert later.status_code == 200 and "At noon" in later.content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_NONE_MATCH": "garbage without quotes"},
        {"HTTP_IF_MODIFIED_SINCE": "not a date"},
        {"HTTP_IF_MODIFIED_SINCE": "Thu, 99 Foo 2024 99:99:99 GMT"},
        {"HTTP_IF_NONE_MATCH": '"' * 500},
    ],
)
def test_malformed_conditional_headers_are_ignored(client, feed_world, headers):
    assert client.get(FEEDS[0], **headers).status_code == 200


# Query counts ---------------------------------------------------------------------------------


def test_feed_query_counts_constant(client, staff):
    person, topic = make_person(slug="p"), make_topic(slug="t")

    def grow(n):
        for i in range(n):
            make_public(
                staff,
                title=f"Item {i}",
                statement=make_statement(participants=[person, make_person()], topics=[topic]),
            )

    def counts():
        cache.clear()  # from a cold cache, then with the schedule, data and entries kept
        found = {}
        for url in [*FEEDS, "/en/people/p/feed.atom", "/en/topics/t/feed.json?kind=readout", "/api/ninjs/statements/"]:
            for state in ("cold", "warm"):
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                found[url, state] = len(queries)
        return found

    grow(3)
    small = counts()
    grow(20)
    assert counts() == small
    assert max(n for (_url, state), n in small.items() if state == "warm") <= 10, small
    assert max(small.values()) <= 14, small


# WebSub ----------------------------------------------------------------------------------------


@pytest.fixture
def hub():
    stand_in = Hub()
    with override_settings(PRESSOFFICE_WEBSUB_HUB_URL=stand_in.url, PRESSOFFICE_SITE_URL="https://press.example"):
        yield stand_in
    stand_in.stop()


def test_feeds_advertise_the_hub(client, feed_world, hub):
    response = client.get(FEEDS[0])
    assert f'<{hub.url}>; rel="hub"' in response["Link"]
    assert '<http://testserver/en/feeds/statements.rss>; rel="self"' in response["Link"]
    root = ET.fromstring(response.content)
    assert root.find("channel/{http://www.w3.org/2005/Atom}link[@rel='hub']").get("href") == hub.url
    atom = ET.fromstring(client.get(FEEDS[1]).content)
    assert atom.find(f"{ATOM}link[@rel='hub']").get("href") == hub.url
    assert json.loads(client.get(FEEDS[2]).content)["hubs"] == [{"type": "WebSub", "url": hub.url}]


def test_publication_pings_the_hub_for_each_feed(staff, feed_world, hub, django_capture_on_commit_callbacks):
    person, topic = feed_world["person"], feed_world["topic"]
    with django_capture_on_commit_callbacks(execute=True):
        version = make_public(staff, title="Pinged", participants=[person], topics=[topic])
    topics = hub.topics()
    assert "https://press.example/en/feeds/statements.rss" in topics
    assert "https://press.example/en/people/maren-holt/feed.atom" in topics
    assert "https://press.example/en/topics/trade/feed.json" in topics
    assert len(topics) == len(set(topics)) == 9
    assert all(item["hub.mode"] == ["publish"] for item in hub.received)
    hub.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_correction(version, staff, "Minor fix.")
    assert len(hub.received) == 9  # every edition pings (a minor one changes the entries' text)
    hub.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_correction(version, staff, "Major fix.", is_major=True, change_note="Changed the date.")
    assert len(hub.received) == 9
    hub.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(translation=version, actor=staff["publisher"], explanation="Superseded.")
    assert len(hub.received) == 9


def test_hub_down_never_blocks_publishing_and_is_retried(staff, feed_world, hub, django_capture_on_commit_callbacks):
    hub.mode = "failing"
    with django_capture_on_commit_callbacks(execute=True):
        version = make_public(staff, title="Despite the hub")
    assert Translation.objects.get(pk=version.pk).is_public
    owed = WebSubDelivery.objects.filter(delivered_at__isnull=True)
    assert owed.count() == 6 and all(d.attempts == 1 and "503" in d.last_error for d in owed)  # 3 formats × 2 lists
    # The retry waits in the outbox for its time (the immediate backend cannot wait).
    (retry,) = OutboxTask.objects.filter(task_path__endswith=".notify_hub")
    assert retry.kwargs == {"attempt": 2} and retry.run_after > timezone.now() + datetime.timedelta(seconds=25)
    queue.drain_outbox()
    assert OutboxTask.objects.filter(pk=retry.pk).exists() and len(hub.received) == 0  # not yet due
    hub.mode = "ok"
    queue.drain_outbox(now=retry.run_after)
    assert not OutboxTask.objects.exists()
    assert WebSubDelivery.objects.filter(delivered_at__isnull=True).count() == 0
    assert len(hub.received) == 6
    queue.hand_over(OutboxTask.objects.create(task_path=retry.task_path, args=retry.args, kwargs=retry.kwargs).pk)
    assert len(hub.received) == 6  # the same task again sends nothing twice


def test_unreachable_hub_is_a_logged_failure(staff, feed_world, django_capture_on_commit_callbacks, caplog):
    with override_settings(PRESSOFFICE_WEBSUB_HUB_URL="http://127.0.0.1:9/hub"):
        with django_capture_on_commit_callbacks(execute=True):
            version = make_public(staff, title="Closed port")
        assert Translation.objects.get(pk=version.pk).is_public
    assert WebSubDelivery.objects.filter(delivered_at__isnull=True, attempts=1).count() == 6
    assert "notify_hub failed (attempt 1), retrying in 0:00:30" in caplog.text


# HTML autodiscovery ------------------------------------------------------------------------------


def test_lists_advertise_their_feeds(client, feed_world):
    import html5lib

    tree = html5lib.parse(client.get("/en/statements/?topic=trade&page=1").content, namespaceHTMLElements=False)
    links = {link.get("type"): link.get("href") for link in tree.iterfind(".//link[@rel='alternate']")}
    assert links == {
        "application/rss+xml": "/en/feeds/statements.rss?topic=trade",
        "application/atom+xml": "/en/feeds/statements.atom?topic=trade",
        "application/feed+json": "/en/feeds/statements.json?topic=trade",
    }
    person = html5lib.parse(client.get("/en/people/maren-holt/").content, namespaceHTMLElements=False)
    assert {link.get("href") for link in person.iterfind(".//link[@rel='alternate']")} >= {
        "/en/people/maren-holt/feed.rss"
    }
