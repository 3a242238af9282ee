"""Whole-page caching: keyed by the content generation, invalidated exactly, never
mixing variants, bypassed by staff, and harmless when the cache is down."""

import datetime
import logging

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements import workflow

from .factories import make_person, make_statement, make_version, review_and_publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def page_cache(settings):
    settings.PRESSOFFICE_PAGE_CACHE = True
    settings.PRESSOFFICE_INVALIDATE_AT_ONCE = False  # as in production: after commit


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks (the generation bump) of what the block does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def publish_new(staff, commit, title, person=None, **kwargs):
    """A new statement with one version, published with its side effects committed."""
    statement = make_statement(participants=[person or make_person()])
    version = make_version(statement, title=title, actor=staff["editor"])
    with commit():
        return review_and_publish(version, staff, **kwargs)


def body(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_second_request_is_served_from_the_cache(client, staff, commit):
    publish_new(staff, commit, "Cached readout")
    first = body(client, "/en/statements/")
    with CaptureQueriesContext(connection) as queries:
        second = body(client, "/en/statements/")
    assert second == first and len(queries) == 0  # generation, times and page all from the cache


def test_publishing_shows_at_once(client, staff, commit):
    publish_new(staff, commit, "First readout")
    assert "Second readout" not in body(client, "/en/statements/")
    publish_new(staff, commit, "Second readout")
    assert "Second readout" in body(client, "/en/statements/")
    assert "Second readout" in body(client, "/en/feeds/statements.rss")


def test_withdrawal_shows_at_once(client, staff, commit):
    version = publish_new(staff, commit, "To be withdrawn")
    assert "withdrawn-notice" not in body(client, version.get_absolute_url())
    with commit():
        workflow.withdraw(translation=version, actor=staff["publisher"], explanation="Superseded.")
    assert "Superseded." in body(client, version.get_absolute_url())


def test_a_scheduled_time_passing_shows_without_anyone_acting(client, staff, commit, monkeypatch):
    publish_new(staff, commit, "Already out")
    at = timezone.now() + datetime.timedelta(minutes=5)
    publish_new(staff, commit, "Goes out later", at=at)
    assert "Goes out later" not in body(client, "/en/statements/")
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    assert "Goes out later" in body(client, "/en/statements/")


def test_renaming_a_person_shows_at_once(client, staff, commit):
    person = make_person("Maren Holt", slug="maren-holt")
    version = publish_new(staff, commit, "Holt readout", person=person)
    assert "Maren Holt" in body(client, version.get_absolute_url())
    with commit():
        person.name = "Maren Holt-Berg"
        person.save()
    assert "Maren Holt-Berg" in body(client, version.get_absolute_url())


def test_language_and_format_variants_are_never_mixed(client, staff, commit):
    publish_new(staff, commit, "English words")
    pages = {
        url: body(client, url) for url in ["/en/", "/fa/", "/en/feeds/statements.rss", "/en/feeds/statements.atom"]
    }
    assert 'lang="en"' in pages["/en/"] and 'lang="fa"' in pages["/fa/"]
    assert "<rss" in pages["/en/feeds/statements.rss"] and "<feed" in pages["/en/feeds/statements.atom"]
    assert body(client, "/en/feeds/statements.rss?topic=none") != pages["/en/feeds/statements.rss"]
    assert (
        body(client, "/fa/") == pages["/fa/"]
        and body(client, "/en/feeds/statements.atom") == pages["/en/feeds/statements.atom"]
    )


def test_staff_bypass_the_cache(client, staff, commit):
    version = publish_new(staff, commit, "Live title")
    body(client, version.get_absolute_url())  # cached for anonymous readers
    client.force_login(staff["editor"])
    with CaptureQueriesContext(connection) as queries:
        page = body(client, version.get_absolute_url())
    assert "Live title" in page and len(queries) > 3
    assert "ETag" not in client.get(version.get_absolute_url())


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_cache_down_pages_still_served_and_logged(client, staff, commit, caplog):
    with caplog.at_level(logging.WARNING, logger="statements.freshness"):
        version = make_version(
            make_statement(participants=[make_person()]), title="Still served", actor=staff["editor"]
        )
        workflow.submit_for_review(translation=version, actor=staff["editor"])
        workflow.publish(translation=version, actor=staff["publisher"])
        for url in ["/en/", "/en/statements/", version.get_absolute_url(), "/en/feeds/statements.rss"]:
            response = client.get(url)
            assert response.status_code == 200 and "ETag" not in response
        assert "Still served" in client.get("/en/statements/").content.decode()
    assert "cache unreachable" in caplog.text


def test_a_deploy_with_another_build_starts_from_new_keys_and_etags(client, staff, commit, settings):
    """Stored pages and validators are keyed by the build: markup stored by the old code
    is never served by the new one, and readers' ETags from before the deploy are stale."""
    from statements import freshness

    publish_new(staff, commit, "Before the deploy")
    settings.PRESSOFFICE_BUILD_ID = "build-1"
    first = client.get("/en/statements/")
    assert client.get("/en/statements/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    settings.PRESSOFFICE_BUILD_ID = "build-2"
    with CaptureQueriesContext(connection) as queries:
        after = client.get("/en/statements/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert len(queries) > 0  # rendered anew, not the stored page of build-1
    settings.PRESSOFFICE_BUILD_ID = ""
    assert freshness.build_id() == freshness._code_digest() and len(freshness.build_id()) == 16


@pytest.mark.parametrize(
    "url", ["/en/", "/en/statements/", "/en/feeds/statements.rss", "/api/ninjs/statements/", "/sitemap.xml"]
)
def test_anonymous_public_responses_set_no_cookie_and_do_not_vary_on_cookies(client, staff, commit, url, settings):
    """A CDN can share them: no Set-Cookie, no `Vary: Cookie` (the session is never read
    without a session cookie, rate limits included); a signed-in member of staff still
    gets a fresh page."""
    settings.PRESSOFFICE_RATE_LIMIT_FEEDS = settings.PRESSOFFICE_RATE_LIMIT_SEARCH = "1000/60"
    publish_new(staff, commit, "Shared by caches")
    for _ in range(2):  # rendered, then from the cache
        response = client.get(url)
        assert response.status_code == 200 and not response.cookies
        assert "cookie" not in response.get("Vary", "").lower()
    client.force_login(staff["editor"])
    staff_view = client.get(url)
    assert "cookie" in staff_view.get("Vary", "").lower() and not staff_view.has_header("ETag")
