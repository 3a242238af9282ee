"""sitemap.xml (every public version, with its other public languages as alternates)
and a Google News sitemap of the last two days."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Prefetch
from django.utils import timezone

from . import cachetags
from .models import Translation


class StatementSitemap(Sitemap):
    limit = 5000

    def items(self):
        cachetags.note(cachetags.head(cachetags.ALL_LANGUAGES))
        siblings = Prefetch(
            "statement__translations",
            queryset=Translation.objects.public().only("statement_id", "language", "slug", "occurred_on"),
            to_attr="public_siblings",
        )
        return (
            Translation.objects.public()
            .select_related("statement")
            .only("language", "slug", "occurred_on", "public_updated_at", "statement__original_language")
            .prefetch_related(siblings)
            .order_by("pk")
        )

    def lastmod(self, version):
        return version.public_updated_at

    def _alternates(self, version):
        return [
            {"lang_code": sibling.language, "location": sibling.get_absolute_url()}
            for sibling in version.statement.public_siblings
        ]

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        prefix = f"{protocol}://{domain}"
        for url in urls:
            version = url["item"]
            url["alternates"] = [
                {"lang_code": alt["lang_code"], "location": prefix + alt["location"]}
                for alt in self._alternates(version)
            ]
            original = next(
                (a for a in url["alternates"] if a["lang_code"] == version.statement.original_language), None
            )
            if original and len(url["alternates"]) > 1:
                url["alternates"].append({"lang_code": "x-default", "location": original["location"]})
        return urls


class NewsSitemap(Sitemap):
    """Versions first published in the last two days (Google News sitemap)."""

    limit = 1000

    def items(self):
        cachetags.note(cachetags.head(cachetags.ALL_LANGUAGES))
        since = timezone.now() - datetime.timedelta(days=2)
        return (
            Translation.objects.public()
            .filter(first_published_at__gte=since)
            .only("language", "slug", "occurred_on", "title", "first_published_at", "public_updated_at")
            .order_by("-first_published_at")
        )

    def lastmod(self, version):
        return version.public_updated_at


SITEMAPS = {"statements": StatementSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}
