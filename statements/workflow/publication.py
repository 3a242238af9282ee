"""Review and publication: submitting, sending back, publishing (now, at a time, or as
a correction), unscheduling, force-publishing and its approval, withdrawing,
unpublishing, restoring, and announcing scheduled versions whose time has come.

Each transition locks the version, runs its check (who may, in which state), then
validates what the person typed, then writes."""

import datetime
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Revision, Translation
from ..tasks import side_effects
from ..tasks.queue import defer
from . import quotes as quote_rules
from .base import (
    Status,
    TransitionError,
    audit,
    changed_public_content,
    lock,
    logs_refusals,
    require_text,
    validated_save,
)
from .checks import (
    check_approve_retrospectively,
    check_force_publish,
    check_publish,
    check_reject,
    check_restore,
    check_submit_for_review,
    check_unpublish,
    check_unschedule,
    check_withdraw,
)
from .editions import Change, new_edition, withhold_unpublic

SUBMITTED = ["submitted_revision", "submitted_by", "submitted_at"]
SENT_BACK = ["sent_back_to", "sent_back_by", "sent_back_at", "sent_back_reason"]


def _clear_sent_back(translation: Translation):
    """A new submission or a publication ends the last send-back's note."""
    translation.sent_back_to = translation.sent_back_by = translation.sent_back_at = None
    translation.sent_back_reason = ""


REDIRECT_MAX_LENGTH = Translation._meta.get_field("redirect_url").max_length


@logs_refusals
@transaction.atomic
def submit_for_review(*, translation: Translation, actor, now=None) -> Translation:
    """Send a draft, or the pending changes of a released version, to the publishers."""
    now = now or timezone.now()
    translation = lock(translation)
    latest = check_submit_for_review(translation=translation, actor=actor, now=now)
    old_status = translation.status
    translation.submitted_revision, translation.submitted_by, translation.submitted_at = latest, actor, now
    _clear_sent_back(translation)
    if old_status == Status.DRAFT:
        translation.status = Status.IN_REVIEW
    translation.save(update_fields=["status", *SUBMITTED, *SENT_BACK, "updated_at"])
    audit(
        actor=actor,
        translation=translation,
        action="submit_for_review",
        now=now,
        from_status=old_status,
        to_status=translation.status,
        message=_("Revision %(number)s") % {"number": latest.number},
    )
    return translation


@logs_refusals
@transaction.atomic
def reject(*, translation: Translation, actor, reason: str, now=None) -> Translation:
    """Send a version (or the pending changes of a released one) back, with an internal remark."""
    now = now or timezone.now()
    translation = lock(translation)
    check_reject(translation=translation, actor=actor, now=now)
    reason = require_text(reason, _("Say why, so the author knows what to change."))
    old_status = translation.status
    if translation.is_in_review:
        translation.status = Status.DRAFT
    # The remark goes back to whoever submitted, shown on the version and their dashboard.
    translation.sent_back_to_id, translation.sent_back_by = translation.submitted_by_id, actor
    translation.sent_back_at, translation.sent_back_reason = now, reason
    translation.submitted_revision = translation.submitted_by = translation.submitted_at = None
    translation.save(update_fields=["status", *SUBMITTED, *SENT_BACK, "updated_at"])
    audit(
        actor=actor,
        translation=translation,
        action="reject",
        now=now,
        from_status=old_status,
        to_status=translation.status,
        message=reason,
    )
    return translation


