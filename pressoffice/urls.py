from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from statements import (
    api,
    converters,  # noqa: F401 - registers the <name:…> path converter
    editions_views,
    views,
)
from statements.freshness import conditional
from statements.security import rate_limited
from statements.sitemaps import NEWS_SITEMAPS, SITEMAPS
from statements.verification import verify_view

feeds_limit = rate_limited("feeds")

urlpatterns = [
    path(settings.PRESSOFFICE_ADMIN_PATH, admin.site.urls),
    path("", views.root_redirect, name="root"),
    path("s/<name:reference>/", views.short_link, name="short-link"),
    path("preview/<str:signed>/", views.preview_link, name="preview"),
    path(
        "sitemap.xml",
        conditional(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS, "template_name": "statements/sitemap.xml"},
        name="sitemap",
    ),
    path(
        "news-sitemap.xml",
        conditional(sitemap_views.sitemap),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "statements/news_sitemap.xml"},
        name="news-sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("api/ninjs/statements/", rate_limited("feeds")(conditional(api.statement_list)), name="api-list"),
    path(
        "api/ninjs/statements/<uuid:uuid>/",
        rate_limited("feeds")(conditional(api.statement_detail)),
        name="api-detail",
    ),
    path("healthz", views.healthz, name="healthz"),
    # Signed editions and the transparency log (statements/editions_views.py).
    path(".well-known/press-office/keys.json", feeds_limit(editions_views.keys_json), name="signing-keys"),
    path("api/editions/<uuid:uuid>/", feeds_limit(editions_views.edition_list), name="edition-list"),
    path("api/editions/<uuid:uuid>/<int:number>.json", feeds_limit(editions_views.edition_record), name="edition"),
    path(
        "api/editions/<uuid:uuid>/<int:number>.sig",
        feeds_limit(editions_views.edition_signature),
        name="edition-signature",
    ),
    path("transparency/checkpoint", feeds_limit(editions_views.checkpoint), name="checkpoint"),
    path("transparency/checkpoint/<int:size>", feeds_limit(editions_views.checkpoint), name="checkpoint-of-size"),
    path("transparency/proof/inclusion", feeds_limit(editions_views.inclusion_proof), name="inclusion-proof"),
    path("transparency/proof/consistency", feeds_limit(editions_views.consistency_proof), name="consistency-proof"),
    path("verify/", rate_limited("search")(verify_view), name="verify"),
]
urlpatterns += i18n_patterns(
    path("", include("statements.urls")),
    path("alerts/", include("statements.alerts.urls")),
)

if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    # An email service's tracking webhooks: bounces and complaints feed the suppression
    # list (statements/alerts/suppression.py).
    urlpatterns.append(path("alerts/esp/", include("anymail.urls")))

handler400 = "statements.views.bad_request_view"

if settings.PRESSOFFICE_BENCH_FLOOR:
    urlpatterns.append(path("bench/floor/", views.bench_floor, name="bench-floor"))

if settings.DEBUG or getattr(settings, "PRESSOFFICE_SERVE_MEDIA", False):
    # Development and browser tests only: in production the web server or object
    # storage serves media.
    from django.core.files.storage import storages
    from django.views.static import serve

    def serve_public_media(request, path):
        return serve(request, path, document_root=storages["default"].location)

    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_public_media))
