"""The editorial dashboard on the admin index: what needs each person's attention."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import Translation

ROWS = 10


def sections(user, now=None) -> list[dict]:
    """Each section: a title, up to ROWS versions, and a note when empty. Constant queries."""
    now = now or timezone.now()
    versions = Translation.objects.select_related("statement")
    found = [
        {
            "title": _("My drafts"),
            "rows": versions.with_latest_author()
            .filter(status=Translation.Status.DRAFT, latest_author_id=user.pk)
            .order_by("-updated_at"),
            "empty": _("No drafts of yours."),
        },
        {
            "title": _("Sent back to me"),
            "rows": versions.select_related("sent_back_by")
            .filter(sent_back_to=user, sent_back_at__isnull=False)
            .order_by("-sent_back_at"),
            "empty": _("Nothing of yours has been sent back."),
            "show_sent_back": True,
        },
        {
            "title": _("In review"),
            "rows": versions.filter(submitted_by=user, submitted_revision__isnull=False).order_by("submitted_at"),
            "empty": _("Nothing of yours is waiting for review."),
        },
    ]
    if roles.is_publisher(user):
        waiting = versions.reviewable_by(user)
        found += [
            {
                "title": _("Waiting for my review"),
                "rows": waiting.order_by("submitted_at"),
                "empty": _("Nothing is waiting for your review."),
            },
            {
                "title": _("Force-published, awaiting approval"),
                "rows": versions.filter(is_force_published=True)
                .exclude(force_published_by=user)
                .order_by("-published_at"),
                "empty": _("No force-published versions await approval."),
            },
        ]
    found.append(
        {
            "title": _("Outdated translations"),
            "rows": versions.outdated().order_by("-statement__occurred_on"),
            "empty": _("Every translation follows the newest major version of its original."),
        }
    )
    found += [
        {
            "title": _("Scheduled"),
            "rows": versions.scheduled(now).order_by("published_at"),
            "empty": _("Nothing is scheduled."),
            "show_time": True,
        },
        {
            "title": _("Recently published"),
            "rows": versions.public(now).order_by("-published_at"),
            "empty": _("Nothing published yet."),
            "show_time": True,
        },
    ]
    for section in found:
        if not user.has_perm("statements.edit_any_language"):
            section["rows"] = section["rows"].filter(language__in=roles.translator_languages(user))
        section["rows"] = list(section["rows"][:ROWS])
    return found
