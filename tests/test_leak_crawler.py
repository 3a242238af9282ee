"""Nothing unpublished reaches the public: an anonymous crawl of the whole site.

One statement per hidden state (draft, in review, scheduled in the future, unpublished)
in every enabled language, each with its own image, person, role, topic and country
used nowhere public, and a unique marker in every text field. Beside them a public
statement with pending changes (a newer draft, a correction in review, hidden
translations, a rejection remark). The crawl starts from every language's home page,
the sitemaps, robots.txt, every feed and the ninjs API, follows every link, and
probes the hidden things' own addresses. No marker, hidden image, person or topic
may appear anywhere, and hidden addresses must answer exactly like unknown ones.
"""

import datetime
import re
import uuid

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from statements import images, workflow
from statements.models import Country, Image, Translation
from statements.workflow.quotes import QuoteDraft

from .counts import TRIED
from .crawler import crawl
from .factories import (
    appoint,
    make_country,
    make_person,
    make_role,
    make_staff,
    make_statement,
    make_topic,
    make_version,
)
from .pictures import GOOD, store

pytestmark = pytest.mark.django_db

PREFIX = "qzxleak"  # appears in no public text; every marker starts with it
STATES = ["draft", "in_review", "scheduled", "unpublished"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]
COUNTS = {}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?|\w{3}, \d\d \w{3} \d{4} [\d:]+ [+-]\d{4}")


def marker(*parts) -> str:
    return PREFIX + "".join(parts).replace("_", "")


def _free_country_code() -> str:
    taken = set(Country.objects.values_list("code", flat=True))
    return next(f"Q{letter}" for letter in "ABCDEFGHIJKLMNOPRSTUVWXY" if f"Q{letter}" not in taken)


def hidden_statement(staff, state, language, capture):
    m = lambda field: marker(state, language, field)  # noqa: E731
    image = store(
        "photo.webp",
        GOOD["photo.webp"](),
        alt_text=m("alt"),
        caption=m("caption"),
        credit=m("credit"),
        alt_texts={"fa": m("altfa"), "ar": m("altar"), "fr": m("altfr")},
        captions={"fa": m("captionfa"), "ar": m("captionar")},
    )
    country = Country.objects.create(code=_free_country_code(), name=m("country"))
    role = make_role(m("role"), names={"fa": m("rolefa")})
    person = make_person(
        m("person"), slug=m("personslug"), aliases=[m("alias")], names={"ar": m("personar")}, country=country
    )
    person.portrait = image
    person.save()
    appoint(person, role, datetime.date(2020, 1, 1))
    topic = make_topic(m("topic"), slug=m("topicslug"), names={"fr": m("topicfr")})
    statement = make_statement(
        participants=[person],
        topics=[topic],
        occurred_on=datetime.date(2024, 5, 1),
        original_language=language,
        featured_image=image,
        location=m("place"),
    )
    statement.countries.set([country])
    version = make_version(
        statement,
        language=language,
        title=f"Talks {m('title')}",
        standfirst=m("standfirst"),
        body=f"First {m('body')}.\n\nSecond paragraph with [a link](https://example.org/{m('link')}).",
        actor=staff["editor"],
    )
    # A confirmed quote of the hidden text (a record with its own public address).
    workflow.save_draft(
        translation=version, actor=staff["editor"], title=version.title, standfirst=version.standfirst,
        body=f"{version.body}\n\nThe person said, “{m('quote')} in so many words.”", base_revision=1,
        quotes=[QuoteDraft(speaker=person, words=f"{m('quote')} in so many words.")],
    )  # fmt: skip
    with capture(execute=True):
        if state != "draft":
            workflow.submit_for_review(translation=version, actor=staff["editor"])
        if state == "in_review":
            workflow.reject(translation=version, actor=staff["publisher"], reason=m("rejection"))
            workflow.submit_for_review(translation=version, actor=staff["editor"])
        if state == "scheduled":
            at = timezone.now() + datetime.timedelta(days=3)
            workflow.publish(translation=version, actor=staff["publisher"], at=at)
        if state == "unpublished":
            workflow.publish(translation=version, actor=staff["publisher"])
            workflow.unpublish(
                translation=version, actor=staff["publisher"], reason="published_in_error", explanation=m("why")
            )
    version.refresh_from_db()
    image.refresh_from_db()
    COUNTS[(state, language)] = version
    return {"version": version, "image": image, "person": person, "topic": topic, "country": country, "role": role}


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    return build_site(django_capture_on_commit_callbacks)


