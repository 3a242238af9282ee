"""Pictures and their renditions (the processing lives in `statements/images.py`)."""

from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .fields import private_storage, validate_names
from .querysets import ImageQuerySet


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
    captions = models.JSONField(
        _("caption in other languages"),
        default=dict,
        blank=True,
        validators=[validate_names],
        help_text=_('As language code and text, for example {"fa": "…"}.'),
    )
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

    def has_alt_text_in(self, language: str) -> bool:
        """Written for readers of `language`: the main alt text is in the default language;
        others need their own (a page must not describe in another language)."""
        from .. import languages

        if language == languages.default_language():
            return bool(self.alt_text.strip())
        return bool((self.alt_texts or {}).get(language, "").strip())

    def caption_in(self, language: str) -> str:
        return (self.captions or {}).get(language) or self.caption

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
        return storages["default"].url(self.public_path) if self.public_path else ""
