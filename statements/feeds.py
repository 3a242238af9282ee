"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 for every list: the list's FilterSet, newest
public change first.

Built on django.contrib.syndication; the generators (the XML and JSON writers) are in
`statements/feedgenerators.py`, as Django keeps `utils/feedgenerator.py` apart from
`contrib/syndication/views.py`.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import cachetags, history, rendered
from .feedgenerators import AtomFeed, JsonFeed, RssFeed, hub_url
from .filters import bind, whole_number
from .freshness import cached
from .listing import canonical_query, public_choices, public_versions
from .models import Administration, Statement, Translation

DEFAULT_LIMIT, MAX_LIMIT = 50, 200


class StatementFeed(Feed):
    """A feed of the list that the URL and the query parameters describe."""

    feed_type = RssFeed
    item_guid_is_permalink = False
    scope = None  # "person", "topic" or "country" for the feeds beside those pages

    def __call__(self, request, *args, **kwargs):
        self.request = request
        self.language = get_language()  # Django's Feed puts this in the feed's language
        fixed = {self.scope: [kwargs["value"]]} if self.scope else None
        bound = bind(request, public_versions(), language=self.language, fixed=fixed, take=["page", "limit"])
        limit = whole_number(bound.taken["limit"], default=DEFAULT_LIMIT, high=MAX_LIMIT)
        if limit is None:
            return _bad_request(_("limit must be a whole number from 1 to %(max)s.") % {"max": MAX_LIMIT})
        if bound.errors:
            return _bad_request(" ".join(bound.errors))
        self.limit = limit
        self.filterset = bound.filterset
        q = bound.filterset.form.cleaned_data.get("q") or ""
        # The newest entries are kept while the list's heads stand (not a search's: its
        # members change with the text).
        self.cache_key = None if q else f"feed:{self.language}:{canonical_query(bound.data)}:{limit}"
        self.cache_tags = bound.heads  # and `site`, which every cached datum carries
        response = super().__call__(request, *args, **kwargs)
        links = [f'<{request.build_absolute_uri()}>; rel="self"']
        if hub_url():
            links.insert(0, f'<{hub_url()}>; rel="hub"')
        response["Link"] = ", ".join(links)
        return response

    def get_object(self, request, *args, **kwargs):
        return self.filterset

    # Entries are rendered once per version and stored (statements/rendered.py): the feed is
    # its document with no items, one indexed query for the ids, and the stored entries.

    format_name = "rss"

    def get_feed(self, obj, request):
        self._versions = []
        feedgen = super().get_feed(obj, request)

        def newest():
            ordered = self.filterset.qs.order_by("-public_updated_at", "-pk")
            found = ordered.values_list("pk", "public_updated_at")[: self.limit]
            rows = [(pk, updated, None) for pk, updated in found]
            return sorted([*rows, *self._tombstones()], key=lambda row: (row[1], row[0]), reverse=True)[: self.limit]

        rows = newest() if self.cache_key is None else cached(self.cache_key, newest, self.cache_tags)
        ids = [pk for pk, _updated, gone in rows if gone is None]
        cachetags.note_version_ids([pk for pk, *_rest in rows], max((row[1] for row in rows), default=None))
        origin = f"{request.scheme}://{request.get_host()}"
        entries = dict(zip(ids, rendered.fragments(self.format_name, ids, self._render_entries, origin), strict=False))
        feedgen.fragments = [
            entries[pk] if gone is None else feedgen.tombstone(self._tombstone(pk, updated, gone))
            for pk, updated, gone in rows
            if gone is not None or pk in entries
        ]
        feedgen.latest = rows[0][1] if rows else None
        return feedgen

    def _tombstones(self) -> list:
        """Versions of this list unpublished in the last 30 days, as (id, time, (uuid,
        reference)): their kill notices. Not for a search (it would match removed text),
        nor for a list naming what no public version names."""
        data = self.filterset.form.cleaned_data
        if data.get("q"):
            return []
        named = _named(data, self.language)
        if any(label is None for values in named.values() for _value, label in values):
            return []  # a list of something no public version names stays like an unknown one
        gone = self.filterset.filter_queryset(Translation.objects.tombstones().filter(language=self.language))
        rows = gone.order_by("-public_updated_at", "-pk").values_list(
            "pk", "public_updated_at", "uuid", "statement__reference"
        )
        return [(pk, updated, (str(uuid), reference)) for pk, updated, uuid, reference in rows[: self.limit]]

    def _tombstone(self, pk, updated, gone) -> dict:
        uuid, reference = gone
        return {
            "id": f"urn:uuid:{uuid}",
            "reference": reference,
            "when": updated,
            "title": _("Removed: %(reference)s") % {"reference": reference},
            "text": _("The statement %(reference)s was removed from the site.") % {"reference": reference},
        }

    def _render_entries(self, ids) -> dict:
        self._versions = list(Translation.objects.public().filter(pk__in=ids).for_syndication())
        try:
            feedgen = super().get_feed(self.filterset, self.request)
        finally:
            versions, self._versions = self._versions, []
        return {version.pk: feedgen.entry(item) for version, item in zip(versions, feedgen.items, strict=True)}

    def items(self, filterset):
        return self._versions

    # The feed

    def title(self, filterset):
        return describe(filterset, self.language)

    def link(self, filterset):
        query = self.request.GET.copy()
        for name in ("limit", "page"):
            query.pop(name, None)
        if self.scope:
            path = reverse(f"statements:{self.scope}", args=[filterset.form.cleaned_data[self.scope][0]])
        else:
            path = reverse("statements:list")
        # Sorted: the same filters in another order are the same feed (its Atom id and
        # RSS link do not change with the order of the query parameters).
        encoded = urlencode(sorted((key, sorted(values)) for key, values in query.lists()), doseq=True)
        return f"{path}?{encoded}" if encoded else path

    def feed_url(self, filterset):
        return self.request.build_absolute_uri()

    def description(self, filterset):
        return _("Statements published by %(office)s.") % {"office": settings.PRESSOFFICE_OFFICE_NAME}

    def author_name(self):
        return str(settings.PRESSOFFICE_OFFICE_NAME)

    # Each item

    def item_title(self, version):
        if version.is_withdrawn:
            return _("[Withdrawn] %(title)s") % {"title": version.title}
        return version.title

    def item_description(self, version):
        """RSS <description> and Atom <summary type="html"> are HTML to feed readers: the
        plain-text summary is escaped (JSON Feed's `summary` takes the plain text)."""
        return escape(self._summary(version))

    def _summary(self, version):
        notice = self._history_notice(version)
        if version.is_withdrawn:
            summary = f"{_('Withdrawn')}: {version.withdrawal_explanation}\n\n{version.standfirst}".strip()
        else:
            summary = version.standfirst
        return f"{notice}\n\n{summary}".strip() if notice else summary

    def _history_notice(self, version) -> str:
        administration = history.banner(version)
        return history.banner_text(administration, version.language) if administration else ""

    def item_link(self, version):
        return version.get_absolute_url()

    def item_guid(self, version):
        return f"urn:uuid:{version.uuid}"

    def item_pubdate(self, version):
        return version.first_published_at

    def item_updateddate(self, version):
        return version.public_updated_at

    def item_author_name(self, version):
        return str(settings.PRESSOFFICE_OFFICE_NAME)

    def item_enclosures(self, version):
        media = self._media(version)
        if not media:
            return []
        return [Enclosure(media["url"], str(media["size"]), media["type"])]

    def item_extra_kwargs(self, version):
        return {
            "content_html": self._content(version),
            "summary_text": self._summary(version),
            "detailed_categories": self._categories(version),
            "media": self._media(version),
            "language": version.language,
            "extension": {
                "reference": version.statement.reference,
                "content_id": str(version.statement.content_id),
                "kind": version.statement.kind,
                "meeting_date": version.occurred_on.isoformat(),
                "withdrawn": version.is_withdrawn,
                "edition": version.edition,
                "edition_url": self._edition_url(version),
            },
            "edition_url": self._edition_url(version),
        }

    def _edition_url(self, version):
        if not version.edition:
            return None
        return self.request.build_absolute_uri(reverse("edition", args=[version.uuid, version.edition]))

    def _content(self, version):
        history_notice = self._history_notice(version)
        head = f"<p><em>{escape(history_notice)}</em></p>\n" if history_notice else ""
        if not version.is_withdrawn:
            return head + version.body_html
        notice = escape(version.withdrawal_explanation)
        return f"{head}<p><strong>{escape(_('Withdrawn'))}:</strong> {notice}</p>\n{version.body_html}"

    def _categories(self, version):
        absolute = self.request.build_absolute_uri
        statement = version.statement
        found = []
        for topic in statement.topics.all():
            url = absolute(reverse("statements:topic", args=[topic.slug]))
            found.append({"term": topic.slug, "label": topic.name_in(version.language), "scheme": url})
        for participation in statement.participations.all():
            person = participation.person
            url = absolute(reverse("statements:person", args=[person.slug]))
            found.append({"term": person.slug, "label": person.name_in(version.language), "scheme": url})
        for country in statement.countries.all():
            url = absolute(reverse("statements:country", args=[country.code]))
            found.append({"term": country.code, "label": country.name_in(version.language), "scheme": url})
        return found

    def _media(self, version):
        image = version.statement.featured_image
        if image is None:
            return None
        rendition = image.public_renditions().get("w1024-jpeg") or image.public_renditions().get("w640-jpeg")
        if rendition is None:
            return None
        return {
            "url": self.request.build_absolute_uri(rendition.public_url),
            "type": rendition.content_type,
            "size": rendition.size,
            "width": rendition.width,
            "height": rendition.height,
            "alt": image.alt_text_in(version.language),
            "credit": image.credit,
        }


