"""The IPTC ninjs 3.x API for news agencies: the public list (same FilterSet) and items.

An item's `uri` is its version's UUID, which never changes; `altIds` carry the
statement's content id (shared by its language versions) and citable reference.
"""

import json

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from . import cachetags, languages, rendered
from .filters import bind, page_number
from .listing import canonical_query
from .models import Quote, Translation
from .paginator import IdPaginator

PER_PAGE = 20
CONTENT_TYPE = "application/json; charset=utf-8"


def _versions():
    quotes = Prefetch("live_revision__quotes", queryset=Quote.objects.select_related("speaker"))
    return Translation.objects.public().for_syndication().select_related("live_revision").prefetch_related(quotes)


def statement_list(request):
    page = page_number(request.GET.getlist("page", [""])[-1])
    language = request.GET.getlist("language", [""])[-1]
    if page is None:
        return _error(_("The page number must be a whole number from 1."))
    if language and language not in languages.enabled_codes():
        return _error(_("language must be one of %(codes)s.") % {"codes": ", ".join(languages.enabled_codes())})
    base = Translation.objects.public()
    if language:
        base = base.in_language(language)
    bound = bind(
        request,
        base,
        language=language or languages.default_language(),
        take=["page", "language"],
        heads_language=language or cachetags.ALL_LANGUAGES,
    )
    if bound.errors:
        return _error(" ".join(bound.errors))
    q = bound.filterset.form.cleaned_data.get("q") or ""
    paginator = IdPaginator(
        lambda: bound.filterset.qs.order_by("-public_updated_at", "-pk"),
        PER_PAGE,
        load=None,
        cache_key=None if q else f"ninjs:{language or '*'}:{canonical_query(bound.data)}",
        cache_tags=bound.heads,
    )
    if page > max(paginator.num_pages, 1):
        raise Http404
    current = paginator.page(page, load=False)
    ids = list(current.object_list)
    # Items are rendered once per version and stored (statements/rendered.py); the newest
    # change among them is the first's (the list is newest first).
    newest = Translation.objects.public().filter(pk__in=ids[:1]).values_list("public_updated_at", flat=True).first()
    cachetags.note_version_ids(ids, newest)
    origin = f"{request.scheme}://{request.get_host()}"
    items = rendered.fragments("ninjs", ids, lambda missing: _render_items(missing, request), origin)
    body = {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "next": _page_url(request, current.next_page_number()) if current.has_next() else None,
        "previous": _page_url(request, current.previous_page_number()) if current.has_previous() else None,
        "items": ITEMS,
    }
    text = json.dumps(body, ensure_ascii=False).replace(json.dumps(ITEMS), "[" + ",".join(items) + "]")
    return HttpResponse(text, content_type=CONTENT_TYPE)


ITEMS = "\x1eitems\x1e"  # where the stored items go in a list's JSON


def _render_items(ids, request) -> dict:
    return {
        version.pk: json.dumps(ninjs(version, request), ensure_ascii=False)
        for version in _versions().filter(pk__in=ids)
    }


def statement_detail(request, uuid):
    version = _versions().filter(uuid=uuid).first()
    if version is None:
        # Taken off the site: the kill notice, with nothing of its content.
        version = get_object_or_404(Translation.objects.unpublished().select_related("statement"), uuid=uuid)
        return JsonResponse(canceled(version, request), content_type=CONTENT_TYPE)
    return JsonResponse(ninjs(version, request), json_dumps_params={"ensure_ascii": False}, content_type=CONTENT_TYPE)


def _edition_renditions(version, absolute) -> list:
    """The signed edition this item is, as renditions (ninjs has no other open slot)."""
    if not version.edition:
        return []
    base = f"/api/editions/{version.uuid}/{version.edition}"
    return [
        {"name": "signed-edition", "href": absolute(f"{base}.json"), "contentType": "application/json"},
        {"name": "signed-edition-signature", "href": absolute(f"{base}.sig"), "contentType": "text/plain"},
    ]


def _version_fields(version) -> dict:
    """ninjs `version` is the edition number; `versionCreated` when that edition became
    public. Every edition moves both (a minor correction too)."""
    created = max(filter(None, [version.edition_at, version.public_updated_at]))
    return {"version": str(version.edition or 1), "versionCreated": created.isoformat()}


def canceled(version, request) -> dict:
    """An unpublished version's item: its identifiers, its last edition and
    `pubStatus: canceled`, never its title or text."""
    absolute = request.build_absolute_uri
    return {
        "uri": f"urn:uuid:{version.uuid}",
        "type": "text",
        "profile": "pressoffice-statement",
        **_version_fields(version),
        "firstCreated": version.first_published_at.isoformat(),
        "pubStatus": "canceled",
        "language": version.language,
        "edNote": _("This statement was removed from the site."),
        "headlines": [],
        "bodies": [],
        "altIds": [
            {"role": "content_id", "value": str(version.statement.content_id)},
            {"role": "reference", "value": version.statement.reference},
        ],
        "renditions": _edition_renditions(version, absolute),
    }


