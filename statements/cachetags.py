"""What a cached public response shows, and which changes make it out of date.

Every public response is *tagged* while it renders: the versions on it (`v<id>`), the
statement whose page it is (`s<id>`), the person, topic or country a page is about
(`p<id>`, `t<id>`, `c<id>`), and the *head* of the list it belongs to (`h:<lang>` for a
language's whole list, `h:<lang>:topic:<slug>` for one filter dimension, `h:*` across
languages). A change invalidates only the tags it touches:

- a publication, correction, withdrawal or unpublication of a version: the version, its
  statement, and the heads of every list whose membership or order it changes (its
  language and all languages; its people, topics with their parents, countries, kind
  and year);
- a minor correction: the version and its statement only (nothing moves in a list);
- an edit of a person, topic, country or image: that thing and every version showing it.

A tag's value in the shared cache is the time of its last invalidation (a negative
time when it was never invalidated, so a re-created tag never matches an old copy). A
cached response keeps the values of its tags as they were when it rendered; it is
current while they are unchanged, so checking it is one `get_many`. Invalidations that
hide content also write a *hard* mark: a response made before one is never served stale.

Tags are collected in a context variable while a response renders: the one visibility
rule's queryset notes every version it loads (`TranslationQuerySet._fetch_all`), views
and `filters.bind` note the rest.
"""

import contextlib
import contextvars
import datetime
import hashlib
import logging
import time
import urllib.parse

from django.core.cache import cache

logger = logging.getLogger(__name__)

SITE = "site"  # every response: purged by an import or a deploy-wide change
ANY_VERSION = "v*"  # a response showing too many versions to tag one by one (sitemaps)
ALL_LANGUAGES = "*"
MAX_VERSION_TAGS = 100

HARD_REASONS = {"withdraw", "unpublish", "went_live", "delete"}  # never served stale after these
TEXT_ONLY_REASONS = {"correct_minor"}  # the list a version is on does not move
NOT_YET_PUBLIC = {"schedule", "unschedule"}  # nothing readers see changes now


def version(pk) -> str:
    return f"v{pk}"


def statement(pk) -> str:
    return f"s{pk}"


def person(pk) -> str:
    return f"p{pk}"


def topic(pk) -> str:
    return f"t{pk}"


def country(pk) -> str:
    return f"c{pk}"


def image(pk) -> str:
    return f"i{pk}"


CHOICE_DIMENSIONS = ("person", "topic", "country")


def choices(language, dimension) -> str:
    """The people, topics or countries a language's lists offer as filters."""
    return f"choices:{language}:{dimension}"


def head(language, dimension=None, value=None) -> str:
    """The head of a list: its members and their order. Values are percent-encoded so
    tags stay ASCII words (they travel in a Surrogate-Key header)."""
    if dimension is None:
        return f"h:{language}"
    quoted = urllib.parse.quote(str(value), safe="")
    if len(quoted) > 40:  # long names and non-Latin slugs: a digest keeps keys and headers short
        quoted = "~" + hashlib.sha256(str(value).encode()).hexdigest()[:20]
    return f"h:{language}:{dimension}:{quoted}"


LIST_DIMENSIONS = ("person", "topic", "country", "kind", "year")


def list_heads(language, data) -> list[str]:
    """The head tags of a list with the filters `data` (cleaned FilterSet data).

    Filters combine with AND, so any version that joins or leaves the list is in every
    dimension it names: the first of person, topic, country, kind and year is enough
    (all its values, which combine with OR). A list filtered otherwise (dates, search)
    takes the language's whole-list head."""
    for dimension in LIST_DIMENSIONS:
        values = data.get(dimension)
        if values in (None, "", []):
            continue
        values = values if isinstance(values, list | tuple) else [values]
        if dimension == "country":
            values = [str(v).upper() for v in values]
        return [head(language, dimension, value) for value in values]
    return [head(language)]


