"""Render and store every public version's list row, feed entries (RSS, Atom, JSON
Feed) and ninjs item that are missing or out of date, e.g. after a deploy that changed templates (the
build is part of each stored entry's stamp, so the new code renders them anew anyway;
this does it before readers ask). Entries already current are left alone."""

import functools
import sys
import urllib.parse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from django.utils import translation
from tqdm import tqdm

from statements import api, feeds, languages, rendered, views
from statements.filters import bind
from statements.listing import public_versions

BATCH = 200
FORMATS = ("row", "rss", "atom", "json", "ninjs")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", choices=FORMATS, action="append", help="only these formats (repeatable; default: all)"
        )
        parser.add_argument("--language", action="append", help="only these languages (repeatable; default: all)")

    def handle(self, *args, format=None, language=None, verbosity=1, **options):
        codes = language or languages.enabled_codes()
        unknown = set(codes) - set(languages.enabled_codes())
        if unknown:
            raise CommandError(f"Not an enabled language: {', '.join(sorted(unknown))}")
        site = urllib.parse.urlsplit(settings.PRESSOFFICE_SITE_URL)
        factory = RequestFactory(HTTP_HOST=site.netloc)
        secure = site.scheme == "https"
        origin = f"{site.scheme}://{site.netloc}"
        total = {code: public_versions(code).count() for code in codes}
        done = 0
        with tqdm(total=sum(total.values()) * len(format or FORMATS), file=sys.stderr, disable=verbosity == 0) as bar:
            for code in codes:
                with translation.override(code):
                    ids = list(public_versions(code).order_by("pk").values_list("pk", flat=True))
                    for fmt in format or FORMATS:
                        if fmt == "row":
                            render, where = views._render_rows, None
                        elif fmt == "ninjs":
                            request = factory.get("/api/ninjs/statements/", secure=secure)
                            render, where = functools.partial(api._render_items, request=request), origin
                        else:
                            request = factory.get(f"/{code}/feeds/statements.{fmt}", secure=secure)
                            render, where = _feed_renderer(fmt, request, code), origin
                        for start in range(0, len(ids), BATCH):
                            batch = ids[start : start + BATCH]
                            rendered.fragments(fmt, batch, render, where)
                            bar.update(len(batch))
                            done += len(batch)
        if verbosity:
            self.stdout.write(f"{done} entries current ({', '.join(format or FORMATS)}; {', '.join(codes)}).")


def _feed_renderer(fmt, request, language):
    """The feed's own per-entry rendering, outside a request cycle."""
    feed = feeds.FORMATS[fmt]()
    feed.request = request
    feed.language = language
    feed.filterset = bind(request, public_versions(language), language=language).filterset
    return feed._render_entries