def describe(filterset, language, known=None, skip=()) -> str:
    """The feed's title from its filters: "Statements with X about Y in Z". A page that
    shows one person, topic or country passes its name (`known`) and the filters it
    fixes (`skip`), so the title reads only the choices the page itself depends on."""
    data = filterset.form.cleaned_data
    parts = [_("Statements")]
    names = _public_names(data, language, known or {}, skip)
    if names["person"]:
        parts.append(_("with %(names)s") % {"names": _join(names["person"])})
    if names["topic"]:
        parts.append(_("about %(names)s") % {"names": _join(names["topic"])})
    if names["country"]:
        parts.append(_("concerning %(names)s") % {"names": _join(names["country"])})
    if data.get("kind"):
        kinds = dict(Statement.Kind.choices)
        parts.append(f"({_join([str(kinds.get(kind, kind)) for kind in data['kind']])})")
    if data.get("administration"):
        named = {a.slug: a.name_in(language) for a in Administration.objects.filter(slug__in=data["administration"])}
        names = [named.get(slug, slug) for slug in data["administration"]]
        parts.append(_("under %(names)s") % {"names": _join(names)})
    if data.get("q"):
        parts.append(_("matching “%(q)s”") % {"q": data["q"]})
    return " ".join(parts)


def shown_names(context, language) -> dict:
    """The person, topic or country a page shows, by the key its filter uses: the names
    `describe` may take without reading the filter choices."""
    found = {}
    for name, key in (("person", "slug"), ("topic", "slug"), ("country", "code")):
        if context.get(name) is not None:
            found[name] = {getattr(context[name], key): context[name].name_in(language)}
    return found


