"""Which rows: every rule about which statements a reader or an editor sees lives here."""

import datetime
import re

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from .states import RELEASED_STATUSES, Status


@models.CharField.register_lookup
class LiteralIn(models.Lookup):
    """`status__literal_in=[…]`: IN with the values written into the SQL, not bound.

    SQLite uses a partial index (`WHERE status IN ('published', 'withdrawn')`) only when
    the query's own condition is the same literal text; with bound parameters it cannot
    prove the condition and scans and sorts instead. For constant vocabularies only."""

    lookup_name = "literal_in"
    SAFE = re.compile(r"[a-z_-]{1,40}")

    def get_prep_lookup(self):
        values = list(self.rhs)
        if not values or not all(isinstance(v, str) and self.SAFE.fullmatch(v) for v in values):
            raise ValueError("literal_in takes a non-empty list of constant lowercase words")
        return values

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(repr(str(v)) for v in self.rhs)})", params


@models.DateTimeField.register_lookup
class LiveBy(models.lookups.LessThanOrEqual):
    """`published_at__live_by=now`: `<=`, which SQLite never starts a search from.

    For the public versions of one language (`public(language=…)`): nearly every released
    version is live, so `published_at <= now` keeps almost every row, yet SQLite, seeing
    a range on the first column of the `published_at` index, walked that index and read
    each row for its language (0.4 s to count one language at 100 000 statements) instead
    of a language index (0.02 s). A unary plus makes the column an expression to SQLite's
    planner; other databases get plain `<=`."""

    lookup_name = "live_by"

    def get_rhs_op(self, connection, rhs):
        return connection.operators["lte"] % rhs

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        return (f"+{sql}" if connection.vendor == "sqlite" else sql), params


