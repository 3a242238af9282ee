"""schema.org structured data the public pages carry besides the NewsArticle."""

from django.urls import reverse


def quotation(request, quote, version) -> dict:
    """schema.org Quotation for one public quote of `version`."""
    speaker = {
        "@type": "Person",
        "name": quote.speaker.name_in(version.language),
        "url": request.build_absolute_uri(reverse("statements:person", args=[quote.speaker.slug])),
    }
    if quote.role:
        speaker["jobTitle"] = quote.role
    return {
        "@type": "Quotation",
        "@id": request.build_absolute_uri(reverse("statements:quote", args=[quote.uuid])),
        "text": quote.words,
        "inLanguage": version.language,
        "spokenByCharacter": speaker,
        "creator": speaker,
        "isPartOf": request.build_absolute_uri(version.get_absolute_url()),
        "dateCreated": version.occurred_on.isoformat(),
    }