def _release(translation: Translation, revision: Revision, *, at, now, major: bool, change_note: str, quote_lines=()):
    """Copy a revision into the live fields and set the publication times; announce it
    when it is public at once (a scheduled one is announced by `announce_due`)."""
    first = translation.first_published_at is None
    translation.title, translation.standfirst, translation.body = revision.title, revision.standfirst, revision.body
    translation.live_revision = revision
    translation.submitted_revision = translation.submitted_by = translation.submitted_at = None
    _clear_sent_back(translation)
    if first:
        translation.status = Status.PUBLISHED
        translation.published_at = translation.first_published_at = translation.public_updated_at = at
    elif major:
        translation.public_updated_at = now
        entry = {"at": now.isoformat(), "note": change_note}
        if quote_lines:
            entry["quotes"] = list(quote_lines)
        translation.change_history = [*translation.change_history, entry]
    validated_save(translation)
    revision.published_at, revision.published_major = at, major
    revision.save(update_fields=["published_at", "published_major"])
    change = Change.PUBLICATION if first else (Change.MAJOR_CORRECTION if major else Change.MINOR_CORRECTION)
    new_edition(translation, change, now=now, change_note=change_note if major else "")
    if at > now:
        changed_public_content(translation, "schedule")  # image files go in place now
        defer(side_effects.announce_due, run_after=at)  # pings at the scheduled time
        return
    translation.announced_at = now
    translation.save(update_fields=["announced_at"])
    changed_public_content(translation, "publish" if first else ("correct_major" if major else "correct_minor"))


@logs_refusals
@transaction.atomic
def publish(
    *,
    translation: Translation,
    actor,
    at: datetime.datetime | None = None,
    major: bool | None = None,
    change_note: str = "",
    confirmed_quotes=None,
    reviewed_revision: int | None = None,
    now=None,
) -> Translation:
    """Publish a reviewed version, now or at a future time (`at`, first publication
    only), or publish the reviewed changes of a released version as a correction.

    A major correction (`major=True`, with a change note) moves `public_updated_at`
    and is listed in the change history; a minor one changes neither.
    `first_published_at` never changes once set.

    A correction that adds, alters or removes a confirmed quote is major only, and the
    publisher confirms each quote change (`confirmed_quotes`: their uuids); the history
    entry then carries a line per quote, written here.

    `reviewed_revision` is the revision number the publisher saw on the publish screen:
    when another revision has been submitted since, nothing is published.
    """
    now = now or timezone.now()
    translation = lock(translation)
    revision = check_publish(translation=translation, actor=actor, now=now)
    if reviewed_revision is not None and reviewed_revision != revision.number:
        raise TransitionError(
            _(
                "Revision %(now)s is now the one waiting for review, not revision %(seen)s that you looked at. "
                "Look at it before publishing."
            )
            % {"now": revision.number, "seen": reviewed_revision}
        )
    first = translation.first_published_at is None
    if at is not None and not first:
        raise TransitionError(_("A correction is published when it is approved; it cannot be scheduled."))
    if at is not None and at <= now:
        raise TransitionError(_("The publication time must be in the future."))
    is_major = revision.is_major if major is None else major
    note = (change_note or revision.change_note or "").strip()
    found = [] if first else quote_rules.changes(translation.live_revision, revision)
    if found and not is_major:
        raise TransitionError(
            _("This correction changes quotes: it can only be published as a major correction with a change note.")
        )
    if not first and is_major and not note:
        raise TransitionError(_("A major change needs a change note for readers."))
    quote_rules.require_confirmed(found, confirmed_quotes)
    old_status = translation.status
    lines = quote_rules.history_lines(found, translation.language)
    _release(
        translation, revision, at=at or now, now=now, major=is_major and not first, change_note=note, quote_lines=lines
    )
    audit(
        actor=actor,
        translation=translation,
        action="schedule" if at else ("publish" if first else ("correct_major" if is_major else "correct_minor")),
        now=now,
        from_status=old_status,
        to_status=translation.status,
        message=note if not first else "",
        changes={"published_at": {"before": None, "after": at.isoformat()}} if at else {},
    )
    return translation