def public_q(now=None, prefix: str = "") -> Q:
    """The one visibility rule, as a Q usable from related models (prefix="translations__")."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status__literal_in": RELEASED_STATUSES, f"{prefix}published_at__lte": now})


def scheduled_q(now=None) -> Q:
    """Published for a first publication still in the future."""
    return Q(status=Status.PUBLISHED, first_published_at__gt=now or timezone.now())


class TranslationQuerySet(models.QuerySet):
    def _fetch_all(self):
        """Every version loaded while a public response renders tags that response
        (statements/cachetags.py): what the page shows is what invalidates it."""
        super()._fetch_all()
        if self._iterable_class is models.query.ModelIterable:
            from ..cachetags import note_versions

            note_versions(self._result_cache)

    def public(self, now=None, *, language=None):
        """Versions readers may see: published or withdrawn, and live by `now`; in one
        `language` if given (then planned from the language's indexes: see `LiveBy`).

        The only way any public code path (page, list, feed, sitemap, search, API)
        reaches content. A future `published_at` means scheduled: it becomes visible
        at that instant, with no job to run.
        """
        if language is None:
            return self.filter(public_q(now))
        now = now or timezone.now()
        return self.filter(language=language, status__literal_in=RELEASED_STATUSES, published_at__live_by=now)

    def unpublished(self):
        """Versions taken off the site after being public: they answer 410 or 301."""
        return self.filter(status=Status.UNPUBLISHED, first_published_at__isnull=False)

    def once_public(self, now=None):
        """Public versions and those unpublished after being public: the versions whose
        signed editions are listed (statements/editions.py). An unpublished version's
        editions show their numbers, times and hashes only, never their text."""
        return self.filter(public_q(now) | Q(status=Status.UNPUBLISHED, first_published_at__isnull=False))

    def tombstones(self, now=None, days: int = 30):
        """Versions unpublished in the last `days`: the feeds' kill notices, which carry
        only a version's id, reference and time of removal, never its title or text."""
        now = now or timezone.now()
        return self.unpublished().filter(unpublished_at__gt=now - datetime.timedelta(days=days))

    def with_outdated(self):
        """Annotate `is_outdated`: a major revision of the original was published after
        the revision this translation was made from. Originals are never outdated."""
        from .versions import Revision

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
        from .versions import Revision

        newest = Revision.objects.filter(translation=OuterRef("pk")).order_by("-number")
        return self.annotate(latest_author_id=Subquery(newest.values("author_id")[:1]))

    def scheduled(self, now=None):
        """Published for a first publication still in the future (`is_scheduled()`)."""
        return self.filter(scheduled_q(now))

    def released(self):
        """Published or withdrawn: public now, or scheduled (`is_released`)."""
        return self.filter(status__literal_in=RELEASED_STATUSES)

    def unannounced(self, now=None):
        """Public, and the side effects of going public have not run (`announced_at`)."""
        return self.public(now=now).filter(announced_at__isnull=True)

    def awaiting_review(self):
        return self.filter(submitted_revision__isnull=False)

    def reviewable_by(self, user):
        """Waiting for review with nothing saved since it was submitted
        (`checks.check_reviewed_is_newest`), and `user` is neither the author of the
        submitted text nor its submitter when PRESSOFFICE_FOUR_EYES is on: the rules
        `workflow.publish` applies (`checks.check_second_pair_of_eyes`)."""
        from .versions import Revision

        newer = Revision.objects.filter(translation=OuterRef("pk"), number__gt=OuterRef("submitted_revision__number"))
        waiting = self.awaiting_review().exclude(Exists(newer))
        if settings.PRESSOFFICE_FOUR_EYES:
            waiting = waiting.exclude(Q(submitted_by=user) | Q(submitted_revision__author=user))
        return waiting

    def in_language(self, language: str):
        return self.filter(language=language)

    def with_statement(self):
        return self.select_related("statement", "statement__featured_image").prefetch_related(
            "statement__featured_image__renditions"
        )

    def with_participants(self):
        """Participants with what they need to show their title on the meeting date."""
        from .statements import Participation

        return self.prefetch_related(
            Prefetch("statement__participations", queryset=Participation.objects.with_titles())
        )

    def with_participant_names(self):
        """Participants with just what a list row, a feed entry or an API item shows of
        them: the person's names and slug, and the part."""
        from .statements import Participation

        return self.prefetch_related(Prefetch("statement__participations", queryset=Participation.objects.names()))

    def with_history(self):
        """History mode's facts in the same query: the statement's administration, and
        (`held_office`) whether a participant held a government office on the meeting
        date (statements/history.py)."""
        from .vocabularies import Appointment

        in_office = Appointment.objects.filter(
            person__participations__statement_id=OuterRef("statement_id"),
            role__is_government_office=True,
            started_on__lte=OuterRef("occurred_on"),
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("occurred_on")))
        return self.select_related("statement__administration").annotate(held_office=Exists(in_office))

    def for_syndication(self):
        """What a feed entry or a ninjs item shows: the statement, its participants,
        topics and countries, the featured image and its renditions, history mode's facts."""
        return (
            self.with_history()
            .select_related("statement", "statement__featured_image")
            .with_participant_names()
            .prefetch_related("statement__topics", "statement__countries", "statement__featured_image__renditions")
        )


class ParticipationQuerySet(models.QuerySet):
    def names(self):
        """With the person's names and slug only (no titles)."""
        return self.select_related("person").only(
            "statement_id", "position", "part", "person__name", "person__names", "person__slug"
        )

    def with_titles(self):
        """Prefetch every participant's appointments so `title()` costs no query per row."""
        from .vocabularies import Appointment

        return self.select_related("person").prefetch_related(
            Prefetch("person__appointments", queryset=Appointment.objects.select_related("role"))
        )


class StatementQuerySet(models.QuerySet):
    def with_participants(self):
        from .statements import Participation

        return self.prefetch_related(Prefetch("participations", queryset=Participation.objects.with_titles()))


class ImageQuerySet(models.QuerySet):
    def _used_by(self, condition: Q):
        # Used as a statement's featured image, or as the portrait of a participant of
        # a statement, where that statement has a version meeting `condition`.
        from .versions import Translation

        statements = Translation.objects.filter(condition).values("statement_id")
        return self.filter(
            Q(featured_in__id__in=statements) | Q(portrait_of__participations__statement_id__in=statements)
        ).distinct()

    def public(self, now=None):
        """Images a reader may see: used by public content (the one visibility rule)."""
        return self._used_by(public_q(now))

    def needing_public_files(self):
        """Images used by released versions (public or scheduled)."""
        return self._used_by(Q(status__literal_in=RELEASED_STATUSES))
