"""Public quotes: a permalink per quote, a search over them with the statements' filter
contract, and feeds beside it. Every query starts from `Quote.objects.public()`, which
reaches versions only through `Translation.objects.public()`."""

import json

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, rfc3339_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import cachetags
from .filters import bind, page_number, whole_number
from .jsonld import quotation
from .listing import public_versions
from .models import Person, Quote
from .views import bad_request
from .workflow.quotes import shorten

PER_PAGE = 20
FEED_LIMIT = 50
FEED_TYPES = (("rss", "application/rss+xml"), ("atom", "application/atom+xml"), ("json", "application/feed+json"))
QUOTE_FILTERS = ("person", "topic", "country", "kind", "administration", "date_after", "date_before", "q")


def public_quotes(language: str):
    return (
        Quote.objects.public()
        .filter(translation__language=language)
        .select_related("speaker", "translation", "translation__statement")
    )


def _note(quotes):
    """Tag the response (statements/cachetags.py): the language's list head (a version
    going public or leaving brings or takes quotes) and each version shown (a correction
    changes its quotes)."""
    cachetags.note(cachetags.head(get_language()))
    versions = {quote.translation_id: quote.translation.public_updated_at for quote in quotes}
    if versions:
        cachetags.note_version_ids(list(versions), max(versions.values()))


def filtered(request, *, fixed=None, take=("page",)):
    """(quotes, bound) for the query string: the statements' FilterSet decides which
    versions (topic, country, kind, administration, dates); `person` names the speaker and
    `q` searches the quote's words. None and the 400 answer when a parameter is malformed."""
    language = get_language()
    bound = bind(request, public_versions(), language=language, fixed=fixed, take=take)
    if bound.errors:
        return None, bad_request(request, bound.errors)
    data = bound.filterset.form.cleaned_data
    quotes = public_quotes(language)
    narrowing = [name for name in bound.filterset.filters if name not in ("person", "q", "sort") and data.get(name)]
    if narrowing:
        # The versions the other filters allow; `person` and `q` mean the speaker and the
        # quote's words here, not the statement's participants and text.
        versions = _versions_without(bound.filterset, ("person", "q", "sort"))
        quotes = quotes.filter(translation__in=versions.values("pk"))
    if data.get("person"):
        quotes = quotes.filter(speaker__slug__in=data["person"])
    for term in (data.get("q") or "").split()[:8]:
        quotes = quotes.filter(words__icontains=term)
    order = ("-translation__occurred_on", "-translation__first_published_at", "-translation_id", "position")
    return quotes.order_by(*order), bound


def _versions_without(filterset, names):
    queryset = public_versions()
    for name, value in filterset.form.cleaned_data.items():
        if name in names or name not in filterset.filters or value in (None, "", []):
            continue
        queryset = filterset.filters[name].filter(queryset, value)
    return queryset


def quote_list(request):
    quotes, bound = filtered(request)
    if quotes is None:
        return bound
    page = page_number(bound.taken["page"])
    if page is None:
        return bad_request(request, [_("The page number must be a whole number from 1.")])
    paginator = Paginator(quotes, PER_PAGE)
    try:
        current = paginator.page(page)
    except EmptyPage as error:
        if page == 1:
            current = paginator.page(1)
        else:
            raise Http404(_("There is no page %(n)s.") % {"n": page}) from error
    shown = list(current.object_list)
    _note(shown)
    query = request.GET.copy()
    query.pop("page", None)
    encoded = f"?{query.urlencode()}" if query else ""
    feeds = [
        {"format": fmt, "type": kind, "url": reverse(f"statements:quote-feed-{fmt}") + encoded}
        for fmt, kind in (
            ("rss", "application/rss+xml"),
            ("atom", "application/atom+xml"),
            ("json", "application/feed+json"),
        )
    ]
    speakers = Person.objects.filter(quotes__in=public_quotes(get_language()).values("pk")).distinct()
    context = {
        "quotes": shown,
        "page_obj": current,
        "feeds": feeds,
        "feed_title": _feed_title(),
        "speakers": speakers.order_by("sort_name"),
        "values": {name: request.GET.getlist(name) for name in QUOTE_FILTERS},
        "q": bound.filterset.form.cleaned_data.get("q") or "",
    }
    return TemplateResponse(request, "statements/quote_list.html", context)