# Collecting while a response renders ------------------------------------------------------


class Collected:
    def __init__(self):
        self.tags = {SITE}
        self.versions = set()
        self.known = dict(_preloaded.get() or {})  # tag values read for this response so far
        self.newest = None  # the newest public change among the versions shown

    def add(self, *tags):
        self.tags.update(tags)

    def add_version(self, obj):
        self.versions.add(obj.pk)
        changed = obj.__dict__.get("public_updated_at")  # never a query for a deferred field
        if isinstance(changed, datetime.datetime) and (self.newest is None or changed > self.newest):
            self.newest = changed

    def all(self) -> list[str]:
        if len(self.versions) > MAX_VERSION_TAGS:
            return sorted(self.tags | {ANY_VERSION})
        return sorted(self.tags | {version(pk) for pk in self.versions})


_collecting: contextvars.ContextVar[Collected | None] = contextvars.ContextVar("cachetags", default=None)
_preloaded: contextvars.ContextVar[dict | None] = contextvars.ContextVar("cachetags_preloaded", default=None)


@contextlib.contextmanager
def preloaded(found: dict):
    """Tag values the caller read before this response renders (the middleware's lookup):
    the render starts from them instead of reading them again."""
    token = _preloaded.set({tag: value for tag, value in found.items() if value is not None})
    try:
        yield
    finally:
        _preloaded.reset(token)


@contextlib.contextmanager
def collecting():
    collected = Collected()
    token = _collecting.set(collected)
    try:
        yield collected
    finally:
        _collecting.reset(token)


def note(*tags):
    """Tag the response being rendered (nothing happens outside one)."""
    collected = _collecting.get()
    if collected is not None:
        collected.add(*tags)


def note_versions(objects):
    collected = _collecting.get()
    if collected is not None:
        for obj in objects:
            collected.add_version(obj)


def rendering_public() -> bool:
    """Whether a public response is being rendered for an anonymous reader (`conditional`)."""
    return _collecting.get() is not None


def note_version_ids(ids, newest=None):
    """Tag the response with versions it shows from stored fragments (no model loaded)."""
    collected = _collecting.get()
    if collected is not None:
        collected.versions.update(ids)
        if newest is not None and (collected.newest is None or newest > collected.newest):
            collected.newest = newest


# Tag values in the shared cache ---------------------------------------------------------------


def key(tag) -> str:
    return f"pressoffice:tag:{tag}"


def hard_key(tag) -> str:
    return f"pressoffice:hard:{tag}"


def values(tags, known=None) -> dict:
    """The current value of each tag; a tag that has none gets a new one (negative: not
    an invalidation). `known`: values already read while this response renders (reading
    a tag earlier than needed is safe: a change after it makes the copy out of date)."""
    known = {} if known is None else known
    wanted = [tag for tag in tags if tag not in known]
    found = cache.get_many([key(tag) for tag in wanted]) if wanted else {}
    for tag in wanted:
        value = found.get(key(tag))
        if value is None:
            cache.add(key(tag), -time.time_ns(), None)
            value = cache.get(key(tag))
        known[tag] = value
    return {tag: known[tag] for tag in tags}


def known_values():
    """The tag values read so far while the current response renders (None outside one)."""
    collected = _collecting.get()
    return None if collected is None else collected.known


def invalidate(tags, *, hard=False, purge=True):
    """Make every response tagged with any of `tags` out of date. Hard: also never
    served stale (the hard mark is written in the same call as the new value). `purge`:
    also queue the purge of HTTP caches in front (the workflow queues its own, in its
    transaction, so that WebSub pings can follow it)."""
    tags = sorted(set(tags))
    if not tags:
        return
    now = time.time_ns()
    marks = {key(tag): now for tag in tags}
    if hard:
        marks.update({hard_key(tag): now for tag in tags})
    try:
        cache.set_many(marks, None)
    except Exception:
        from .freshness import cache_down

        cache_down("Cache unreachable; %s tags not invalidated", len(tags))
    if purge:
        from . import purging

        purging.after_invalidation(tags, hard=hard)


