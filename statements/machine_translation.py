"""Machine-translation suggestions for translators: off unless an operator configures a
service (PRESSOFFICE_MACHINE_TRANSLATOR), because a draft — embargoed ones included —
then leaves the machine.

The interface is wagtail-localize's: a translator class built with its options has
`translate(source_language, target_language, strings) -> strings` and
`can_translate(source_language, target_language)`. Two are provided:

- `DummyTranslator`: no service; marks each string with the target language (tests, demos);
- `LibreTranslateTranslator`: any LibreTranslate-compatible service (`POST /translate`
  with `q` as a list, `source`, `target`, `format: "text"`, `api_key`).

`suggest()` is what the side-by-side screen calls. It never sends a confirmed quote:
each is replaced by a numbered mark before sending, and put back in the original
language between ⟦ ⟧ for the translator. Every request is recorded (who, which version,
how many characters) in the audit log and the application log; an answer that is not
one plain-text string per paragraph, has lost a quote mark, carries HTML or is far
longer than what was sent is refused, logged, and changes nothing.
"""

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import markup
from .models import AuditEntry, MachineSuggestion, Quote, Translation

logger = logging.getLogger("statements.machine_translation")

QUOTE_OPEN, QUOTE_CLOSE = "⟦", "⟧"
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")


class MachineTranslationError(Exception):
    """The service could not give a usable suggestion; the message says why, plainly."""


class BaseTranslator:
    def __init__(self, options: dict | None = None):
        self.options = options or {}

    def translate(self, source_language: str, target_language: str, strings: list[str]) -> list[str]:
        raise NotImplementedError

    def can_translate(self, source_language: str, target_language: str) -> bool:
        languages = self.options.get("languages")
        pair_known = languages is None or (source_language in languages and target_language in languages)
        return source_language != target_language and pair_known


class DummyTranslator(BaseTranslator):
    """Translates nothing: "[fa] " before each string, so tests see what was suggested."""

    def translate(self, source_language, target_language, strings):
        return [f"[{target_language}] {text}" for text in strings]


class LibreTranslateTranslator(BaseTranslator):
    """OPTIONS: `url` (the service's base address), `api_key` (optional), `timeout`
    (seconds, default 10), `languages` (optional list of codes it serves)."""

    def translate(self, source_language, target_language, strings):
        url = self.options.get("url", "").rstrip("/")
        if not url:
            raise ImproperlyConfigured("LibreTranslateTranslator needs OPTIONS['url'].")
        timeout = float(self.options.get("timeout", 10))
        payload = {"q": strings, "source": source_language, "target": target_language, "format": "text"}
        if self.options.get("api_key"):
            payload["api_key"] = self.options["api_key"]
        try:
            response = requests.post(f"{url}/translate", json=payload, timeout=timeout)
        except requests.Timeout as error:
            raise MachineTranslationError(
                _("The translation service did not answer within %(seconds)s seconds.") % {"seconds": f"{timeout:g}"}
            ) from error
        except requests.RequestException as error:
            raise MachineTranslationError(_("The translation service could not be reached.")) from error
        if response.status_code != 200:
            raise MachineTranslationError(
                _("The translation service refused the request (HTTP %(status)s).") % {"status": response.status_code}
            )
        try:
            answer = response.json()["translatedText"]
        except (ValueError, KeyError, TypeError) as error:
            raise MachineTranslationError(
                _("The translation service answered something that is not a translation.")
            ) from error
        return answer


def get_translator() -> BaseTranslator | None:
    """The configured translator, or None when machine translation is off."""
    config = settings.PRESSOFFICE_MACHINE_TRANSLATOR
    if not config:
        return None
    return import_string(config["CLASS"])(config.get("OPTIONS") or {})


def is_available(source_language: str, target_language: str) -> bool:
    translator = get_translator()
    return translator is not None and translator.can_translate(source_language, target_language)


def digest(text: str) -> str:
    """A paragraph's identity for "still the suggestion as given": NFC, spaces collapsed."""
    normal = " ".join(unicodedata.normalize("NFC", text or "").split())
    return hashlib.sha256(normal.encode()).hexdigest()


@dataclass
class Suggestion:
    index: int
    text: str


