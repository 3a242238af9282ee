"""The public site: what readers can reach, the filter contract, the answers to bad
parameters, head metadata, and constant query counts."""

import datetime
import json

import defusedxml.ElementTree as ET
import html5lib
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements import workflow
from statements.models import Country, Translation

from .factories import make_person, make_public, make_statement, make_topic, make_version, review_and_publish

pytestmark = pytest.mark.django_db

D = datetime.date


def parse(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def titles(response) -> list[str]:
    tree = parse(response)
    return ["".join(a.itertext()) for a in tree.iterfind(".//article//h3/a")]


# What readers can reach ------------------------------------------------------------


@pytest.fixture
def hidden_world(staff):
    """One public version and one version in each hidden state, each with its own
    person, topic and country used nowhere public."""
    shown_person = make_person("Shown Person", slug="shown-person")
    public = make_public(staff, title="Public words", participants=[shown_person], occurred_on=D(2024, 5, 1))
    hidden = {}
    for state in ("draft", "in_review", "scheduled", "unpublished"):
        person = make_person(f"Hidden {state} person", slug=f"hidden-{state}-person")
        topic = make_topic(f"Hidden {state} topic", slug=f"hidden-{state}-topic")
        country = Country.objects.create(code=f"Q{state[0].upper()}", name=f"Hidden {state} country")
        statement = make_statement(participants=[person], topics=[topic], occurred_on=D(2024, 5, 2))
        statement.countries.add(country)
        version = make_version(statement, title=f"Secret {state} words", actor=staff["editor"])
        if state == "in_review":
            workflow.submit_for_review(translation=version, actor=staff["editor"])
        elif state == "scheduled":
            review_and_publish(version, staff, at=timezone.now() + datetime.timedelta(days=1))
        elif state == "unpublished":
            review_and_publish(version, staff)
            workflow.unpublish(translation=version, actor=staff["publisher"], reason="published_in_error")
        hidden[state] = Translation.objects.get(pk=version.pk)
    return public, hidden


PAGES = [
    "/en/",
    "/en/statements/",
    "/en/statements/?q=secret",
    "/en/statements/?q=words",
    "/en/archive/2024/",
    "/en/archive/2024/05/",
    "/sitemap.xml",
    "/news-sitemap.xml",
]


def test_hidden_versions_appear_nowhere(client, hidden_world):
    public, hidden = hidden_world
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for state in hidden:
            assert f"Secret {state}" not in body, (url, state)
            assert f"hidden-{state}" not in body and f"Hidden {state}" not in body, (url, state)
    assert "Public words" in client.get("/en/statements/").content.decode()
    count = parse(client.get("/en/statements/")).find(".//p[@class='result-count']")
    assert "".join(count.itertext()).strip() == "1 statement"


def test_hidden_versions_answer_like_unknown_urls(client, hidden_world):
    _public, hidden = hidden_world
    for state in ("draft", "in_review", "scheduled"):
        version = hidden[state]
        assert client.get(version.get_absolute_url()).status_code == 404, state
        assert client.get(f"/s/{version.statement.reference}/").status_code == 404, state
        for page in ("people", "topics"):
            assert (
                client.get(f"/en/{page}/hidden-{state}-{page[:-1] if page == 'topics' else 'person'}/").status_code
                == 404
            )
        assert client.get(f"/en/countries/Q{state[0].upper()}/").status_code == 404
    gone = hidden["unpublished"]
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 410 and "Secret" not in response.content.decode()


def test_hidden_people_topics_countries_are_not_filter_choices(client, hidden_world):
    page = client.get("/en/statements/").content.decode()
    assert "shown-person" in page
    assert "hidden-" not in page


def test_withdrawn_version_stays_with_its_notice(client, staff):
    version = make_public(staff, title="Later withdrawn")
    workflow.withdraw(translation=version, actor=staff["publisher"], explanation="Superseded by a later statement.")
    response = client.get(version.get_absolute_url())
    assert response.status_code == 200
    tree = parse(response)
    assert "Superseded by a later statement." in "".join(tree.find(".//section[@class='withdrawn-notice']").itertext())
    assert tree.find(".//title").text.startswith("[Withdrawn]")
    assert "Later withdrawn" in client.get("/en/statements/").content.decode()


def test_consolidated_version_redirects_permanently(client, staff):
    version = make_public(staff)
    workflow.unpublish(
        translation=version, actor=staff["publisher"], reason="consolidated", redirect_url="/en/statements/"
    )
    response = client.get(version.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == "/en/statements/"


def test_pending_changes_never_reach_the_public(client, staff):
    version = make_public(staff, title="Live title")
    latest = version.latest_revision()
    workflow.save_draft(
        translation=version, actor=staff["editor"], title="Pending title", standfirst="", body="Pending body",
        base_revision=latest.number,
    )  # fmt: skip
    for url in [version.get_absolute_url(), "/en/", "/en/statements/", "/en/statements/?q=pending", "/sitemap.xml"]:
        assert "Pending" not in client.get(url).content.decode(), url


def test_scheduled_version_appears_at_its_time(client, staff, monkeypatch):
    version = make_version(make_statement(participants=[make_person()]), title="Soon", actor=staff["editor"])
    at = timezone.now() + datetime.timedelta(hours=1)
    review_and_publish(version, staff, at=at)
    assert "Soon" not in client.get("/en/statements/").content.decode()
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    assert "Soon" in client.get("/en/statements/").content.decode()
    assert client.get(version.get_absolute_url()).status_code == 200


# The filter contract ----------------------------------------------------------------


@pytest.fixture
def catalogue(staff):
    alice, bruno = make_person("Alice Ames", slug="alice"), make_person("Bruno Bell", slug="bruno")
    water = make_topic("Water", slug="water")
    rivers = make_topic("Rivers", slug="rivers", parent=water)
    trade = make_topic("Trade", slug="trade")
    north = Country.objects.create(code="XN", name="Northland")
    south = Country.objects.create(code="XS", name="Southport")
    rows = [
        ("A1", [alice], [water], [north], "readout", D(2024, 1, 10)),
        ("A2", [alice], [rivers], [south], "speech", D(2024, 2, 10)),
        ("B1", [bruno], [trade], [north], "readout", D(2024, 3, 10)),
        ("AB", [alice, bruno], [trade, rivers], [north, south], "interview", D(2025, 3, 10)),
    ]
    for title, people, topics, countries, kind, day in rows:
        statement = make_statement(participants=people, topics=topics, kind=kind, occurred_on=day)
        statement.countries.set(countries)
        make_public(staff, title=f"Statement {title}", statement=statement)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["AB", "B1", "A2", "A1"]),
        ("person=alice", ["AB", "A2", "A1"]),
        ("person=alice&person=bruno", ["AB", "B1", "A2", "A1"]),
        ("person=alice&topic=trade", ["AB"]),
        ("topic=water", ["AB", "A2", "A1"]),  # a parent matches its children
        ("topic=rivers", ["AB", "A2"]),
        ("topic=rivers&topic=trade", ["AB", "B1", "A2"]),
        ("country=XS", ["AB", "A2"]),
        ("country=xn&kind=readout", ["B1", "A1"]),
        ("kind=readout&kind=speech", ["B1", "A2", "A1"]),
        ("date_after=2024-02-01&date_before=2024-12-31", ["B1", "A2"]),
        ("year=2024&month=3", ["B1"]),
        ("year=2025", ["AB"]),
        ("sort=oldest", ["A1", "A2", "B1", "AB"]),
        ("person=bruno&country=XS&kind=interview", ["AB"]),
        ("topic=no-such-topic", []),
        ("person=alice&person=nobody", ["AB", "A2", "A1"]),
    ],
)
def test_filters(client, catalogue, query, expected):
    response = client.get(f"/en/statements/?{query}")
    assert response.status_code == 200
    assert titles(response) == [f"Statement {t}" for t in expected]


