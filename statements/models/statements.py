"""A statement (the language-neutral record of one event) and who took part in it."""

import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from sequences import get_next_value

from .fields import LanguageField, validate_names
from .images import Image
from .querysets import ParticipationQuerySet, StatementQuerySet
from .vocabularies import Country, Person, Topic


class Political(models.TextChoices):
    BY_RULE = "", _("By rule")
    YES = "yes", _("Political")
    NO = "no", _("Not political")


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
    location_names = models.JSONField(
        _("place in other languages"),
        default=dict,
        blank=True,
        validators=[validate_names],
        help_text=_('As language code and name, for example {"fa": "…", "ar": "…"}.'),
    )
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
    # History mode (statements/history.py): the administration in office on the meeting
    # date, unless a publisher chose another; whether the statement is political.
    administration = models.ForeignKey(
        "Administration",
        verbose_name=_("administration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    administration_by_hand = models.BooleanField(
        _("administration chosen by hand"),
        default=False,
        help_text=_("Otherwise it follows the meeting date."),
    )
    political = models.CharField(
        _("political"),
        max_length=10,
        choices=Political.choices,
        default=Political.BY_RULE,
        blank=True,
        help_text=_(
            "By rule: a readout, speech, message, statement or interview where a participant held a government "
            "office on the meeting date."
        ),
    )
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
        if not self.administration_by_hand:
            from .administrations import Administration

            self.administration = Administration.in_office_on(self.occurred_on)
        with transaction.atomic(savepoint=False):
            if not self.reference:
                self.reference = next_reference(self.occurred_on)
            super().save(*args, **kwargs)

    def location_in(self, language: str) -> str:
        """The place as readers of `language` write it, or as entered."""
        return (self.location_names or {}).get(language) or self.location


def next_reference(occurred_on=None) -> str:
    """`{PRESSOFFICE_REFERENCE_PREFIX}-{year}-{seq:04d}`; the year of the meeting when known."""
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
