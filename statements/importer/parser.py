"""Plain-text readouts → a `ParsedReadout`: a pure parser (no database, no Django models).

The shape it expects is the one press offices keep: an office line, a title, an
optional one-line standfirst, then paragraphs separated by blank lines, sometimes with
a page artefact such as "700 /" at the end. It never raises on text: anything it cannot
make out is left empty for the editor; only input that is not text at all is refused
(`NotText`). People and topics come in as plain data (`Directory`), so the parser can be
used and tested without a database.
"""

import bisect
import datetime
import hashlib
import re
from dataclasses import dataclass, field

from .text import (
    SENTENCE,
    NotText,
    blocks_of,
    decode,
    fold,
    language_of,
    meeting_date,
    normalise,
    split_head,
    variants,
)

# The directory the parser matches against -------------------------------------------


@dataclass(frozen=True)
class KnownPerson:
    key: str  # the person's slug
    names: tuple[str, ...]  # name, aliases, names in other languages
    titles: tuple[tuple[str, datetime.date, datetime.date | None], ...] = ()  # (office, from, to)


@dataclass(frozen=True)
class KnownTopic:
    key: str
    names: tuple[str, ...]


@dataclass
class Directory:
    people: list[KnownPerson] = field(default_factory=list)
    topics: list[KnownTopic] = field(default_factory=list)

    def matcher(self) -> "_Matcher":
        """The compiled name matcher, built on first use (a batch shares one)."""
        if getattr(self, "_matcher", None) is None:
            self._matcher = _Matcher(self)
        return self._matcher

    def folded_topic_names(self) -> set[str]:
        if getattr(self, "_folded_topics", None) is None:
            self._folded_topics = {fold(name) for topic in self.topics for name in topic.names}
        return self._folded_topics

    def topic_words(self) -> list[tuple[str, list[list[str]]]]:
        if getattr(self, "_topic_words", None) is None:
            self._topic_words = [
                (topic.key, [[w for w in fold(n).split() if len(w) >= 3] or fold(n).split() for n in topic.names])
                for topic in self.topics
            ]
        return self._topic_words


# What comes out -----------------------------------------------------------------------


@dataclass
class Mention:
    key: str
    text: str
    part: str  # host, guest, attendee or speaker (a guess for the editor to confirm)


@dataclass
class Quote:
    text: str
    speaker: str | None  # a person key
    paragraph: int = 0  # 0-based index into ParsedReadout.paragraphs
    fidelity: str = "verbatim"  # a guess from the marks: double → verbatim, single → paraphrase


@dataclass
class ParsedReadout:
    office: str = ""
    title: str = ""
    standfirst: str = ""
    paragraphs: list[str] = field(default_factory=list)
    meeting_date: datetime.date | None = None
    language: str = ""
    participants: list[Mention] = field(default_factory=list)
    unmatched_names: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    content_hash: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


# People, quotes, topics ------------------------------------------------------------------------

HOST_CUES = re.compile(r"\b(met with|met|received|hosted|welcomed)\b|استقبل|التقى|دیدار کرد|پذیرفت", re.I)
ATTEND_CUES = re.compile(
    r"\b(also attended|attended|was also present|were also present|accompanied)\b|حضور داشت|حضر", re.I
)


@dataclass
class _Hit:
    key: str
    start: int  # in the joined original text
    end: int
    paragraph: int


