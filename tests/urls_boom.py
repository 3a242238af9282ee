"""A URL map with one view that fails, for the 500 page test."""

from django.urls import path


def boom(request):
    raise RuntimeError("secret detail")


def database_down(request):
    from django.db import OperationalError

    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


urlpatterns = [path("boom/", boom), path("database-down/", database_down)]