def test_published_date_filters(client, catalogue):
    today = timezone.localdate().isoformat()
    assert len(titles(client.get(f"/en/statements/?published_after={today}"))) == 4
    assert titles(client.get("/en/statements/?published_before=2000-01-01")) == []


def test_unknown_value_gives_an_empty_list_with_a_message(client, catalogue):
    response = client.get("/en/statements/?topic=no-such-topic")
    assert response.status_code == 200
    notice = "".join(parse(response).find(".//div[@class='notice']").itertext())
    assert "no-such-topic" in notice


def test_search_finds_and_highlights(client, staff):
    make_public(staff, title="Talks on river water", statement=make_statement(participants=[make_person()]))
    make_public(staff, title="Budget review", statement=make_statement(participants=[make_person()]))
    response = client.get("/en/statements/?q=water")
    assert titles(response) == ["Talks on river water"]
    assert "<mark>water</mark>" in response.content.decode()


def test_search_in_persian(client, staff):
    statement = make_statement(participants=[make_person()])
    make_public(staff, title="دیدار درباره همکاری آب", language="fa", statement=statement)
    assert titles(client.get("/fa/statements/?q=همکاری")) == ["دیدار درباره همکاری آب"]


def test_relevance_sort_ranks_title_matches_first(client, staff):
    make_public(
        staff, title="Budget", statement=make_statement(participants=[make_person()], occurred_on=D(2024, 6, 1))
    )
    version = Translation.objects.get(title="Budget")
    workflow.save_draft(
        translation=version, actor=staff["editor"], title="Budget", standfirst="", body="Mentions harbour once.",
        base_revision=1,
    )  # fmt: skip
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    workflow.publish(translation=version, actor=staff["publisher"])
    make_public(
        staff,
        title="Harbour harbour works",
        statement=make_statement(participants=[make_person()], occurred_on=D(2024, 1, 1)),
    )
    assert titles(client.get("/en/statements/?q=harbour&sort=relevance"))[0] == "Harbour harbour works"
    assert titles(client.get("/en/statements/?q=harbour"))[0] == "Budget"  # newest first