def _trie_pattern(words) -> str:
    """One regex for many words, as a character trie (so matching does not try every
    name at every position); at each branch the longer continuation is tried first."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


class _Matcher:
    """All people's name variants in one trie-shaped regex, longest match first; built once per
    directory. Office titles count only for their holder on the meeting date."""

    def __init__(self, directory: Directory):
        self.names: dict[str, str] = {}
        self.titles: dict[str, list[tuple[str, datetime.date, datetime.date | None]]] = {}
        for person in directory.people:
            for name in person.names:
                for variant in variants(name):
                    self.names.setdefault(variant, person.key)
            for title, start, end in person.titles:
                folded = fold(title)
                if len(folded) >= 3:
                    self.titles.setdefault(folded, []).append((person.key, start, end))
        variants_ = {*self.names, *self.titles}
        self.pattern = re.compile(r"(?<!\w)(" + _trie_pattern(variants_) + r")(?!\w)") if variants_ else None

    def key_for(self, variant: str, on: datetime.date | None) -> str | None:
        if variant in self.names:
            return self.names[variant]
        for key, start, end in self.titles.get(variant, []):
            if on and start <= on and (end is None or on <= end):
                return key
        return None

    def hits(self, paragraphs: list[str], on: datetime.date | None) -> list[_Hit]:
        found, offset = [], 0
        for number, paragraph in enumerate(paragraphs):
            folded, index = normalise(paragraph)
            if self.pattern is not None:
                for match in self.pattern.finditer(folded):
                    key = self.key_for(match.group(1), on)
                    if key is None:
                        continue
                    start = index[match.start()] if index else match.start()
                    end = (index[match.end() - 1] if index else match.end() - 1) + 1
                    found.append(_Hit(key, offset + start, offset + end, number))
            offset += len(paragraph) + 2
        return found


QUOTE_PAIRS = {"“": '”"', '"': '"”', "«": "»", "„": '“"”', "‘": "’"}
SINGLE_MARKS = {"‘"}  # reported speech set in single marks: a paraphrase, not a transcript


QUOTE_OPENING = re.compile("[" + "".join(QUOTE_PAIRS) + "]")


def quotes_in(paragraph: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each quotation; tolerant of mismatched marks (“…" or "…”)."""
    found, position = [], 0
    while True:
        opening = QUOTE_OPENING.search(paragraph, position)
        if opening is None:
            break
        if opening.group() in SINGLE_MARKS and opening.start() and paragraph[opening.start() - 1].isalnum():
            position = opening.end()  # an apostrophe inside a word, not a quotation
            continue
        closers = QUOTE_PAIRS[opening.group()]
        ends = [paragraph.find(closer, opening.end()) for closer in closers]
        ends = [end for end in ends if end != -1]
        if not ends:
            break
        end = min(ends)
        text = paragraph[opening.end() : end].strip()
        if len(text.split()) >= 2:
            found.append((opening.start(), end + 1, text))
        position = end + 1
    return found


def _part(paragraphs, hit, first_key) -> str:
    sentence = _sentence_around(paragraphs[hit.paragraph], hit)
    if ATTEND_CUES.search(sentence[1]):
        return "attendee"
    cue = HOST_CUES.search(sentence[1])
    if cue:
        return "host" if hit.start - sentence[0] < cue.start() else "guest"
    return "host" if hit.key == first_key else "speaker"


def _sentence_around(paragraph, hit, offset=None):
    """(start offset, text) of the sentence holding the hit, in paragraph coordinates."""
    local = hit.start - (offset if offset is not None else 0)
    start = 0
    for match in SENTENCE.finditer(paragraph):
        if match.end() > local:
            break
        start = match.end()
    end_match = SENTENCE.search(paragraph, local)
    end = end_match.start() if end_match else len(paragraph)
    return start, paragraph[start:end]


NAME_CANDIDATE = re.compile(r"\b([A-Z][\w'’-]+(?:\s+(?:al-|bin |ibn |de |van |von )?[A-Z][\w'’-]+){1,3})")
NOT_NAMES = {
    "the", "a", "an", "in", "on", "at", "he", "she", "it", "they", "his", "her", "during", "after", "before",
    "leader", "islamic", "revolution", "republic", "prime", "minister", "president", "government", "united",
    "states", "nations", "world", "ministry", "office", "foreign", "affairs", "supreme", "council", "general",
    "secretary", "ambassador", "delegation", "operation", "storm", "iraqi", "iranian", "arab", "zionist",
    "thanks", "god", "criticising", "criticizing", "about", "also", "mr", "mrs", "ms", "dr",
    "hujjat", "al-islam", "wa", "al-muslimeen", "ayatollah", "sayyid", "sheikh",
}  # fmt: skip


def _candidates(paragraphs, hits, topic_names) -> list[str]:
    covered, offset, found = [], 0, []
    spans = [(h.start, h.end) for h in hits]
    for paragraph in paragraphs:
        for match in NAME_CANDIDATE.finditer(paragraph):
            start, end = offset + match.start(), offset + match.end()
            words = [w.strip("'’-").lower() for w in match.group(1).split()]
            if any(s < end and start < e for s, e in spans) or all(w in NOT_NAMES for w in words):
                continue
            name = match.group(1).strip()
            while name.split()[0].lower() in NOT_NAMES and len(name.split()) > 2:
                name = name.split(" ", 1)[1]
            if fold(name) in topic_names or name.split()[0].lower() in NOT_NAMES:
                continue
            if name not in found and name not in covered:
                found.append(name)
        offset += len(paragraph) + 2
    return found[:15]