# What a change touches --------------------------------------------------------------------------


def heads_of_statement(statement_obj, languages) -> set[str]:
    """The list heads a statement's versions in `languages` belong to."""
    from .models import Topic

    dims = {("kind", statement_obj.kind)}
    if statement_obj.occurred_on:
        dims.add(("year", statement_obj.occurred_on.year))
    dims |= {("person", slug) for slug in statement_obj.participations.values_list("person__slug", flat=True)}
    dims |= {("country", code) for code in statement_obj.countries.values_list("code", flat=True)}
    parents = dict(Topic.objects.values_list("id", "parent_id"))
    slugs = dict(Topic.objects.values_list("id", "slug"))
    for topic_id in statement_obj.topics.values_list("id", flat=True):
        seen = set()
        while topic_id is not None and topic_id not in seen:
            seen.add(topic_id)
            dims.add(("topic", slugs[topic_id]))
            topic_id = parents.get(topic_id)
    tags = set()
    for language in [*languages, ALL_LANGUAGES]:
        tags.add(head(language))
        tags |= {head(language, dimension, value) for dimension, value in dims}
    return tags


def for_change(translation, reason, before=()) -> set[str]:
    """The tags a workflow change of `translation` touches (`before`: the heads it had
    before a change of its statement's metadata)."""
    tags = {version(translation.pk), statement(translation.statement_id), ANY_VERSION}
    if reason in TEXT_ONLY_REASONS:
        return tags
    tags |= set(before)
    tags |= heads_of_statement(translation.statement, [translation.language])
    return tags


MAX_TARGETED = 2000  # an edit shown by more versions than this invalidates everything


def versions_showing(condition) -> set[str]:
    """Tags of the versions (and their statements) matching `condition` (a Q)."""
    from .models import Translation

    rows = list(Translation.objects.filter(condition).values_list("pk", "statement_id")[: MAX_TARGETED + 1])
    if len(rows) > MAX_TARGETED:
        return {SITE}
    tags = {ANY_VERSION}
    for pk, statement_id in rows:
        tags |= {version(pk), statement(statement_id)}
    return tags


def versions_showing_image(pk) -> set[str]:
    from django.db.models import Q

    return versions_showing(
        Q(statement__featured_image_id=pk) | Q(statement__participations__person__portrait_id=pk)
    ) | {person(p) for p in _people_portrayed(pk)}


def _people_portrayed(image_pk):
    from .models import Person

    return Person.objects.filter(portrait_id=image_pk).values_list("pk", flat=True)


def _every_language(tag_for, *args):
    from . import languages

    return {tag_for(code, *args) for code in languages.enabled_codes()}