@pytest.fixture
def full_site(django_capture_on_commit_callbacks):
    call_command("load_demo", verbosity=0)  # a realistic public site around the hidden things
    return build_site(django_capture_on_commit_callbacks)


def build_site(capture):
    COUNTS.clear()
    staff = {"editor": make_staff("Editor"), "publisher": make_staff("Publisher")}
    # The public world: one statement with its own public person, topic, country and image.
    public_image = store(
        "photo.webp",
        GOOD["photo.webp"](),
        alt_text="Harbour photo",
        alt_texts={"fa": "عکس بندر", "ar": "صورة الميناء", "fr": "Photo du port"},
        credit="Office",
    )
    public_person = make_person("Ilse Varga", slug="ilse-varga", country=make_country("QZ", "Zemland"))
    public_topic = make_topic("Harbour trade", slug="harbour-trade")
    statement = make_statement(
        participants=[public_person],
        topics=[public_topic],
        featured_image=public_image,
        occurred_on=datetime.date(2024, 4, 2),
    )
    public = make_version(statement, title="Harbour talks", body="Public text.", actor=staff["editor"])
    with capture(execute=True):
        workflow.submit_for_review(translation=public, actor=staff["editor"])
        workflow.publish(translation=public, actor=staff["publisher"])
        # Pending changes of the live version: a correction in review, then a newer draft.
        workflow.save_draft(
            translation=public,
            actor=staff["editor"],
            title=f"Harbour talks {marker('pending', 'title')}",
            standfirst=marker("pending", "standfirst"),
            body=f"Public text. {marker('pending', 'body')}\n\nShe said, “{marker('pending', 'quote')} for now.”",
            base_revision=public.revisions.count(),
            change_note=marker("pending", "changenote"),
            is_major=True,
            quotes=[QuoteDraft(speaker=public_person, words=f"{marker('pending', 'quote')} for now.")],
        )
        workflow.submit_for_review(translation=public, actor=staff["editor"])
        workflow.save_draft(
            translation=public,
            actor=staff["editor"],
            title=f"Harbour talks {marker('newer', 'title')}",
            standfirst="",
            body=f"Public text. {marker('newer', 'body')}",
            base_revision=public.revisions.count(),
            quotes=[],  # the newer draft drops the pending quote with its words
        )
    # Hidden translations of the public statement, in every other language.
    hidden_translations = []
    for language in LANGUAGES[1:]:
        hidden_translations.append(
            make_version(
                statement,
                language=language,
                title=marker("translation", language),
                body=marker("translation", language, "body"),
                actor=staff["editor"],
            )
        )
    hidden = [hidden_statement(staff, state, language, capture) for state in STATES for language in LANGUAGES]
    return {"public": public, "hidden": hidden, "hidden_translations": hidden_translations, "staff": staff}


def start_addresses():
    start = ["/", "/robots.txt", "/sitemap.xml", "/news-sitemap.xml", "/api/ninjs/statements/"]
    for language in LANGUAGES:
        start += [f"/{language}/", f"/{language}/statements/"]
        start += [f"/{language}/feeds/statements.{fmt}" for fmt in ("rss", "atom", "json")]
        start.append(f"/api/ninjs/statements/?language={language}")
        start += [f"/{language}/quotes/", *(f"/{language}/quotes/feed.{fmt}" for fmt in ("rss", "atom", "json"))]
    return start


