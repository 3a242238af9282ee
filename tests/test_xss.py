"""XSS: every payload in every editable text field, through every output, parsed.

For each payload a world is built whose every text field holds "zx<field>zx <payload>"
(title, standfirst, body, names and names in other languages, aliases, roles, topics,
countries, captions, alt texts, credits, places, change notes, withdrawal explanations,
rejection reasons, force-publishing reasons, preview-link notes). Then every output is
fetched and parsed: public pages (with their JSON-LD), search results, RSS, Atom, JSON
Feed, ninjs, and the admin's changelists, change forms, messages, revision history and
diffs, dashboard, side-by-side view and confirmation pages. Nothing that could run
script may survive, and each output must actually show the fields it is meant to show
(so the suite cannot pass by rendering nothing). The browser half is in
tests/browser/test_xss_browser.py.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .counts import TRIED
from .factories import (
    make_user,
    version_data,
)
from .xss import FIELDS, PAYLOADS, build, feed_problems, html_problems, json_ld_problems, tag

pytestmark = pytest.mark.django_db

TALLY = {"payloads": set(), "fields": set(), "outputs": set(), "triples": 0}


def outputs(w) -> dict:
    """name: (address, kind, client) — kind says how to parse it."""
    a = "/" + settings.PRESSOFFICE_ADMIN_PATH
    version, persian = w["version"], w["persian"]

    def admin(name, *args):
        return reverse(f"admin:{name}", args=args)

    return {
        "home": ("/en/", "html"),
        "list": ("/en/statements/", "html"),
        "search results": (f"/en/statements/?q={tag('title')}", "html"),
        "detail": (version.get_absolute_url(), "page"),
        "detail in Persian": (persian.get_absolute_url(), "page"),
        "withdrawn detail": (w["withdrawn"].get_absolute_url(), "page"),
        "person page": ("/en/people/person-x/", "page"),
        "person page in Persian": ("/fa/people/person-x/", "page"),
        "topic page": ("/en/topics/topic-x/", "page"),
        "country page": ("/en/countries/XQ/", "page"),
        "RSS": ("/en/feeds/statements.rss", "rss"),
        "Atom": ("/en/feeds/statements.atom", "atom"),
        "JSON Feed": ("/en/feeds/statements.json", "json"),
        "Persian RSS": ("/fa/feeds/statements.rss", "rss"),
        "person Atom": ("/en/people/person-x/feed.atom", "atom"),
        "ninjs list": ("/api/ninjs/statements/", "json"),
        "ninjs item": (f"/api/ninjs/statements/{version.uuid}/", "json"),
        "sitemap": ("/sitemap.xml", "rss"),
        "news sitemap": ("/news-sitemap.xml", "rss"),
        "admin dashboard": (a, "admin"),
        "admin statements": (admin("statements_statement_changelist"), "admin"),
        "admin statement search": (admin("statements_statement_changelist") + f"?q={tag('title')}", "admin"),
        "admin versions": (admin("statements_translation_changelist"), "admin"),
        "admin people": (admin("statements_person_changelist"), "admin"),
        "admin roles": (admin("statements_role_changelist"), "admin"),
        "admin topics": (admin("statements_topic_changelist"), "admin"),
        "admin countries": (admin("statements_country_changelist"), "admin"),
        "admin images": (admin("statements_image_changelist"), "admin"),
        "admin audit log": (admin("statements_auditentry_changelist"), "admin"),
        "admin revisions": (admin("statements_revision_changelist"), "admin"),
        "admin version form": (admin("statements_translation_change", version.pk), "admin"),
        "admin statement form": (admin("statements_statement_change", version.statement_id), "admin"),
        "admin person form": (admin("statements_person_change", w["person"].pk), "admin"),
        "admin role form": (admin("statements_role_change", w["role"].pk), "admin"),
        "admin topic form": (admin("statements_topic_change", w["topic"].pk), "admin"),
        "admin country form": (admin("statements_country_change", w["country"].pk), "admin"),
        "admin image form": (admin("statements_image_change", w["image"].pk), "admin"),
        "admin revision history": (admin("statements_translation_revisions", version.pk), "admin"),
        "admin diff": (admin("statements_translation_compare", version.pk) + "?a=1&b=2", "admin"),
        "admin restore confirmation": (admin("statements_translation_restore", version.pk, 1), "admin"),
        "admin side-by-side": (admin("statements_translation_translate", persian.pk), "admin"),
        "admin withdraw confirmation": (admin("statements_translation_act", version.pk, "withdraw"), "admin"),
        "admin staff preview": (admin("statements_translation_preview", version.pk), "admin"),
        "admin translation matrix": (admin("statements_translation_matrix"), "admin"),
        "admin start translation": (admin("statements_statement_translate", version.statement_id, "ar"), "admin"),
    }


# Where each field must show: proof that the suite looks at real renderings.
EXPECTED = {
    "detail": {
        "title",
        "standfirst",
        "body",
        "person",
        "role",
        "topic",
        "country",
        "caption",
        "alt",
        "credit",
        "place",
        "changenote",
    },
    "detail in Persian": {"titlefa", "bodyfa", "personfa", "rolefa", "topicfa", "countryfa", "altfa"},
    "withdrawn detail": {"withdrawal"},
    "RSS": {"title", "body", "topic"},
    "Atom": {"title", "body", "topic"},
    "JSON Feed": {"title", "body"},
    "ninjs item": {"title", "body", "person", "topic"},
    "search results": {"title"},
    "admin dashboard": {"title"},
    "admin version form": {"title", "body", "standfirst", "linknote"},
    "admin person form": {"person", "personfa", "alias"},
    "admin image form": {"alt", "caption", "credit", "altfa"},
    "admin audit log": {"rejection", "forcereason", "withdrawal"},
    "admin diff": {"body"},
    "admin side-by-side": {"body", "bodyfa"},
    "admin people": {"person"},
}


@pytest.mark.parametrize("number", range(len(PAYLOADS)))
def test_payload_is_inert_in_every_output(number, django_capture_on_commit_callbacks):
    payload = PAYLOADS[number]
    with django_capture_on_commit_callbacks(execute=True):
        w = build(payload)
    reader, staff = Client(), Client()
    staff.force_login(make_user("chief", superuser=True))
    failures = []
    for name, (address, kind) in outputs(w).items():
        client = staff if kind == "admin" else reader
        response = client.get(address)
        if response.status_code != 200:
            failures.append(f"{name}: HTTP {response.status_code}")
            continue
        text = response.content.decode()
        if kind in ("html", "page", "admin"):
            problems = html_problems(text) + json_ld_problems(text)
        else:
            problems = feed_problems(text, kind)
        if settings.SECRET_KEY in text:
            problems.append("template syntax in content was evaluated")
        failures += [f"{name}: {problem}" for problem in problems]
        shown = {field for field in FIELDS if tag(field) in text}
        missing = EXPECTED.get(name, set()) - shown
        if missing:
            failures.append(f"{name}: fields not rendered: {sorted(missing)}")
        TALLY["outputs"].add(name)
        TALLY["fields"] |= shown
        TALLY["triples"] += len(shown)
    TALLY["payloads"].add(number)
    assert not failures, f"payload {payload!r}:\n" + "\n".join(failures[:25])


def test_messages_escape_titles(client, django_capture_on_commit_callbacks):
    """The admin's success message names the version: escaped, inert."""
    payload = "<img src=x onerror=alert(1)>"
    with django_capture_on_commit_callbacks(execute=True):
        w = build(payload)
    client.force_login(make_user("chief", superuser=True))
    version = w["persian"]
    url = reverse("admin:statements_translation_change", args=[version.pk])
    data = version_data(version)
    response = client.post(url, {**data, "body": data["body"] + "\n\nMore."}, follow=True)
    text = response.content.decode()
    assert 'class="success"' in text and tag("titlefa") in text
    assert html_problems(text) == []


