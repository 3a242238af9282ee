"""Every change to the state or text of existing content goes through this module.

The states are named in the glossary of `statements/models/__init__.py`.

Each function takes keyword-only arguments, the acting user as `actor=` and the time
as `now=`; it runs in one transaction with the version locked, checks permission and
validity, and writes an AuditEntry (and a Revision when the text changes). A refusal
raises TransitionError and changes nothing.
"""

import datetime
import functools
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles, signals
from .models import AuditEntry, PreviewLink, Revision, Statement, Translation

logger = logging.getLogger("statements.workflow")

Status = Translation.Status


class TransitionError(Exception):
    """A refused change; `str(error)` is the message for the user."""


class ConflictError(TransitionError):
    """Someone else saved the version after the editor opened it."""

    def __init__(self, message, *, latest: Revision):
        super().__init__(message)
        self.latest = latest


def _logs_refusals(function):
    """Every refusal is logged: who tried what on which version, and why not."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except TransitionError as refusal:
            target = kwargs.get("translation") or kwargs.get("source") or kwargs.get("statement") or kwargs.get("link")
            logger.warning(
                "%s refused: %s",
                function.__name__,
                refusal,
                extra={
                    "event": "transition_refused",
                    "action": function.__name__,
                    "actor": getattr(kwargs.get("actor"), "username", None),
                    "target": f"{type(target).__name__}:{getattr(target, 'pk', None)}" if target is not None else None,
                    "reason": str(refusal),
                },
            )
            raise

    return wrapper


# Checks shared by the transitions -------------------------------------------------


def _require(actor, permission: str):
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise TransitionError(_("You do not have permission to do this."))


def _require_language(actor, language: str):
    if not roles.may_edit_language(actor, language):
        raise TransitionError(_("You do not translate into %(language)s.") % {"language": language})


def _require_publisher(actor):
    if actor is None or not actor.is_active or not roles.is_publisher(actor):
        raise TransitionError(_("Only a publisher can do this."))


def _require_status(translation, *allowed):
    if translation.status not in allowed:
        raise TransitionError(
            _("This is not possible while the version is “%(status)s”.") % {"status": translation.get_status_display()}
        )


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise TransitionError(message)
    return value


def _lock(translation) -> Translation:
    return Translation.objects.select_for_update().select_related("statement").get(pk=translation.pk)


def _audit(*, actor, translation, action, now, from_status="", to_status="", message="", changes=None):
    fields = {
        "event": "transition",
        "action": action,
        "actor": getattr(actor, "username", None),
        "translation": translation.pk,
        "statement": translation.statement_id,
        "language": translation.language,
        "from_status": from_status,
        "to_status": to_status,
    }
    transaction.on_commit(lambda: logger.info("%s %s", action, translation.pk, extra=fields))
    return AuditEntry.objects.create(
        actor=actor,
        at=now,
        action=action,
        statement_id=translation.statement_id,
        translation=translation,
        object_repr=str(translation)[:300],
        from_status=from_status,
        to_status=to_status,
        message=message,
        changes=changes or {},
    )


def _latest_revision(translation) -> Revision | None:
    return translation.revisions.order_by("-number").first()


def _validated_save(translation: Translation, **kwargs):
    translation.refresh_derived()
    try:
        translation.full_clean()
        with transaction.atomic():
            translation.save(**kwargs)
    except ValidationError as error:
        raise TransitionError(" ".join(error.messages)) from error
    except IntegrityError as error:
        # Two people created the same language version at once: the second is refused.
        raise TransitionError(_("This statement already has a version in this language.")) from error


def _changed_public_content(translation, reason: str):
    # Cache generation, image files and WebSub pings listen to this, after commit.
    transaction.on_commit(
        lambda: signals.public_content_changed.send(sender=Translation, translation=translation, reason=reason)
    )


# Text ----------------------------------------------------------------------------


@_logs_refusals
@transaction.atomic
def save_draft(
    *,
    translation: Translation,
    actor,
    title: str,
    standfirst: str,
    body: str,
    base_revision: int,
    change_note: str = "",
    is_major: bool = False,
    slug: str | None = None,
    now=None,
) -> Revision:
    """Save a version's text as a new revision (creating the version if it is new).

    `base_revision` is the revision number the editor started from (0 for a new
    version): if another save came in since, ConflictError carries the newer revision
    and nothing is written. A version nobody can read yet takes the text at once; a
    public one keeps its live text until the revision is published.
    """
    now = now or timezone.now()
    _require(actor, "statements.add_translation" if translation.pk is None else "statements.change_translation")
    _require_language(actor, translation.language)
    title = _require_text(title, _("A version needs a title."))
    body = _require_text(body, _("A version needs a body."))
    standfirst = (standfirst or "").strip()
    if translation.pk is None:
        latest = None
    else:
        translation = _lock(translation)
        latest = _latest_revision(translation)
    latest_number = latest.number if latest else 0
    if base_revision != latest_number:
        raise ConflictError(
            _("%(author)s saved this version (revision %(number)s) after you opened it.")
            % {"author": (latest.author if latest and latest.author else _("Someone")), "number": latest_number},
            latest=latest,
        )
    writes_row = translation.pk is None or translation.status in (Status.DRAFT, Status.IN_REVIEW)
    # The address may change until the version is first published.
    new_slug = slug.strip() if slug is not None and translation.first_published_at is None else translation.slug
    if latest and (latest.title, latest.standfirst, latest.body) == (title, standfirst, body):
        if writes_row and new_slug != translation.slug:
            translation.slug = new_slug
            _validated_save(translation)
        return latest
    if writes_row:
        translation.title, translation.standfirst, translation.body = title, standfirst, body
        translation.slug = new_slug
        _validated_save(translation)
    elif len(title) > Translation._meta.get_field("title").max_length:
        raise TransitionError(_("The title is too long."))
    revision = Revision.objects.create(
        translation=translation,
        number=latest_number + 1,
        title=title,
        standfirst=standfirst,
        body=body,
        author=actor,
        created_at=now,
        change_note=(change_note or "").strip(),
        is_major=is_major,
    )
    _audit(
        actor=actor,
        translation=translation,
        action="create" if latest is None else "save_draft",
        now=now,
        message=_("Revision %(number)s") % {"number": revision.number},
    )
    return revision


@_logs_refusals
@transaction.atomic
def restore_revision(*, translation: Translation, revision: Revision, actor, now=None) -> Revision:
    """Make an old revision's text the newest again, as a new revision: history is
    never rewritten."""
    if revision.translation_id != translation.pk:
        raise TransitionError(_("That revision belongs to another version."))
    latest = _latest_revision(translation)
    if (latest.title, latest.standfirst, latest.body) == (revision.title, revision.standfirst, revision.body):
        raise TransitionError(_("That revision's text is already the newest."))
    restored = save_draft(
        translation=translation,
        actor=actor,
        title=revision.title,
        standfirst=revision.standfirst,
        body=revision.body,
        base_revision=latest.number if latest else 0,
        change_note=_("Restored revision %(number)s") % {"number": revision.number},
        now=now,
    )
    _audit(
        actor=actor,
        translation=translation,
        action="restore_revision",
        now=now or timezone.now(),
        message=_("Restored revision %(old)s as revision %(new)s") % {"old": revision.number, "new": restored.number},
    )
    return restored


@_logs_refusals
@transaction.atomic
def start_translation(*, source: Translation, language: str, actor, prefill: bool = True, now=None) -> Translation:
    """A new draft version in `language`, from the statement's original.

    Records the original's revision it starts from, so the version knows later when
    the original has changed. `prefill` copies the original's text to translate over.
    """
    now = now or timezone.now()
    _require(actor, "statements.add_translation")
    _require_language(actor, language)
    source = _lock(source)
    if not source.is_original:
        raise TransitionError(_("Translations start from the original version."))
    base = source.live_revision or _latest_revision(source)
    placeholder = _("(to be translated)")
    version = Translation(statement=source.statement, language=language)
    save_draft(
        translation=version,
        actor=actor,
        title=base.title if prefill else placeholder,
        standfirst=base.standfirst if prefill else "",
        body=base.body if prefill else placeholder,
        base_revision=0,
        now=now,
    )
    version.source_revision = base
    version.save(update_fields=["source_revision"])
    _audit(actor=actor, translation=version, action="start_translation", now=now, to_status=Status.DRAFT)
    return version


@_logs_refusals
@transaction.atomic
def mark_translation_current(*, translation: Translation, actor, now=None) -> Translation:
    """The translator has dealt with the original's changes: move the base forward."""
    now = now or timezone.now()
    _require(actor, "statements.change_translation")
    translation = _lock(translation)
    _require_language(actor, translation.language)
    original = translation.statement.translations.filter(language=translation.statement.original_language).first()
    if original is None or original.pk == translation.pk:
        raise TransitionError(_("Only a translation can be marked current."))
    newest = original.live_revision or _latest_revision(original)
    old = translation.source_revision
    translation.source_revision = newest
    translation.save(update_fields=["source_revision", "updated_at"])
    _audit(
        actor=actor,
        translation=translation,
        action="mark_translation_current",
        now=now,
        changes={"source_revision": {"before": old.number if old else None, "after": newest.number}},
    )
    return translation


