"""A list's members (its count and each page's ids) and a feed's newest entries are kept
in the cache under the list's heads (statements/paginator.py, feeds.py): a repeat render
queries neither, and every change that moves statements into or out of the list is seen
at once — a publication, a person's new address, a correction that a search now matches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements import pagecache

from .factories import make_person, make_statement, make_topic, make_version, publish_correction, review_and_publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data_cache")]


@pytest.fixture
def data_cache(settings):
    """Production invalidation (after commit), whole responses not kept: every request
    renders, from the data kept in the cache."""
    settings.PRESSOFFICE_PAGE_CACHE = False
    settings.PRESSOFFICE_INVALIDATE_AT_ONCE = False
    pagecache.memory.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def publish_new(staff, commit, title, *, people, topics=()):
    statement = make_statement(participants=list(people), topics=list(topics))
    version = make_version(statement, title=title, actor=staff["editor"])
    with commit():
        return review_and_publish(version, staff)


def members_queries(client, url):
    """The page's text, and its queries that count or list the translations."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    listing = [q["sql"] for q in queries if 'FROM "statements_translation"' in q["sql"] and "LIMIT" in q["sql"]]
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    return response.content.decode(), listing + counting


def test_a_list_and_its_feed_keep_their_members_until_a_publication_changes_them(client, staff, commit):
    holt, trade = make_person("Maren Holt", slug="maren-holt"), make_topic("Trade", slug="trade")
    publish_new(staff, commit, "Holt on trade", people=[holt], topics=[trade])
    for url in ("/en/statements/?topic=trade", "/en/topics/trade/feed.rss"):
        text, queried = members_queries(client, url)
        assert "Holt on trade" in text and queried, url
        text, queried = members_queries(client, url)
        assert "Holt on trade" in text and queried == [], url  # kept: not queried again
    publish_new(staff, commit, "Holt again on trade", people=[holt], topics=[trade])
    text, _queried = members_queries(client, "/en/statements/?topic=trade")
    assert "Holt again on trade" in text and "2 statements" in text
    text, _queried = members_queries(client, "/en/topics/trade/feed.rss")
    assert "Holt again on trade" in text


def test_a_persons_new_address_lists_their_statements_and_the_old_one_none(client, staff, commit):
    holt = make_person("Maren Holt", slug="maren-holt")
    publish_new(staff, commit, "Holt on trade", people=[holt])
    assert "1 statement" in client.get("/en/statements/?person=maren-holt").content.decode()
    assert "0 statements" in client.get("/en/statements/?person=maren-holt-berg").content.decode()
    with commit():
        holt.slug = "maren-holt-berg"
        holt.save()
    assert "0 statements" in client.get("/en/statements/?person=maren-holt").content.decode()
    moved = client.get("/en/statements/?person=maren-holt-berg").content.decode()
    assert "1 statement" in moved and "Holt on trade" in moved
    assert "Holt on trade" in client.get("/en/feeds/statements.rss?person=maren-holt-berg").content.decode()


def test_a_search_follows_a_minor_correction_of_the_text(client, staff, commit):
    version = publish_new(staff, commit, "Holt on trade", people=[make_person("Maren Holt")])
    assert "0 statements" in client.get("/en/statements/?q=quillwort").content.decode()
    with commit():
        publish_correction(version, staff, "The talks touched on quillwort conservation.")
    found = client.get("/en/statements/?q=quillwort").content.decode()
    assert "1 statement" in found and "Holt on trade" in found