@logs_refusals
@transaction.atomic
def unschedule(*, translation: Translation, actor, now=None) -> Translation:
    """Take a scheduled first publication back to review before it goes live."""
    now = now or timezone.now()
    translation = lock(translation)
    check_unschedule(translation=translation, actor=actor, now=now)
    was = translation.published_at
    Revision.objects.filter(pk=translation.live_revision_id).update(published_at=None, published_major=False)
    translation.status = Status.IN_REVIEW
    translation.submitted_revision = translation.live_revision
    translation.published_at = translation.first_published_at = translation.public_updated_at = None
    translation.live_revision = None
    translation.save()
    withhold_unpublic(translation, now=now)
    audit(
        actor=actor,
        translation=translation,
        action="unschedule",
        now=now,
        from_status=Status.PUBLISHED,
        to_status=Status.IN_REVIEW,
        changes={"published_at": {"before": was.isoformat(), "after": None}},
    )
    changed_public_content(translation, "unschedule")
    return translation


@logs_refusals
@transaction.atomic
def force_publish(*, translation: Translation, actor, reason: str, now=None) -> Translation:
    """Publish now without review or a second pair of eyes: the audited escape hatch.

    The version stays flagged until another publisher approves it retrospectively.
    """
    now = now or timezone.now()
    translation = lock(translation)
    revision = check_force_publish(translation=translation, actor=actor, now=now)
    reason = require_text(reason, _("Force-publishing needs a reason."))
    if translation.first_published_at is not None and quote_rules.changes(translation.live_revision, revision):
        raise TransitionError(_("These changes alter quotes: they are published after review, as a major correction."))
    old_status = translation.status
    if translation.is_scheduled(now):
        # A scheduled version forced live now: it goes live at once.
        translation.published_at = translation.first_published_at = translation.public_updated_at = None
    _release(translation, revision, at=now, now=now, major=False, change_note="")
    translation.is_force_published, translation.force_publish_reason = True, reason
    translation.force_published_by = actor
    translation.save(update_fields=["is_force_published", "force_publish_reason", "force_published_by"])
    audit(
        actor=actor,
        translation=translation,
        action="force_publish",
        now=now,
        from_status=old_status,
        to_status=translation.status,
        message=reason,
    )
    return translation


@logs_refusals
@transaction.atomic
def approve_retrospectively(*, translation: Translation, actor, now=None) -> Translation:
    now = now or timezone.now()
    translation = lock(translation)
    check_approve_retrospectively(translation=translation, actor=actor, now=now)
    translation.is_force_published = False
    translation.save(update_fields=["is_force_published", "updated_at"])
    audit(actor=actor, translation=translation, action="approve_retrospectively", now=now)
    return translation


@logs_refusals
@transaction.atomic
def withdraw(*, translation: Translation, actor, explanation: str, now=None) -> Translation:
    """The version stays readable, with the publisher's explanation on top."""
    now = now or timezone.now()
    translation = lock(translation)
    check_withdraw(translation=translation, actor=actor, now=now)
    explanation = require_text(explanation, _("Withdrawing needs a public explanation."))
    translation.status = Status.WITHDRAWN
    translation.withdrawn_at, translation.withdrawal_explanation = now, explanation
    # A kill notice goes to the top of the feeds and moves their updated times.
    translation.public_updated_at = now
    translation.save(
        update_fields=["status", "withdrawn_at", "withdrawal_explanation", "public_updated_at", "updated_at"]
    )
    new_edition(translation, Change.WITHDRAWAL, now=now)
    audit(
        actor=actor,
        translation=translation,
        action="withdraw",
        now=now,
        from_status=Status.PUBLISHED,
        to_status=Status.WITHDRAWN,
        message=explanation,
    )
    changed_public_content(translation, "withdraw")
    return translation