# Review and publication ----------------------------------------------------------


def _check_publishable(translation: Translation, revision: Revision):
    if not revision.title.strip():
        raise TransitionError(_("A version needs a title before it is published."))
    if not revision.body.strip():
        raise TransitionError(_("A version needs a body before it is published."))
    if translation.statement.occurred_on is None:
        raise TransitionError(_("The statement needs a meeting date before it is published."))
    if not translation.statement.participations.exists():
        raise TransitionError(_("The statement needs at least one participant before it is published."))


def _check_second_pair_of_eyes(translation: Translation, revision: Revision, actor):
    if not settings.PRESSOFFICE_FOUR_EYES:
        return
    if revision.author_id == actor.pk:
        raise TransitionError(
            _("You made the last change to this text: someone else must publish it (second pair of eyes).")
        )
    if translation.submitted_by_id == actor.pk:
        raise TransitionError(_("You submitted this for review: someone else must publish it (second pair of eyes)."))


@_logs_refusals
@transaction.atomic
def submit_for_review(*, translation: Translation, actor, now=None) -> Translation:
    """Send a draft, or the pending changes of a live version, to the publishers."""
    now = now or timezone.now()
    _require(actor, "statements.change_translation")
    translation = _lock(translation)
    _require_language(actor, translation.language)
    latest = _latest_revision(translation)
    if translation.status == Status.DRAFT:
        pass
    elif translation.is_released and translation.has_unpublished_changes:
        if translation.submitted_revision_id == latest.pk:
            raise TransitionError(_("These changes are already waiting for review."))
    else:
        raise TransitionError(_("There is nothing new to review in this version."))
    old_status = translation.status
    translation.submitted_revision, translation.submitted_by, translation.submitted_at = latest, actor, now
    if old_status == Status.DRAFT:
        translation.status = Status.IN_REVIEW
    translation.save(update_fields=["status", "submitted_revision", "submitted_by", "submitted_at", "updated_at"])
    _audit(
        actor=actor,
        translation=translation,
        action="submit_for_review",
        now=now,
        from_status=old_status,
        to_status=translation.status,
        message=_("Revision %(number)s") % {"number": latest.number},
    )
    return translation


