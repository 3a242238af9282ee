"""Public pages and feeds under the language prefix (/<lang>/…); see pressoffice/urls.py.

Every view here answers conditional GETs (statements/freshness.py).
"""

from django.urls import path

from . import feeds, views
from .freshness import conditional

app_name = "statements"


def feed_paths(prefix: str, name: str, scope=None):
    return [
        path(f"{prefix}.{fmt}", conditional(feeds.feed_view(fmt, scope)), name=f"{name}-{fmt}")
        for fmt in ("rss", "atom", "json")
    ]


urlpatterns = [
    path("", conditional(views.HomeView.as_view()), name="home"),
    path("statements/", conditional(views.StatementListView.as_view()), name="list"),
    path(
        "statements/<int:year>/<int:month>/<int:day>/<str:slug>/",
        conditional(views.TranslationDetailView.as_view()),
        name="detail",
    ),
    path("people/<str:slug>/", conditional(views.PersonDetailView.as_view()), name="person"),
    path("topics/<str:slug>/", conditional(views.TopicDetailView.as_view()), name="topic"),
    path("countries/<str:code>/", conditional(views.CountryDetailView.as_view()), name="country"),
    path("archive/<int:year>/", conditional(views.ArchiveView.as_view()), name="archive-year"),
    path("archive/<int:year>/<int:month>/", conditional(views.ArchiveView.as_view()), name="archive-month"),
    *feed_paths("feeds/statements", "feed"),
    *feed_paths("people/<str:value>/feed", "person-feed", "person"),
    *feed_paths("topics/<str:value>/feed", "topic-feed", "topic"),
    *feed_paths("countries/<str:value>/feed", "country-feed", "country"),
]