def _page_url(request, number):
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _error(message):
    return JsonResponse({"error": message}, status=400, content_type=CONTENT_TYPE)


def ninjs(version, request) -> dict:
    """One version as an IPTC ninjs 3.x news item."""
    statement = version.statement
    language = version.language
    absolute = request.build_absolute_uri
    office = str(settings.PRESSOFFICE_OFFICE_NAME)
    text = strip_tags(version.body_html)
    item = {
        "uri": f"urn:uuid:{version.uuid}",
        "type": "text",
        "profile": "pressoffice-statement",
        **_version_fields(version),
        "firstCreated": version.first_published_at.isoformat(),
        "pubStatus": "canceled" if version.is_withdrawn else "usable",
        "language": language,
        "title": version.title,
        "headlines": [{"role": "main", "value": version.title}],
        "descriptions": [{"role": "summary", "value": version.standfirst}] if version.standfirst else [],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": version.body_html,
                "charCount": len(text),
                "wordCount": len(text.split()),
            }
        ],
        "by": office,
        "copyrightHolder": office,
        "located": statement.location,
        "subjects": [
            {
                "name": topic.name_in(language),
                "rel": "about",
                "literal": topic.slug,
                "uri": absolute(reverse("statements:topic", args=[topic.slug])),
            }
            for topic in statement.topics.all()
        ],
        "people": [
            {
                "name": p.person.name_in(language),
                "rel": p.part,
                "literal": p.person.slug,
                "uri": absolute(reverse("statements:person", args=[p.person.slug])),
            }
            for p in statement.participations.all()
        ],
        "places": [
            {
                "name": country.name_in(language),
                "rel": "about",
                "literal": country.code,
                "uri": f"http://cvx.iptc.org/iso3166-1a2/{country.code.lower()}",
            }
            for country in statement.countries.all()
        ],
        "renditions": [
            {"name": "html", "href": absolute(version.get_absolute_url()), "contentType": "text/html"},
            *_edition_renditions(version, absolute),
        ],
        "altIds": [
            {"role": "content_id", "value": str(statement.content_id)},
            {"role": "reference", "value": statement.reference},
        ],
        "genres": [{"name": statement.get_kind_display(), "literal": statement.kind}],
    }
    if version.is_withdrawn:
        item["edNote"] = version.withdrawal_explanation
    picture = _picture(statement.featured_image, language, absolute)
    associations = ([picture] if picture else []) + _quotes(version, absolute)
    if associations:
        item["associations"] = associations
    if not statement.location:
        del item["located"]
    return item


def _quotes(version, absolute) -> list:
    """The live quotes, each a ninjs association with rel "quote": ninjs allows no
    property of its own (its schema forbids unknown ones), and an association may carry
    any ninjs property. Reads `live_revision.quotes.all()` (prefetched by `_versions`)."""
    language = version.language
    found = []
    revision = version.live_revision
    for number, quote in enumerate(revision.quotes.all() if revision else [], start=1):
        if not quote.is_confirmed:
            continue
        person = quote.speaker
        alt_ids = [
            {"role": "sha256", "value": quote.digest},
            {"role": "paragraph", "value": str(quote.paragraph)},
        ]
        if quote.source:
            alt_ids.append({"role": "translation-of", "value": f"urn:uuid:{quote.source}"})
        found.append(
            {
                "name": f"quote-{number}",
                "rel": "quote",
                "uri": absolute(reverse("statements:quote", args=[quote.uuid])),
                "type": "text",
                "profile": "pressoffice-quote",
                "language": language,
                "bodies": [{"role": "quote", "contentType": "text/plain", "value": quote.words}],
                "people": [
                    {
                        "name": person.name_in(language),
                        "rel": "speaker",
                        "literal": person.slug,
                        "uri": absolute(reverse("statements:person", args=[person.slug])),
                    }
                ],
                "descriptions": [{"role": "speaker-role", "value": quote.role}] if quote.role else [],
                "genres": [{"name": quote.get_fidelity_display(), "literal": f"fidelity:{quote.fidelity}"}],
                "altIds": alt_ids,
            }
        )
    return found


def _picture(image, language, absolute):
    if image is None:
        return None
    renditions = image.public_renditions()
    if not renditions:
        return None
    return {
        "name": "featured-image",
        "rel": "featured",
        "uri": f"urn:pressoffice:image:{image.public_token}",
        "type": "picture",
        "descriptions": [{"role": "alt", "value": image.alt_text_in(language)}],
        "headlines": [{"value": image.caption_in(language)}] if image.caption_in(language) else [],
        "by": image.credit,
        "renditions": [
            {
                "name": spec,
                "href": absolute(rendition.public_url),
                "contentType": rendition.content_type,
                "width": rendition.width,
                "height": rendition.height,
                "sizeInBytes": rendition.size,
            }
            for spec, rendition in sorted(renditions.items())
        ],
    }
