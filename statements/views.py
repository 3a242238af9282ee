"""The public site. Every view starts from `Translation.objects.public()`."""

import datetime
import hashlib

from django.db import connection
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, get_language_from_request
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView

from . import freshness, previews, search
from .filters import StatementFilter
from .models import Country, Participation, Person, Statement, Topic, Translation
from .paginator import IdPaginator

PER_PAGE = 20


def root_redirect(request):
    """`/` → the reader's language home, chosen from Accept-Language."""
    return redirect("statements:home")  # i18n_patterns adds the reader's language prefix


def public_versions(language=None):
    return Translation.objects.public().in_language(language or get_language())


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

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        for name, values in self.fixed_filters().items():
            data.setlist(name, values)
        page = data.pop("page", ["1"])[-1]
        if not page.isdigit() or int(page) < 1:
            return bad_request(request, [_("The page number must be a whole number from 1.")])
        self.filterset = StatementFilter(data, public_versions(), language=get_language(), request=request)
        if not self.filterset.is_valid():
            return bad_request(request, self.filterset.error_messages())
        count_key = f"{get_language()}:{_canonical_query(data)}"
        paginator = IdPaginator(self.filterset.qs, PER_PAGE, load=load_rows, count_key=count_key)
        if paginator.count == 0 and not self.allow_empty:
            raise Http404(_("Nothing has been published here."))
        if int(page) > max(paginator.num_pages, 1):
            raise Http404(_("There is no page %(n)s.") % {"n": page})
        self.page = paginator.page(int(page))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        q = self.filterset.form.cleaned_data.get("q") or ""
        rows = [Row(version, q) for version in self.page.object_list]
        choices = public_choices(get_language(), skip=self.fixed_filters())
        query = self.request.GET
        return super().get_context_data(
            feeds=self.feed_links(),
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


def _canonical_query(data) -> str:
    """A digest of the filter parameters in a stable order (the page number aside)."""
    text = "&".join(f"{key}={value}" for key in sorted(data) for value in sorted(data.getlist(key)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_rows(ids):
    participants = Participation.objects.select_related("person").only(
        "statement_id", "position", "part", "person__name", "person__names", "person__slug"
    )
    return (
        Translation.objects.filter(pk__in=ids)
        .select_related("statement")
        .prefetch_related(Prefetch("statement__participations", queryset=participants))
    )


class Row:
    """A list row: the version, with search highlights when there is a query."""

    def __init__(self, version, q=""):
        self.version = version
        self.title = search.highlight(version.title, q) if q else version.title
        self.standfirst = search.highlight(version.standfirst, q) if q else version.standfirst
        self.snippet = search.snippet(version.body, q) if q else ""


def public_choices(language, skip=()) -> dict:
    """`filter_choices`, kept in the cache for the current content generation."""
    skip = sorted(skip)
    return freshness.cached(f"choices:{language}:{','.join(skip)}", lambda: filter_choices(language, skip))


def filter_choices(language, skip=frozenset()):
    """People, topics and countries that public versions in `language` reference, except
    the parameters in `skip` (fixed by the page, so not offered)."""
    statements = public_versions(language).values("statement_id")
    sources = {
        "person": (Person.objects.filter(participations__statement_id__in=statements), "sort_name", "slug"),
        "topic": (Topic.objects.filter(statements__id__in=statements), "name", "slug"),
        "country": (Country.objects.filter(statements__id__in=statements), "name", "code"),
    }
    choices = {"kind": list(Statement.Kind.choices)}
    for name, (queryset, order, key) in sources.items():
        if name in skip:
            continue
        rows = queryset.distinct().order_by(order).only(key, "name", "names")
        choices[name] = [(getattr(row, key), row.name_in(language)) for row in rows]
    return choices


def active_filters(query, fixed) -> list[dict]:
    """Each active filter value with the address of the list without it."""
    active = []
    for name in ("person", "topic", "country", "kind", "date_after", "date_before", "published_after",
                 "published_before", "year", "month", "q"):  # fmt: skip
        if name in fixed:
            continue
        for value in query.getlist(name):
            if not value:
                continue
            remaining = query.copy()
            remaining.setlist(name, [v for v in query.getlist(name) if v != value])
            remaining.pop("page", None)
            active.append({"name": name, "value": value, "remove": remaining.urlencode()})
    return active


class StatementListView(FilteredListView):
    pass


class HomeView(TemplateView):
    template_name = "statements/home.html"

    def get_context_data(self, **kwargs):
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
            return super().get(request, *args, **kwargs)
        except Http404:
            gone = self.gone_version()
            if gone is None:
                raise
            if gone.redirect_url:
                return HttpResponsePermanentRedirect(gone.redirect_url)
            response = TemplateResponse(request, "statements/gone.html", {}, status=410)
            return response.render()

    def meeting_date(self):
        try:
            return datetime.date(int(self.kwargs["year"]), int(self.kwargs["month"]), int(self.kwargs["day"]))
        except ValueError as error:
            raise Http404 from error

    def gone_version(self):
        # Unpublished versions answer 410 (or 301): only the status, never the content.
        return (
            Translation.objects.unpublished()
            .in_language(get_language())
            .filter(occurred_on=self.meeting_date(), slug=self.kwargs["slug"])
            .only("redirect_url")
            .first()
        )

    def get_object(self, queryset=None):
        versions = public_versions().with_statement().with_participants()
        return get_object_or_404(versions, occurred_on=self.meeting_date(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        version = self.object
        statement = version.statement
        alternates = list(
            Translation.objects.public()
            .filter(statement=statement)
            .exclude(pk=version.pk)
            .only("language", "slug", "occurred_on", "title")
            .order_by("language")
        )
        share_url = self.request.build_absolute_uri(reverse("short-link", args=[statement.reference]))
        return super().get_context_data(
            participations=statement.participations.all(),
            topics=list(statement.topics.all()),
            countries=list(statement.countries.all()),
            alternates=alternates,
            x_default=_x_default(version, alternates),
            change_history=[
                {"at": datetime.datetime.fromisoformat(change["at"]).replace(microsecond=0), "note": change["note"]}
                for change in version.change_history
            ],
            share_url=share_url,
            json_ld=self.json_ld(version),
            **kwargs,
        )

    def json_ld(self, version):
        """schema.org NewsArticle; the template escapes it into a data block."""
        from django.conf import settings

        from .templatetags.statement_images import social_image_url

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
        return data


def _x_default(version, alternates):
    """The original's public version, else this one: where `x-default` points."""
    original = version.statement.original_language
    for candidate in [version, *alternates]:
        if candidate.language == original:
            return candidate
    return version


class PersonDetailView(FilteredListView):
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
        return super().get_context_data(person=person, **kwargs)


def _appointments():
    from .models import Appointment

    return Appointment.objects.select_related("role").order_by("-started_on")


class TopicDetailView(FilteredListView):
    template_name = "statements/topic_detail.html"
    allow_empty = False
    feed_scope = "topic"

    def fixed_filters(self):
        return {"topic": [self.kwargs["slug"]]}

    def get_context_data(self, **kwargs):
        topic = get_object_or_404(Topic.objects.select_related("parent"), slug=self.kwargs["slug"])
        statements = public_versions().values("statement_id")
        children = topic.children.filter(statements__id__in=statements).distinct().order_by("name")
        return super().get_context_data(topic=topic, children=list(children), **kwargs)


class CountryDetailView(FilteredListView):
    template_name = "statements/country_detail.html"
    allow_empty = False
    feed_scope = "country"

    def fixed_filters(self):
        return {"country": [self.kwargs["code"]]}

    def get_context_data(self, **kwargs):
        country = get_object_or_404(Country, code=self.kwargs["code"].upper())
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
    from django.conf import settings

    return settings.PRESSOFFICE_ADMIN_PATH


@never_cache
def healthz(request):
    """Database and cache reachable: 200 with "ok", else 503. No details, no secrets."""
    from django.core.cache import cache

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
    return JsonResponse({"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503)


def bad_request_view(request, exception=None):
    return bad_request(request, [_("The request could not be understood.")])


def bench_floor(request):
    """The benchmark's floor: a template and no database. Only routed when
    PRESSOFFICE_BENCH_FLOOR is on."""
    return TemplateResponse(request, "statements/bench_floor.html", {})