def suggest(*, version: Translation, source_language: str, paragraphs: dict[int, str], actor) -> list[Suggestion]:
    """Suggestions for `paragraphs` (index → source text) of `version`, recorded so the
    version cannot be submitted while one is left unchanged."""
    translator = get_translator()
    if translator is None or not translator.can_translate(source_language, version.language):
        raise MachineTranslationError(_("Machine translation is not available for this language."))
    indexes = sorted(index for index, text in paragraphs.items() if text.strip())
    if not indexes:
        raise MachineTranslationError(_("There is no source text to translate here."))
    quotes = _confirmed_quote_words(version)
    masked = [_mask(paragraphs[index], quotes) for index in indexes]
    strings = [text for text, _kept in masked]
    characters = sum(len(text) for text in strings)
    limit = settings.PRESSOFFICE_MACHINE_TRANSLATION_MAX_CHARACTERS
    if characters > limit:
        raise MachineTranslationError(
            _("%(count)s characters is more than the %(limit)s sent at once: ask paragraph by paragraph.")
            % {"count": characters, "limit": limit}
        )
    _record(version, actor, characters, len(strings), translator)
    try:
        answer = translator.translate(source_language, version.language, strings)
        results = [
            _checked(sent, got, kept) for (sent, kept), got in zip(masked, _as_list(answer, len(strings)), strict=True)
        ]
    except MachineTranslationError as error:
        logger.warning("machine translation refused for version %s: %s", version.pk, error)
        raise
    now = timezone.now()
    for text in results:
        MachineSuggestion.objects.get_or_create(
            translation=version, digest=digest(text), defaults={"suggested_at": now, "suggested_by": actor}
        )
    return [Suggestion(index, text) for index, text in zip(indexes, results, strict=True)]


def unchanged_suggestions(version: Translation, body: str) -> list[int]:
    """1-based numbers of the paragraphs of `body` that are still a suggestion as given."""
    suggested = set(version.machine_suggestions.values_list("digest", flat=True))
    if not suggested:
        return []
    return [n for n, paragraph in enumerate(markup.paragraphs(body), 1) if digest(paragraph) in suggested]


def _confirmed_quote_words(version: Translation) -> list[str]:
    """The confirmed quotes' words of the statement's original: never sent to a service."""
    words = Quote.objects.filter(
        translation__statement_id=version.statement_id,
        translation__language=version.statement.original_language,
        is_confirmed=True,
    ).values_list("words", flat=True)
    return sorted(set(words), key=len, reverse=True)


def _mask(text: str, quotes: list[str]) -> tuple[str, list[str]]:
    kept = []
    for words in quotes:
        if words and words in text:
            kept.append(words)
            text = text.replace(words, f"{QUOTE_OPEN}{len(kept)}{QUOTE_CLOSE}")
    return text, kept


def _as_list(answer, count: int) -> list[str]:
    if not isinstance(answer, list) or len(answer) != count or not all(isinstance(s, str) for s in answer):
        raise MachineTranslationError(_("The translation service answered something that is not a translation."))
    return answer


def _checked(sent: str, got: str, kept: list[str]) -> str:
    """One answer, refused unless it is plain text of a plausible length with every
    quote mark once; the quotes come back in the original's words, marked."""
    if not got.strip():
        raise MachineTranslationError(_("The translation service answered an empty text."))
    if _TAG.search(got) and not _TAG.search(sent):
        raise MachineTranslationError(_("The translation service answered with HTML; it was not used."))
    if len(got) > 3 * len(sent) + 200:
        raise MachineTranslationError(_("The translation service answered a text far longer than the source."))
    for number, words in enumerate(kept, 1):
        mark = f"{QUOTE_OPEN}{number}{QUOTE_CLOSE}"
        if got.count(mark) != 1:
            raise MachineTranslationError(_("The translation service lost a quote's place; it was not used."))
        got = got.replace(mark, f"{QUOTE_OPEN}{words}{QUOTE_CLOSE}")
    return got.strip()


def _record(version, actor, characters: int, strings: int, translator):
    service = type(translator).__name__
    logger.info(
        "machine translation requested by %s for version %s: %s characters in %s paragraphs (%s)",
        getattr(actor, "username", None),
        version.pk,
        characters,
        strings,
        service,
    )
    AuditEntry.objects.create(
        actor=actor,
        at=timezone.now(),
        action="machine_translation",
        statement_id=version.statement_id,
        translation=version,
        object_repr=str(version)[:300],
        message=_("%(count)s characters sent to %(service)s") % {"count": characters, "service": service},
        changes={"characters": characters, "paragraphs": strings, "service": service},
    )
