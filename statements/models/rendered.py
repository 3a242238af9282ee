"""Feed entries and list rows rendered once and stored (statements/rendered.py).

A version's RSS item, Atom entry, JSON Feed item, ninjs item and list row are rendered
when first needed after its public text (or anything it shows) changed, and kept here, so
that a feed or list that is not cached costs one indexed query and a concatenation. A row
is current while its `stamp` (the build and the cache tags' values it was rendered under)
matches; anything else renders it again. `manage.py rerender` fills it after a deploy.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RenderedEntry(models.Model):
    class Format(models.TextChoices):
        ROW = "row", _("list row")
        RSS = "rss", _("RSS item")
        ATOM = "atom", _("Atom entry")
        JSON = "json", _("JSON Feed item")
        NINJS = "ninjs", _("ninjs item")
        PAGE = "page", _("statement page")

    translation = models.ForeignKey("statements.Translation", on_delete=models.CASCADE, related_name="rendered")
    format = models.CharField(max_length=8, choices=Format.choices)
    stamp = models.CharField(max_length=120)
    content = models.TextField()

    class Meta:
        verbose_name = _("rendered entry")
        verbose_name_plural = _("rendered entries")
        constraints = [models.UniqueConstraint(fields=["translation", "format"], name="rendered_entry_unique")]

    def __str__(self):
        return f"{self.translation_id} {self.format}"
