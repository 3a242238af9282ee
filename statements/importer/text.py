"""Text handling of the readout parser: decoding, blocks and the head, folding names
for matching, dates (Gregorian and Solar Hijri), sentences and the language."""

import datetime
import re
import unicodedata

import jdatetime

MAX_BYTES = 1_000_000
HEAD_MAX_WORDS = 30


class NotText(ValueError):
    """The input is not a readout in text: binary, undecodable or empty."""


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
