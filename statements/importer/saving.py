"""Saving imported readouts: each becomes a draft statement with its original version,
written through the workflow, never published. One transaction per readout.

`prepare()` parses and checks a readout into an `Outcome`; `save()` (or `create()` with
the editor's confirmed fields) writes it."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .. import languages, workflow
from ..models import Participation, Person, Quote, Statement, Topic, Translation
from ..workflow.quotes import QuoteDraft
from . import parser
from .text import NotText

# What became of a readout (`Outcome.status`).
IMPORTED = "imported"
ALREADY_IMPORTED = "already imported"
PARSED = "parsed"  # read and checked, not saved (a dry run, or waiting for confirmation)
FAILED = "failed"


@dataclass
class Outcome:
    source: str
    status: str  # IMPORTED, ALREADY_IMPORTED, PARSED or FAILED
    reason: str = ""
    statement: Statement | None = None
    parsed: parser.ParsedReadout | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def is_parsed(self) -> bool:
        return self.status == PARSED

    @property
    def is_failed(self) -> bool:
        return self.status == FAILED


def directory() -> parser.Directory:
    """Everyone and every topic the parser may recognise, as plain data (three queries)."""
    people = Person.objects.prefetch_related("appointments__role").only("slug", "name", "names", "aliases")
    known_people = []
    for person in people:
        names = (person.name, *person.aliases, *person.names.values())
        titles = tuple(
            (title, appointment.started_on, appointment.ended_on)
            for appointment in person.appointments.all()
            for title in (appointment.role.name, *appointment.role.names.values())
        )
        known_people.append(parser.KnownPerson(person.slug, tuple(n for n in names if n), titles))
    topics = [
        parser.KnownTopic(t.slug, (t.name, *t.names.values())) for t in Topic.objects.only("slug", "name", "names")
    ]
    return parser.Directory(people=known_people, topics=topics)


def prepare(data, *, source: str = "", language: str = "", known=None) -> Outcome:
    """Parse one readout and check it can be imported: PARSED, ALREADY_IMPORTED or FAILED."""
    try:
        parsed = parser.parse(data, known if known is not None else directory(), language=language)
    except NotText as error:
        return Outcome(source, FAILED, str(error))
    if parsed.language not in languages.enabled_codes():
        return Outcome(source, FAILED, f"the language “{parsed.language or '?'}” is not enabled", parsed=parsed)
    if not parsed.title:
        return Outcome(source, FAILED, "no title was found", parsed=parsed)
    if not parsed.paragraphs:
        return Outcome(source, FAILED, "no body paragraphs were found", parsed=parsed)
    if Statement.objects.filter(import_hash=parsed.content_hash).exists():
        existing = Statement.objects.filter(import_hash=parsed.content_hash).first()
        return Outcome(source, ALREADY_IMPORTED, existing.reference, statement=existing, parsed=parsed)
    return Outcome(source, PARSED, parsed=parsed, warnings=list(parsed.warnings))


def save(outcome: Outcome, *, actor, overrides: dict | None = None) -> Outcome:
    """Create the draft for a parsed readout. `overrides` are the editor's confirmed
    fields (title, standfirst, body, occurred_on, language, kind, participants as
    [(slug, part)], topics as [slug])."""
    parsed = outcome.parsed
    fields = {
        "title": parsed.title,
        "standfirst": parsed.standfirst,
        "body": parsed.body,
        "occurred_on": parsed.meeting_date,
        "language": parsed.language,
        "kind": Statement.Kind.READOUT,
        "participants": [(m.key, m.part) for m in parsed.participants],
        "topics": [],
        # Proposed, not confirmed: an editor confirms or corrects them in the admin.
        "quotes": [
            {"speaker": q.speaker, "words": q.text, "fidelity": q.fidelity, "confirmed": False}
            for q in parsed.quotes
            if q.speaker
        ],
        **(overrides or {}),
    }
    return create(
        content_hash=parsed.content_hash, notes_text=notes(parsed, outcome.source), fields=fields,
        source=outcome.source, actor=actor, parsed=parsed,
    )  # fmt: skip


def create(*, content_hash, notes_text, fields, source, actor, parsed=None) -> Outcome:
    """Create one draft statement and its version in one transaction."""
    try:
        with transaction.atomic():
            statement = _create(content_hash, notes_text, fields, source, actor)
    except workflow.TransitionError as error:
        return Outcome(source, FAILED, str(error), parsed=parsed)
    return Outcome(source, IMPORTED, statement.reference, statement=statement, parsed=parsed)


def _create(content_hash, notes_text, fields, source, actor) -> Statement:
    existing = Statement.objects.filter(import_hash=content_hash).first()
    if existing is not None:
        raise workflow.TransitionError(f"already imported as {existing.reference}")
    statement = Statement.objects.create(
        kind=fields["kind"],
        occurred_on=fields["occurred_on"],
        original_language=fields["language"],
        import_hash=content_hash,
        import_notes=notes_text,
    )
    people = {p.slug: p for p in Person.objects.filter(slug__in=[slug for slug, _part in fields["participants"]])}
    Participation.objects.bulk_create(
        Participation(statement=statement, person=people[slug], part=part, position=position)
        for position, (slug, part) in enumerate(fields["participants"])
        if slug in people
    )
    if fields["topics"]:
        statement.topics.set(Topic.objects.filter(slug__in=fields["topics"]))
    speakers = {p.slug: p for p in Person.objects.filter(slug__in=[q["speaker"] for q in fields.get("quotes", [])])}
    quotes = [
        QuoteDraft(
            speaker=speakers[q["speaker"]],
            words=q["words"],
            fidelity=q.get("fidelity") or Quote.Fidelity.VERBATIM,
            is_confirmed=q.get("confirmed", False),
        )
        for q in fields.get("quotes", [])
        if q["speaker"] in speakers
    ]
    workflow.save_draft(
        translation=Translation(statement=statement, language=fields["language"]),
        actor=actor,
        title=fields["title"],
        standfirst=fields["standfirst"],
        body=fields["body"],
        base_revision=0,
        change_note=f"Imported from {source}" if source else "Imported",
        quotes=quotes,
    )
    return statement


def notes(parsed: parser.ParsedReadout, source: str) -> str:
    """What the importer found and what an editor should check, for the statement's notes."""
    lines = [f"Imported {timezone.now():%Y-%m-%d %H:%M} UTC" + (f" from {source}" if source else "") + "."]
    if parsed.office:
        lines.append(f"Office line: {parsed.office}")
    lines.append(f"Meeting date: {parsed.meeting_date.isoformat() if parsed.meeting_date else 'not found'}")
    lines.append(f"Language: {parsed.language}")
    lines.append(
        "Participants: "
        + (", ".join(f"{m.key} ({m.part}, as “{m.text}”)" for m in parsed.participants) or "none recognised")
    )
    if parsed.unmatched_names:
        lines.append("Names not recognised (not created): " + ", ".join(parsed.unmatched_names))
    if parsed.topics:
        lines.append("Suggested topics: " + ", ".join(parsed.topics))
    for quote in parsed.quotes:
        lines.append(f"Quote ({quote.speaker or 'speaker unknown'}): “{quote.text[:120]}”")
    lines += [f"Check: {warning}" for warning in parsed.warnings]
    return "\n".join(lines)
