"""Targeted invalidation, serve-stale with a single render, the first-middleware hit
path, and the HTTP headers of cached responses (statements/cachetags.py, pagecache.py)."""

import gzip
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from statements import cachetags, golive, pagecache, workflow
from statements.models import Translation

from .factories import make_person, make_statement, make_topic, make_version, publish_correction, review_and_publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def page_cache(settings):
    settings.PRESSOFFICE_PAGE_CACHE = True
    settings.PRESSOFFICE_INVALIDATE_AT_ONCE = False  # as in production: after commit
    pagecache.memory.clear()
    yield
    pagecache.memory.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def publish_new(staff, commit, title, *, people=(), topics=(), **kwargs):
    statement = make_statement(participants=list(people) or [make_person()], topics=list(topics))
    version = make_version(statement, title=title, actor=staff["editor"])
    with commit():
        return review_and_publish(version, staff, **kwargs)


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def still_cached(client, url, etag):
    """The reader's copy is still current: 304 on its ETag, with no query at all."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    return response.status_code == 304 and response["ETag"] == etag and len(queries) == 0


@pytest.fixture
def world(staff, commit):
    holt, vell = make_person("Maren Holt", slug="maren-holt"), make_person("Tomas Vell", slug="tomas-vell")
    trade, water = make_topic("Trade", slug="trade"), make_topic("Water", slug="water")
    first = publish_new(staff, commit, "Holt on trade", people=[holt], topics=[trade])
    second = publish_new(staff, commit, "Vell on water", people=[vell], topics=[water])
    return {"holt": holt, "vell": vell, "trade": trade, "water": water, "first": first, "second": second}


def test_a_publication_invalidates_only_what_it_changes(client, staff, commit, world):
    unrelated = [world["first"].get_absolute_url(), "/en/people/maren-holt/", "/en/topics/trade/feed.rss"]
    affected = ["/en/", "/en/statements/", "/en/feeds/statements.rss", "/en/people/tomas-vell/",
                "/en/topics/water/feed.atom", "/api/ninjs/statements/", "/sitemap.xml"]  # fmt: skip
    etags = {url: get(client, url)["ETag"] for url in unrelated + affected}
    publish_new(staff, commit, "Vell again on water", people=[world["vell"]], topics=[world["water"]])
    for url in unrelated:
        assert still_cached(client, url, etags[url]), url
    for url in affected:
        response = get(client, url, HTTP_IF_NONE_MATCH=etags[url])
        assert response["ETag"] != etags[url], url
        if "sitemap" not in url:
            assert "Vell again on water" in response.content.decode(), url


def test_a_minor_correction_invalidates_the_pages_showing_the_version_only(client, staff, commit, world):
    first, second = world["first"], world["second"]
    etags = {url: get(client, url)["ETag"] for url in [first.get_absolute_url(), second.get_absolute_url(),
                                                       "/en/statements/", "/en/topics/water/"]}  # fmt: skip
    with commit():
        publish_correction(first, staff, "A corrected paragraph.")
    assert Translation.objects.get(pk=first.pk).status == "published"
    assert still_cached(client, second.get_absolute_url(), etags[second.get_absolute_url()])
    assert still_cached(client, "/en/topics/water/", etags["/en/topics/water/"])
    page = get(client, first.get_absolute_url(), HTTP_IF_NONE_MATCH=etags[first.get_absolute_url()])
    assert "A corrected paragraph." in page.content.decode()
    assert get(client, "/en/statements/")["ETag"] != etags["/en/statements/"]  # the list shows the version


def test_editing_a_person_invalidates_what_shows_them_and_nothing_else(client, staff, commit, world):
    first, second = world["first"], world["second"]
    urls = [first.get_absolute_url(), "/en/people/maren-holt/", second.get_absolute_url(), "/en/people/tomas-vell/"]
    etags = {url: get(client, url)["ETag"] for url in urls}
    with commit():
        world["holt"].name = "Maren Holt-Berg"
        world["holt"].save()
    assert "Maren Holt-Berg" in get(client, first.get_absolute_url()).content.decode()
    assert "Maren Holt-Berg" in get(client, "/en/people/maren-holt/").content.decode()
    assert still_cached(client, second.get_absolute_url(), etags[second.get_absolute_url()])
    assert still_cached(client, "/en/people/tomas-vell/", etags["/en/people/tomas-vell/"])


def test_a_translation_going_public_invalidates_the_original_page_for_its_language_link(client, staff, commit, world):
    first = world["first"]
    url = first.get_absolute_url()
    etag = get(client, url)["ETag"]
    persian = make_version(first.statement, language="fa", title="ترجمه", actor=staff["editor"])
    with commit():
        review_and_publish(persian, staff)
    response = get(client, url, HTTP_IF_NONE_MATCH=etag)
    assert response["ETag"] != etag and 'hreflang="fa"' in response.content.decode()


def test_withdrawal_and_unpublication_leave_no_stale_copy(client, staff, commit, world, settings):
    """Even while another process holds the render lock, a page after a withdrawal is
    never the old copy: the reader waits for (or makes) the new one."""
    settings.PRESSOFFICE_STALE_SECONDS = 0.5
    first = world["first"]
    url = first.get_absolute_url()
    get(client, url)
    get(client, "/en/statements/")
    with commit():
        workflow.withdraw(translation=first, actor=staff["publisher"], explanation="Superseded by another.")
    key = pagecache.entry_key(RequestFactory().get(url), "en")
    cache.add(key + ":render", 1, 0.5)  # someone else is "rendering" it
    page = get(client, url)
    assert "Superseded by another." in page.content.decode() and "X-Stale" not in page
    with commit():
        workflow.unpublish(translation=Translation.objects.get(pk=first.pk), actor=staff["publisher"],
                           reason="published_in_error")  # fmt: skip
    assert client.get(url).status_code == 410
    assert "Holt on trade" not in get(client, "/en/statements/").content.decode()
    assert "Holt on trade" not in get(client, "/en/feeds/statements.rss").content.decode()


# Serve stale while one renders -----------------------------------------------------------------


class SlowView:
    """Stands for the rest of the stack: a public view that takes a while to render."""

    def __init__(self, body=b"first", seconds=0.4):
        self.body, self.seconds, self.renders = body, seconds, 0
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            self.renders += 1
        time.sleep(self.seconds)
        response = HttpResponse(self.body, content_type="text/html")
        collected = cachetags.Collected()
        collected.add("test-page")
        response.cache_tags = collected
        return response


def concurrently(middleware, url, n=2):
    results = [None] * n

    def one(i):
        results[i] = middleware(RequestFactory().get(url))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def cacheable(monkeypatch):
    monkeypatch.setattr(pagecache.PublicCacheMiddleware, "cacheable", lambda self, request, language: True)
    cache.set(golive.SCHEDULE_KEY, (0, time.time_ns()), None)  # nothing scheduled


def test_two_concurrent_misses_make_a_single_render(cacheable):
    view = SlowView()
    middleware = pagecache.PublicCacheMiddleware(view)
    first, second = concurrently(middleware, "/en/slow/")
    assert view.renders == 1
    assert first.content == second.content == b"first" and first["ETag"] == second["ETag"]


def test_after_a_publication_one_renders_while_the_others_serve_the_previous_copy_single_render(cacheable):
    view = SlowView()
    middleware = pagecache.PublicCacheMiddleware(view)
    before = middleware(RequestFactory().get("/en/slow/"))
    cachetags.invalidate({"test-page"})  # a publication: soft
    view.body = b"second"
    results = concurrently(middleware, "/en/slow/", n=3)
    assert view.renders == 2  # the first render, and one re-render for three readers
    bodies = sorted(response.content for response in results)
    assert bodies == [b"first", b"first", b"second"]
    assert all(r["ETag"] == before["ETag"] for r in results if r.content == b"first" and "X-Stale" in r)
    assert middleware(RequestFactory().get("/en/slow/")).content == b"second"


def test_after_a_withdrawal_nobody_gets_the_previous_copy_single_render(cacheable):
    view = SlowView()
    middleware = pagecache.PublicCacheMiddleware(view)
    middleware(RequestFactory().get("/en/slow/"))
    cachetags.invalidate({"test-page"}, hard=True)
    view.body = b"second"
    results = concurrently(middleware, "/en/slow/", n=3)
    assert [response.content for response in results] == [b"second"] * 3
    assert view.renders == 2  # the waiting readers got the one new render


def test_stale_copies_last_at_most_the_stale_seconds(cacheable, settings):
    settings.PRESSOFFICE_STALE_SECONDS = 0.3
    view = SlowView(seconds=0)
    middleware = pagecache.PublicCacheMiddleware(view)
    middleware(RequestFactory().get("/en/slow/"))
    cachetags.invalidate({"test-page"})
    key = pagecache.entry_key(RequestFactory().get("/en/slow/"), "en")
    cache.add(key + ":render", 1, 0.3)  # a renderer that died
    view.body = b"second"
    assert middleware(RequestFactory().get("/en/slow/")).content == b"first"  # stale, while its lock lasts
    time.sleep(0.35)
    assert middleware(RequestFactory().get("/en/slow/")).content == b"second"


# The hit path -------------------------------------------------------------------------------------


def test_hits_are_answered_before_the_rest_of_the_middleware(client, staff, commit, world, monkeypatch):
    url = "/en/statements/"
    first = get(client, url)
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csrf import CsrfViewMiddleware

    def must_not_run(*args, **kwargs):
        raise AssertionError("the hit path ran the rest of the middleware")

    monkeypatch.setattr(SessionMiddleware, "process_request", must_not_run)
    monkeypatch.setattr(CsrfViewMiddleware, "process_view", must_not_run)
    with CaptureQueriesContext(connection) as queries:
        hit = get(client, url)
    assert hit.content == first.content and len(queries) == 0
    assert not hit.cookies and "cookie" not in hit.get("Vary", "").lower()
    assert hit["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert hit["X-Content-Type-Options"] == "nosniff"


def test_cached_responses_carry_surrogate_keys_and_shared_cache_lifetimes(client, staff, commit, world, settings):
    response = get(client, world["first"].get_absolute_url())
    keys = response["Surrogate-Key"].split()
    assert f"v{world['first'].pk}" in keys and f"s{world['first'].statement_id}" in keys and "site" in keys
    control = response["Cache-Control"]
    assert "public" in control and "s-maxage=60" in control and "stale-while-revalidate=30" in control
    settings.PRESSOFFICE_PURGE_URLS = ["http://127.0.0.1:9/"]  # purged by tag: kept longer in front
    cache.clear()
    pagecache.memory.clear()
    assert "s-maxage=3600" in get(client, world["first"].get_absolute_url())["Cache-Control"]
    feed = get(client, "/en/topics/trade/feed.rss")
    assert "h:en:topic:trade" in feed["Surrogate-Key"].split()


def test_text_responses_are_compressed_for_clients_that_accept_it(client, world):
    plain = get(client, "/en/feeds/statements.atom")
    packed = get(client, "/en/feeds/statements.atom", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content)
    assert packed["ETag"] != plain["ETag"]  # another representation
    again = client.get("/en/feeds/statements.atom", HTTP_IF_NONE_MATCH=packed["ETag"], HTTP_ACCEPT_ENCODING="gzip")
    assert again.status_code == 304 and again["ETag"] == packed["ETag"]


def test_last_modified_is_the_newest_change_of_what_the_response_shows(client, staff, commit, world):
    first = Translation.objects.get(pk=world["first"].pk)
    page = get(client, first.get_absolute_url())
    from django.utils.http import parse_http_date

    assert abs(parse_http_date(page["Last-Modified"]) - first.public_updated_at.timestamp()) < 2
    publish_new(staff, commit, "Later elsewhere")
    assert get(client, first.get_absolute_url())["Last-Modified"] == page["Last-Modified"]


# Purging the HTTP caches in front ----------------------------------------------------------------


@pytest.fixture
def front(settings):
    from .hub import Hub, Purger

    hub = Hub()
    purger = Purger()
    settings.PRESSOFFICE_WEBSUB_HUB_URL = hub.url
    settings.PRESSOFFICE_PURGE_URLS = [purger.url]
    yield hub, purger
    hub.stop()
    purger.stop()


def test_a_publication_purges_its_surrogate_keys_then_pings_the_hub(staff, commit, front):
    hub, purger = front
    holt = make_person("Maren Holt", slug="maren-holt")
    version = publish_new(staff, commit, "Purged first", people=[holt])
    (purge,) = [p for p in purger.purges if f"v{version.pk}" in p.get("xkey-softpurge", "").split()]
    tags = purge["xkey-softpurge"].split()  # a publication may be served stale briefly
    assert {f"v{version.pk}", f"s{version.statement_id}", "h:en", "h:*", "h:en:person:maren-holt"} <= set(tags)
    assert len(hub.received) == 6  # the pings went out after the purge had succeeded
    with commit():
        workflow.withdraw(translation=version, actor=staff["publisher"], explanation="Withdrawn.")
    assert f"v{version.pk}" in purger.purges[-1]["xkey-purge"].split()  # hard: nothing stale


def test_no_websub_ping_before_the_purge_succeeded(staff, commit, front):
    hub, purger = front
    purger.mode = "failing"
    publish_new(staff, commit, "Purge refused for now")
    assert purger.purges and hub.arrived == 0  # the purge is retried; the pings wait for it
    from statements.models import OutboxTask

    retries = OutboxTask.objects.filter(task_path__endswith="purge_shared_caches")
    waiting = [task for task in retries if task.kwargs.get("then_notify")]
    assert len(waiting) == 1 and waiting[0].kwargs["attempt"] == 2 and waiting[0].run_after is not None


# Stored entries -----------------------------------------------------------------------------------


def test_rerender_stores_every_public_entry_and_a_new_build_renders_them_anew(staff, commit, world, settings):
    from django.core.management import call_command

    from statements.models import RenderedEntry

    draft = make_version(make_statement(participants=[make_person()]), title="Still a draft", actor=staff["editor"])
    call_command("rerender", verbosity=0)
    public = {world["first"].pk, world["second"].pk}
    stored = set(RenderedEntry.objects.exclude(format="page").values_list("translation_id", "format"))
    assert stored == {(pk, fmt) for pk in public for fmt in ("row", "rss", "atom", "json", "ninjs")}
    assert not RenderedEntry.objects.filter(translation=draft).exists()
    settings.PRESSOFFICE_BUILD_ID = "next-release"
    call_command("rerender", "--format", "rss", verbosity=0)
    stamps = dict(RenderedEntry.objects.filter(format="rss").values_list("translation_id", "stamp"))
    assert all(stamp.startswith("next-release:") for stamp in stamps.values()) and set(stamps) == public
    rows = RenderedEntry.objects.filter(format="row")
    assert not any(stamp.startswith("next-release:") for stamp in rows.values_list("stamp", flat=True))


def test_feeds_and_lists_are_built_from_stored_entries_until_what_they_show_changes(
    client, staff, commit, world, settings
):
    from statements.models import RenderedEntry

    settings.PRESSOFFICE_PAGE_CACHE = False  # every request renders: only the entries are kept
    first = world["first"]
    assert "Holt on trade" in get(client, "/en/feeds/statements.atom").content.decode()
    get(client, "/en/statements/")
    # A stored entry is what the next feed and list show (nothing rendered again) ...
    RenderedEntry.objects.filter(translation=first, format="atom").update(
        content="<entry><title>Stored entry</title></entry>"
    )
    RenderedEntry.objects.filter(translation=first, format="row").update(content="<p>Stored row</p>")
    get(client, "/api/ninjs/statements/")
    RenderedEntry.objects.filter(translation=first, format="ninjs").update(content='{"title": "Stored item"}')
    assert "Stored entry" in get(client, "/en/feeds/statements.atom").content.decode()
    assert "Stored row" in get(client, "/en/statements/").content.decode()
    assert {"title": "Stored item"} in get(client, "/api/ninjs/statements/").json()["items"]
    # ... until something it shows changes: here its participant's name.
    with commit():
        world["holt"].name = "Maren Holt-Berg"
        world["holt"].save()
    atom = get(client, "/en/feeds/statements.atom").content.decode()
    assert "Stored entry" not in atom and "Maren Holt-Berg" in atom
    assert "Stored row" not in get(client, "/en/statements/").content.decode()
    assert {"title": "Stored item"} not in get(client, "/api/ninjs/statements/").json()["items"]


def test_stored_entries_carry_the_address_each_request_was_made_to(client, world, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "press.example"]
    first = get(client, "/en/feeds/statements.rss").content.decode()
    other = get(client, "/en/feeds/statements.rss", HTTP_HOST="press.example").content.decode()
    assert "http://testserver/en/statements/" in first and "press.example" not in first
    assert "http://press.example/en/statements/" in other and "testserver" not in other


def test_tags_stay_short_ascii_words_for_any_filter_value():
    long_persian = "رئیس‌جمهور-" * 12
    tag = cachetags.head("fa", "person", long_persian)
    assert tag.isascii() and " " not in tag and len(tag) < 60
    assert tag == cachetags.head("fa", "person", long_persian)  # the same list, the same tag
    assert cachetags.head("en", "topic", "trade") == "h:en:topic:trade"


def test_statement_pages_are_stored_as_rendered_until_their_version_or_statement_changes(
    client, staff, commit, world, settings
):
    from statements.models import RenderedEntry

    settings.PRESSOFFICE_PAGE_CACHE = False  # every request renders: only the stored page is kept
    first = world["first"]
    url = first.get_absolute_url()
    assert "Holt on trade" in get(client, url).content.decode()
    RenderedEntry.objects.filter(translation=first, format="page").update(content="<p>Stored page</p>")
    assert get(client, url).content.decode() == "<p>Stored page</p>"
    assert "Stored page" not in get(client, url + "?ref=mail").content.decode()  # rendered: not stored
    persian = make_version(first.statement, language="fa", title="ترجمه", actor=staff["editor"])
    with commit():
        review_and_publish(persian, staff)  # the statement's other languages changed
    page = get(client, url).content.decode()
    assert "Stored page" not in page and 'hreflang="fa"' in page
    with commit():
        workflow.unpublish(translation=Translation.objects.get(pk=first.pk), actor=staff["publisher"],
                           reason="published_in_error")  # fmt: skip
    assert client.get(url).status_code == 410


def test_a_stale_copy_is_never_kept_by_a_cache_in_front(cacheable):
    view = SlowView(seconds=0)
    middleware = pagecache.PublicCacheMiddleware(view)
    middleware(RequestFactory().get("/en/slow/"))
    cachetags.invalidate({"test-page"})
    key = pagecache.entry_key(RequestFactory().get("/en/slow/"), "en")
    cache.add(key + ":render", 1, 5)  # another process is rendering the new copy
    stale = middleware(RequestFactory().get("/en/slow/"))
    assert stale["X-Stale"] == "1" and stale["Cache-Control"] == "no-cache"


def test_a_process_takes_the_copy_another_process_rendered_instead_of_rendering_again(cacheable):
    view = SlowView(seconds=0)
    middleware = pagecache.PublicCacheMiddleware(view)
    middleware(RequestFactory().get("/en/slow/"))
    key = pagecache.entry_key(RequestFactory().get("/en/slow/"), "en")
    old = pagecache.memory.get(key)  # what this process keeps in memory
    cachetags.invalidate({"test-page"})
    view.body = b"second"
    pagecache.memory.clear()  # another process, with nothing in memory, renders the new copy
    assert middleware(RequestFactory().get("/en/slow/")).content == b"second"
    renders = view.renders
    pagecache.memory.put(key, old)  # back in this process: its memory still has the old one
    assert middleware(RequestFactory().get("/en/slow/")).content == b"second"
    assert view.renders == renders  # taken from the shared cache, not rendered again


def test_moving_a_live_statement_to_another_topic_updates_both_topics_lists(client, staff, commit, world):
    """Pages of the old topic's list that do not show the statement still shift (and its
    count changes): its head is invalidated too, from the heads taken before the change."""
    new = get(client, "/en/topics/water/")
    statement = world["first"].statement
    heads = [cachetags.key(cachetags.head("en", "topic", slug)) for slug in ("trade", "water")]
    values = cache.get_many(heads)

    def move():
        statement.topics.set([world["water"]])

    with commit():
        workflow.update_statement(statement=statement, actor=staff["publisher"], apply=move)
    after = cache.get_many(heads)
    assert all(after[key] != values.get(key) and after[key] > 0 for key in heads)
    assert "Holt on trade" in get(client, "/en/topics/water/").content.decode()
    assert get(client, "/en/topics/water/")["ETag"] != new["ETag"]


def test_stale_pages_are_re_rendered_one_at_a_time_per_machine_single_render(cacheable, settings):
    """While another process of the machine re-renders a stale page, this one serves its
    stale pages as they are, and re-renders them once the machine's slot is free, or
    once they have been stale for the stale seconds."""
    settings.PRESSOFFICE_STALE_SECONDS = 0.3
    view = SlowView(seconds=0)
    middleware = pagecache.PublicCacheMiddleware(view)
    middleware(RequestFactory().get("/en/slow/"))
    cachetags.invalidate({"test-page"})
    view.body = b"second"
    cache.add(pagecache.RENDER_SLOT, 1, 5)  # another process is re-rendering
    assert middleware(RequestFactory().get("/en/slow/")).content == b"first" and view.renders == 1
    cache.delete(pagecache.RENDER_SLOT)
    assert middleware(RequestFactory().get("/en/slow/")).content == b"second" and view.renders == 2
    assert cache.get(pagecache.RENDER_SLOT) is None  # given back
    cachetags.invalidate({"test-page"})
    view.body = b"third"
    cache.add(pagecache.RENDER_SLOT, 1, 5)
    assert middleware(RequestFactory().get("/en/slow/")).content == b"second"
    time.sleep(0.35)  # stale for the stale seconds: re-rendered although the slot is taken
    assert middleware(RequestFactory().get("/en/slow/")).content == b"third" and view.renders == 3
