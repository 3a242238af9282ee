from django.urls import path

from . import views

app_name = "statements"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "statements/<int:year>/<int:month>/<int:day>/<str:slug>/",
        views.TranslationDetailView.as_view(),
        name="detail",
    ),
]
