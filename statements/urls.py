"""Public pages and feeds under the language prefix (/<lang>/…); see pressoffice/urls.py.

Every view here answers conditional GETs (statements/freshness.py).
"""

from django.urls import path

from . import (
    converters,  # noqa: F401 - registers <name:…>
    feeds,
    quote_views,
    views,
)
from .freshness import conditional
from .security import is_search, rate_limited

app_name = "statements"

feed_limit = rate_limited("feeds")
search_limit = rate_limited("search", applies=is_search)


def listing(view_class):
    """A list page: conditional GET, and the search rate limit when ?q= is given."""
    return search_limit(conditional(view_class.as_view()))


def feed_paths(prefix: str, name: str, scope=None):
    return [
        path(f"{prefix}.{fmt}", feed_limit(conditional(feeds.feed_view(fmt, scope))), name=f"{name}-{fmt}")
        for fmt in ("rss", "atom", "json")
    ]


urlpatterns = [
    path("", conditional(views.HomeView.as_view()), name="home"),
    path("statements/", listing(views.StatementListView), name="list"),
    path(
        "statements/<int:year>/<int:month>/<int:day>/<name:slug>/",
        conditional(views.TranslationDetailView.as_view()),
        name="detail",
    ),
    path("people/<name:slug>/", listing(views.PersonStatementListView), name="person"),
    path("topics/<name:slug>/", listing(views.TopicStatementListView), name="topic"),
    path("countries/<name:code>/", listing(views.CountryStatementListView), name="country"),
    path("archive/<int:year>/", listing(views.ArchiveView), name="archive-year"),
    path("archive/<int:year>/<int:month>/", listing(views.ArchiveView), name="archive-month"),
    path("administrations/<name:slug>/", listing(views.AdministrationStatementListView), name="administration"),
    path("quotes/", search_limit(conditional(quote_views.quote_list)), name="quotes"),
    path("quotes/<uuid:uuid>/", conditional(quote_views.quote_detail), name="quote"),
    path("quotes/feed.rss", feed_limit(conditional(quote_views.QuoteFeed())), name="quote-feed-rss"),
    path("quotes/feed.atom", feed_limit(conditional(quote_views.AtomQuoteFeed())), name="quote-feed-atom"),
    path("quotes/feed.json", feed_limit(conditional(quote_views.json_feed)), name="quote-feed-json"),
    *feed_paths("feeds/statements", "feed"),
    *feed_paths("people/<name:value>/feed", "person-feed", "person"),
    *feed_paths("topics/<name:value>/feed", "topic-feed", "topic"),
    *feed_paths("countries/<name:value>/feed", "country-feed", "country"),
    *feed_paths("administrations/<name:value>/feed", "administration-feed", "administration"),
]
