from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from statements import views

urlpatterns = [
    path(settings.PRESSOFFICE_ADMIN_PATH, admin.site.urls),
    path("", views.root_redirect, name="root"),
    path("preview/<str:signed>/", views.preview_link, name="preview"),
]
urlpatterns += i18n_patterns(path("", include("statements.urls")))

if settings.DEBUG:
    # Development only: in production the web server or object storage serves media.
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT / "public")
