import datetime
import random
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify
from sequences.models import Sequence
from tqdm import tqdm

from statements import languages, markup, search, workflow
from statements.models import (
    Appointment,
    Country,
    Participation,
    Person,
    Revision,
    Role,
    Statement,
    Topic,
    Translation,
)

CHUNK = 1000
Status = Translation.Status
SCHEDULED = "scheduled"  # stored as published, for a time in the future
STATES = [  # (state, share): most versions are public, some in every other state
    (Status.PUBLISHED, 0.84),
    (Status.WITHDRAWN, 0.04),
    (Status.UNPUBLISHED, 0.03),
    (SCHEDULED, 0.01),
    (Status.IN_REVIEW, 0.04),
    (Status.DRAFT, 0.04),
]
WORDS = (
    "cooperation trade water energy education culture health security agreement delegation minister "
    "envoy talks region development investment transport science heritage students research farmers "
    "ports rivers roads schools hospitals exchange commission programme partnership dialogue progress"
).split()
SENTENCES = [
    "{a} received {b} and the accompanying delegation for talks on {t}.",
    "The two sides reviewed progress on {t} and agreed to meet again before the end of the year.",
    "{a} said, “Our work together on {t} serves both our peoples, and we intend to take it further.”",
    "{b} thanked the hosts and said that the agreements reached at earlier meetings were being carried out.",
    "Officials discussed {w1}, {w2} and {w3}, and the joint commission will report on all three.",
    "Both delegations underlined the value of regular contact between ministries and between universities.",
    "The meeting ended with a visit to a {w1} project supported by both governments.",
]
NOTE = "*Generated demonstration content: the people, places and events are fictional.*"


