"""What an address with no public version answers: addresses never break.

- the current address of an unpublished version: 410, or 301 to where it was consolidated;
- a former address (the meeting date changed, statements/models/addresses.py): 301 to
  the version's current address while it is public, or as above once it is unpublished;
- anything else, hidden versions included: None, and the view answers 404 as for an
  address that never existed.

Public versions are reached only through `Translation.objects.public()`.
"""

import datetime

from django.http import HttpResponsePermanentRedirect
from django.template.response import TemplateResponse

from .models import FormerAddress, Translation


def answer(request, language: str, occurred_on: datetime.date, slug: str):
    at = {"occurred_on": occurred_on, "slug": slug}
    gone = Translation.objects.unpublished().in_language(language).filter(**at).only("redirect_url").first()
    if gone is None:
        owner = FormerAddress.objects.filter(language=language, **at).values_list("translation_id", flat=True).first()
        if owner is None:
            return None
        current = Translation.objects.public().filter(pk=owner).only("language", "occurred_on", "slug").first()
        if current is not None:
            return HttpResponsePermanentRedirect(current.get_absolute_url())
        gone = Translation.objects.unpublished().filter(pk=owner).only("redirect_url").first()
        if gone is None:
            return None
    if gone.redirect_url:
        return HttpResponsePermanentRedirect(gone.redirect_url)
    return TemplateResponse(request, "statements/gone.html", {}, status=410).render()
