"""Saving imported readouts: each becomes a draft statement with its original version,
written through workflow.py, never published. One transaction per readout."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from . import importer, languages, workflow
from .models import Participation, Person, Statement, Topic, Translation


@dataclass
class Outcome:
    source: str
    status: str  # "imported", "already imported", "parsed" (dry run) or "failed"
    reason: str = ""
    statement: Statement | None = None
    parsed: importer.ParsedReadout | None = None
    warnings: list[str] = field(default_factory=list)


def directory() -> importer.Directory:
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
        known_people.append(importer.KnownPerson(person.slug, tuple(n for n in names if n), titles))
    topics = [
        importer.KnownTopic(t.slug, (t.name, *t.names.values())) for t in Topic.objects.only("slug", "name", "names")
    ]
    return importer.Directory(people=known_people, topics=topics)


def parse(data, *, source: str = "", language: str = "", known=None) -> Outcome:
    try:
        parsed = importer.parse(data, known if known is not None else directory(), language=language)
    except importer.NotText as error:
        return Outcome(source, "failed", str(error))
    if parsed.language not in languages.enabled_codes():
        return Outcome(source, "failed", f"the language “{parsed.language or '?'}” is not enabled", parsed=parsed)
    if not parsed.title:
        return Outcome(source, "failed", "no title was found", parsed=parsed)
    if not parsed.paragraphs:
        return Outcome(source, "failed", "no body paragraphs were found", parsed=parsed)
    if Statement.objects.filter(import_hash=parsed.content_hash).exists():
        existing = Statement.objects.filter(import_hash=parsed.content_hash).first()
        return Outcome(source, "already imported", existing.reference, statement=existing, parsed=parsed)
    return Outcome(source, "parsed", parsed=parsed, warnings=list(parsed.warnings))


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
        return Outcome(source, "failed", str(error), parsed=parsed)
    return Outcome(source, "imported", statement.reference, statement=statement, parsed=parsed)


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
    workflow.save_draft(
        translation=Translation(statement=statement, language=fields["language"]),
        actor=actor,
        title=fields["title"],
        standfirst=fields["standfirst"],
        body=fields["body"],
        base_revision=0,
        change_note=f"Imported from {source}" if source else "Imported",
    )
    return statement


def notes(parsed: importer.ParsedReadout, source: str) -> str:
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