def test_the_filters_offer_a_new_person_at_once_and_stop_offering_one_no_longer_shown(client, staff, commit):
    from statements import workflow

    holt = make_person("Maren Holt", slug="maren-holt")
    publish_new(staff, commit, "Holt on trade", people=[holt])
    assert 'name="person" value="maren-holt"' in client.get("/en/statements/").content.decode()
    vell = make_person("Tomas Vell", slug="tomas-vell")
    assert 'name="person" value="tomas-vell"' not in client.get("/en/statements/").content.decode()
    version = publish_new(staff, commit, "Vell on water", people=[vell])
    assert 'name="person" value="tomas-vell"' in client.get("/en/statements/").content.decode()
    with commit():
        workflow.unpublish(translation=version, actor=staff["publisher"], reason="published_in_error")
    page = client.get("/en/statements/").content.decode()
    assert 'name="person" value="tomas-vell"' not in page and 'name="person" value="maren-holt"' in page


def test_a_publication_about_people_already_offered_leaves_the_filters_alone(client, staff, commit, monkeypatch):
    from django.core.cache import cache

    from statements import cachetags, listing

    holt, trade = make_person("Maren Holt", slug="maren-holt"), make_topic("Trade", slug="trade")
    publish_new(staff, commit, "Holt on trade", people=[holt], topics=[trade])
    client.get("/en/statements/")
    offered = {name: cache.get(cachetags.key(cachetags.choices("en", name))) for name in ("person", "topic")}

    everything = []  # the offered sets are known: only the statement's own are looked up
    monkeypatch.setattr(listing, "filter_choices", lambda *args, **kwargs: everything.append(args))
    publish_new(staff, commit, "Holt again on trade", people=[holt], topics=[trade])
    assert everything == []
    assert {name: cache.get(cachetags.key(cachetags.choices("en", name))) for name in offered} == offered


def test_a_page_building_the_choices_keeps_what_they_offer_for_the_next_publication(
    client, staff, commit, monkeypatch
):
    from django.core.cache import cache

    from statements import cachetags, listing

    holt, trade = make_person("Maren Holt", slug="maren-holt"), make_topic("Trade", slug="trade")
    publish_new(staff, commit, "Holt on trade", people=[holt], topics=[trade])
    cache.delete_many([f"pressoffice:choices-offered:en:{name}" for name in cachetags.CHOICE_DIMENSIONS])
    cachetags.invalidate({cachetags.choices("en", name) for name in cachetags.CHOICE_DIMENSIONS})
    assert 'name="person" value="maren-holt"' in client.get("/en/statements/").content.decode()  # builds them
    offered = {name: cache.get(cachetags.key(cachetags.choices("en", name))) for name in ("person", "topic")}
    everything = []
    monkeypatch.setattr(listing, "filter_choices", lambda *args, **kwargs: everything.append(args))
    publish_new(staff, commit, "Holt again on trade", people=[holt], topics=[trade])
    assert everything == []
    assert {name: cache.get(cachetags.key(cachetags.choices("en", name))) for name in offered} == offered


def test_the_public_versions_of_one_language_are_the_visibility_rule_in_that_language(staff, commit):
    """`public(language=…)` (planned from the language's indexes on SQLite) keeps exactly
    what `public()` keeps in that language: not drafts, not scheduled versions."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from statements.models import Translation

    person = make_person("Maren Holt")
    live = publish_new(staff, commit, "Live", people=[person])
    statement = make_statement(participants=[person])
    make_version(statement, title="Draft", actor=staff["editor"])
    later = make_version(make_statement(participants=[person]), title="Later", actor=staff["editor"])
    with commit():
        review_and_publish(later, staff, at=timezone.now() + datetime.timedelta(hours=1))
    french = make_version(make_statement(participants=[person]), language="fr", title="Vivant", actor=staff["editor"])
    with commit():
        review_and_publish(french, staff)
    by_rule = set(Translation.objects.public().filter(language="en").values_list("pk", flat=True))
    assert set(Translation.objects.public(language="en").values_list("pk", flat=True)) == by_rule == {live.pk}
    later_on = Translation.objects.public(timezone.now() + datetime.timedelta(hours=2), language="en")
    assert set(later_on.values_list("pk", flat=True)) == {live.pk, later.pk}
    if connection.vendor == "sqlite":
        assert '+"statements_translation"."published_at" <=' in str(Translation.objects.public(language="en").query)
