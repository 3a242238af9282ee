"""What a signed edition holds: the record of a version as the public sees it, as RFC 8785
canonical JSON (the bytes that are signed, hashed into the log and served as
`/api/editions/<version uuid>/<n>.json`).

The record's `body` is the public text as **NFC plain text**: the rendered body's text,
one paragraph (or heading, list item, quotation) per block, blocks separated by a blank
line, white space inside a block collapsed to single spaces. Plain text, not Markdown,
so a reader can compare it with what the page shows; `body_html_sha256` binds the exact
HTML served. Writing editions is the workflow's (`statements/workflow/editions.py`).
"""

import datetime
import hashlib
import re
import unicodedata
from html.parser import HTMLParser

import rfc8785
from django.conf import settings

RECORD_TYPE = "pressoffice-edition/1"
BODY_FORMAT = "text/plain; NFC; blocks separated by a blank line"
# Record fields a change of metadata is compared on: everything but the edition's own
# bookkeeping (a metadata edition is made only when one of the others changed).
BOOKKEEPING = {"edition", "previous", "created_at", "key_id", "change", "change_note", "notice"}

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "div", "figcaption", "dt", "dd"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.current = [], []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.flush()
        elif tag == "br":
            self.current.append(" ")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data):
        self.current.append(data)

    def flush(self):
        text = collapse("".join(self.current))
        if text:
            self.blocks.append(text)
        self.current = []


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def plain_text(body_html: str) -> str:
    """The body as the record holds it (see the module's docstring)."""
    parser = _Text()
    parser.feed(body_html)
    parser.close()
    parser.flush()
    return "\n\n".join(parser.blocks)


def text_digest(text: str) -> str:
    """What /verify/ matches a pasted text on: its white space collapsed (so line breaks
    added by copying do not matter), NFC, SHA-256 in hex."""
    return hashlib.sha256(collapse(text).encode()).hexdigest()


def utc(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def build(version, *, number: int, change: str, now, previous: str | None, key_id: str, change_note: str = "") -> dict:
    """The record of `version` as it stands (live text, metadata, state), edition `number`."""
    statement = version.statement
    language = version.language
    notice = ""
    if version.is_withdrawn:
        notice = version.withdrawal_explanation
    elif version.is_unpublished:
        notice = version.unpublish_explanation
    participants = [
        {
            "slug": p.person.slug,
            "name": p.person.name_in(language),
            "title": p.title(language),
            "part": p.part,
        }
        for p in statement.participations.all()  # prefetched with titles in bulk signing
    ]
    image = statement.featured_image
    images = []
    if image is not None:
        images.append(
            {
                "role": "featured",
                "sha256": image.content_hash,
                "alt": image.alt_text_in(language),
                "credit": image.credit,
            }
        )
    return {
        "type": RECORD_TYPE,
        "issuer": str(settings.PRESSOFFICE_OFFICE_NAME),
        "content_id": str(statement.content_id),
        "version_id": str(version.uuid),
        "language": language,
        "reference": statement.reference,
        "kind": statement.kind,
        "edition": number,
        "change": change,
        "status": version.status,
        "headline": version.title,
        "standfirst": unicodedata.normalize("NFC", version.standfirst),
        "body": plain_text(version.body_html),
        "body_format": BODY_FORMAT,
        "body_html_sha256": hashlib.sha256(version.body_html.encode()).hexdigest(),
        "occurred_on": utc(version.occurred_on),
        "location": statement.location,
        "url": settings.PRESSOFFICE_SITE_URL.rstrip("/") + (version.get_absolute_url() or ""),
        "published_at": utc(version.published_at),
        "first_published_at": utc(version.first_published_at),
        "public_updated_at": utc(version.public_updated_at),
        "created_at": utc(now),
        "change_note": change_note,
        "notice": notice,
        "participants": participants,
        "topics": [
            {"slug": t.slug, "name": t.name_in(language)} for t in sorted(statement.topics.all(), key=lambda t: t.slug)
        ],
        "countries": sorted(country.code for country in statement.countries.all()),
        "images": images,
        "quotes": quotes_of(version),
        "previous": previous,
        "key_id": key_id,
    }


def quotes_of(version) -> list[dict]:
    """The live revision's confirmed quotes: who, in which words (and their SHA-256, of the
    NFC UTF-8 words), with what fidelity. Reads `live_revision.quotes.all()`, so a prefetch
    makes a bulk signing free of per-version queries."""
    revision = version.live_revision
    if revision is None:
        return []
    quotes = []
    for quote in revision.quotes.all():
        if not quote.is_confirmed:
            continue
        quotes.append(
            {
                "id": str(quote.uuid),
                "speaker": quote.speaker.slug,
                "speaker_name": quote.speaker.name_in(version.language),
                "role": quote.role,
                "words": quote.nfc_words,
                "words_sha256": quote.digest,
                "fidelity": quote.fidelity,
                "paragraph": quote.paragraph,
                "translation_of": str(quote.source) if quote.source else None,
            }
        )
    return quotes


def canonical(record: dict) -> bytes:
    return rfc8785.dumps(record)


def same_content(record: dict, other: dict) -> bool:
    """Whether two records differ only in their bookkeeping."""
    return {k: v for k, v in record.items() if k not in BOOKKEEPING} == {
        k: v for k, v in other.items() if k not in BOOKKEEPING
    }