def test_no_hidden_content_anywhere_on_the_public_site(full_site):
    site = full_site
    hidden_tokens = set()
    for item in site["hidden"]:
        image = item["image"]
        hidden_tokens |= {image.content_hash, *(r.file.name for r in image.renditions.all())}
        if image.public_token:
            hidden_tokens.add(image.public_token)
    # The pictures are made from the same bytes, so a hidden one's content hash is also the
    # public one's, which signed edition records list (a hash of the same file, no leak).
    shown = Image.objects.filter(featured_in__translations__in=Translation.objects.public())
    hidden_tokens -= set(shown.values_list("content_hash", flat=True))
    for item in site["hidden"]:
        if item["version"].status == Translation.Status.UNPUBLISHED:
            continue  # its kill notice names its id and reference (feeds, ninjs): never its text
        hidden_tokens |= {
            str(item["version"].uuid),
            item["version"].statement.reference,
            str(item["version"].statement.content_id),
        }
    hidden_tokens = {token.lower() for token in hidden_tokens if token}
    problems, statuses = [], {}

    def visit(address, response, text):
        statuses[address] = response.status_code
        if response.status_code >= 500:
            problems.append(f"{address}: {response.status_code}")
        low = (address + "\n" + text).lower()
        if PREFIX in low:
            found = sorted(set(re.findall(PREFIX + r"[a-z0-9]*", low)))
            problems.append(f"{address}: marker {found}")
        for token in hidden_tokens:
            if token in low:
                problems.append(f"{address}: hidden identifier {token}")

    fetched = crawl(start_addresses(), visit)
    TRIED["leak crawl"] = f"{len(fetched)} public addresses fetched anonymously, no hidden marker or identifier"
    assert not problems, "\n".join(problems[:30])
    # The crawl reached the public statement in every format, and its image.
    public = site["public"]
    assert statuses[public.get_absolute_url()] == 200
    assert any(address.startswith("/media/") and status == 200 for address, status in statuses.items())
    assert len(fetched) > 50


def same_as_unknown(client, hidden_address, unknown_address, replace=()):
    """Both answer with the same status and, once the differing parts are replaced,
    the same body."""
    hidden, unknown = client.get(hidden_address), client.get(unknown_address)
    hidden_text = hidden.content.decode()
    unknown_text = unknown.content.decode()
    for old, new in replace:
        hidden_text = hidden_text.replace(old, "SUBST")
        unknown_text = unknown_text.replace(new, "SUBST")
    # An empty feed is stamped with the time it was made.
    hidden_text, unknown_text = TIMESTAMP.sub("TIME", hidden_text), TIMESTAMP.sub("TIME", unknown_text)
    assert hidden.status_code == unknown.status_code, (hidden_address, hidden.status_code, unknown.status_code)
    assert hidden_text == unknown_text, hidden_address
    assert PREFIX not in hidden_text.lower().replace("subst", "")
    return hidden.status_code


