"""History mode: the administrations (governments) in office, and which statements were
made under one that has since ended."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import NamedModel


class Administration(NamedModel):
    """A government in office from `started_on` to `ended_on` (empty while in office).

    Setting the end date closes it: from then on its political statements carry the
    history banner. Administrations never overlap.
    """

    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        help_text=_("As it reads in “the … administration”, for example “First Holt”."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    started_on = models.DateField(_("first day in office"))
    ended_on = models.DateField(
        _("last day in office"),
        null=True,
        blank=True,
        help_text=_(
            "Empty while in office. Setting it closes the administration: its political statements are marked."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("administration")
        verbose_name_plural = _("administrations")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="administration_ends_after_start",
                violation_error_message=_("The last day in office cannot come before the first."),
            )
        ]

    def save(self, *args, **kwargs):
        """Adding, moving or closing an administration reassigns every statement not
        assigned by hand (statements/history.py), in the same transaction."""
        from .. import history

        with transaction.atomic():
            super().save(*args, **kwargs)
            self.reassigned = history.reassign()

    def delete(self, *args, **kwargs):
        from .. import history

        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            history.reassign()
        return result

    def get_absolute_url(self):
        return reverse("statements:administration", args=[self.slug])

    @property
    def has_ended(self) -> bool:
        return self.ended_on is not None

    def covers(self, date) -> bool:
        return date is not None and self.started_on <= date and (self.ended_on is None or date <= self.ended_on)

    def overlaps(self, other: "Administration") -> bool:
        return (other.ended_on is None or other.ended_on >= self.started_on) and (
            self.ended_on is None or self.ended_on >= other.started_on
        )

    def clean(self):
        if self.started_on and self.ended_on:
            if self.ended_on < self.started_on:
                raise ValidationError({"ended_on": _("The last day in office cannot come before the first.")})
            if self.ended_on > timezone.localdate():
                raise ValidationError(
                    {"ended_on": _("Set the last day when the administration has left office, not before.")}
                )
        if self.started_on:
            for other in Administration.objects.exclude(pk=self.pk):
                if self.overlaps(other):
                    raise ValidationError(
                        _("This overlaps %(name)s (%(start)s – %(end)s): administrations follow one another.")
                        % {
                            "name": other.name,
                            "start": other.started_on.isoformat(),
                            "end": other.ended_on.isoformat() if other.ended_on else _("in office"),
                        },
                        code="overlap",
                    )

    @classmethod
    def in_office_on(cls, date, administrations=None):
        """The administration in office on `date`, or None."""
        if date is None:
            return None
        candidates = administrations if administrations is not None else cls.objects.filter(started_on__lte=date)
        return next((a for a in candidates if a.covers(date)), None)
