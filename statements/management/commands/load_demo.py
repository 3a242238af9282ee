import datetime
import io
import random
import uuid
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw

from statements import history, images, importer, markup, workflow
from statements.demo import content
from statements.importer import saving
from statements.importer.parser import quotes_in
from statements.models import (
    Administration,
    Appointment,
    Country,
    Image,
    Participation,
    Person,
    Quote,
    Revision,
    Role,
    Statement,
    Topic,
    Translation,
)
from statements.workflow import quotes as quote_rules
from statements.workflow.quotes import QuoteDraft

DEMO_NAMESPACE = uuid.UUID("6f1c1a52-3f0e-4d8a-9a51-0c6bb1f0d6a1")
PUBLISHED, IN_REVIEW, DRAFT = (
    Translation.Status.PUBLISHED,
    Translation.Status.IN_REVIEW,
    Translation.Status.DRAFT,
)


def demo_uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, key)


def read_seed() -> dict:
    """The seed readout through the importer's parser: title, standfirst, body, hash."""
    parsed = importer.parse((Path(content.__file__).parent / content.SEED_FILE).read_bytes())
    return {
        "title": parsed.title,
        "standfirst": parsed.standfirst,
        "body": parsed.body,
        "import_hash": parsed.content_hash,
    }


def demo_image_bytes(seed: int) -> bytes:
    """An abstract picture drawn here, so the demo needs no downloaded photos."""
    rng = random.Random(seed)
    picture = PillowImage.new("RGB", (1600, 900), (20 + seed * 9 % 60, 60, 110))
    draw = ImageDraw.Draw(picture)
    for _ in range(14):
        x, y, r = rng.randrange(1600), rng.randrange(900), rng.randrange(60, 320)
        colour = (rng.randrange(120, 256), rng.randrange(90, 200), rng.randrange(20, 120))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "Load demonstration content: the seed readout and invented statements over two years, "
        "in English, Persian and Arabic, in every state. Running it again changes nothing."
    )

    # Demo content is created already in its state (published, in review, …) in bulk,
    # as DESIGN.md allows for this command; changing the state of existing content
    # always goes through statements/workflow/.

    def handle(self, *args, **options):
        with transaction.atomic():
            self.created = 0
            self.load()
            # Content created already published gets its first signed edition (the workflow's
            # bulk signer; transitions sign their own).
            workflow.sign_released(Translation.objects.all())
        message = f"Demo content: {self.created} rows created." if self.created else "Demo content already loaded."
        self.stdout.write(self.style.SUCCESS(message))

    def get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        self.created += created
        return obj, created

    def load(self):
        self.countries = {
            code: self.get_or_create(Country, code=code, defaults={"name": en, "names": {"fa": fa, "ar": ar}})[0]
            for code, en, fa, ar in content.COUNTRIES
        }
        roles = {
            name: self.get_or_create(
                Role,
                name=name,
                defaults={
                    "names": {"fa": fa, "ar": ar},
                    "is_single_holder": single,
                    "is_government_office": name in content.GOVERNMENT_OFFICES,
                },
            )[0]
            for name, fa, ar, single in content.ROLES
        }
        for slug, name, fa, ar, started_on, ended_on in content.ADMINISTRATIONS:
            self.get_or_create(
                Administration,
                slug=slug,
                defaults={"name": name, "names": {"fa": fa, "ar": ar}, "started_on": started_on, "ended_on": ended_on},
            )
        self.people = {}
        for slug, name, fa, ar, honorific, sort_name, aliases, country, appointments in content.PEOPLE:
            defaults = {
                "name": name,
                "names": {"fa": fa, "ar": ar},
                "honorific": honorific,
                "sort_name": sort_name,
                "aliases": aliases,
                "country": self.countries[country],
            }
            person = self.get_or_create(Person, slug=slug, defaults=defaults)[0]
            for role, started_on, ended_on in appointments:
                self.get_or_create(
                    Appointment,
                    person=person,
                    role=roles[role],
                    started_on=started_on,
                    defaults={"ended_on": ended_on},
                )
            self.people[slug] = person
        self.topics = {}
        for slug, en, fa, ar, parent in content.TOPICS:
            defaults = {"name": en, "names": {"fa": fa, "ar": ar}, "parent": self.topics.get(parent)}
            self.topics[slug] = self.get_or_create(Topic, slug=slug, defaults=defaults)[0]
        self.images = [self.demo_image(n) for n in range(6)]
        self.load_seed()
        for index in range(content.INVENTED_COUNT):
            self.load_invented(index)
        history.reassign()
        images.sync_public_files()

    def demo_image(self, n: int) -> Image:
        upload = ContentFile(demo_image_bytes(n), name=f"demo-{n + 1}.jpg")
        inspected = images.inspect(upload)
        image = Image.objects.filter(content_hash=inspected.content_hash).first()
        if image is None:
            image = Image(
                alt_text=f"Abstract pattern of overlapping circles, demonstration image {n + 1}",
                alt_texts={
                    "fa": f"نقش انتزاعی دایره‌ها، تصویر نمایشی {n + 1}",
                    "ar": f"نقش تجريدي لدوائر، صورة توضيحية {n + 1}",
                    "fr": f"Motif abstrait de cercles superposés, image de démonstration {n + 1}",
                },
                caption="Demonstration image",
                captions={"fa": "تصویر نمایشی", "ar": "صورة توضيحية", "fr": "Image de démonstration"},
                credit="Press Office demo",
                focal_x=0.5,
                focal_y=0.4,
            )
            images.store_upload(image, upload, inspected)
            images.save_with_renditions(image)
            self.created += 1 + image.renditions.count()
        return image

    def make_statement(self, key, *, participants, topics, countries, **fields):
        statement, created = self.get_or_create(Statement, content_id=demo_uuid(key), defaults=fields)
        if created:
            for position, (slug, part) in enumerate(participants):
                Participation.objects.create(
                    statement=statement, person=self.people[slug], part=part, position=position
                )
                self.created += 1
            statement.topics.set(self.topics[slug] for slug in topics)
            statement.countries.set(self.countries[code] for code in countries)
        return statement, created

    def make_version(self, statement, language, status, texts, published_at=None, source=None):
        version = Translation(statement=statement, language=language, status=status, **texts)
        if status == PUBLISHED:
            version.published_at = version.first_published_at = version.public_updated_at = published_at
            if published_at <= timezone.now():
                # Already public: already announced (publish_due announces only what
                # goes live from now on).
                version.announced_at = published_at
        version.save()
        revision = Revision.objects.create(
            translation=version,
            number=1,
            created_at=published_at or statement.created_at,
            published_at=published_at if status == PUBLISHED else None,
            **texts,
        )
        version.live_revision = revision if status == PUBLISHED else None
        version.source_revision = source
        if status == IN_REVIEW:
            version.submitted_revision, version.submitted_at = revision, revision.created_at
        version.save(update_fields=["live_revision", "source_revision", "submitted_revision", "submitted_at"])
        self.created += 2
        return revision

    def load_seed(self):
        seed = content.SEED
        statement, created = self.make_statement(
            seed["key"],
            participants=seed["participants"],
            topics=seed["topics"],
            countries=seed["countries"],
            kind="readout",
            occurred_on=seed["occurred_on"],
            location=seed["location"],
            original_language="en",
        )
        if created:
            texts = read_seed()
            # Importing the seed file later is then recognised as already imported.
            Statement.objects.filter(pk=statement.pk).update(import_hash=texts.pop("import_hash"))
            revision = self.make_version(statement, "en", PUBLISHED, texts, seed["published_at"])
            self.seed_quotes(revision)

    def seed_quotes(self, revision):
        """The seed's quotes as the importer proposes them (the Leader's and al-Sudani's),
        confirmed: its parser attributes each to its speaker."""
        parsed = importer.parse(revision.body, saving.directory(), language="en")
        drafts = [
            QuoteDraft(speaker=self.people[quote.speaker], words=quote.text, fidelity=quote.fidelity,
                       uuid=demo_uuid(f"seed-quote-{number}"))
            for number, quote in enumerate(parsed.quotes)
            if quote.speaker in self.people
        ]  # fmt: skip
        self.write_quotes(revision, drafts)

    def write_quotes(self, revision, drafts):
        version = revision.translation
        quote_rules.write(version, revision, quote_rules.checked(version, revision.body, drafts))
        self.created += len(drafts)

    def invented_quote(self, revision, speaker, key, source=None):
        """The host's words in the second paragraph, confirmed: verbatim in the original,
        a translation of it in the other languages."""
        paragraph = markup.paragraphs(revision.body)[1]
        found = quotes_in(paragraph)
        if not found:
            return None
        draft = QuoteDraft(
            speaker=self.people[speaker],
            words=found[0][2],
            fidelity=Quote.Fidelity.TRANSLATION if source else Quote.Fidelity.VERBATIM,
            source=source,
            uuid=demo_uuid(f"{key}-quote-{revision.translation.language}"),
        )
        self.write_quotes(revision, [draft])
        return draft.uuid

    def load_invented(self, index: int):
        rng = random.Random(index)
        span = (content.LAST_DAY - content.FIRST_DAY).days
        occurred_on = content.FIRST_DAY + datetime.timedelta(days=index * span // (content.INVENTED_COUNT - 1))
        kind = content.KINDS[index % len(content.KINDS)]
        host = content.HOSTS[index % (2 if kind == "readout" else 3)]
        guest = content.GUESTS[rng.randrange(len(content.GUESTS))]
        topics = rng.sample(content.FICTIONAL_TOPICS, k=1 + index % 2)
        participants = [(host, "host" if kind == "readout" else "speaker"), (guest, "guest")]
        original = "fa" if index % 8 == 5 else "en"
        statement, created = self.make_statement(
            f"invented-{index}",
            participants=participants,
            topics=topics,
            countries=sorted({"XN", self.people[guest].country.code}),
            kind=kind,
            occurred_on=occurred_on,
            location=content.PLACES["en"],
            original_language=original,
            featured_image=self.images[index % len(self.images)] if index % 4 == 0 else None,
            is_featured=index in {content.INVENTED_COUNT - 6, content.INVENTED_COUNT - 9},
        )
        if not created:
            return
        states = self.version_states(index)
        published_at = datetime.datetime.combine(occurred_on, datetime.time(15, 0), tzinfo=datetime.UTC)
        ordered = sorted(states, key=lambda language: language != original)
        source = original_quote = None
        for offset, language in enumerate(ordered):
            texts = self.texts(language, kind, host, guest, topics, occurred_on)
            revision = self.make_version(
                statement,
                language,
                states[language],
                texts,
                published_at + datetime.timedelta(hours=offset * 3),
                source=None if language == original else source,
            )
            quoted = self.invented_quote(revision, host, f"invented-{index}", original_quote)
            source, original_quote = source or revision, original_quote or quoted

    def version_states(self, index: int) -> dict:
        recent = index >= content.INVENTED_COUNT - 4
        states = {"en": (IN_REVIEW if index < content.INVENTED_COUNT - 2 else DRAFT) if recent else PUBLISHED}
        if index % 2 == 0 and not recent:
            states["fa"] = PUBLISHED
        elif index % 5 in (1, 3):
            states["fa"] = DRAFT if index % 5 == 1 else IN_REVIEW
        if index % 8 == 5:
            states["fa"] = PUBLISHED if not recent else DRAFT
        if index % 3 == 0 and not recent:
            states["ar"] = PUBLISHED
        elif index % 7 == 2:
            states["ar"] = IN_REVIEW
        return states

    def texts(self, language, kind, host, guest, topics, occurred_on) -> dict:
        host_person, guest_person = self.people[host], self.people[guest]
        topic_names = [self.topics[slug].name_in(language) for slug in topics]
        if language == "en":
            topic_names = [name.lower() for name in topic_names]
        values = {
            "host": host_person.name_in(language),
            "guest": guest_person.name_in(language),
            "host_title": host_person.title_on(occurred_on, language),
            "guest_title": guest_person.title_on(occurred_on, language),
            "topic": topic_names[0],
            "topics": content.LIST_JOINERS[language].join(topic_names),
            "place": content.PLACES[language],
        }
        opening = (content.MEETING_OPENINGS if kind == "readout" else content.OTHER_OPENINGS)[language]
        paragraphs = [opening, *content.BODY_PARAGRAPHS[language]]
        return {
            "title": content.TITLES[kind][language].format(**values),
            "standfirst": content.STANDFIRSTS[language].format(**values),
            "body": "\n\n".join(paragraph.format(**values) for paragraph in paragraphs),
        }
