"""People, their offices and appointments, topics and countries: what statements are about."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .. import languages
from .fields import NamedModel
from .images import Image


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
    is_government_office = models.BooleanField(
        _("an office of the administration"),
        default=False,
        help_text=_("Statements where its holder took part are political (history mode)."),
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