@pytest.mark.parametrize(
    "query",
    ['q="unbalanced', "q=a%20OR%20b%20NOT%20c", "q=*", "q=NEAR(a%20b)", "q=%22%22%22", "q=-", "q=a:b", "q=%00x"],
)
def test_hostile_queries_never_500(client, staff, query):
    make_public(staff, title="Something")
    assert client.get(f"/en/statements/?{query}").status_code in (200, 400)


# Bad parameters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("date_after=2024-02-30", 400),
        ("date_before=yesterday", 400),
        ("published_after=2024-13-01", 400),
        ("page=abc", 400),
        ("page=0", 400),
        ("page=999999", 404),
        ("month=3", 400),
        ("year=2024&month=13", 400),
        ("year=abc", 400),
        ("q=" + "x" * 100_000, 400),
        ("sort=sideways", 400),
        ("country=Northland", 400),
        ("person=%3Cscript%3E", 400),
        ("date_after=2024-05-01&date_before=2024-01-01", 400),
        ("topic=no-such-topic", 200),
        ("kind=poem", 200),
        ("sort=relevance", 200),  # relevance without q is ignored
        ("q=%5E&sort=relevance", 200),  # a query without a searchable word: default order
        ("q=%5B%5D&sort=relevance", 200),
        ("page=%C2%B2", 400),  # "²" passes str.isdigit()
        ("page=%D9%A1", 400),  # Arabic-Indic one
        ("page=" + "9" * 5000, 400),  # longer than int() takes
    ],
)
def test_bad_parameters(client, staff, query, status):
    make_public(staff)
    response = client.get(f"/en/statements/?{query}")
    assert response.status_code == status
    if status == 400:
        errors = parse(response).find(".//ul[@class='errors']")
        assert errors is not None and "".join(errors.itertext()).strip()


