"""Public pages under the language prefix (/<lang>/…); see pressoffice/urls.py."""

from django.urls import path

from . import views

app_name = "statements"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("statements/", views.StatementListView.as_view(), name="list"),
    path(
        "statements/<int:year>/<int:month>/<int:day>/<str:slug>/",
        views.TranslationDetailView.as_view(),
        name="detail",
    ),
    path("people/<str:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("topics/<str:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("countries/<str:code>/", views.CountryDetailView.as_view(), name="country"),
    path("archive/<int:year>/", views.ArchiveView.as_view(), name="archive-year"),
    path("archive/<int:year>/<int:month>/", views.ArchiveView.as_view(), name="archive-month"),
]