def for_model_change(instance) -> set[str]:
    """What an edit of one of the things public pages show beside the text touches."""
    from django.conf import settings
    from django.db.models import Q

    from . import models

    if getattr(instance, "_address_changed", False):
        return {SITE}  # lists name it by its old address: which statements they hold changed
    if isinstance(instance, models.Person):
        return (
            {person(instance.pk)}
            | versions_showing(Q(statement__participations__person=instance.pk))
            | (_every_language(choices, "person"))
        )
    if isinstance(instance, models.Appointment):
        return {person(instance.person_id)} | versions_showing(Q(statement__participations__person=instance.person_id))
    if isinstance(instance, models.Role):
        people = set(instance.appointments.values_list("person_id", flat=True))
        return {person(pk) for pk in people} | versions_showing(Q(statement__participations__person__in=people))
    if isinstance(instance, models.Country):
        return (
            {country(instance.pk)}
            | versions_showing(Q(statement__countries=instance.pk))
            | (_every_language(choices, "country"))
        )
    if isinstance(instance, models.Image):
        return {image(instance.pk)} | versions_showing_image(instance.pk)
    if isinstance(instance, models.Rendition):
        return {image(instance.image_id)} | versions_showing_image(instance.image_id)
    if isinstance(instance, models.Statement | models.Participation):
        statement_id = instance.pk if isinstance(instance, models.Statement) else instance.statement_id
        shown = models.Translation.objects.filter(statement_id=statement_id).exclude(first_published_at=None)
        if not settings.PRESSOFFICE_INVALIDATE_AT_ONCE and not shown.exists():
            return set()  # never released: no public page shows it
        tags = {statement(statement_id)} | versions_showing(Q(statement_id=statement_id))
        if settings.PRESSOFFICE_INVALIDATE_AT_ONCE:  # tests: no commit, so no workflow signal
            tags |= {tag for dimension in CHOICE_DIMENSIONS for tag in _every_language(choices, dimension)}
        return tags
    if isinstance(instance, models.Translation):
        tags = {version(instance.pk), statement(instance.statement_id), ANY_VERSION}
        if settings.PRESSOFFICE_INVALIDATE_AT_ONCE:  # tests: no commit, so no workflow signal
            tags |= {tag for dimension in CHOICE_DIMENSIONS for tag in _every_language(choices, dimension)}
            tags |= heads_of_statement(instance.statement, [instance.language])
        return tags
    # A topic: its place in the tree decides which topic lists hold which statements.
    return {SITE}


ADDRESS_FIELDS = {"Person": "slug", "Country": "code"}  # what list filters name them by


def on_model_saving(sender, instance, **kwargs):
    """pre_save of a person or country: whether its address in list filters changes."""
    field = ADDRESS_FIELDS.get(sender.__name__)
    if field is None or kwargs.get("raw") or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()
    instance._address_changed = before is not None and before != getattr(instance, field)


def on_model_saved(sender, instance, **kwargs):
    """post_save of what public pages show: invalidate at commit (at once in tests)."""
    from django.conf import settings
    from django.db import transaction

    from .models import Translation

    if kwargs.get("raw"):
        return  # loaddata
    tags = for_model_change(instance)
    if not tags:
        return
    # A version's public changes go through the workflow, which purges the HTTP caches in
    # front itself; its other saves (drafts) show nowhere, so they purge nothing.
    purge = not isinstance(instance, Translation)
    if settings.PRESSOFFICE_INVALIDATE_AT_ONCE:
        invalidate(tags, purge=purge)
    else:
        transaction.on_commit(lambda: invalidate(tags, purge=purge), robust=True)


def on_model_deleted(sender, instance, **kwargs):
    """A deletion can hide anything: everything, hard, at commit."""
    from django.conf import settings
    from django.db import transaction

    if settings.PRESSOFFICE_INVALIDATE_AT_ONCE:
        invalidate({SITE}, hard=True)
    else:
        transaction.on_commit(lambda: invalidate({SITE}, hard=True), robust=True)


def on_public_change(sender=None, *, translation, reason, before=(), **kwargs):
    """The workflow's `public_content_changed` (sent after commit)."""
    from .golive import refresh_schedule

    if reason in NOT_YET_PUBLIC:
        refresh_schedule()
        return
    invalidate(for_change(translation, reason, before), hard=reason in HARD_REASONS, purge=False)
    if reason not in TEXT_ONLY_REASONS:
        from .listing import refresh_choices

        # After a metadata change the statement's earlier people and topics are not known
        # here: everything is checked.
        refresh_choices(translation.language, None if reason == "metadata" else translation.statement)
    if reason == "publish":
        refresh_schedule()


def changed_since(snapshot: dict, started_ns: int) -> bool:
    """Whether any tag was invalidated after a render began (its copy may predate the
    change: not to be stored). App servers' clocks must agree (NTP)."""
    return any(value > 0 and value >= started_ns for value in snapshot.values())