def check_redirect(url: str) -> str:
    """Where a consolidated statement sends readers: a path on this site (/en/…) or an
    http(s) address, at most REDIRECT_MAX_LENGTH characters, without spaces or
    control characters."""
    url = (url or "").strip()
    if not url:
        raise TransitionError(_("Give the address of the statement this one was consolidated into."))
    if len(url) > REDIRECT_MAX_LENGTH:
        raise TransitionError(
            _("The redirect address is too long: at most %(max)s characters.") % {"max": REDIRECT_MAX_LENGTH}
        )
    if not _is_site_path(url) and not _is_web_address(url):
        raise TransitionError(_("The redirect must be a site path (/en/…) or an http(s) address."))
    return url


def _is_site_path(url: str) -> bool:
    parts = urlsplit(url)
    printable = url.isprintable() and not any(char.isspace() for char in url)
    return printable and url.startswith("/") and not url.startswith("//") and not parts.scheme and "\\" not in url


def _is_web_address(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


@logs_refusals
@transaction.atomic
def unpublish(
    *, translation: Translation, actor, reason: str, explanation: str = "", redirect_url: str = "", now=None
) -> Translation:
    """Take a version off the site: 410 Gone, or 301 to where it was consolidated."""
    now = now or timezone.now()
    translation = lock(translation)
    check_unpublish(translation=translation, actor=actor, now=now)
    if reason not in Translation.UnpublishReason.values:
        raise TransitionError(_("Choose why the version is unpublished."))
    redirect_url = check_redirect(redirect_url) if reason == Translation.UnpublishReason.CONSOLIDATED else ""
    old_status = translation.status
    translation.status = Status.UNPUBLISHED
    translation.unpublished_at, translation.unpublish_reason = now, reason
    translation.unpublish_explanation, translation.redirect_url = (explanation or "").strip(), redirect_url
    translation.public_updated_at = now
    translation.save()
    new_edition(translation, Change.UNPUBLICATION, now=now)
    audit(
        actor=actor,
        translation=translation,
        action="unpublish",
        now=now,
        from_status=old_status,
        to_status=Status.UNPUBLISHED,
        message=explanation,
        changes={"reason": {"before": None, "after": reason}, "redirect_url": {"before": None, "after": redirect_url}},
    )
    changed_public_content(translation, "unpublish")
    return translation


@logs_refusals
@transaction.atomic
def restore(*, translation: Translation, actor, note: str, now=None) -> Translation:
    """Put a withdrawn or unpublished version back on the site as published, with a note
    for readers in its change history. A new edition: it goes to the top of the feeds."""
    now = now or timezone.now()
    translation = lock(translation)
    check_restore(translation=translation, actor=actor, now=now)
    note = require_text(note, _("Restoring needs a note for readers; it is shown in the change history."))
    old_status = translation.status
    translation.status = Status.PUBLISHED
    translation.withdrawn_at, translation.withdrawal_explanation = None, ""
    translation.unpublished_at, translation.unpublish_reason = None, ""
    translation.unpublish_explanation, translation.redirect_url = "", ""
    translation.public_updated_at = now
    translation.change_history = [*translation.change_history, {"at": now.isoformat(), "note": note}]
    validated_save(translation)
    new_edition(translation, Change.RESTORATION, now=now, change_note=note)
    audit(actor=actor, translation=translation, action="restore", now=now, from_status=old_status,
          to_status=Status.PUBLISHED, message=note)  # fmt: skip
    changed_public_content(translation, "restore")
    return translation


@transaction.atomic
def announce_due(*, now=None) -> list[Translation]:
    """Run the going-public side effects for scheduled versions whose time has come.

    Visibility never waits for this (it is computed from `published_at`). A task queued
    for the scheduled time calls it, and the worker's periodic trigger (or `publish_due`
    from cron) catches any it missed, so caches and subscribers hear of the change.
    Idempotent.
    """
    now = now or timezone.now()
    due = list(Translation.objects.unannounced(now=now).select_for_update().order_by("pk"))
    for translation in due:
        translation.announced_at = now
        translation.save(update_fields=["announced_at"])
        audit(actor=None, translation=translation, action="went_live", now=now)
        changed_public_content(translation, "went_live")
    return due
