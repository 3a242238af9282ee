"""Fuzzing the filter contract: random and hostile values in every parameter, repeated
parameters, odd path pieces and odd conditional and language headers, on pages, feeds,
sitemaps and the API. Whatever comes in, the answer is never a 5xx (the test client
re-raises any exception a view lets escape).

Seeded, so a failure can be replayed: FUZZ_SEED=<n> pytest tests/test_fuzz_public.py.
"""

import datetime
import os
import random
from urllib.parse import quote

import pytest

from .counts import TRIED
from .factories import (
    make_country,
    make_person,
    make_staff,
    make_statement,
    make_topic,
    make_version,
    review_and_publish,
)

pytestmark = pytest.mark.django_db

SEED = int(os.environ.get("FUZZ_SEED", "20261205"))
REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "1500"))

PARAMETERS = [
    "person", "topic", "country", "kind", "date_after", "date_before", "published_after", "published_before",
    "year", "month", "q", "sort", "page", "limit", "language", "format", "utm_source", "",
]  # fmt: skip

HOSTILE = [
    "", " ", "0", "-1", "1", "2", "12", "13", "2024", "99999", "9" * 20, "9" * 5000, "1e9", "0x10", "1.5", "²", "١٢",
    "\x00", "\x00x", "\r\n", "\t", "<script>alert(1)</script>", "' OR 1=1 --", '"', "\\", "../..", "a" * 300,
    "NEAR(a b)", "a OR b NOT c", "*", "^", "[]", "()", '"unbalanced', "-", "a:b", "%", "%%", "%00", "&", "=",
    "2024-02-30", "2024-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "2024-1-1", "yesterday",
    "relevance", "newest", "oldest", "sideways", "XX", "iq", "IQ", "Q1", "fa", "ar", "en", "xx", "readout", "poem",
    "\u202e", "\u200f", "😀", "ﷺ", "null", "true", "[object Object]", "a" * 201, "é" * 100, "\ud7ff", "\ufeff",
]  # fmt: skip

IF_NONE_MATCH = ["*", '"x"', 'W/"abc"', "garbage", '"' + "a" * 5000 + '"', '""', "W/", ",,,", '"a", "b"', "\x7f"]
IF_MODIFIED_SINCE = [
    "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "garbage", "", "0", "-1",
    "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
    "Mon, 32 Jan 2024 25:61:61 GMT", "9" * 100,
]  # fmt: skip
ACCEPT_LANGUAGE = ["*", "xx", "fa-IR;q=abc", "fa;q=2", "ar, fr;q=0.5", "en-US", ";;;", "a" * 3000, "fa-" * 200, ""]


@pytest.fixture
def fuzz_site(db):
    """Two public statements with a person, a topic and a country, and a hidden draft."""
    staff = {"editor": make_staff("Editor"), "publisher": make_staff("Publisher")}
    person, topic, country = (
        make_person("Ilse Carrow", slug="ilse-carrow"),
        make_topic(slug="harbours"),
        make_country(),
    )
    versions = []
    for day in (1, 2):
        statement = make_statement(occurred_on=datetime.date(2024, 3, day), participants=[person], topics=[topic])
        statement.countries.set([country])
        versions.append(
            review_and_publish(make_version(statement, title=f"Harbour talks {day}", actor=staff["editor"]), staff)
        )
    make_version(make_statement(participants=[person]), title="Hidden draft", actor=staff["editor"])
    return {"person": person, "topic": topic, "country": country, "versions": versions}


def addresses(fuzz_site) -> list[str]:
    version = fuzz_site["versions"][0]
    person, topic, code = fuzz_site["person"].slug, fuzz_site["topic"].slug, fuzz_site["country"].code
    pages = [
        "/en/", "/fa/", "/en/statements/", "/fa/statements/", "/ar/statements/", f"/en/people/{person}/",
        f"/en/topics/{topic}/", f"/en/countries/{code}/", "/en/archive/2024/", "/en/archive/2024/3/",
        version.get_absolute_url(), f"/s/{version.statement.reference}/", "/sitemap.xml", "/news-sitemap.xml",
        "/robots.txt", "/api/ninjs/statements/", f"/api/ninjs/statements/{version.uuid}/",
    ]  # fmt: skip
    for fmt in ("rss", "atom", "json"):
        pages += [f"/en/feeds/statements.{fmt}", f"/fa/people/{person}/feed.{fmt}", f"/en/topics/{topic}/feed.{fmt}"]
        pages.append(f"/ar/countries/{code}/feed.{fmt}")
    return pages


