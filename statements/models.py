import uuid

from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override as translation_override
from sequences import get_next_value

from . import languages, markup, search
from .querysets import (
    PUBLIC_STATUSES,
    ImageQuerySet,
    ParticipationQuerySet,
    StatementQuerySet,
    TranslationQuerySet,
)


class LanguageField(models.CharField):
    """A language code. Choices come from DJANGO_LANGUAGES at form time, never from
    the field, so migrations do not change with the environment."""

    default_validators = [languages.validate_enabled]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return forms.ChoiceField(
            choices=lambda: [("", "---------"), *languages.choices()],
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
            required=not self.blank,
        )


def validate_names(value):
    if not isinstance(value, dict) or not all(
        isinstance(code, str) and isinstance(name, str) for code, name in value.items()
    ):
        raise ValidationError(_('Names in other languages must look like {"fa": "…", "ar": "…"}.'), code="names")
    for code in value:
        languages.validate_enabled(code)


class NamedModel(models.Model):
    """The one mechanism for names in other languages (people, roles, topics, countries)."""

    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(
        _("names in other languages"),
        default=dict,
        blank=True,
        validators=[validate_names],
        help_text=_('As language code and name, for example {"fa": "…", "ar": "…"}.'),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Image(models.Model):
    """A picture: the clean original and its renditions live in private storage; public
    copies exist only while something public uses it (statements/images.py)."""

    file = models.FileField(_("file"), storage=private_storage, max_length=255, editable=False)
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("What the image shows, for readers who cannot see it, in the default language."),
    )
    alt_texts = models.JSONField(
        _("alt text in other languages"),
        default=dict,
        blank=True,
        validators=[validate_names],
        help_text=_('As language code and text, for example {"fa": "…"}.'),
    )
    caption = models.TextField(_("caption"), blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    focal_x = models.FloatField(
        _("focal point (x)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 (left edge) to 1 (right edge); crops keep this point."),
    )
    focal_y = models.FloatField(
        _("focal point (y)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 (top edge) to 1 (bottom edge)."),
    )
    content_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    public_token = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(focal_x__isnull=True) | Q(focal_x__gte=0, focal_x__lte=1))
                & (Q(focal_y__isnull=True) | Q(focal_y__gte=0, focal_y__lte=1)),
                name="image_focal_point_in_frame",
            )
        ]

    def __str__(self):
        return self.alt_text or self.file.name

    def alt_text_in(self, language: str) -> str:
        return self.alt_texts.get(language) or self.alt_text

    def public_renditions(self) -> dict:
        """Spec name → rendition, for renditions with a public copy. Reads
        `self.renditions.all()`, so a prefetch makes it free."""
        return {r.spec: r for r in self.renditions.all() if r.public_path}