def test_search_highlighting_never_cuts_into_an_entity():
    from statements.search import highlight

    assert str(highlight('a < b & c "d"', "lt amp quot")) == "a &lt; b &amp; c &quot;d&quot;"
    assert str(highlight("<b>x</b>", "b")) == "&lt;<mark>b</mark>&gt;x&lt;/<mark>b</mark>&gt;"


@pytest.fixture(scope="module", autouse=True)
def report_xss():
    yield
    if TALLY["payloads"]:
        TRIED["XSS"] = (
            f"{len(TALLY['payloads'])} payloads × {len(TALLY['fields'])} fields × {len(TALLY['outputs'])} outputs;"
            f" {TALLY['triples']} (payload, field, output) renderings parsed and found inert"
        )


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<iframe src=x></iframe>",
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        '<meta http-equiv="refresh" content="0;url=x">',
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>',
    ],
)
def test_the_checker_finds_what_it_looks_for(unsafe):
    assert html_problems(unsafe) or json_ld_problems(unsafe)


def test_the_feed_checker_finds_html_in_descriptions():
    rss = "<rss><channel><item><description>&lt;script&gt;alert(1)&lt;/script&gt;</description></item></channel></rss>"
    assert feed_problems(rss, "rss")
    assert feed_problems('{"items": [{"content_html": "<img src=x onerror=alert(1)>"}]}', "json")
    assert feed_problems('{"items": [{"url": "javascript:alert(1)"}]}', "json")