def test_hidden_addresses_answer_like_unknown_ones(site):
    client = Client()
    probes = 0
    for item in site["hidden"]:
        version, person, topic, country = item["version"], item["person"], item["topic"], item["country"]
        language = version.language
        url = version.get_absolute_url()
        if version.status == Translation.Status.UNPUBLISHED:
            # Taken down after being public: 410 Gone by design, naming nothing.
            response = client.get(url)
            assert response.status_code == 410 and PREFIX not in response.content.decode().lower()
        else:
            unknown = url.rsplit("/", 2)[0] + "/no-such-statement/"
            assert same_as_unknown(client, url, unknown, [(version.slug, "no-such-statement")]) == 404
        reference = version.statement.reference
        assert same_as_unknown(client, f"/s/{reference}/", "/s/PO-1999-0001/") == 404
        if version.status == Translation.Status.UNPUBLISHED:
            # A kill notice: the item's identifiers, its last edition and pubStatus canceled.
            response = client.get(f"/api/ninjs/statements/{version.uuid}/")
            assert response.status_code == 200 and response.json()["pubStatus"] == "canceled"
            assert PREFIX not in response.content.decode().lower() and not response.json()["headlines"]
        else:
            assert (
                same_as_unknown(
                    client, f"/api/ninjs/statements/{version.uuid}/", f"/api/ninjs/statements/{uuid.uuid4()}/"
                )
                == 404
            )
            for suffix in ("", "1.json", "1.sig"):
                assert (
                    same_as_unknown(
                        client, f"/api/editions/{version.uuid}/{suffix}", f"/api/editions/{uuid.uuid4()}/{suffix}"
                    )
                    == 404
                )
        pairs = [
            (
                f"/{language}/people/{person.slug}/",
                f"/{language}/people/no-such-person/",
                person.slug,
                "no-such-person",
            ),
            (f"/{language}/topics/{topic.slug}/", f"/{language}/topics/no-such-topic/", topic.slug, "no-such-topic"),
            (f"/{language}/countries/{country.code}/", f"/{language}/countries/QQ/", country.code, "QQ"),
        ]
        for hidden_address, unknown_address, old, new in pairs:
            assert same_as_unknown(client, hidden_address, unknown_address, [(old, new)]) == 404
            for fmt in ("rss", "atom", "json"):
                same_as_unknown(
                    client,
                    hidden_address + f"feed.{fmt}".replace("/feed", "feed"),
                    unknown_address + f"feed.{fmt}".replace("/feed", "feed"),
                    [(old, new)],
                )
                probes += 1
            probes += 1
        # The hidden version's quote: its address, its speaker's and its words' searches.
        quote = version.latest_revision().quotes.get()
        unknown_quote = uuid.uuid4()
        same_as_unknown(client, f"/{language}/quotes/{quote.uuid}/", f"/{language}/quotes/{unknown_quote}/")
        for query, unknown in [
            (f"person={person.slug}", "person=nobody"),
            (f"q={marker(_state_of(version), language, 'quote')}", "q=zzunknownzz"),
        ]:
            for path in (f"/{language}/quotes/", f"/{language}/quotes/feed.atom", f"/{language}/quotes/feed.json"):
                same_as_unknown(
                    client,
                    f"{path}?{query}",
                    f"{path}?{unknown}",
                    [(query.split("=", 1)[1], unknown.split("=", 1)[1])],
                )
                probes += 1
        probes += 1
        for name, value, unknown in [
            ("person", person.slug, "nobody"),
            ("topic", topic.slug, "nothing"),
            ("country", country.code, "QQ"),
        ]:
            same_as_unknown(
                client,
                f"/{language}/statements/?{name}={value}",
                f"/{language}/statements/?{name}={unknown}",
                [(value, unknown)],
            )
            probes += 1
        for field in ("title", "standfirst", "body", "person", "alias", "topic", "caption", "place"):
            term = marker(_state_of(version), language, field)
            for search_language in sorted({language, LANGUAGES[0]}):
                same_as_unknown(
                    client,
                    f"/{search_language}/statements/?q={term}",
                    f"/{search_language}/statements/?q=zzunknownzz",
                    [(term, "zzunknownzz")],
                )
                probes += 1
        probes += 3
    TRIED["leak probes"] = f"{probes} hidden addresses, filters and searches answered like unknown ones"


def _state_of(version):
    if version.status == Translation.Status.PUBLISHED:
        return "scheduled"
    return {"in_review": "inreview"}.get(version.status, version.status)


def test_hidden_images_have_no_reachable_files(site):
    client = Client()
    public_root = storages["default"]
    for item in site["hidden"]:
        image = item["image"]
        if item["version"].status == Translation.Status.PUBLISHED:
            # Scheduled: copied ahead under an unguessable folder so the page never shows a
            # broken picture at the instant it goes live; nothing public names the folder
            # (the crawl above checks), and the image is not public yet.
            assert len(image.public_token) >= 32
            assert not type(image).objects.public().filter(pk=image.pk).exists()
        else:
            assert image.public_token == ""
            assert not image.renditions.exclude(public_path="").exists()
        for rendition in image.renditions.all():
            name = rendition.file.name
            # The private name is not served at the public media address.
            assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404
            assert not public_root.exists(name)
        # The admin's private view sends anonymous readers to the login page.
        response = client.get(f"/{settings.PRESSOFFICE_ADMIN_PATH}statements/image/{image.pk}/file/w640-webp/")
        assert response.status_code in (302, 404) and not response.get("Content-Type", "").startswith("image/")
    images.sync_public_files()  # nothing changes for hidden images


def test_translation_pages_name_only_public_versions(site):
    client = Client()
    html = client.get(site["public"].get_absolute_url()).content.decode()
    for language in LANGUAGES[1:]:
        assert f'hreflang="{language}"' not in html
