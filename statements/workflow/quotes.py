"""Quotes follow the text: each revision carries its version's quote set, checked against
its body, and publishing a change to the confirmed quotes of a live version is a major
correction whose history lines the workflow writes itself.

`QuoteDraft` is what an editor (the admin inline, the import screen) or the importer
gives; `checked` validates drafts against a body; `write` stores them for a revision;
`carried` is the set a save without quote edits carries forward; `changes` compares two
revisions' confirmed quotes; `history_lines` words them for readers.
"""

import uuid as uuid_module
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from django.utils.translation import override as translation_override

from .. import markup
from ..models import Person, Quote, Revision, Translation
from .base import TransitionError

Fidelity = Quote.Fidelity
WORDS_MAX = 5000


@dataclass(frozen=True)
class QuoteDraft:
    speaker: Person | int
    words: str
    fidelity: str = Fidelity.VERBATIM
    role: str = ""
    source: uuid_module.UUID | None = None
    is_confirmed: bool = True
    uuid: uuid_module.UUID | None = None  # an existing quote's identity, kept across revisions
    paragraph: int = field(default=0, compare=False)  # where it stood (1-based), for messages

    @classmethod
    def of(cls, quote: Quote) -> "QuoteDraft":
        return cls(
            speaker=quote.speaker_id, words=quote.words, fidelity=quote.fidelity, role=quote.role,
            source=quote.source, is_confirmed=quote.is_confirmed, uuid=quote.uuid, paragraph=quote.paragraph,
        )  # fmt: skip


def collapse(text: str) -> str:
    return " ".join((text or "").split())


def paragraph_of(words: str, body: str) -> int | None:
    """The 1-based number of the body paragraph holding `words`, or None."""
    wanted = collapse(words)
    for number, paragraph in enumerate(markup.paragraphs(body), start=1):
        if wanted and wanted in collapse(paragraph):
            return number
    return None


def _speaker(draft: QuoteDraft, people: dict) -> Person:
    key = draft.speaker.pk if isinstance(draft.speaker, Person) else draft.speaker
    person = people.get(key)
    if person is None:
        raise TransitionError(_("A quote names a speaker who is not in the list of people."))
    return person


def _source_ok(translation: Translation, draft: QuoteDraft) -> None:
    if draft.fidelity != Fidelity.TRANSLATION:
        if draft.source is not None:
            raise TransitionError(_("Only a quote of fidelity “translation” links to the quote it translates."))
        return
    if draft.source is None:
        raise TransitionError(_("A translated quote links to the quote it translates, in the original's version."))
    linked = (
        Quote.objects.filter(uuid=draft.source, translation__statement_id=translation.statement_id)
        .values_list("translation__language", flat=True)
        .first()
    )
    if linked is None:
        raise TransitionError(_("The quote it translates is not a quote of this statement."))
    if linked == translation.language:
        raise TransitionError(_("A translated quote links to a quote in another language's version, not this one."))


def checked(translation: Translation, body: str, drafts: list[QuoteDraft]) -> list[QuoteDraft]:
    """The drafts as they will be stored, each with its paragraph; refuses (naming the
    paragraph) a confirmed quote whose words are not in `body`. Unconfirmed proposals
    whose words have left the body are dropped: nobody confirmed them."""
    ids = {d.speaker.pk if isinstance(d.speaker, Person) else d.speaker for d in drafts}
    people = Person.objects.in_bulk([pk for pk in ids if pk is not None])
    result, seen = [], set()
    for draft in drafts:
        words = (draft.words or "").strip()
        if not words:
            raise TransitionError(_("A quote needs its words."))
        if len(words) > WORDS_MAX:
            raise TransitionError(_("A quote is at most %(n)s characters.") % {"n": WORDS_MAX})
        if draft.fidelity not in Fidelity.values:
            raise TransitionError(_("Choose the quote's fidelity from the list."))
        speaker = _speaker(draft, people)
        _source_ok(translation, draft)
        number = paragraph_of(words, body)
        if number is None:
            if not draft.is_confirmed:
                continue
            raise TransitionError(_not_in_body(speaker, words, draft.paragraph))
        identity = draft.uuid or uuid_module.uuid4()
        if identity in seen:
            identity = uuid_module.uuid4()
        seen.add(identity)
        role = (draft.role or "").strip() or speaker.title_on(translation.statement.occurred_on, translation.language)
        result.append(replace(draft, speaker=speaker, words=words, role=role, uuid=identity, paragraph=number))
    return result


