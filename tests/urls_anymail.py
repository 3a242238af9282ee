"""The site's URLs as they are with an email service's webhook secret configured
(pressoffice/urls.py mounts anymail's webhooks only then)."""

from django.urls import include, path

from pressoffice.urls import urlpatterns as site

urlpatterns = [*site, path("alerts/esp/", include("anymail.urls"))]
