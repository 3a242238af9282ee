"""Word forms for search: one normalisation, applied the same way to the documents and
to the queries, on SQLite and on PostgreSQL alike (statements/search.py indexes and
matches only what comes out of here, so both databases find the same things).

Per token, in order:

- Unicode NFKC and case folding; Persian and Arabic-Indic digits become 0–9;
- Arabic script: diacritics (harakat, superscript alef, Quranic marks) and the tatweel
  go; letter variants meet (ی/ى→ي, ک→ك, أ/إ/آ/ٱ→ا, ة→ه, ۀ→ه, ؤ→و, ئ→ي); the Arabic definite
  article goes, with a leading conjunction or preposition (ال، وال، بال، فال، كال، لل) when
  at least three letters are left;
- the language's Snowball stemmer (PyStemmer) where there is one: English, French,
  Arabic and most European languages; Persian is normalised only (`simple`);
- Latin accents go after stemming ("cooperation" finds "coopération").

The zero-width non-joiner (Persian writes it inside words: "رئیس‌جمهور") splits a word
into its parts, in documents and queries; a document also lists each such word joined,
at its end, so a query typed without the non-joiner ("رئیسجمهور") finds it too.
"""

import re
import threading
import unicodedata

import Stemmer

STEMMERS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "fi": "finnish", "fr": "french", "hu": "hungarian", "id": "indonesian", "it": "italian",
    "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish",
    "tr": "turkish",
}  # fmt: skip

ZWNJ = "\u200c"
TOKEN = re.compile(r"[^\W_]+")
_JOINED = re.compile(r"[^\W_]+(?:\u200c[^\W_]+)+")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_LETTERS = str.maketrans(
    {
        "ی": "ي", "ى": "ي", "ک": "ك", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ۀ": "ه", "ؤ": "و",
        "ئ": "ي", **{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)  # fmt: skip
_ARTICLE = re.compile(r"^(?:[وفبك]?ال|لل)(?=\w{3,})")
_local = threading.local()


def _stemmer(language: str):
    name = STEMMERS.get(language.split("-")[0])
    if name is None:
        return None
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if name not in stemmers:
        stemmers[name] = Stemmer.Stemmer(name)  # one per thread: a stemmer keeps state
    return stemmers[name]


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return _ARABIC_MARKS.sub("", text).translate(_LETTERS)


def _finish(tokens: list[str], language: str) -> list[str]:
    tokens = [_ARTICLE.sub("", token) for token in tokens]
    stemmer = _stemmer(language)
    if stemmer is not None:
        tokens = stemmer.stemWords(tokens)
    return [_without_accents(token) for token in tokens]


def _without_accents(token: str) -> str:
    if token.isascii():
        return token
    decomposed = unicodedata.normalize("NFD", token)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def document(language: str, text: str) -> str:
    """The text as the index stores it: its words' forms, in order, space-separated,
    then each word written with a non-joiner once more, joined."""
    prepared = _prepare(text)
    joined = [word.replace(ZWNJ, "") for word in _JOINED.findall(prepared)]
    words = _finish(TOKEN.findall(prepared.replace(ZWNJ, " ")), language)
    if joined:
        words += _finish(joined, language)
    return " ".join(words)


def words(language: str, text: str) -> list[str]:
    """A query's word or phrase as index forms, in order."""
    return _finish(TOKEN.findall(_prepare(text).replace(ZWNJ, " ")), language)
