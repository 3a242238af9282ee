"""The public site. Every view starts from `Translation.objects.public()`."""

import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_from_request
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView

from . import addresses, cachetags, freshness, history, previews, rendered
from .feeds import describe, shown_names
from .filters import bind, page_number
from .jsonld import quotation
from .listing import (
    Row,
    active_filters,
    canonical_query,
    load_rows,
    public_choices,
    public_versions,
)
from .models import Administration, Appointment, Country, Person, Quote, Topic, Translation
from .paginator import IdPaginator
from .tasks import queue as task_queue
from .templatetags.statement_images import social_image_url

PER_PAGE = 20


def root_redirect(request):
    """`/` → the reader's language home, chosen from Accept-Language."""
    return redirect("statements:home")  # i18n_patterns adds the reader's language prefix


def bad_request(request, errors):
    """400 with a plain list of what is wrong with the parameters."""
    return TemplateResponse(request, "statements/bad_request.html", {"errors": errors}, status=400)


class FilteredListView(TemplateView):
    """A paginated list of public versions through the one FilterSet.

    Subclasses fix some filters from the URL (`fixed_filters`) and add context.
    """

    template_name = "statements/translation_list.html"
    allow_empty = True

    feed_scope = None  # "person", "topic" or "country": the feeds beside those pages

    def fixed_filters(self) -> dict:
        return {}

    def feed_links(self):
        """This list as RSS, Atom and JSON Feed: same filters, no page or order."""
        query = self.request.GET.copy()
        for name in ("page", "sort", *self.fixed_filters()):
            query.pop(name, None)
        encoded = f"?{query.urlencode()}" if query else ""
        name = f"{self.feed_scope}-feed" if self.feed_scope else "feed"
        args = self.fixed_filters()[self.feed_scope] if self.feed_scope else []
        types = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
        return [
            {"format": fmt, "type": types[fmt], "url": reverse(f"statements:{name}-{fmt}", args=args) + encoded}
            for fmt in ("rss", "atom", "json")
        ]

    def alerts_link(self) -> str:
        """Email alerts for this list: its filters (the page's fixed ones included), no
        page or order."""
        query = self.request.GET.copy()
        for name in ("page", "sort"):
            query.pop(name, None)
        for name, values in self.fixed_filters().items():
            query.setlist(name, values)
        return reverse("alerts:subscribe") + (f"?{query.urlencode()}" if query else "")

    def get(self, request, *args, **kwargs):
        bound = bind(request, public_versions(), language=get_language(), fixed=self.fixed_filters(), take=["page"])
        page = page_number(bound.taken["page"])
        if page is None:
            return bad_request(request, [_("The page number must be a whole number from 1.")])
        if bound.errors:
            return bad_request(request, bound.errors)
        self.filterset = bound.filterset
        q = bound.filterset.form.cleaned_data.get("q") or ""
        paginator = IdPaginator(
            lambda: self.filterset.qs,
            PER_PAGE,
            load=load_rows,
            # A search's members change with the text (minor corrections too): never kept.
            cache_key=None if q else f"{get_language()}:{canonical_query(bound.data)}",
            cache_tags=bound.heads,
        )
        if paginator.count == 0 and not self.allow_empty:
            raise Http404(_("Nothing has been published here."))
        if page > max(paginator.num_pages, 1):
            raise Http404(_("There is no page %(n)s.") % {"n": page})
        # Rows with search highlights are rendered per request; the others are rendered
        # once and stored (statements/rendered.py), so the page needs only their ids.
        self.q = q
        self.page = paginator.page(page, load=bool(self.q))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        q = self.q
        if q:
            rows = [Row(version, q) for version in self.page.object_list]
        else:
            ids = list(self.page.object_list)
            cachetags.note_version_ids(ids)
            rows = [StoredRow(mark_safe(html)) for html in rendered.fragments("row", ids, _render_rows, None)]  # noqa: S308
        choices = public_choices(get_language(), skip=self.fixed_filters())
        query = self.request.GET
        return super().get_context_data(
            feeds=self.feed_links(),
            feed_title=describe(
                self.filterset, get_language(), known=shown_names(kwargs, get_language()), skip=self.fixed_filters()
            ),
            alerts_url=self.alerts_link(),
            fixed=self.fixed_filters(),
            person_values=query.getlist("person"),
            topic_values=query.getlist("topic"),
            country_values=query.getlist("country"),
            kind_values=query.getlist("kind"),
            filterset=self.filterset,
            page_obj=self.page,
            rows=rows,
            q=q,
            unknown=self.filterset.unknown(choices),
            choices=choices,
            active=active_filters(self.request.GET, self.fixed_filters()),
            **kwargs,
        )


class StoredRow(NamedTuple):
    html: str  # a stored rendering of statements/includes/_row.html


def _render_rows(ids) -> dict:
    return {
        version.pk: render_to_string("statements/includes/_row.html", {"row": Row(version)})
        for version in load_rows(ids)
    }


class StatementListView(FilteredListView):
    pass