class Command(BaseCommand):
    help = (
        "Generate a large archive of fictional statements in bulk for load testing: people with "
        "appointments, a topic tree, countries, statements with 2–5 participants and 1–4 topics, "
        "~400-word versions in the given languages, dates over 20 years, versions in every state."
    )

    # Content is created directly in its state (published, withdrawn, …) in bulk, as
    # DESIGN.md allows for the generator; existing content only changes through the workflow (statements/workflow/).

    def add_arguments(self, parser):
        parser.add_argument("--statements", type=int, default=1000, help="How many statements (default 1000).")
        parser.add_argument("--languages", default="en,fa,ar", help="Comma list of enabled languages.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed makes the same data.")

    def handle(self, *args, statements, languages: str, seed, **options):
        codes = [code.strip() for code in languages.split(",") if code.strip()]
        unknown = [code for code in codes if code not in _enabled()]
        if unknown or not codes:
            raise CommandError(f"Languages must be enabled ones ({', '.join(_enabled())}); not: {', '.join(unknown)}")
        if statements < 1:
            raise CommandError("--statements must be at least 1.")
        rng = random.Random(seed)
        with transaction.atomic():
            people, topics, countries = self.vocabulary(rng, statements)
        counter = {}
        with tqdm(total=statements, desc="Statements", unit="st") as progress:
            for start in range(0, statements, CHUNK):
                size = min(CHUNK, statements - start)
                with transaction.atomic():
                    self.chunk(rng, size, codes, people, topics, countries, counter)
                progress.update(size)
        # The generated versions that are (or were) public get their first signed edition,
        # through the workflow's bulk signer.
        unsigned = Translation.objects.filter(edition=0, first_published_at__isnull=False)
        with tqdm(total=unsigned.count(), desc="Signing", unit="ed") as progress:
            workflow.sign_released(unsigned, progress=progress.update)
        with transaction.atomic():
            for key, last in counter.items():
                Sequence.objects.update_or_create(name=key, defaults={"last": last})
            with tqdm(total=Translation.objects.count(), desc="Search index", unit="v") as progress:
                search.reindex(Translation.objects.all(), progress=progress.update)
        with connection.cursor() as cursor:
            # Fresh statistics after a bulk load, so the planner picks the ordering indexes
            # (autovacuum would get there too, later).
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Generated {statements} statements in {', '.join(codes)}."))

    def vocabulary(self, rng, statements):
        """People (with offices over time), a topic tree and countries, in proportion."""
        run = uuid.uuid4().hex[:6]
        countries = [
            Country.objects.get_or_create(code=f"X{chr(65 + i)}", defaults={"name": f"Generated country {i + 1}"})[0]
            for i in range(20)
        ]
        parents = Topic.objects.bulk_create(
            Topic(name=f"{w.title()} ({run})", slug=f"gen-{run}-{w}") for w in WORDS[:10]
        )
        children = Topic.objects.bulk_create(
            Topic(name=f"{w.title()} policy ({run})", slug=f"gen-{run}-{w}-policy", parent=rng.choice(parents))
            for w in WORDS[10:30]
        )
        roles = Role.objects.bulk_create(
            Role(name=f"Minister of {w.title()} ({run}-{i})", is_single_holder=True) for i, w in enumerate(WORDS)
        )
        count = max(30, min(2000, statements // 20))
        people = Person.objects.bulk_create(
            Person(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                slug=f"gen-{run}-{i}",
                sort_name=f"gen {i}",
                country=rng.choice(countries),
            )
            for i in range(count)
        )
        appointments = []
        for i, person in enumerate(people):
            start = datetime.date(2005, 1, 1) + datetime.timedelta(days=(i * 37) % 6000)
            appointments.append(Appointment(person=person, role=roles[i % len(roles)], started_on=start))
        Appointment.objects.bulk_create(appointments)
        return people, parents + children, countries

    def chunk(self, rng, size, codes, people, topics, countries, counter):
        now = datetime.datetime.now(tz=datetime.UTC)
        made = []
        for _ in range(size):
            day = datetime.date(2006, 1, 1) + datetime.timedelta(days=rng.randrange(20 * 365))
            key = f"statement-reference-{PREFIX()}-{day.year}"
            counter[key] = counter.get(key, _last(key)) + 1
            made.append(
                Statement(
                    reference=f"{PREFIX()}-{day.year}-{counter[key]:04d}",
                    kind=rng.choice(Statement.Kind.values),
                    occurred_on=day,
                    location="Northhaven",
                    original_language=codes[0],
                    is_featured=rng.random() < 0.002,
                )
            )
        statements = Statement.objects.bulk_create(made)
        participations, topic_links, country_links, versions = [], [], [], []
        through_topics, through_countries = Statement.topics.through, Statement.countries.through
        for statement in statements:
            chosen = rng.sample(people, rng.randint(2, 5))
            for position, person in enumerate(chosen):
                participations.append(
                    Participation(statement=statement, person=person, position=position, part=_part(position))
                )
            for topic in rng.sample(topics, rng.randint(1, 4)):
                topic_links.append(through_topics(statement=statement, topic=topic))
            for country in rng.sample(countries, rng.randint(1, 2)):
                country_links.append(through_countries(statement=statement, country=country))
            for index, code in enumerate(codes):
                if index and rng.random() < 0.3:
                    continue  # not every statement is translated into every language
                versions.append(self.version(rng, statement, code, chosen, now))
        Participation.objects.bulk_create(participations)
        through_topics.objects.bulk_create(topic_links)
        through_countries.objects.bulk_create(country_links)
        saved = Translation.objects.bulk_create(versions)
        revisions = Revision.objects.bulk_create(
            Revision(
                translation=version,
                number=1,
                title=version.title,
                standfirst=version.standfirst,
                body=version.body,
                created_at=version.first_published_at or now,
                published_at=version.published_at,
            )
            for version in saved
        )
        for version, revision in zip(saved, revisions, strict=True):
            if version.published_at:
                version.live_revision = revision
        Translation.objects.bulk_update([v for v in saved if v.published_at], ["live_revision"], batch_size=500)

    def version(self, rng, statement, code, people, now):
        a, b = people[0].name, people[1].name
        title = f"{a} receives {b} ({statement.reference})"
        topic = " and ".join(rng.sample(WORDS, 2))
        paragraphs = []
        for _ in range(6):
            sentences = [
                rng.choice(SENTENCES).format(
                    a=a, b=b, t=topic, w1=rng.choice(WORDS), w2=rng.choice(WORDS), w3=rng.choice(WORDS)
                )  # fmt: skip
                for _ in range(4)
            ]
            paragraphs.append(" ".join(sentences))
        body = "\n\n".join([*paragraphs, NOTE])
        status = _status(rng)
        published_at = datetime.datetime.combine(statement.occurred_on, datetime.time(15), tzinfo=datetime.UTC)
        version = Translation(
            statement=statement,
            language=code,
            title=title,
            standfirst=f"Talks on {topic}",
            body=body,
            body_html=markup.render(body),
            slug=slugify(f"{title}-{code}", allow_unicode=True)[:190],
            occurred_on=statement.occurred_on,
            status=Status.PUBLISHED if status == SCHEDULED else status,
        )
        if status == SCHEDULED:
            published_at = now + datetime.timedelta(days=rng.randint(1, 30))
        if status not in Translation.UNRELEASED_STATUSES:
            version.published_at = version.first_published_at = version.public_updated_at = published_at
            version.announced_at = published_at if status != SCHEDULED else None
        if status == Status.WITHDRAWN:
            version.withdrawn_at, version.withdrawal_explanation = now, "Superseded by a later statement."
        if status == Status.UNPUBLISHED:
            version.unpublished_at, version.unpublish_reason = now, Translation.UnpublishReason.PUBLISHED_IN_ERROR
        return version


FIRST = "Aren Bela Cora Dario Elin Faris Gita Hana Ivo Jana Kian Lena Milo Nika Oren Pia Rami Sora Tara Yusuf".split()
LAST = "Arvest Brandt Carrow Denholm Ekdahl Falk Grell Holt Ilves Jorn Kessler Lasky Mardell Nolte Ostrand".split()


def PREFIX() -> str:  # noqa: N802 - reads like the setting it is
    return settings.PRESSOFFICE_REFERENCE_PREFIX


def _enabled():
    return languages.enabled_codes()


def _last(key: str) -> int:
    return Sequence.objects.filter(name=key).values_list("last", flat=True).first() or 0


def _part(position: int) -> str:
    return ["host", "guest", "attendee", "speaker", "attendee"][position]


def _status(rng) -> str:
    roll, total = rng.random(), 0.0
    for status, share in STATES:
        total += share
        if roll < total:
            return status
    return Status.PUBLISHED
