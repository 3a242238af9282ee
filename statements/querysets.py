"""Which rows: every rule about which statements a reader or an editor sees lives here."""

from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

PUBLIC_STATUSES = ("published", "withdrawn")


def public_q(now=None, prefix: str = "") -> Q:
    """The one visibility rule, as a Q usable from related models (prefix="translations__")."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES, f"{prefix}published_at__lte": now})


class TranslationQuerySet(models.QuerySet):
    def public(self, now=None):
        """Versions readers may see: published or withdrawn, and live by `now`.

        The only way any public code path (page, list, feed, sitemap, search, API)
        reaches content. A future `published_at` means scheduled: it becomes visible
        at that instant, with no job to run.
        """
        return self.filter(public_q(now))

    def unpublished(self):
        """Versions taken off the site after being public: they answer 410 or 301."""
        return self.filter(status="unpublished", first_published_at__isnull=False)

    def with_outdated(self):
        """Annotate `is_outdated`: a major revision of the original was published after
        the revision this translation was made from. Originals are never outdated."""
        from .models import Revision

        newer_major = Revision.objects.filter(
            translation__statement=OuterRef("statement"),
            translation__language=OuterRef("statement__original_language"),
            published_major=True,
            published_at__isnull=False,
            number__gt=OuterRef("source_revision__number"),
        )
        return self.annotate(
            is_outdated=ExpressionWrapper(
                Q(Exists(newer_major))
                & Q(source_revision__isnull=False)
                & ~Q(language=F("statement__original_language")),
                output_field=BooleanField(),
            )
        )

    def outdated(self):
        return self.with_outdated().filter(is_outdated=True)

    def with_latest_author(self):
        """Annotate `latest_author_id`: who made the newest revision."""
        from .models import Revision

        newest = Revision.objects.filter(translation=OuterRef("pk")).order_by("-number")
        return self.annotate(latest_author_id=Subquery(newest.values("author_id")[:1]))

    def scheduled(self, now=None):
        """Published, with a first publication still in the future."""
        now = now or timezone.now()
        return self.filter(status="published", first_published_at__gt=now)

    def awaiting_review(self):
        return self.filter(submitted_revision__isnull=False)

    def in_language(self, language: str):
        return self.filter(language=language)

    def with_statement(self):
        return self.select_related("statement", "statement__featured_image").prefetch_related(
            "statement__featured_image__renditions"
        )

    def with_participants(self):
        """Participants with what they need to show their title on the meeting date."""
        from .models import Participation

        return self.prefetch_related(
            Prefetch("statement__participations", queryset=Participation.objects.with_titles())
        )


class ParticipationQuerySet(models.QuerySet):
    def with_titles(self):
        """Prefetch every participant's appointments so `title()` costs no query per row."""
        from .models import Appointment

        return self.select_related("person").prefetch_related(
            Prefetch("person__appointments", queryset=Appointment.objects.select_related("role"))
        )


class StatementQuerySet(models.QuerySet):
    def with_participants(self):
        from .models import Participation

        return self.prefetch_related(Prefetch("participations", queryset=Participation.objects.with_titles()))


class ImageQuerySet(models.QuerySet):
    def _used_by(self, condition: Q):
        # Used as a statement's featured image, or as the portrait of a participant of
        # a statement, where that statement has a version meeting `condition`.
        from .models import Translation

        statements = Translation.objects.filter(condition).values("statement_id")
        return self.filter(
            Q(featured_in__id__in=statements) | Q(portrait_of__participations__statement_id__in=statements)
        ).distinct()

    def public(self, now=None):
        """Images a reader may see: used by public content (the one visibility rule)."""
        return self._used_by(public_q(now))

    def needing_public_files(self):
        """Images used by published or withdrawn versions, scheduled ones included."""
        return self._used_by(Q(status__in=PUBLIC_STATUSES))
