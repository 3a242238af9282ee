import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language, get_language_from_request
from django.views.generic import DetailView, ListView

from . import previews
from .models import Translation


def root_redirect(request):
    """`/` → the reader's language home, chosen from Accept-Language."""
    language = get_language_from_request(request)
    return redirect(f"/{language}/")


class HomeView(ListView):
    """Placeholder home (the public-site issue replaces it): latest public statements."""

    template_name = "statements/home.html"
    context_object_name = "versions"

    def get_queryset(self):
        return (
            Translation.objects.public()
            .in_language(get_language())
            .select_related("statement")
            .order_by("-occurred_on", "-first_published_at")[:20]
        )


class TranslationDetailView(DetailView):
    template_name = "statements/translation_detail.html"
    context_object_name = "version"

    def get_object(self, queryset=None):
        try:
            occurred_on = datetime.date(int(self.kwargs["year"]), int(self.kwargs["month"]), int(self.kwargs["day"]))
        except ValueError as error:
            raise Http404 from error
        versions = Translation.objects.public().in_language(get_language()).with_statement().with_participants()
        return get_object_or_404(versions, occurred_on=occurred_on, slug=self.kwargs["slug"])


def preview_link(request, signed):
    return previews.open_link(request, signed)