def test_unknown_language_prefix_and_slug_are_404(client, staff):
    version = make_public(staff)
    assert client.get("/xx/statements/").status_code == 404
    assert client.get(version.get_absolute_url().replace(version.slug, "no-such-slug")).status_code == 404
    assert client.get("/en/statements/2024/02/30/anything/").status_code == 404
    assert client.get("/en/people/nobody/").status_code == 404
    assert client.get("/en/archive/1900/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/en/statements/99999999999999999999/1/1/x/",  # once an OverflowError (500)
        "/en/statements/2024/99999999999999999999/1/x/",
        "/en/statements/2024/1/99999999999999999999/x/",
        "/en/statements/0/1/1/x/",
        "/en/statements/2024/0/1/x/",
        "/en/statements/2024/2/30/x/",
    ],
)
def test_detail_address_with_an_impossible_date_is_404(client, staff, path):
    make_public(staff)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/en/statements/",
        "/en/people/{person}/",
        "/en/topics/{topic}/",
        "/en/feeds/statements.rss",
        "/ar/feeds/statements.json",
        "/en/people/{person}/feed.atom",
        "/api/ninjs/statements/",
    ],
)
@pytest.mark.parametrize("q", ["%5E", "%5B%5D", "%20%2A%20", "%E2%80%8F"])
def test_relevance_with_no_searchable_word_is_not_an_error(client, staff, path, q):
    """Once a 500 (FieldError: no `rank`): such a query matches nothing, in the default order."""
    person, topic = make_person(), make_topic()
    make_public(staff, title="Harbour talks", participants=[person], topics=[topic])
    address = path.format(person=person.slug, topic=topic.slug)
    response = client.get(f"{address}?q={q}&sort=relevance")
    # A person's or topic's page with nothing to list is a 404, as for any search that finds nothing there.
    assert response.status_code == (
        404 if address.endswith(f"{person.slug}/") or address.endswith(f"{topic.slug}/") else 200
    )


# Detail page: languages and metadata ---------------------------------------------------


def test_hreflang_is_reciprocal_and_public_only(client, staff):
    statement = make_statement(participants=[make_person()])
    english = make_public(staff, title="English", statement=statement)
    persian = make_public(staff, title="فارسی", language="fa", statement=statement)
    make_version(statement, language="ar", title="عربي", actor=staff["editor"])  # a draft

    def hreflangs(version):
        tree = parse(client.get(version.get_absolute_url()))
        links = tree.iterfind(".//link[@rel='alternate'][@hreflang]")  # not the signed edition's
        return {link.get("hreflang"): link.get("href") for link in links}

    en_links, fa_links = hreflangs(english), hreflangs(persian)
    assert set(en_links) == set(fa_links) == {"en", "fa", "x-default"}
    assert en_links["fa"].endswith(persian.get_absolute_url()) and fa_links["en"].endswith(english.get_absolute_url())
    assert en_links["x-default"] == fa_links["x-default"] == en_links["en"]
    switcher = parse(client.get(english.get_absolute_url())).find(".//nav[@class='languages']")
    assert {a.get("hreflang") for a in switcher.iterfind(".//a")} == {"en", "fa"}


def test_persian_pages_are_right_to_left(client, staff):
    version = make_public(staff, title="دیدار", language="fa")
    for url in ["/fa/", "/fa/statements/", version.get_absolute_url()]:
        assert parse(client.get(url)).get("dir") == "rtl", url
    assert parse(client.get("/en/")).get("dir") == "ltr"


HOSTILE_TITLE = '</script><script>alert(1)</script><!-- "quoted" \u2028 & more'


