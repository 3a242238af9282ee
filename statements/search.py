"""Full-text search of live version text, the same on both databases: the text and the
query go through one normalisation (statements/wordforms.py: letter variants,
diacritics, the non-joiner, the Arabic article, Snowball stems), and the index holds
only its output — PostgreSQL a stored tsvector (`simple` configuration, weighted title
A, standfirst B, body C) with a GIN index, SQLite an FTS5 table (columns title,
standfirst, body, ranked by bm25) written when a version is saved (`index`), rows
removed by a trigger when a version is deleted (migration 0027).

The query language: words (all must appear), "a phrase", -word or -"phrase" to
exclude, and OR between two terms. Queries are capped in length and number of terms;
the user's words reach the database only as normalised tokens in a parameter, never as
operators of its own syntax.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import wordforms

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_CHARS = 110

WORD = re.compile(r"\w+", re.UNICODE)
FTS_TABLE = "statements_translation_fts"
# The query reaches SQLite only as the MATCH parameter, made of normalised tokens.
FTS_MATCH = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
FTS_RANK = (
    f"(SELECT -bm25({FTS_TABLE}, 10.0, 4.0, 1.0) FROM {FTS_TABLE} "  # noqa: S608
    f"WHERE {FTS_TABLE}.rowid = statements_translation.id AND {FTS_TABLE} MATCH %s)"
)
_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class Query:
    """All `groups` must match (each a list of alternative phrases joined by OR, a
    phrase a list of tokens), and no phrase of `excluded`."""

    groups: list[list[list[str]]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)

    def __bool__(self):
        return bool(self.groups)


def parse(q: str, language: str) -> Query:
    query, pending_or, count = Query(), False, 0
    for match in _QUERY_PART.finditer((q or "")[:MAX_QUERY_LENGTH]):
        negative, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            pending_or = bool(query.groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negative, bare = "-", bare[1:]
        text = quoted if quoted is not None else bare
        tokens = wordforms.words(language, text)[:MAX_TERMS]
        if not tokens or count >= MAX_TERMS:
            pending_or = False
            continue
        count += len(tokens)
        if negative:
            query.excluded.append(tokens)
        elif pending_or:
            query.groups[-1].append(tokens)
        else:
            query.groups.append([tokens])
        pending_or = False
    return query


def config_for(language: str) -> str:
    """Every language is indexed with `simple`: the stemming is done before, the same way
    on both databases (statements/wordforms.py)."""
    return "simple"


def terms(q: str) -> list[str]:
    """The words typed, for highlighting and the relevance sort (operators left out)."""
    return [word for word in WORD.findall(q or "") if word != "OR"][:MAX_TERMS]


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def matching(queryset, q: str, language: str):
    """Versions matching `q`, annotated with `rank` (higher is better)."""
    query = parse(q, language)
    if not query:
        return queryset.none()
    if is_postgresql():
        search = SearchQuery(_tsquery(query), config="simple", search_type="raw")
        return queryset.filter(search_vector=search).annotate(rank=SearchRank(F("search_vector"), search))
    expression = _fts5(query)
    matched = RawSQL(FTS_MATCH, [expression])  # noqa: S611 - constant SQL, the query as a parameter
    rank = RawSQL(FTS_RANK, [expression])  # noqa: S611 - constant SQL, the query as a parameter
    return queryset.filter(pk__in=matched).annotate(rank=rank)


def _fts5(query: Query) -> str:
    def phrase(tokens):
        return '"' + " ".join(tokens) + '"'  # tokens are letters and digits only

    groups = ["(" + " OR ".join(phrase(p) for p in group) + ")" for group in query.groups]
    return " AND ".join(groups) + "".join(f" NOT {phrase(p)}" for p in query.excluded)


def _tsquery(query: Query) -> str:
    def phrase(tokens):
        return "(" + " <-> ".join(f"'{token}'" for token in tokens) + ")"  # letters and digits only

    groups = ["(" + " | ".join(phrase(p) for p in group) + ")" for group in query.groups]
    return " & ".join(groups + [f"!{phrase(p)}" for p in query.excluded])


# Indexing ---------------------------------------------------------------------------


def index(version) -> None:
    """Store `version`'s row text as the index holds it (called by `Translation.save`)."""
    title, standfirst, body = (
        wordforms.document(version.language, text) for text in (version.title, version.standfirst, version.body)
    )
    if is_postgresql():
        vector = (
            SearchVector(Value(title), weight="A", config="simple")
            + SearchVector(Value(standfirst), weight="B", config="simple")
            + SearchVector(Value(body), weight="C", config="simple")
        )
        type(version).objects.filter(pk=version.pk).update(search_vector=vector)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [version.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, title, standfirst, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [version.pk, title, standfirst, body],
        )


def reindex(queryset, progress=None) -> int:
    """Index every version of `queryset` again (after a bulk load, or a change to the
    word-form rules: `manage.py rebuild_search_index`). Returns how many."""
    done = 0
    for version in queryset.only("pk", "language", "title", "standfirst", "body").iterator(chunk_size=500):
        index(version)
        done += 1
        if progress:
            progress(1)
    return done


def highlight(text: str, q: str):
    """`text` escaped, with the query's words wrapped in <mark>.

    Words are found in the raw text and every piece is escaped on its own, so a search
    for "lt" or "amp" never cuts into an entity."""
    text = text or ""
    words = sorted({word for word in parse_words(q)}, key=len, reverse=True)
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
    positions = [lowered.find(word.lower()) for word in parse_words(q)]
    found = min((p for p in positions if p >= 0), default=-1)
    if found < 0:
        return ""
    start = max(0, found - SNIPPET_CHARS // 2)
    end = min(len(plain), start + SNIPPET_CHARS * 2)
    passage = ("… " if start else "") + plain[start:end] + (" …" if end < len(plain) else "")
    return highlight(passage, q)


def parse_words(q: str) -> list[str]:
    """The words to highlight: those typed, without excluded ones or operators."""
    excluded = set()
    for match in _QUERY_PART.finditer((q or "")[:MAX_QUERY_LENGTH]):
        negative, quoted, bare = match.group(1), match.group(2), match.group(3)
        if negative or (bare or "").startswith("-"):
            excluded.update(WORD.findall(quoted if quoted is not None else bare))
    return [word for word in terms(q) if word not in excluded]