class HomeView(TemplateView):
    template_name = "statements/home.html"

    def get_context_data(self, **kwargs):
        cachetags.note(cachetags.head(get_language()))
        versions = public_versions().with_statement().order_by("-occurred_on", "-first_published_at", "-pk")
        featured = list(versions.filter(statement__is_featured=True)[:3])
        latest = list(versions.exclude(pk__in=[v.pk for v in featured]).select_related(None)
                      .select_related("statement").prefetch_related(None)[:12])  # fmt: skip
        return super().get_context_data(featured=featured, latest=latest, **kwargs)


class TranslationDetailView(DetailView):
    template_name = "statements/translation_detail.html"
    context_object_name = "version"

    def get(self, request, *args, **kwargs):
        try:
            if cachetags.rendering_public() and not request.GET:
                stored = self.stored_page(request, *args, **kwargs)
                if stored is not None:
                    return stored
            return super().get(request, *args, **kwargs)
        except Http404:
            # Unpublished versions and former addresses: only a status or the way on.
            elsewhere = addresses.answer(request, get_language(), self.meeting_date(), self.kwargs["slug"])
            if elsewhere is None:
                raise
            return elsewhere

    def stored_page(self, request, *args, **kwargs):
        """The page as stored when it was last rendered for a reader (statements/rendered.py),
        current while the version, its statement and the build are unchanged; rendered and
        stored otherwise. None when no public version has this address."""
        found = (
            public_versions()
            .filter(occurred_on=self.meeting_date(), slug=self.kwargs["slug"])
            .values_list("pk", "statement_id", "public_updated_at")
            .first()
        )
        if found is None:
            return None
        pk, statement_id, updated = found
        cachetags.note(cachetags.statement(statement_id))
        cachetags.note_version_ids([pk], updated)

        def render():
            response = super(TranslationDetailView, self).get(request, *args, **kwargs)
            return response.render().content.decode()

        origin = f"{request.scheme}://{request.get_host()}"
        return HttpResponse(rendered.page(pk, statement_id, render, origin))

    def meeting_date(self):
        try:
            return datetime.date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except (ValueError, OverflowError) as error:  # an impossible or huge date: no such page
            raise Http404 from error

    def get_object(self, queryset=None):
        versions = public_versions().with_statement().with_participants().with_history().with_outdated()
        return get_object_or_404(versions, occurred_on=self.meeting_date(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        version = self.object
        statement = version.statement
        cachetags.note(cachetags.statement(statement.pk))
        alternates = list(
            Translation.objects.public()
            .filter(statement=statement)
            .exclude(pk=version.pk)
            .only("language", "slug", "occurred_on", "title")
            .order_by("language")
        )
        share_url = self.request.build_absolute_uri(reverse("short-link", args=[statement.reference]))
        quotes = list(Quote.objects.public().filter(translation=version).select_related("speaker"))
        banner = history.banner(version)
        return super().get_context_data(
            participations=statement.participations.all(),
            topics=list(statement.topics.all()),
            countries=list(statement.countries.all()),
            alternates=alternates,
            x_default=_x_default(version, alternates),
            change_history=[
                {
                    "at": datetime.datetime.fromisoformat(change["at"]).replace(microsecond=0),
                    "note": change["note"],
                    "quotes": change.get("quotes", []),
                }
                for change in version.change_history
            ],
            share_url=share_url,
            quotes=quotes,
            # A translation behind a newer major version of its original points readers to it.
            newer_original=next(
                (a for a in alternates if version.is_outdated and a.language == statement.original_language), None
            ),
            history_banner=banner,
            history_banner_text=history.banner_text(banner, version.language) if banner else "",
            json_ld=self.json_ld(version, quotes),
            **kwargs,
        )

    def json_ld(self, version, quotes=()):
        """schema.org NewsArticle, with its quotes as `Quotation`s; the template escapes
        it into a data block."""
        office = {"@type": "Organization", "name": str(settings.PRESSOFFICE_OFFICE_NAME)}
        image = social_image_url({"request": self.request}, version.statement.featured_image)
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": version.title[:110],
            "description": version.standfirst,
            "inLanguage": version.language,
            "datePublished": version.first_published_at.isoformat(),
            "dateModified": version.public_updated_at.isoformat(),
            "author": office,
            "publisher": office,
            "mainEntityOfPage": self.request.build_absolute_uri(),
            "identifier": version.statement.reference,
        }
        if image:
            data["image"] = [image]
        if quotes:
            data["hasPart"] = [quotation(self.request, quote, version) for quote in quotes]
        return data


def _x_default(version, alternates):
    """The original's public version, else this one: where `x-default` points."""
    original = version.statement.original_language
    for candidate in [version, *alternates]:
        if candidate.language == original:
            return candidate
    return version


class PersonStatementListView(FilteredListView):
    """A person's page: who they are, and the public statements they took part in."""

    template_name = "statements/person_detail.html"
    allow_empty = False
    feed_scope = "person"

    def fixed_filters(self):
        return {"person": [self.kwargs["slug"]]}

    def get_context_data(self, **kwargs):
        person = get_object_or_404(
            Person.objects.select_related("portrait", "country").prefetch_related(
                "portrait__renditions", Prefetch("appointments", queryset=_appointments())
            ),
            slug=self.kwargs["slug"],
        )
        cachetags.note(cachetags.person(person.pk))
        quotes = list(
            Quote.objects.public()
            .filter(speaker=person, translation__language=get_language())
            .select_related("translation", "speaker")
            .order_by("-translation__occurred_on", "-translation_id", "position")[:PERSON_QUOTES]
        )
        if quotes:
            cachetags.note_version_ids(list({q.translation_id for q in quotes}))
        return super().get_context_data(person=person, quotes=quotes, **kwargs)


PERSON_QUOTES = 10  # the newest on a person's page; the rest through /quotes/?person=


class AdministrationStatementListView(FilteredListView):
    """History mode: the statements of one administration, with feeds beside them."""

    template_name = "statements/administration_detail.html"
    feed_scope = "administration"

    def fixed_filters(self):
        return {"administration": [self.kwargs["slug"]]}

    def get(self, request, *args, **kwargs):
        self.administration = get_object_or_404(Administration, slug=self.kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # An administration's edit invalidates everything (statements/cachetags.py).
        return super().get_context_data(administration=self.administration, **kwargs)


def _appointments():
    return Appointment.objects.select_related("role").order_by("-started_on")


class TopicStatementListView(FilteredListView):
    """A topic's page: the public statements about it (and its sub-topics)."""

    template_name = "statements/topic_detail.html"
    allow_empty = False
    feed_scope = "topic"

    def fixed_filters(self):
        return {"topic": [self.kwargs["slug"]]}

    def get_context_data(self, **kwargs):
        topic = get_object_or_404(Topic.objects.select_related("parent"), slug=self.kwargs["slug"])
        cachetags.note(cachetags.topic(topic.pk))
        language = get_language()
        children = freshness.cached(
            f"children:{language}:{topic.pk}",
            lambda: list(
                topic.children.filter(Exists(public_versions().filter(statement__topics=OuterRef("pk")))).order_by(
                    "name"
                )
            ),  # fmt: skip
            [cachetags.head(language, "topic", topic.slug)],
        )
        return super().get_context_data(topic=topic, children=children, **kwargs)


class CountryStatementListView(FilteredListView):
    """A country's page: the public statements concerning it."""

    template_name = "statements/country_detail.html"
    allow_empty = False
    feed_scope = "country"

    def fixed_filters(self):
        return {"country": [self.kwargs["code"]]}

    def get_context_data(self, **kwargs):
        country = get_object_or_404(Country, code=self.kwargs["code"].upper())
        cachetags.note(cachetags.country(country.pk))
        return super().get_context_data(country=country, **kwargs)


class ArchiveView(FilteredListView):
    template_name = "statements/archive.html"
    allow_empty = False

    def fixed_filters(self):
        fixed = {"year": [str(self.kwargs["year"])]}
        if "month" in self.kwargs:
            fixed["month"] = [str(self.kwargs["month"])]
        return fixed

    def get_context_data(self, **kwargs):
        kwargs.pop("month", None)
        year = kwargs.pop("year")
        months = (
            public_versions()
            .filter(occurred_on__year=year)
            .values("occurred_on__month")
            .annotate(count=Count("pk"))
            .order_by("occurred_on__month")
        )
        return super().get_context_data(
            year=year,
            month=self.kwargs.get("month"),
            months=[(row["occurred_on__month"], row["count"]) for row in months],
            **kwargs,
        )


def short_link(request, reference):
    """`/s/PO-2023-0042/` → the reader's language version if public, else the original's."""
    versions = {
        v.language: v
        for v in Translation.objects.public()
        .filter(statement__reference=reference.upper())
        .select_related("statement")
    }
    if not versions:
        raise Http404(_("No statement has this reference."))
    wanted = get_language_from_request(request)
    original = next(iter(versions.values())).statement.original_language
    version = versions.get(wanted) or versions.get(original)
    if version is None:
        raise Http404(_("No statement has this reference."))
    return redirect(version.get_absolute_url())


def preview_link(request, signed):
    return previews.open_link(request, signed)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /preview/",
        f"Disallow: /{_admin_path()}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _admin_path():
    return settings.PRESSOFFICE_ADMIN_PATH


@never_cache
def healthz(request):
    """Database and cache reachable: 200 with "ok", else 503. With a worker configured,
    also the task queue's depth and the age of its oldest waiting task (reported, never
    failing the check). No details, no secrets."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = "failing"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "failing"
    except Exception:  # noqa: BLE001
        checks["cache"] = "failing"
    healthy = all(value == "ok" for value in checks.values())
    # The queue is reported, never a reason to fail: a slow queue delays pings, not pages.
    body = {"status": "ok" if healthy else "failing", **checks}
    if settings.PRESSOFFICE_TASKS != "immediate":
        body["tasks"] = task_queue.state()
    return JsonResponse(body, status=200 if healthy else 503)


def bad_request_view(request, exception=None):
    return bad_request(request, [_("The request could not be understood.")])


def bench_floor(request):
    """The benchmark's floor: a template and no database. Only routed when
    PRESSOFFICE_BENCH_FLOOR is on."""
    return TemplateResponse(request, "statements/bench_floor.html", {})
