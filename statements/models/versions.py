"""Language versions of a statement and the revisions of their text."""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override as translation_override

from .. import languages, markup, search, slugs
from .fields import LanguageField
from .querysets import TranslationQuerySet
from .statements import Statement
from .states import RELEASED_STATUSES, UNRELEASED_STATUSES, Status


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

    The row holds the text readers see once released; edits to a released version
    wait as revisions until they are published. Only the workflow
    (`statements/workflow/`) changes `status`. The states are named in the glossary of
    `statements/models/__init__.py`; the predicates below are their per-object form.
    """

    Status = Status

    class UnpublishReason(models.TextChoices):
        PUBLISHED_IN_ERROR = "published_in_error", _("Published in error")
        CONSOLIDATED = "consolidated", _("Consolidated into another statement")

    RELEASED_STATUSES = RELEASED_STATUSES
    UNRELEASED_STATUSES = UNRELEASED_STATUSES

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
    # The last send-back, for its author (the submitter) until they submit again.
    sent_back_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    sent_back_at = models.DateTimeField(null=True, editable=False)
    sent_back_reason = models.TextField(blank=True, editable=False)
    # When the side effects of going live (cache, WebSub) last ran; `publish_due` runs
    # them for scheduled versions whose time has come.
    announced_at = models.DateTimeField(null=True, editable=False)
    # The newest signed edition (statements/models/editions.py) and when it became public:
    # ninjs `version` and `versionCreated`, the feeds' edition links. Set by the workflow.
    edition = models.PositiveIntegerField(default=0, editable=False)
    edition_at = models.DateTimeField(null=True, editable=False)
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
                condition=~Q(status__in=RELEASED_STATUSES) | Q(published_at__isnull=False),
                name="translation_public_has_publication_time",
            ),
        ]
        # Partial indexes over the public states only, in the exact order of the lists and
        # feeds, ending with published_at so the visibility test is read from the index:
        # a page, a deep page and a count never sort or visit the table's rows.
        indexes = [
            # Released versions not yet announced: what the periodic trigger looks for.
            models.Index(
                fields=["published_at"],
                name="translation_unannounced_idx",
                condition=Q(status__in=RELEASED_STATUSES, announced_at__isnull=True),
            ),
            models.Index(
                F("language"),
                F("occurred_on").desc(),
                F("first_published_at").desc(),
                F("id").desc(),
                F("published_at"),
                name="translation_list_public_idx",
                condition=Q(status__in=RELEASED_STATUSES),
            ),
            models.Index(
                F("language"),
                F("public_updated_at").desc(),
                F("id").desc(),
                F("published_at"),
                name="translation_feed_public_idx",
                condition=Q(status__in=RELEASED_STATUSES),
            ),
            models.Index(
                fields=["published_at"], name="translation_published_idx", condition=Q(status__in=RELEASED_STATUSES)
            ),
        ]

    def __str__(self):
        return f"{self.title} [{self.language}]"

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)
        search.index(self)  # the row's text as the search index holds it (statements/search.py)

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
            self.slug = self.unique_slug(slugs.make_slug(self.title) or slugs.FALLBACK)

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

    # The states, per object (the querysets' twins are named alike) ---------------

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_in_review(self) -> bool:
        return self.status == Status.IN_REVIEW

    @property
    def is_released(self) -> bool:
        """Published or withdrawn: public now, or scheduled."""
        return self.status in RELEASED_STATUSES

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    @property
    def is_unpublished(self) -> bool:
        return self.status == Status.UNPUBLISHED

    def is_scheduled(self, now=None) -> bool:
        """Published for a first publication still in the future
        (`Translation.objects.scheduled()`)."""
        return (
            self.status == Status.PUBLISHED
            and self.first_published_at is not None
            and self.first_published_at > (now or timezone.now())
        )

    def is_public_at(self, now=None) -> bool:
        """Per-object twin of `Translation.objects.public(now)`."""
        return self.is_released and self.published_at is not None and self.published_at <= (now or timezone.now())

    @property
    def is_public(self) -> bool:
        return self.is_public_at()

    def status_label(self, now=None) -> str:
        """The state as an editor names it: the status, or "Scheduled" for a version
        released for a future time."""
        if self.is_scheduled(now):
            return str(_("Scheduled"))
        return self.get_status_display()
