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
import unicodedata
from dataclasses import dataclass, field

import jdatetime

MAX_BYTES = 1_000_000
HEAD_MAX_WORDS = 30


class NotText(ValueError):
    """The input is not a readout in text: binary, undecodable or empty."""


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


# Decoding and blocks ---------------------------------------------------------------------


def decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_BYTES:
            raise NotText(f"The file is larger than {MAX_BYTES // 1000} kB.")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError as error:
                raise NotText("The file is not valid UTF-16 text.") from error
        else:
            if b"\x00" in data:
                raise NotText("The file is binary, not text.")
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise NotText("The file is not UTF-8 text.") from error
    text = text.lstrip("\ufeff")
    if len(CONTROL.findall(text)) > max(3, len(text) // 100):
        raise NotText("The file is binary, not text.")
    if not text.strip():
        raise NotText("The file is empty.")
    return text


CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n\s*")
PAGE_ARTEFACT = re.compile(r"^\s*(?:page\s*)?\d{1,5}\s*(?:/\s*\d{0,5})?\s*$", re.IGNORECASE)
WHITESPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def blocks_of(text: str) -> list[str]:
    """Paragraph blocks: split on blank lines; lines inside a block are joined."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    blocks = []
    for raw in BLANK_LINE.split(text):
        block = WHITESPACE.sub(" ", raw.replace("\n", " ")).strip()
        if block:
            blocks.append(block)
    while blocks and PAGE_ARTEFACT.match(blocks[-1]):
        blocks.pop()
    return blocks


OFFICE_WORDS = re.compile(
    r"\b(office|press|ministry|presidency|secretariat|spokesperson|bureau|cabinet|department|embassy)\b"
    r"|دفتر|مکتب|مكتب|وزارت|وزارة|ریاست|رئاسة|سخنگوی|الناطق",
    re.IGNORECASE,
)


def _is_head_line(block: str) -> bool:
    words = block.split()
    return 0 < len(words) <= HEAD_MAX_WORDS and not block.rstrip().endswith((".", "。", "؟", "?", "!", ":"))


def split_head(blocks: list[str]) -> tuple[str, str, str, list[str]]:
    """(office, title, standfirst, paragraphs)."""
    head = []
    for block in blocks[:3]:
        if not _is_head_line(block) or len(head) == len(blocks) - 1:
            break
        head.append(block)
    rest = blocks[len(head) :]
    if len(head) == 3:
        return head[0], head[1], head[2], rest
    if len(head) == 2:
        if OFFICE_WORDS.search(head[0]) and not OFFICE_WORDS.search(head[1]):
            return head[0], head[1], "", rest
        return "", head[0], head[1], rest
    if len(head) == 1:
        return "", head[0], "", rest
    if not blocks:
        return "", "", "", []
    # No heading line: the first sentence stands in as the title, for the editor to fix.
    first = re.split(r"(?<=[.!?؟])\s", blocks[0], maxsplit=1)[0]
    return "", first[:300], "", blocks


# Normalising for matching -------------------------------------------------------------------

APOSTROPHES = dict.fromkeys(map(ord, "’‘ʼʻ`´′"), "'")
ARABIC_VARIANTS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ـ": None})


_FOLDED: dict[str, str] = {}


def _fold_char(char: str) -> str:
    folded = _FOLDED.get(char)
    if folded is None:
        pieces = []
        for piece in unicodedata.normalize("NFKD", char.translate(APOSTROPHES).casefold()):
            if unicodedata.combining(piece) or piece in "\u200c\u200d\u200f\u200e":
                continue
            piece = piece.translate(ARABIC_VARIANTS)
            if piece in "-‐‑–" or piece.isspace():
                piece = " "
            pieces.append(piece)
        folded = _FOLDED[char] = "".join(pieces)
    return folded


_TABLE: dict[int, str] = {}  # every character met so far → its folded form
_MULTI: set[str] = set()  # characters whose folded form is not exactly one character
_KNOWN: set[str] = set()


def normalise(text: str) -> tuple[str, list[int] | None]:
    """Text folded for matching (case, diacritics, apostrophes, Arabic letter variants,
    hyphens as spaces), with the index in `text` of every character kept (None when the
    folding kept every position, the common case)."""
    for char in set(text).difference(_KNOWN):
        folded = _fold_char(char)
        _TABLE[ord(char)] = folded
        _KNOWN.add(char)
        if len(folded) != 1:
            _MULTI.add(char)
    if _MULTI.isdisjoint(text):
        return text.translate(_TABLE), None
    out, index = [], []
    for position, char in enumerate(text):
        for piece in _TABLE[ord(char)]:
            out.append(piece)
            index.append(position)
    return "".join(out), index


def fold(text: str) -> str:
    return " ".join(normalise(text)[0].split())


HONORIFICS = [
    "his excellency", "her excellency", "h e", "mr", "mrs", "ms", "dr", "prof", "sheikh", "sayyid", "seyed",
    "ayatollah", "grand ayatollah", "hujjat al islam wa al muslimeen", "hojatoleslam", "hojjatoleslam",
    "president", "prime minister", "minister", "king", "queen", "prince", "emir", "general",
    "آیت الله", "حجت الاسلام و المسلمین", "آقای", "خانم", "دکتر", "السید", "الشیخ", "الدکتور",
]  # fmt: skip
HONORIFIC = re.compile(
    r"^(?:(?:" + "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True)) + r")\.? )+"
)


def variants(name: str) -> set[str]:
    """Folded forms of a name, with and without a leading honorific."""
    folded = fold(name).replace(".", " ").strip()
    folded = " ".join(folded.split())
    found = {folded} if len(folded) >= 3 else set()
    stripped = HONORIFIC.sub("", folded).strip()
    if len(stripped) >= 3:
        found.add(stripped)
    return found


# Dates ------------------------------------------------------------------------------------

DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
MONTHS = {
    **{m: i for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"], 1)},
    **{m: i for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)},
    "sept": 9,
    **{m: i for i, m in enumerate(
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
         "novembre", "décembre"], 1)},
    **{m: i for i, m in enumerate(
        ["ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر",
         "دسامبر"], 1)},
    **{m: i for i, m in enumerate(
        ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
         "ديسمبر"], 1)},
}  # fmt: skip
SOLAR_MONTHS = {
    m: i
    for i, m in enumerate(
        ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"], 1
    )
}
_MONTH_NAMES = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_SOLAR_NAMES = "|".join(sorted(map(re.escape, SOLAR_MONTHS), key=len, reverse=True))
DATE_PATTERNS = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|er)?\s+(?:of\s+)?({_MONTH_NAMES})\.?,?\s+(\d{{4}})\b", re.I)),
    ("mdy", re.compile(rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)),
    ("solar", re.compile(rf"(\d{{1,2}})\s+({_SOLAR_NAMES})(?:\s+ماه)?\s+(\d{{4}})")),
]
MEETING_CUES = re.compile(
    r"\b(met|meet|meeting|received|receiving|talks|visit|visited|hosted|on the morning|on the afternoon|"
    r"on the evening|on monday|on tuesday|on wednesday|on thursday|on friday|on saturday|on sunday|rencontr|reçu)"
    r"|دیدار|ملاقات|استقبل|لقاء|التقى|استقبال",
    re.I,
)


def find_dates(text: str) -> list[tuple[int, datetime.date]]:
    """Every date in the text with its position, in order."""
    text = text.translate(DIGITS)
    found = []
    for kind, pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = _to_date(kind, match.groups())
            if value is not None:
                found.append((match.start(), value))
    return sorted(found)


def _to_date(kind, groups):
    try:
        if kind == "iso":
            return datetime.date(int(groups[0]), int(groups[1]), int(groups[2]))
        if kind == "dmy":
            return datetime.date(int(groups[2]), MONTHS[groups[1].lower()], int(groups[0]))
        if kind == "mdy":
            return datetime.date(int(groups[2]), MONTHS[groups[0].lower()], int(groups[1]))
        solar = jdatetime.date(int(groups[2]), SOLAR_MONTHS[groups[1]], int(groups[0]))
        return solar.togregorian()
    except (ValueError, KeyError, OverflowError):
        return None


def meeting_date(paragraphs: list[str], title: str) -> datetime.date | None:
    """The first date in a sentence about the meeting; else the first date at all."""
    first = None
    for text in [title, *paragraphs]:
        for sentence in SENTENCE.split(text):
            dates = find_dates(sentence)
            if not dates:
                continue
            if MEETING_CUES.search(sentence):
                return dates[0][1]
            first = first or dates[0][1]
    return first


# A sentence ends at . ! ? ؟ followed by space and not a lowercase letter, except after
# the abbreviations that precede names ("Mr. Mohammad …").
SENTENCE = re.compile(
    r"(?<=[.!?؟])(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bNo\.)(?<!\bH\.E\.)\s+(?=[^a-z])"
)


# Language ----------------------------------------------------------------------------------

PERSIAN_LETTERS = set("پچژگکی")
PERSIAN_WORDS = {"است", "این", "با", "که", "را", "می", "از", "برای", "های", "شد", "کرد"}
ARABIC_WORDS = {"في", "من", "على", "إلى", "التي", "الذي", "مع", "هذا", "عن", "أن", "وقال"}
ENGLISH_WORDS = {"the", "and", "of", "with", "he", "said", "in", "to", "was", "that"}
FRENCH_WORDS = {"le", "la", "les", "des", "et", "avec", "du", "est", "une", "il", "que", "dans"}


ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
WORD = re.compile(r"\w+")


def language_of(text: str) -> str:
    sample = text[:800]  # enough to tell the language, and cheap
    visible = len(sample) - sample.count(" ")
    if not visible:
        return ""
    words = WORD.findall(sample.lower())
    if len(ARABIC_SCRIPT.findall(sample)) > visible * 0.4:
        persian = sum(sample.count(ch) for ch in PERSIAN_LETTERS) + 3 * sum(w in PERSIAN_WORDS for w in words)
        arabic = 3 * sum(w in ARABIC_WORDS for w in words) + sum(sample.count(ch) for ch in "ةيىك")
        return "fa" if persian >= arabic else "ar"
    english = sum(w in ENGLISH_WORDS for w in words)
    french = sum(w in FRENCH_WORDS for w in words) + sum(sample.count(ch) for ch in "éèêàçùœ")
    return "fr" if french > english else "en"


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


QUOTE_PAIRS = {"“": '”"', '"': '"”', "«": "»", "„": '“"”'}


QUOTE_OPENING = re.compile("[" + "".join(QUOTE_PAIRS) + "]")


def quotes_in(paragraph: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each quotation; tolerant of mismatched marks (“…" or "…”)."""
    found, position = [], 0
    while True:
        opening = QUOTE_OPENING.search(paragraph, position)
        if opening is None:
            break
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
            found.append(Quote(text, speaker))
    return found


def _sentence_start(paragraph, position) -> int:
    start = 0
    for match in SENTENCE.finditer(paragraph[:position]):
        start = match.end()
    return start