def _topics(text: str, directory: Directory) -> list[str]:
    """Topics whose every significant word starts a word of one sentence."""
    folded = fold(text)
    tokens = sorted(set(folded.split()))
    sentences = None
    found = []
    for key, names in directory.topic_words():
        for words in names:
            # Cheap test first: every word must start some word of the text.
            if not words or not all(_starts_a_token(tokens, word) for word in words):
                continue
            if sentences is None:
                sentences = [sentence.split() for sentence in SENTENCE.split(folded)]
            if any(all(any(t.startswith(w) for t in sentence) for w in words) for sentence in sentences):
                found.append(key)
                break
    return found


def _starts_a_token(tokens: list[str], word: str) -> bool:
    at = bisect.bisect_left(tokens, word)
    return at < len(tokens) and tokens[at].startswith(word)


# Putting it together ----------------------------------------------------------------------------


def parse(data: bytes | str, directory: Directory | None = None, *, language: str = "") -> ParsedReadout:
    """Text → ParsedReadout. Raises NotText only for input that is not text."""
    directory = directory or Directory()
    text = decode(data)
    blocks = blocks_of(text)
    if not blocks:
        raise NotText("The file has no text.")
    result = ParsedReadout()
    result.office, result.title, result.standfirst, result.paragraphs = split_head(blocks)
    result.content_hash = hashlib.sha256("\n\n".join(blocks).encode("utf-8")).hexdigest()
    result.language = language or language_of(" ".join(blocks))
    result.meeting_date = meeting_date(result.paragraphs, result.title)
    hits = directory.matcher().hits(result.paragraphs, result.meeting_date)
    first_key = hits[0].key if hits else None
    seen = {}
    paragraph_starts = _paragraph_starts(result.paragraphs)
    for hit in hits:
        if hit.key not in seen:
            local = _Hit(hit.key, hit.start - paragraph_starts[hit.paragraph], hit.end, hit.paragraph)
            seen[hit.key] = Mention(hit.key, _slice(result.paragraphs, hit, paragraph_starts), "")
            seen[hit.key].part = _part(result.paragraphs, local, first_key)
    result.participants = list(seen.values())
    result.quotes = _attributed_quotes(result.paragraphs, hits, paragraph_starts, first_key)
    result.topics = _topics(" ".join([result.title, result.standfirst, *result.paragraphs]), directory)
    result.unmatched_names = _candidates(result.paragraphs, hits, directory.folded_topic_names())
    if not result.paragraphs:
        result.warnings.append("No body paragraphs were found.")
    if result.meeting_date is None:
        result.warnings.append("No meeting date was found.")
    if not result.participants:
        result.warnings.append("No known participant was found.")
    return result


def _paragraph_starts(paragraphs):
    starts, offset = [], 0
    for paragraph in paragraphs:
        starts.append(offset)
        offset += len(paragraph) + 2
    return starts


def _slice(paragraphs, hit, starts):
    paragraph = paragraphs[hit.paragraph]
    return paragraph[hit.start - starts[hit.paragraph] : hit.end - starts[hit.paragraph]]


def _attributed_quotes(paragraphs, hits, starts, first_key) -> list[Quote]:
    """Each quote with its nearest attributed speaker: a person named before it in the
    same sentence, else the first person named in the paragraph, else the main subject."""
    found = []
    for number, paragraph in enumerate(paragraphs):
        in_paragraph = [h for h in hits if h.paragraph == number]
        for start, _end, text in quotes_in(paragraph):
            absolute = starts[number] + start
            sentence_start = _sentence_start(paragraph, start) + starts[number]
            before = [h for h in in_paragraph if sentence_start <= h.start < absolute]
            if before:
                speaker = before[-1].key
            elif in_paragraph and in_paragraph[0].start < absolute:
                speaker = in_paragraph[0].key
            else:
                speaker = first_key
            marks = "paraphrase" if paragraph[start] in SINGLE_MARKS else "verbatim"
            found.append(Quote(text, speaker, number, marks))
    return found


def _sentence_start(paragraph, position) -> int:
    start = 0
    for match in SENTENCE.finditer(paragraph[:position]):
        start = match.end()
    return start
