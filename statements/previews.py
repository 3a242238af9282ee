"""Previews of versions readers cannot see yet: for staff in the admin, and through
signed, expiring, revocable links for people without an account."""

import copy

from django.core import signing
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import markup
from .models import AuditEntry, PreviewLink

SALT = "statements.preview-link"
MAX_AGE = 60 * 60 * 24 * 31  # the signature outlives no link (30 days at most)


def link_url(link: PreviewLink) -> str:
    return reverse("preview", kwargs={"signed": signing.TimestampSigner(salt=SALT).sign(str(link.token))})


def preview_of(translation):
    """An unsaved copy of the version carrying its newest revision's text."""
    latest = translation.latest_revision()
    preview = copy.copy(translation)
    if latest is not None:
        preview.title, preview.standfirst, preview.body = latest.title, latest.standfirst, latest.body
        preview.body_html = markup.render(latest.body)
    return preview


def render_preview(request, version, *, banner: str):
    response = TemplateResponse(
        request, "statements/translation_preview.html", {"version": version, "preview_banner": banner}
    )
    # Never cached, never indexed, never leaking its address onwards.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def open_link(request, signed: str):
    """Answer 404 for a bad, expired or revoked link, exactly like an unknown page."""
    try:
        token = signing.TimestampSigner(salt=SALT).unsign(signed, max_age=MAX_AGE)
        link = PreviewLink.objects.select_related("translation__statement").get(token=token)
    except (signing.BadSignature, PreviewLink.DoesNotExist, ValueError) as error:
        raise Http404 from error
    now = timezone.now()
    if not link.is_valid(now):
        raise Http404
    AuditEntry.objects.create(
        actor=None,
        at=now,
        action="preview_opened",
        statement_id=link.translation.statement_id,
        translation=link.translation,
        object_repr=str(link.translation)[:300],
        message=link.note,
    )
    return render_preview(request, preview_of(link.translation), banner=_("Preview: not yet published"))
