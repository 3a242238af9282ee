"""Addresses a version had before its statement's meeting date changed: they answer 301
to the current one while the version is public, 410 (or 301 to where it was
consolidated) once it is unpublished, and 404 otherwise (statements/addresses.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import LanguageField
from .versions import Translation


class FormerAddress(models.Model):
    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="former_addresses")
    language = LanguageField()
    occurred_on = models.DateField()
    slug = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")
        constraints = [
            # The newest version to leave an address owns it.
            models.UniqueConstraint(fields=["language", "occurred_on", "slug"], name="former_address_unique"),
        ]

    def __str__(self):
        return f"/{self.language}/statements/{self.occurred_on:%Y/%m/%d}/{self.slug}/"