class Rendition(models.Model):
    """One fixed-size version of an image (statements/images.py SPECS), made once."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(max_length=30)
    file = models.FileField(storage=private_storage, max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(default=0, help_text="bytes")
    public_path = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [models.UniqueConstraint(fields=["image", "spec"], name="rendition_once_per_spec")]

    def __str__(self):
        return f"{self.image_id}:{self.spec}"

    @property
    def content_type(self) -> str:
        return "image/webp" if self.spec.endswith("webp") else "image/jpeg"

    @property
    def public_url(self) -> str:
        from django.core.files.storage import storages

        return storages["default"].url(self.public_path) if self.public_path else ""


class Country(NamedModel):
    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two capital letters of ISO 3166."))],
        help_text=_("ISO 3166 alpha-2, for example IQ."),
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    def clean(self):
        self.code = (self.code or "").upper()


class Role(NamedModel):
    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("The office, for example “Prime Minister of Iraq”.")
    )
    is_single_holder = models.BooleanField(
        _("held by one person at a time"),
        default=True,
        help_text=_("Appointments to this office may not overlap."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]


class Person(NamedModel):
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    honorific = models.CharField(
        _("honorific"), max_length=100, blank=True, help_text=_("For example “Ayatollah” or “Mr.”.")
    )
    sort_name = models.CharField(
        _("sort name"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("How the name sorts in lists, for example “Sudani, Mohammad Shia al-”. Defaults to the name."),
    )
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_('Other spellings the importer should recognise, as a list: ["al-Sudani", "Sudani"].'),
    )
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.SET_NULL)
    portrait = models.ForeignKey(
        Image, verbose_name=_("portrait"), null=True, blank=True, on_delete=models.PROTECT, related_name="portrait_of"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_name", "name"]

    def save(self, *args, **kwargs):
        if not self.sort_name:
            self.sort_name = self.name
        super().save(*args, **kwargs)

    def clean(self):
        if not isinstance(self.aliases, list) or not all(
            isinstance(alias, str) and alias.strip() for alias in self.aliases
        ):
            raise ValidationError(
                {"aliases": _('Aliases must be a list of names, for example ["al-Sudani", "Sudani"].')}
            )

    def appointment_on(self, date):
        """The appointment in force on `date`; the most recently started if several.

        Reads `self.appointments.all()`, so a prefetch (ParticipationQuerySet.with_titles)
        makes it free for a whole list; alone it costs one query.
        """
        if date is None:
            return None
        in_force = [a for a in self.appointments.all() if a.is_in_force_on(date)]
        return max(in_force, key=lambda a: a.started_on, default=None)

    def title_on(self, date, language: str | None = None) -> str:
        appointment = self.appointment_on(date)
        if appointment is None:
            return ""
        return appointment.role.name_in(language or languages.default_language())


class Appointment(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="appointments")
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="appointments")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("The last day in office. Empty while in office.")
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="appointment_ends_after_start",
                violation_error_message=_("The last day in office cannot come before the first."),
            )
        ]
        indexes = [models.Index(fields=["role", "started_on"])]

    def __str__(self):
        return f"{self.person} — {self.role}"

    def is_in_force_on(self, date) -> bool:
        return self.started_on <= date and (self.ended_on is None or self.ended_on >= date)

    def overlaps(self, other: "Appointment") -> bool:
        return (other.ended_on is None or other.ended_on >= self.started_on) and (
            self.ended_on is None or self.ended_on >= other.started_on
        )

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The last day in office cannot come before the first.")})
        if self.role_id and self.started_on and self.role.is_single_holder:
            others = Appointment.objects.filter(role_id=self.role_id).exclude(pk=self.pk)
            for other in others.select_related("person"):
                if self.overlaps(other):
                    raise ValidationError(self.overlap_message(other), code="overlap")

    def overlap_message(self, other: "Appointment"):
        return _("%(role)s is held by one person at a time, and %(person)s held it from %(start)s to %(end)s.") % {
            "role": self.role.name,
            "person": other.person.name,
            "start": other.started_on.isoformat(),
            "end": other.ended_on.isoformat() if other.ended_on else _("now"),
        }


class Topic(NamedModel):
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A topic cannot sit inside itself.")})
            ancestor = ancestor.parent


class Statement(models.Model):
    """The language-neutral record of one event; its texts are its Translations."""

    class Kind(models.TextChoices):
        READOUT = "readout", _("Readout")
        SPEECH = "speech", _("Speech")
        MESSAGE = "message", _("Message")
        STATEMENT = "statement", _("Statement")
        PRESS_RELEASE = "press-release", _("Press release")
        INTERVIEW = "interview", _("Interview")

    content_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.READOUT, db_index=True)
    occurred_on = models.DateField(
        _("meeting date"), null=True, blank=True, db_index=True, help_text=_("The day the event took place.")
    )
    occurred_time = models.TimeField(_("time"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    original_language = LanguageField(_("original language"))
    participants = models.ManyToManyField(
        Person, through="Participation", verbose_name=_("participants"), related_name="statements"
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="statements")
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True, related_name="statements")
    featured_image = models.ForeignKey(
        Image,
        verbose_name=_("featured image"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="featured_in",
    )
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    # Set by the importer: the hash of the imported text (re-importing it creates nothing)
    # and what the importer found and wants checked. Internal, never shown publicly.
    import_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    import_notes = models.TextField(_("import notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return self.reference or str(self.content_id)

    def save(self, *args, **kwargs):
        # The reference is assigned once, at creation, from a gapless per-year sequence
        # (django-sequences locks the counter row); it never changes afterwards.
        with transaction.atomic(savepoint=False):
            if not self.reference:
                self.reference = next_reference(self.occurred_on)
            super().save(*args, **kwargs)


def next_reference(occurred_on=None) -> str:
    """`{PRESSOFFICE_REFERENCE_PREFIX}-{year}-{seq:04d}`; the year of the meeting when known."""
    from django.utils import timezone

    year = occurred_on.year if occurred_on else timezone.now().year
    prefix = settings.PRESSOFFICE_REFERENCE_PREFIX
    sequence = get_next_value(f"statement-reference-{prefix}-{year}")
    return f"{prefix}-{year}-{sequence:04d}"


class Participation(models.Model):
    class Part(models.TextChoices):
        HOST = "host", _("Host")
        GUEST = "guest", _("Guest")
        ATTENDEE = "attendee", _("Attendee")
        SPEAKER = "speaker", _("Speaker")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="participations"
    )
    part = models.CharField(_("part"), max_length=20, choices=Part.choices, default=Part.GUEST)
    label = models.CharField(
        _("label"),
        max_length=200,
        blank=True,
        help_text=_("Shown instead of the person's title on the meeting date, when set."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "person"],
                name="participation_person_once_per_statement",
                violation_error_message=_("This person is already a participant."),
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.get_part_display()})"

    def title(self, language: str | None = None) -> str:
        """The label override, or the person's title on the statement's meeting date."""
        if self.label:
            return self.label
        return self.person.title_on(self.statement.occurred_on, language)


class Revision(models.Model):
    """A snapshot of a version's text, written on every content save.

    `number` counts up per version and is the optimistic-lock counter: a save names the
    number it started from and is refused if another save came in between.
    """

    translation = models.ForeignKey("Translation", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    standfirst = models.TextField(blank=True)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    change_note = models.TextField(blank=True)
    is_major = models.BooleanField(default=False)
    # Set when this revision became the live text; `published_major` records the
    # publisher's decision (a major change makes translations of it outdated).
    published_at = models.DateTimeField(null=True, blank=True)
    published_major = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["translation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["translation", "number"], name="revision_number_once_per_version")
        ]

    def __str__(self):
        return f"{self.translation} #{self.number}"


class Translation(models.Model):
    """One language version of a statement, the original included.

    The row holds the text readers see once published; edits to a live version wait
    as revisions until they are published. Only `workflow.py` changes `status`.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class UnpublishReason(models.TextChoices):
        PUBLISHED_IN_ERROR = "published_in_error", _("Published in error")
        CONSOLIDATED = "consolidated", _("Consolidated into another statement")

    PUBLIC_STATUSES = PUBLIC_STATUSES

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="translations"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = LanguageField(_("language"))
    title = models.CharField(_("title"), max_length=300)
    standfirst = models.TextField(
        _("standfirst"), max_length=1000, blank=True, help_text=_("One sentence that sums up the statement.")
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Paragraphs separated by a blank line. *Emphasis*, **strong**, [links](https://…), "
            "> quotes, lists and ## headings are available."
        ),
    )
    body_html = models.TextField(editable=False)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        allow_unicode=True,
        blank=True,
        help_text=_("The last part of the address. Made from the title when left empty."),
    )
    occurred_on = models.DateField(null=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    first_published_at = models.DateTimeField(_("first published at"), null=True, editable=False)
    public_updated_at = models.DateTimeField(_("publicly updated at"), null=True, editable=False)
    change_history = models.JSONField(default=list, editable=False)
    live_revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    source_revision = models.ForeignKey(
        Revision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_("The revision of the original this version was translated from."),
    )
    withdrawn_at = models.DateTimeField(null=True, editable=False)
    withdrawal_explanation = models.TextField(blank=True, editable=False)
    unpublished_at = models.DateTimeField(null=True, editable=False)
    unpublish_reason = models.CharField(max_length=30, choices=UnpublishReason.choices, blank=True, editable=False)
    unpublish_explanation = models.TextField(blank=True, editable=False)
    redirect_url = models.CharField(max_length=500, blank=True, editable=False)
    is_force_published = models.BooleanField(default=False, editable=False)
    force_publish_reason = models.TextField(blank=True, editable=False)
    force_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # The revision waiting for review (first publication or a correction), and who sent it.
    submitted_revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(null=True, editable=False)
    # When the side effects of going live (cache, WebSub) last ran; `publish_due` runs
    # them for scheduled versions whose time has come.
    announced_at = models.DateTimeField(null=True, editable=False)
    # PostgreSQL only: the live text's search vector (statements/search.py); SQLite
    # searches an FTS5 table instead.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TranslationQuerySet.as_manager()

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["statement", "language"]
        permissions = [
            ("publish_translation", _("Can review, publish, schedule, withdraw and unpublish versions")),
            ("edit_any_language", _("Can edit versions in every language")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "language"],
                name="translation_one_version_per_language",
                violation_error_message=_("This statement already has a version in this language."),
            ),
            models.UniqueConstraint(
                fields=["language", "occurred_on", "slug"],
                name="translation_slug_unique_per_language_and_date",
                violation_error_message=_(
                    "Another statement of the same date already uses this slug in this language."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=PUBLIC_STATUSES) | Q(published_at__isnull=False),
                name="translation_public_has_publication_time",
            ),
        ]
        # Partial indexes over the public states only, in the exact order of the lists and
        # feeds, ending with published_at so the visibility test is read from the index:
        # a page, a deep page and a count never sort or visit the table's rows.
        indexes = [
            models.Index(
                F("language"),
                F("occurred_on").desc(),
                F("first_published_at").desc(),
                F("id").desc(),
                F("published_at"),
                name="translation_list_public_idx",
                condition=Q(status__in=PUBLIC_STATUSES),
            ),
            models.Index(
                F("language"),
                F("public_updated_at").desc(),
                F("id").desc(),
                F("published_at"),
                name="translation_feed_public_idx",
                condition=Q(status__in=PUBLIC_STATUSES),
            ),
            models.Index(
                fields=["published_at"], name="translation_published_idx", condition=Q(status__in=PUBLIC_STATUSES)
            ),
        ]

    def __str__(self):
        return f"{self.title} [{self.language}]"

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)
        if search.is_postgresql():
            # A derived column of this row, computed by the database from the text.
            Translation.objects.filter(pk=self.pk).update(search_vector=search.vector(self.language))

    def get_absolute_url(self):
        if self.occurred_on is None:
            return None
        with translation_override(self.language):
            return reverse(
                "statements:detail",
                kwargs={
                    "year": f"{self.occurred_on.year:04d}",
                    "month": f"{self.occurred_on.month:02d}",
                    "day": f"{self.occurred_on.day:02d}",
                    "slug": self.slug,
                },
            )

    def clean(self):
        # Mirrors the per-language-and-date slug constraint, which a form cannot check
        # itself because the date comes from the statement.
        if self.statement_id and self.slug and self.language:
            clash = Translation.objects.filter(
                language=self.language, occurred_on=self.statement.occurred_on, slug=self.slug
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"slug": _("Another statement of the same date already uses this slug in this language.")}
                )

    def refresh_derived(self):
        """Derived columns of this row only: rendered body, meeting date, slug."""
        self.body_html = markup.render(self.body)
        self.occurred_on = self.statement.occurred_on
        if not self.slug:
            self.slug = self.unique_slug(slugify(self.title, allow_unicode=True)[:180] or "statement")

    def unique_slug(self, base: str) -> str:
        taken = set(
            Translation.objects.filter(language=self.language, occurred_on=self.occurred_on, slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def is_original(self) -> bool:
        return self.language == self.statement.original_language

    @property
    def direction(self) -> str:
        return languages.direction(self.language)

    def latest_revision(self):
        return self.revisions.order_by("-number").first()

    @property
    def has_unpublished_changes(self) -> bool:
        """Derived: the newest revision is not the live one (only for versions once live)."""
        if self.first_published_at is None:
            return False
        latest = self.latest_revision()
        return latest is not None and latest.pk != self.live_revision_id

    def is_scheduled(self, now=None) -> bool:
        """Derived: published, with a first publication still in the future."""
        from django.utils import timezone

        return (
            self.status == self.Status.PUBLISHED
            and self.first_published_at is not None
            and self.first_published_at > (now or timezone.now())
        )

    @property
    def is_public(self) -> bool:
        """Per-object twin of `Translation.objects.public()`."""
        from django.utils import timezone

        return self.status in PUBLIC_STATUSES and self.published_at is not None and self.published_at <= timezone.now()


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    languages = models.JSONField(
        _("languages translated"),
        default=list,
        blank=True,
        help_text=_('Language codes this person translates into, as a list: ["fa", "ar"].'),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)

    def clean(self):
        if not isinstance(self.languages, list) or not all(isinstance(c, str) for c in self.languages):
            raise ValidationError({"languages": _('Languages must be a list of codes, for example ["fa"].')})
        for code in self.languages:
            try:
                languages.validate_enabled(code)
            except ValidationError as error:
                raise ValidationError({"languages": error.messages}) from error


class AuditEntry(models.Model):
    """Who did which transition or metadata change, when, on what: append-only."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=50, db_index=True)
    statement = models.ForeignKey(Statement, null=True, on_delete=models.SET_NULL, related_name="audit_entries")
    translation = models.ForeignKey(Translation, null=True, on_delete=models.SET_NULL, related_name="audit_entries")
    object_repr = models.CharField(max_length=300)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class PreviewLink(models.Model):
    """A signed, expiring, revocable link showing a version before it is public."""

    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="preview_links")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("for whom"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.translation} ({self.note or self.token})"

    def is_valid(self, now=None) -> bool:
        from django.utils import timezone

        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class WebSubPing(models.Model):
    """A notification owed to the WebSub hub that a feed changed; retried until delivered."""

    topic = models.URLField(max_length=500)
    created_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("WebSub ping")
        verbose_name_plural = _("WebSub pings")
        indexes = [models.Index(fields=["delivered_at", "created_at"], name="websub_pending_idx")]

    def __str__(self):
        return self.topic