def _not_in_body(speaker, words, paragraph) -> str:
    where = (
        _("It stood in paragraph %(n)s.") % {"n": paragraph} if paragraph else _("It is in no paragraph of the body.")
    )
    return " ".join(
        [
            _("The body no longer contains the quote by %(speaker)s, “%(words)s”.")
            % {"speaker": speaker.name, "words": shorten(words)},
            where,
            _("Edit the quote's words or delete the quote, then save again."),
        ]
    )


def shorten(words: str, length: int = 80) -> str:
    return words if len(words) <= length else words[: length - 1].rstrip() + "…"


def carried(latest: Revision | None) -> list[QuoteDraft]:
    """The quotes a save without quote edits carries into its new revision."""
    if latest is None:
        return []
    return [QuoteDraft.of(quote) for quote in latest.quotes.all()]


def same_set(latest: Revision | None, drafts: list[QuoteDraft]) -> bool:
    return [_facts(d) for d in carried(latest)] == [_facts(d) for d in drafts]


def _facts(draft: QuoteDraft) -> tuple:
    speaker = draft.speaker.pk if isinstance(draft.speaker, Person) else draft.speaker
    return (draft.uuid, speaker, draft.words, draft.fidelity, draft.role, draft.source, draft.is_confirmed)


def write(translation: Translation, revision: Revision, drafts: list[QuoteDraft]) -> list[Quote]:
    rows = [
        Quote(
            uuid=draft.uuid,
            translation=translation,
            revision=revision,
            speaker=draft.speaker,
            role=draft.role[:200],
            words=draft.words,
            paragraph=draft.paragraph,
            fidelity=draft.fidelity,
            source=draft.source,
            is_confirmed=draft.is_confirmed,
            position=position,
        )  # fmt: skip
        for position, draft in enumerate(drafts)
    ]
    return Quote.objects.bulk_create(rows)


# Integrity ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteChange:
    kind: str  # "added", "corrected" or "removed"
    uuid: uuid_module.UUID
    before: Quote | None
    after: Quote | None

    @property
    def speaker(self):
        return (self.after or self.before).speaker


def _confirmed(revision: Revision | None) -> dict:
    if revision is None:
        return {}
    rows = revision.quotes.filter(is_confirmed=True).select_related("speaker")
    return {quote.uuid: quote for quote in rows}


def changes(live: Revision | None, proposed: Revision) -> list[QuoteChange]:
    """How the confirmed quotes of `proposed` differ from those of the live revision."""
    before, after = _confirmed(live), _confirmed(proposed)
    found = []
    for key, quote in after.items():
        if key not in before:
            found.append(QuoteChange("added", key, None, quote))
        elif before[key].facts() != quote.facts():
            found.append(QuoteChange("corrected", key, before[key], quote))
    found += [QuoteChange("removed", key, quote, None) for key, quote in before.items() if key not in after]
    return found


def require_confirmed(found: list[QuoteChange], confirmed) -> None:
    """The publisher confirmed each quote change on the publish screen (`confirmed`: the
    uuids ticked there; None from code that shows no screen is refused too)."""
    wanted = {str(change.uuid) for change in found}
    if wanted - {str(value) for value in (confirmed or ())}:
        raise TransitionError(_("Confirm each change to a quote before publishing this correction."))


def history_lines(found: list[QuoteChange], language: str) -> list[str]:
    """One line per changed quote, in the version's language, for the public history."""
    lines = []
    with translation_override(language):
        for change in found:
            name = change.speaker.name_in(language)
            if change.kind == "added":
                lines.append(_("Quote by %(name)s added: “%(words)s”") % {"name": name, "words": change.after.words})
            elif change.kind == "removed":
                lines.append(
                    _("Quote by %(name)s removed: “%(words)s”") % {"name": name, "words": change.before.words}
                )
            elif change.before.words != change.after.words:
                lines.append(
                    _("Quote by %(name)s corrected: “%(before)s” → “%(after)s”")
                    % {"name": name, "before": change.before.words, "after": change.after.words}
                )
            else:
                lines.append(
                    _("Quote by %(name)s: attribution corrected (%(before)s → %(after)s)")
                    % {
                        "name": name,
                        "before": f"{change.before.speaker.name_in(language)}, {change.before.get_fidelity_display()}",
                        "after": f"{change.after.speaker.name_in(language)}, {change.after.get_fidelity_display()}",
                    }
                )
    return lines