def quote_detail(request, uuid):
    cachetags.note(cachetags.head(get_language()))
    quote = get_object_or_404(public_quotes(get_language()), uuid=uuid)
    _note([quote])
    version = quote.translation
    source = None
    if quote.source:
        source = Quote.objects.public().filter(uuid=quote.source).select_related("translation").first()
    context = {
        "quote": quote,
        "version": version,
        "source": source,
        "json_ld": {"@context": "https://schema.org", **quotation(request, quote, version)},
    }
    return TemplateResponse(request, "statements/quote_detail.html", context)


# Feeds ------------------------------------------------------------------------------------------


class QuoteFeed(Feed):
    feed_type = Rss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        quotes, bound = filtered(request, take=("page", "limit"))
        if quotes is None:
            return bound  # the 400 answer
        limit = whole_number(bound.taken["limit"], default=FEED_LIMIT, high=FEED_LIMIT * 4)
        if limit is None:
            return _bad_limit()
        self.request, self.quotes = request, list(quotes[:limit])
        _note(self.quotes)
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _feed_title()

    def link(self):
        return reverse("statements:quotes")

    def feed_url(self):
        return self.request.build_absolute_uri()

    def description(self):
        return _("Quotations from statements published by %(office)s.") % {"office": settings.PRESSOFFICE_OFFICE_NAME}

    def items(self):
        return self.quotes

    def item_title(self, quote):
        return _item_title(quote)

    def item_description(self, quote):
        return quote.words

    def item_link(self, quote):
        return reverse("statements:quote", args=[quote.uuid])

    def item_guid(self, quote):
        return f"urn:uuid:{quote.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, quote):
        return quote.translation.first_published_at

    def item_updateddate(self, quote):
        return quote.translation.public_updated_at

    def item_author_name(self, quote):
        return quote.speaker.name_in(quote.translation.language)


class AtomQuoteFeed(QuoteFeed):
    feed_type = Atom1Feed
    subtitle = QuoteFeed.description


def _bad_limit():
    return HttpResponse(
        _("limit must be a whole number from 1 to %(max)s.") % {"max": FEED_LIMIT * 4},
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def _feed_title() -> str:
    return _("Quotes — %(office)s") % {"office": settings.PRESSOFFICE_OFFICE_NAME}


def _item_title(quote) -> str:
    return f"{quote.speaker.name_in(quote.translation.language)}: “{shorten(quote.words)}”"


def json_feed(request):
    quotes, bound = filtered(request, take=("page", "limit"))
    if quotes is None:
        return bound  # the 400 answer
    limit = whole_number(bound.taken["limit"], default=FEED_LIMIT, high=FEED_LIMIT * 4)
    if limit is None:
        return _bad_limit()
    shown = list(quotes[:limit])
    _note(shown)
    absolute = request.build_absolute_uri
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _feed_title(),
        "home_page_url": absolute(reverse("statements:quotes")),
        "feed_url": absolute(),
        "language": get_language(),
        "items": [
            {
                "id": f"urn:uuid:{quote.uuid}",
                "url": absolute(reverse("statements:quote", args=[quote.uuid])),
                "title": _item_title(quote),
                "content_text": quote.words,
                "date_published": rfc3339_date(quote.translation.first_published_at),
                "date_modified": rfc3339_date(quote.translation.public_updated_at),
                "authors": [{"name": quote.speaker.name_in(quote.translation.language)}],
                "external_url": absolute(quote.translation.get_absolute_url()),
                "_press_office": {
                    "fidelity": quote.fidelity,
                    "speaker": quote.speaker.slug,
                    "paragraph": quote.paragraph,
                },
            }
            for quote in shown
        ],
    }
    return HttpResponse(json.dumps(feed, ensure_ascii=False), content_type="application/feed+json; charset=utf-8")