def odd_paths(rng) -> list[str]:
    piece = quote(rng.choice(HOSTILE) or "x", safe="")
    number = rng.choice(["0", "1", "13", "32", "99999999999999999999", "-1", "2024"])
    return [
        f"/en/people/{piece}/",
        f"/en/topics/{piece}/feed.rss",
        f"/en/countries/{piece}/",
        f"/fa/countries/{piece}/feed.json",
        f"/en/statements/{number}/{number}/{number}/{piece}/",
        f"/en/archive/{number}/",
        f"/en/archive/2024/{number}/",
        f"/s/{piece}/",
        f"/api/ninjs/statements/{piece}/",
        f"/{piece}/statements/",
    ]


def plausible(fuzz_site) -> dict:
    """Well-formed values per parameter, so that requests also get past validation and
    reach the filters, the search and the ordering."""
    return {
        "person": [fuzz_site["person"].slug, "no-such-person"],
        "topic": [fuzz_site["topic"].slug, "no-such-topic"],
        "country": [fuzz_site["country"].code, "ZZ"],
        "kind": ["readout", "speech"],
        "date_after": ["2024-03-01", "2023-01-01"],
        "date_before": ["2024-03-02", "2030-01-01"],
        "published_after": ["2020-01-01"],
        "published_before": ["2099-01-01"],
        "year": ["2024", "1900"],
        "month": ["3", "12"],
        "q": ["harbour", "talks", "Harbour talks", "^", "[]", " * ", "‏", "a OR b"],
        "sort": ["relevance", "newest", "oldest"],
        "page": ["1", "2"],
        "limit": ["1", "50", "200"],
        "language": ["en", "fa"],
    }


def random_query(rng, values) -> dict:
    query = {}
    for name in rng.sample(PARAMETERS, rng.randint(1, 5)):
        choices = values.get(name, [])
        query[name or rng.choice(HOSTILE)] = [
            rng.choice(choices) if choices and rng.random() < 0.6 else rng.choice(HOSTILE)
            for _ in range(rng.choice([1, 1, 1, 2, 3, 25]))
        ]
    return query


def random_headers(rng) -> dict:
    headers = {}
    if rng.random() < 0.3:
        headers["If-None-Match"] = rng.choice(IF_NONE_MATCH)
    if rng.random() < 0.3:
        headers["If-Modified-Since"] = rng.choice(IF_MODIFIED_SINCE)
    if rng.random() < 0.4:
        headers["Accept-Language"] = rng.choice(ACCEPT_LANGUAGE)
    return headers


def test_no_input_gets_a_server_error(client, fuzz_site):
    rng = random.Random(SEED)
    known, values = addresses(fuzz_site), plausible(fuzz_site)
    statuses: dict[int, int] = {}
    for number in range(REQUESTS):
        path = rng.choice(known) if rng.random() < 0.8 else rng.choice(odd_paths(rng))
        query, headers = random_query(rng, values), random_headers(rng)
        try:
            response = client.get(path, query, headers=headers)
        except Exception as error:  # noqa: BLE001 - report what was sent
            raise AssertionError(f"request {number} (seed {SEED}): {path} {query} {headers}: {error!r}") from error
        assert response.status_code < 500, f"request {number} (seed {SEED}): {path} {query} {headers}"
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert statuses.get(200, 0) > REQUESTS // 20, f"most requests should not all be refused: {statuses}"
    assert statuses.get(400, 0) > 0
    TRIED["filter fuzz"] = f"{REQUESTS} requests (seed {SEED}), none a 5xx: " + ", ".join(
        f"{status}×{count}" for status, count in sorted(statuses.items())
    )


@pytest.mark.parametrize(
    "path",
    [
        "/s/%00x/",  # once a 500 on PostgreSQL: a NUL reached a text comparison
        "/en/people/%00/",
        "/en/topics/a%00b/feed.rss",
        "/en/countries/%01Q/",
        "/en/statements/2024/3/1/harbour%00talks/",
        "/fa/people/ilse-carrow%7F/feed.json",
        "/fa/countries/%20/feed.json",  # once an IndexError (500), and it would have listed everything
        "/en/people/%20ilse-carrow/",
        "/en/topics/harbours%E2%80%83/feed.atom",  # an em space
    ],
)
def test_control_characters_or_spaces_in_a_name_are_not_found(client, fuzz_site, path):
    assert client.get(path).status_code == 404