def test_json_ld_parses_and_survives_a_hostile_title(client, staff):
    version = make_public(staff, title=HOSTILE_TITLE)
    tree = parse(client.get(version.get_absolute_url()))
    scripts = list(tree.iterfind(".//script"))
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    data = json.loads(scripts[0].text)
    assert data["@type"] == "NewsArticle" and data["headline"] == HOSTILE_TITLE
    assert data["datePublished"] == version.first_published_at.isoformat()
    assert data["dateModified"] == version.public_updated_at.isoformat()
    assert data["inLanguage"] == "en" and data["publisher"]["name"]


def test_head_metadata(client, staff):
    version = make_public(staff, title="Readout title")
    tree = parse(client.get(version.get_absolute_url()))
    meta = {m.get("property") or m.get("name"): m.get("content") for m in tree.iterfind(".//meta")}
    canonical = tree.find(".//link[@rel='canonical']").get("href")
    assert canonical == f"http://testserver{version.get_absolute_url()}"
    assert meta["og:title"] == "Readout title" and meta["og:url"] == canonical
    assert meta["og:type"] == "article" and meta["twitter:card"] == "summary"


def test_participants_show_their_title_on_the_meeting_date(client, staff):
    from .factories import appoint, make_role

    person = make_person("Ebrahim Raisi", slug="raisi")
    appoint(person, make_role("President of Iran"), D(2021, 8, 3), D(2024, 5, 19))
    before = make_public(staff, statement=make_statement(participants=[person], occurred_on=D(2023, 11, 6)))
    after = make_public(staff, statement=make_statement(participants=[person], occurred_on=D(2024, 6, 1)))
    assert "Ebrahim Raisi</a>, President of Iran" in client.get(before.get_absolute_url()).content.decode()
    assert "President of Iran" not in client.get(after.get_absolute_url()).content.decode()


def test_person_page_lists_offices_and_statements(client, staff):
    from .factories import appoint, make_role

    person = make_person("Maren Holt", slug="maren-holt")
    appoint(person, make_role("President of Northland"), D(2022, 3, 1))
    make_public(staff, title="Holt statement", statement=make_statement(participants=[person]))
    page = client.get("/en/people/maren-holt/").content.decode()
    assert "President of Northland" in page and "Holt statement" in page


def test_topic_page_includes_sub_topics(client, catalogue):
    response = client.get("/en/topics/water/")
    assert titles(response) == ["Statement AB", "Statement A2", "Statement A1"]
    assert "/en/topics/rivers/" in response.content.decode()


# Machine endpoints and short links ----------------------------------------------------


def test_short_link_prefers_the_readers_language(client, staff):
    statement = make_statement(participants=[make_person()])
    english = make_public(staff, statement=statement)
    persian = make_public(staff, language="fa", statement=statement)
    reference = statement.reference
    assert client.get(f"/s/{reference}/", HTTP_ACCEPT_LANGUAGE="fa")["Location"] == persian.get_absolute_url()
    assert client.get(f"/s/{reference}/", HTTP_ACCEPT_LANGUAGE="ar")["Location"] == english.get_absolute_url()
    assert client.get(f"/s/{reference.lower()}/")["Location"] == english.get_absolute_url()
    assert client.get("/s/PO-1999-9999/").status_code == 404


def test_sitemap_has_lastmod_and_alternates(client, staff):
    statement = make_statement(participants=[make_person()])
    english = make_public(staff, statement=statement)
    make_public(staff, language="fa", statement=statement)
    make_version(make_statement(), title="Draft only", actor=staff["editor"])
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = root.findall("s:url", ns)
    assert len(urls) == 2
    first = next(u for u in urls if u.find("s:loc", ns).text.endswith(english.get_absolute_url()))
    assert first.find("s:lastmod", ns).text.startswith(english.public_updated_at.date().isoformat())
    assert {link.get("hreflang") for link in first.findall("x:link", ns)} == {"en", "fa", "x-default"}


def test_news_sitemap_covers_two_days(client, staff):
    fresh = make_public(staff, title="Fresh")
    old = make_public(staff, title="Old")
    Translation.objects.filter(pk=old.pk).update(first_published_at=timezone.now() - datetime.timedelta(days=3))
    body = client.get("/news-sitemap.xml").content.decode()
    ET.fromstring(body)
    assert fresh.get_absolute_url() in body and old.get_absolute_url() not in body