def _named(data, language, known=None, skip=()) -> dict:
    """Each person, topic and country filter value with its name among the list's own
    filter choices (those public versions reference), or None when none does; `known`
    names what the page itself shows."""
    known = known or {}
    wanted = [name for name in ("person", "topic", "country") if data.get(name)]
    if not wanted:
        return {"person": [], "topic": [], "country": []}  # nothing to name: no choices to read
    needs_choices = any(set(data[name]) - set(known.get(name, {})) for name in wanted)
    choices = public_choices(language, skip=skip) if needs_choices else {}
    found = {}
    for name in ("person", "topic", "country"):
        values = [v.upper() for v in data.get(name) or []] if name == "country" else data.get(name) or []
        names = {**dict(choices.get(name, ())), **known.get(name, {})}
        found[name] = [(value, names.get(value)) for value in values]
    return found


def _public_names(data, language, known=None, skip=()):
    """Names of the filter values that public versions reference; others stay as given,
    so a feed's title never reveals a name that is not public."""
    named = _named(data, language, known, skip)
    return {name: [label or value for value, label in values] for name, values in named.items()}


def _join(names):
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s or %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _bad_request(message):
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


class StatementAtomFeed(StatementFeed):
    feed_type = AtomFeed
    format_name = "atom"


class StatementJsonFeed(StatementFeed):
    feed_type = JsonFeed
    format_name = "json"


FORMATS = {"rss": StatementFeed, "atom": StatementAtomFeed, "json": StatementJsonFeed}


def feed_view(fmt, scope=None):
    """A view building a new feed object per request (the object keeps request state)."""
    feed_class = type(FORMATS[fmt].__name__, (FORMATS[fmt],), {"scope": scope})

    def view(request, *args, **kwargs):
        return feed_class()(request, *args, **kwargs)

    return view
