"""Full-text search of live version text: PostgreSQL's stored tsvector with a GIN index,
or SQLite's FTS5 table kept in step by triggers (both created by migration 0003).

Queries are capped in length and number of terms; the user's words are passed as
data (websearch syntax on PostgreSQL, quoted phrases on SQLite), never as operators.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_CHARS = 110

# PostgreSQL text-search configurations by language; "simple" where it has none
# (Persian, for one): words are still found, just not stemmed.
PG_CONFIGS = {
    "ar": "arabic", "da": "danish", "de": "german", "el": "greek", "en": "english", "es": "spanish",
    "fi": "finnish", "fr": "french", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "it": "italian",
    "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish",
    "tr": "turkish",
}  # fmt: skip

WORD = re.compile(r"\w+", re.UNICODE)
FTS_TABLE = "statements_translation_fts"
# The user's words reach SQLite only as the MATCH parameter, each one a quoted phrase.
FTS_MATCH = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
FTS_RANK = (
    f"(SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} "  # noqa: S608
    f"WHERE {FTS_TABLE}.rowid = statements_translation.id AND {FTS_TABLE} MATCH %s)"
)


def config_for(language: str) -> str:
    return PG_CONFIGS.get(language.split("-")[0], "simple")


def terms(q: str) -> list[str]:
    return WORD.findall(q or "")[:MAX_TERMS]


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def vector(language: str):
    """The stored search vector of a version: title, then standfirst, then body."""
    config = config_for(language)
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def matching(queryset, q: str, language: str):
    """Versions matching `q`, annotated with `rank` (higher is better)."""
    words = terms(q)
    if not words:
        return queryset.none()
    if is_postgresql():
        query = SearchQuery(" ".join(words), config=config_for(language), search_type="websearch")
        return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    expression = " ".join('"{}"'.format(word.replace('"', '""')) for word in words)
    matched = RawSQL(FTS_MATCH, [expression])  # noqa: S611 - constant SQL, words as a parameter
    rank = RawSQL(FTS_RANK, [expression])  # noqa: S611 - constant SQL, words as a parameter
    return queryset.filter(pk__in=matched).annotate(rank=rank)


def highlight(text: str, q: str):
    """`text` escaped, with the query's words wrapped in <mark>.

    Words are found in the raw text and every piece is escaped on its own, so a search
    for "lt" or "amp" never cuts into an entity."""
    text = text or ""
    words = sorted(set(terms(q)), key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[last : match.start()]), "<mark>", escape(match.group(0)), "</mark>"]
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above


def snippet(body: str, q: str):
    """A short passage of the body around the first word found, highlighted."""
    plain = re.sub(r"[*_>#`\[\]]", "", body or "")
    plain = re.sub(r"\((https?|mailto):[^)]*\)", "", plain)
    plain = " ".join(plain.split())
    lowered = plain.lower()
    positions = [lowered.find(word.lower()) for word in terms(q)]
    found = min((p for p in positions if p >= 0), default=-1)
    if found < 0:
        return ""
    start = max(0, found - SNIPPET_CHARS // 2)
    end = min(len(plain), start + SNIPPET_CHARS * 2)
    passage = ("… " if start else "") + plain[start:end] + (" …" if end < len(plain) else "")
    return highlight(passage, q)
