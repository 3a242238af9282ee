"""The publication states of a version, and the names of the groups of them.

See the glossary in `statements/models/__init__.py`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """A version's stored state. Only the workflow (`statements/workflow/`) changes it."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    UNPUBLISHED = "unpublished", _("Unpublished")


# Versions a publisher has released: public now, or scheduled to become public at
# `published_at` (a withdrawn version was public before its withdrawal and stays so).
# Not the visibility rule: that is `Translation.objects.public()`, which adds the time.
RELEASED_STATUSES = (Status.PUBLISHED.value, Status.WITHDRAWN.value)

# Versions whose text is still being written or reviewed: they take edits at once.
UNRELEASED_STATUSES = (Status.DRAFT.value, Status.IN_REVIEW.value)