@_logs_refusals
@transaction.atomic
def reject(*, translation: Translation, actor, reason: str, now=None) -> Translation:
    """Send a version (or the pending changes of a live one) back, with an internal remark."""
    now = now or timezone.now()
    _require_publisher(actor)
    reason = _require_text(reason, _("Say why, so the author knows what to change."))
    translation = _lock(translation)
    if translation.submitted_revision_id is None:
        raise TransitionError(_("Nothing is waiting for review in this version."))
    old_status = translation.status
    if translation.status == Status.IN_REVIEW:
        translation.status = Status.DRAFT
    translation.submitted_revision = translation.submitted_by = translation.submitted_at = None
    translation.save(update_fields=["status", "submitted_revision", "submitted_by", "submitted_at", "updated_at"])
    _audit(
        actor=actor,
        translation=translation,
        action="reject",
        now=now,
        from_status=old_status,
        to_status=translation.status,
        message=reason,
    )
    return translation


def _release(translation: Translation, revision: Revision, *, at, now, major: bool, change_note: str):
    """Copy a revision into the live fields and set the publication times."""
    first = translation.first_published_at is None
    translation.title, translation.standfirst, translation.body = revision.title, revision.standfirst, revision.body
    translation.live_revision = revision
    translation.submitted_revision = translation.submitted_by = translation.submitted_at = None
    if first:
        translation.status = Status.PUBLISHED
        translation.published_at = translation.first_published_at = translation.public_updated_at = at
    elif major:
        translation.public_updated_at = now
        translation.change_history = [*translation.change_history, {"at": now.isoformat(), "note": change_note}]
    _validated_save(translation)
    revision.published_at, revision.published_major = at, major
    revision.save(update_fields=["published_at", "published_major"])
    if at > now:
        _changed_public_content(translation, "schedule")  # image files go in place now
        return
    translation.announced_at = now
    translation.save(update_fields=["announced_at"])
    _changed_public_content(translation, "publish" if first else ("correct_major" if major else "correct_minor"))