def test_robots_txt(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body and "Disallow: /admin/" in body


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_no_inline_scripts_on_public_pages(client, staff):
    version = make_public(staff)
    for url in ["/en/", "/en/statements/", version.get_absolute_url()]:
        for script in parse(client.get(url)).iterfind(".//script"):
            external = script.get("src", "").startswith("/static/") and not (script.text or "").strip()
            assert script.get("type") == "application/ld+json" or external, url
        assert " on" not in "".join(f" {name}" for element in parse(client.get(url)).iter() for name in element.attrib)


# Query counts --------------------------------------------------------------------------


def grow(staff, count, start=0):
    person, topic = make_person(slug="fixed-person"), make_topic(slug="fixed-topic")
    country = Country.objects.get_or_create(code="XF", defaults={"name": "Fixedland"})[0]
    for i in range(start, start + count):
        statement = make_statement(
            participants=[person, make_person()], topics=[topic], occurred_on=D(2024, 1 + i % 12, 1 + i % 27)
        )
        statement.countries.add(country)
        make_public(staff, title=f"Statement {i}", statement=statement)
    return person, topic


def quote_everything():
    """A confirmed quote on every public version's live text (written directly: the
    workflow's own rules are tested in test_quotes.py)."""
    from statements.models import Quote

    for version in Translation.objects.public().filter(quotes=None).select_related("statement"):
        speaker = version.statement.participations.first().person
        Quote.objects.create(
            translation=version, revision=version.live_revision, speaker=speaker, words="A paragraph."
        )


def page_urls():
    from statements.models import Quote

    version = Translation.objects.public().order_by("pk").first()
    quote = Quote.objects.public().order_by("pk").first()
    return [
        "/en/quotes/",
        "/en/quotes/?person=fixed-person&topic=fixed-topic&q=paragraph",
        f"/en/quotes/{quote.uuid}/",
        "/en/administrations/fixed-years/",
        "/en/statements/?administration=fixed-years",
        "/en/",
        "/en/statements/",
        "/en/statements/?page=2",
        "/en/statements/?person=fixed-person&topic=fixed-topic&country=XF&kind=readout",
        "/en/statements/?q=statement&sort=relevance",
        version.get_absolute_url(),
        "/en/people/fixed-person/",
        "/en/topics/fixed-topic/",
        "/en/countries/XF/",
        "/en/archive/2024/",
        "/en/archive/2024/01/",
        "/sitemap.xml",
    ]


def counts(client):
    """Queries per page rendered from a cold cache (the first reader after a restart: it
    also reads the schedule, the filter choices and stores the rows it rendered), then
    rendered again with them kept (the page cache is off in tests: every request renders)."""
    cache.clear()
    found = {}
    for url in page_urls():
        for state in ("cold", "warm"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, url
            found[url, state] = len(queries)
    return found


def test_query_counts_constant_at_two_sizes(client, staff):
    from statements.models import Administration

    Administration.objects.create(name="Fixed", slug="fixed-years", started_on=D(2020, 1, 1))
    grow(staff, 22)  # over one page of 20
    quote_everything()
    urls = page_urls()
    small = counts(client)
    for i in range(30):
        statement = make_statement(participants=[make_person()], occurred_on=D(2023, 1 + i % 12, 1 + i % 27))
        make_public(staff, title=f"More {i}", statement=statement)
    quote_everything()
    assert page_urls() == urls
    large = counts(client)
    assert large == small
    assert max(n for (_url, state), n in small.items() if state == "warm") <= 10, small
    assert max(small.values()) <= 14, small
    print("queries per page:", small)


def test_root_redirects_to_the_readers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fa,en;q=0.5")
    assert response.status_code == 302 and response["Location"] == "/fa/"
