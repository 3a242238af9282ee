"""Quotations as records: who said what, in which words, in which version of a statement.

A quote belongs to one revision of a version. Every revision carries its version's quote
set (the workflow copies it forward on each save), so a revision under review carries its
proposed quotes and publishing it makes them the live ones: readers see the quotes of the
live revision only. `uuid` names a quote across revisions (its public address); the row
of each revision is that quote as it stood then.
"""

import hashlib
import unicodedata
import uuid

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override as translation_override


class QuoteQuerySet(models.QuerySet):
    def public(self, now=None):
        """Confirmed quotes of the live revision of a public version: the one visibility
        rule (`Translation.objects.public()`) applied through the version."""
        from .versions import Translation

        return self.filter(
            is_confirmed=True,
            revision_id=F("translation__live_revision_id"),
            translation__in=Translation.objects.public(now),
        )


class Quote(models.Model):
    class Fidelity(models.TextChoices):
        VERBATIM = "verbatim", _("Verbatim (transcript)")
        AS_PREPARED = "as-prepared", _("As prepared for delivery")
        PARAPHRASE = "paraphrase", _("Paraphrase (reported speech)")
        TRANSLATION = "translation", _("Translation")

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    translation = models.ForeignKey(
        "Translation", verbose_name=_("version"), on_delete=models.CASCADE, related_name="quotes"
    )
    revision = models.ForeignKey("Revision", on_delete=models.CASCADE, related_name="quotes", editable=False)
    speaker = models.ForeignKey("Person", verbose_name=_("speaker"), on_delete=models.PROTECT, related_name="quotes")
    role = models.CharField(
        _("role on the date"),
        max_length=200,
        blank=True,
        help_text=_("The speaker's title on the meeting date; filled in from their appointments when left empty."),
    )
    words = models.TextField(_("words"), help_text=_("Exactly as they stand in the body."))
    paragraph = models.PositiveSmallIntegerField(_("paragraph"), default=1, editable=False)
    fidelity = models.CharField(_("fidelity"), max_length=20, choices=Fidelity.choices, default=Fidelity.VERBATIM)
    source = models.UUIDField(
        _("translated from"),
        null=True,
        blank=True,
        help_text=_("For a translation: the quote it translates, in the original language's version."),
    )
    is_confirmed = models.BooleanField(
        _("confirmed"),
        default=True,
        help_text=_("Quotes the importer proposed wait unconfirmed; only confirmed quotes are ever public."),
    )
    position = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["revision", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "uuid"], name="quote_once_per_revision"),
            models.CheckConstraint(
                condition=Q(fidelity="translation") | Q(source__isnull=True), name="quote_source_only_for_translation"
            ),
        ]
        indexes = [models.Index(fields=["speaker", "revision"], name="quote_speaker_idx")]

    def __str__(self):
        return f"{self.speaker}: “{self.words[:60]}”"

    def get_absolute_url(self):
        with translation_override(self.translation.language):
            return reverse("statements:quote", args=[self.uuid])

    @property
    def nfc_words(self) -> str:
        return unicodedata.normalize("NFC", self.words)

    @property
    def digest(self) -> str:
        """SHA-256 of the NFC words' UTF-8 bytes: what the signed record and ninjs list."""
        return hashlib.sha256(self.nfc_words.encode("utf-8")).hexdigest()

    def facts(self) -> tuple:
        """What makes a quote the same quote for the integrity rule."""
        return (self.speaker_id, self.words, self.fidelity, self.source, self.is_confirmed)