@_logs_refusals
@transaction.atomic
def publish(
    *,
    translation: Translation,
    actor,
    at: datetime.datetime | None = None,
    major: bool | None = None,
    change_note: str = "",
    now=None,
) -> Translation:
    """Publish a reviewed version, now or at a future time (`at`, first publication
    only), or publish the reviewed changes of a live version as a correction.

    A major correction (`major=True`, with a change note) moves `public_updated_at`
    and is listed in the change history; a minor one changes neither.
    `first_published_at` never changes once set.
    """
    now = now or timezone.now()
    _require_publisher(actor)
    translation = _lock(translation)
    revision = translation.submitted_revision
    if revision is None:
        raise TransitionError(_("Only a version submitted for review can be published."))
    _check_publishable(translation, revision)
    _check_second_pair_of_eyes(translation, revision, actor)
    first = translation.first_published_at is None
    if at is not None and not first:
        raise TransitionError(_("A correction is published when it is approved; it cannot be scheduled."))
    if at is not None and at <= now:
        raise TransitionError(_("The publication time must be in the future."))
    is_major = revision.is_major if major is None else major
    note = (change_note or revision.change_note or "").strip()
    if not first and is_major and not note:
        raise TransitionError(_("A major change needs a change note for readers."))
    old_status = translation.status
    _release(translation, revision, at=at or now, now=now, major=is_major and not first, change_note=note)
    _audit(
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


@_logs_refusals
@transaction.atomic
def unschedule(*, translation: Translation, actor, now=None) -> Translation:
    """Take a scheduled first publication back to review before it goes live."""
    now = now or timezone.now()
    _require_publisher(actor)
    translation = _lock(translation)
    if not translation.is_scheduled(now):
        raise TransitionError(_("Only a version scheduled for the future can be unscheduled."))
    was = translation.published_at
    Revision.objects.filter(pk=translation.live_revision_id).update(published_at=None, published_major=False)
    translation.status = Status.IN_REVIEW
    translation.submitted_revision = translation.live_revision
    translation.published_at = translation.first_published_at = translation.public_updated_at = None
    translation.live_revision = None
    translation.save()
    _audit(
        actor=actor,
        translation=translation,
        action="unschedule",
        now=now,
        from_status=Status.PUBLISHED,
        to_status=Status.IN_REVIEW,
        changes={"published_at": {"before": was.isoformat(), "after": None}},
    )
    _changed_public_content(translation, "unschedule")
    return translation


@_logs_refusals
@transaction.atomic
def force_publish(*, translation: Translation, actor, reason: str, now=None) -> Translation:
    """Publish now without review or a second pair of eyes: the audited escape hatch.

    The version stays flagged until another publisher approves it retrospectively.
    """
    now = now or timezone.now()
    _require_publisher(actor)
    reason = _require_text(reason, _("Force-publishing needs a reason."))
    translation = _lock(translation)
    _require_status(translation, Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.WITHDRAWN)
    revision = _latest_revision(translation)
    if translation.is_released and revision.pk == translation.live_revision_id:
        if translation.published_at <= now:
            raise TransitionError(_("This version is already live with its newest text."))
    _check_publishable(translation, revision)
    old_status = translation.status
    if translation.first_published_at is not None and translation.first_published_at > now:
        # A scheduled version forced live now: it goes live at once.
        translation.published_at = translation.first_published_at = translation.public_updated_at = None
    _release(translation, revision, at=now, now=now, major=False, change_note="")
    translation.is_force_published, translation.force_publish_reason = True, reason
    translation.force_published_by = actor
    translation.save(update_fields=["is_force_published", "force_publish_reason", "force_published_by"])
    _audit(
        actor=actor,
        translation=translation,
        action="force_publish",
        now=now,
        from_status=old_status,
        to_status=translation.status,
        message=reason,
    )
    return translation


@_logs_refusals
@transaction.atomic
def approve_retrospectively(*, translation: Translation, actor, now=None) -> Translation:
    now = now or timezone.now()
    _require_publisher(actor)
    translation = _lock(translation)
    if not translation.is_force_published:
        raise TransitionError(_("This version was not force-published."))
    if translation.force_published_by_id == actor.pk:
        raise TransitionError(_("Someone other than the person who force-published it must approve it."))
    translation.is_force_published = False
    translation.save(update_fields=["is_force_published", "updated_at"])
    _audit(actor=actor, translation=translation, action="approve_retrospectively", now=now)
    return translation


@_logs_refusals
@transaction.atomic
def withdraw(*, translation: Translation, actor, explanation: str, now=None) -> Translation:
    """The version stays readable, with the publisher's explanation on top."""
    now = now or timezone.now()
    _require_publisher(actor)
    explanation = _require_text(explanation, _("Withdrawing needs a public explanation."))
    translation = _lock(translation)
    _require_status(translation, Status.PUBLISHED)
    if translation.published_at > now:
        raise TransitionError(_("A scheduled version is unscheduled, not withdrawn."))
    translation.status = Status.WITHDRAWN
    translation.withdrawn_at, translation.withdrawal_explanation = now, explanation
    translation.save(update_fields=["status", "withdrawn_at", "withdrawal_explanation", "updated_at"])
    _audit(
        actor=actor,
        translation=translation,
        action="withdraw",
        now=now,
        from_status=Status.PUBLISHED,
        to_status=Status.WITHDRAWN,
        message=explanation,
    )
    _changed_public_content(translation, "withdraw")
    return translation


def _check_redirect(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if not url:
        raise TransitionError(_("Give the address of the statement this one was consolidated into."))
    if parts.scheme not in ("http", "https", "") or (not parts.scheme and not url.startswith("/")):
        raise TransitionError(_("The redirect must be a site path (/en/…) or an http(s) address."))
    if url.startswith("//"):
        raise TransitionError(_("The redirect must be a site path (/en/…) or an http(s) address."))
    return url


@_logs_refusals
@transaction.atomic
def unpublish(
    *, translation: Translation, actor, reason: str, explanation: str = "", redirect_url: str = "", now=None
) -> Translation:
    """Take a version off the site: 410 Gone, or 301 to where it was consolidated."""
    now = now or timezone.now()
    _require_publisher(actor)
    if reason not in Translation.UnpublishReason.values:
        raise TransitionError(_("Choose why the version is unpublished."))
    if reason == Translation.UnpublishReason.CONSOLIDATED:
        redirect_url = _check_redirect(redirect_url)
    else:
        redirect_url = ""
    translation = _lock(translation)
    _require_status(translation, Status.PUBLISHED, Status.WITHDRAWN)
    old_status = translation.status
    translation.status = Status.UNPUBLISHED
    translation.unpublished_at, translation.unpublish_reason = now, reason
    translation.unpublish_explanation, translation.redirect_url = (explanation or "").strip(), redirect_url
    translation.save()
    _audit(
        actor=actor,
        translation=translation,
        action="unpublish",
        now=now,
        from_status=old_status,
        to_status=Status.UNPUBLISHED,
        message=explanation,
        changes={"reason": {"before": None, "after": reason}, "redirect_url": {"before": None, "after": redirect_url}},
    )
    _changed_public_content(translation, "unpublish")
    return translation


@transaction.atomic
def announce_due(*, now=None) -> list[Translation]:
    """Run the going-live side effects for scheduled versions whose time has come.

    Visibility never waits for this (it is computed from `published_at`); `publish_due`
    calls it from cron so caches and subscribers hear of the change. Idempotent.
    """
    now = now or timezone.now()
    due = list(
        Translation.objects.public(now=now).filter(announced_at__isnull=True).select_for_update().order_by("pk")
    )
    for translation in due:
        translation.announced_at = now
        translation.save(update_fields=["announced_at"])
        _audit(actor=None, translation=translation, action="went_live", now=now)
        _changed_public_content(translation, "went_live")
    return due


# Statement metadata and preview links --------------------------------------------


def statement_is_released(statement: Statement) -> bool:
    """One of its versions is released (public or scheduled)."""
    return statement.translations.released().exists()


def metadata_snapshot(statement: Statement) -> dict:
    """The statement's metadata as plain values, for before/after audit entries."""
    fields = ["kind", "occurred_on", "occurred_time", "location", "featured_image_id", "is_featured"]
    current = Statement.objects.get(pk=statement.pk)
    snapshot = {name: _jsonable(getattr(current, name)) for name in fields}
    snapshot["topics"] = sorted(current.topics.values_list("slug", flat=True))
    snapshot["countries"] = sorted(current.countries.values_list("code", flat=True))
    snapshot["participants"] = [
        f"{p.person.slug}:{p.part}:{p.label}" for p in current.participations.select_related("person")
    ]
    return snapshot


@_logs_refusals
@transaction.atomic
def update_statement(*, statement: Statement, actor, apply, now=None) -> Statement:
    """Change a statement's metadata: `apply()` saves the row and its relations.

    Once a version is live, only publishers may; every change is audited with its
    before and after values, and the versions' meeting date follows the statement's.
    """
    now = now or timezone.now()
    _require(actor, "statements.change_statement")
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    live = statement_is_released(locked)
    if live:
        _require_publisher(actor)
    before = metadata_snapshot(locked)
    apply()
    after = metadata_snapshot(statement)
    if before["occurred_on"] != after["occurred_on"]:
        # Versions carry the date for their address; refresh it through save() so the
        # per-date slug rule is checked for each.
        for version in statement.translations.select_for_update():
            version.statement = statement
            _validated_save(version)
    changes = {k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]}
    if changes:
        AuditEntry.objects.create(
            actor=actor,
            at=now,
            action="update_statement",
            statement=statement,
            object_repr=str(statement),
            changes=changes,
        )
        if live:
            for version in statement.translations.released():
                _changed_public_content(version, "metadata")
    return statement


@_logs_refusals
@transaction.atomic
def create_preview_link(*, translation: Translation, actor, days: int = 7, note: str = "", now=None) -> PreviewLink:
    now = now or timezone.now()
    _require(actor, "statements.add_previewlink")
    if not 1 <= days <= 30:
        raise TransitionError(_("A preview link lasts from 1 to 30 days."))
    link = PreviewLink.objects.create(
        translation=translation,
        created_by=actor,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
        note=(note or "").strip()[:200],
    )
    _audit(actor=actor, translation=translation, action="create_preview_link", now=now, message=link.note)
    return link


@_logs_refusals
@transaction.atomic
def revoke_preview_link(*, link: PreviewLink, actor, now=None) -> PreviewLink:
    now = now or timezone.now()
    _require(actor, "statements.add_previewlink")
    link = PreviewLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
        _audit(actor=actor, translation=link.translation, action="revoke_preview_link", now=now, message=link.note)
    return link


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def available_actions(translation: Translation, user, now=None) -> list[str]:
    """The transitions worth offering `user` on this version, for the admin's buttons.

    A hint for the interface only: each function above checks everything again.
    """
    now = now or timezone.now()
    actions = []
    may_edit = user.has_perm("statements.change_translation") and roles.may_edit_language(user, translation.language)
    publisher = roles.is_publisher(user)
    status = translation.status
    pending = translation.has_unpublished_changes
    submitted = translation.submitted_revision_id is not None
    if may_edit and (status == Status.DRAFT or (translation.is_released and pending and not submitted)):
        actions.append("submit_for_review")
    if publisher and submitted:
        actions += ["publish", "reject"]
    if publisher and translation.is_scheduled(now):
        actions.append("unschedule")
    if publisher and status in (Status.DRAFT, Status.IN_REVIEW):
        actions.append("force_publish")
    if publisher and translation.is_force_published and translation.force_published_by_id != user.pk:
        actions.append("approve_retrospectively")
    if publisher and status == Status.PUBLISHED and not translation.is_scheduled(now):
        actions.append("withdraw")
    if publisher and translation.is_released:
        actions.append("unpublish")
    if may_edit and translation.source_revision_id and not translation.is_original:
        actions.append("mark_translation_current")
    return actions
