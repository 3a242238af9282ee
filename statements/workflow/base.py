"""What every transition shares: the refusal, the lock, the audit entry, the signal
after commit, and the permission checks."""

import functools
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import roles, signals
from ..models import AuditEntry, Revision, Translation
from ..tasks import side_effects

logger = logging.getLogger("statements.workflow")

Status = Translation.Status


class TransitionError(Exception):
    """A refused change; `str(error)` is the message for the user."""


class ConflictError(TransitionError):
    """Someone else saved the version after the editor opened it."""

    def __init__(self, message, *, latest: Revision):
        super().__init__(message)
        self.latest = latest


def logs_refusals(function):
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


# Who may -------------------------------------------------------------------------


def require(actor, permission: str):
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise TransitionError(_("You do not have permission to do this."))


def require_language(actor, language: str):
    if not roles.may_edit_language(actor, language):
        raise TransitionError(_("You do not translate into %(language)s.") % {"language": language})


def require_editor_of(actor, translation: Translation):
    """May change this version's text: the change permission and its language."""
    require(actor, "statements.change_translation")
    require_language(actor, translation.language)


def require_publisher(actor):
    if actor is None or not actor.is_active or not roles.is_publisher(actor):
        raise TransitionError(_("Only a publisher can do this."))


def require_status(translation, *allowed):
    if translation.status not in allowed:
        raise TransitionError(
            _("This is not possible while the version is “%(status)s”.") % {"status": translation.get_status_display()}
        )


def require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise TransitionError(message)
    return value


# Reading and writing -------------------------------------------------------------


def lock(translation) -> Translation:
    return (
        Translation.objects.select_for_update(of=("self", "statement"))
        .select_related("statement__administration")
        .get(pk=translation.pk)
    )


def latest_revision(translation) -> Revision | None:
    return translation.revisions.order_by("-number").first()


def validated_save(translation: Translation, **kwargs):
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


def audit(*, actor, translation, action, now, from_status="", to_status="", message="", changes=None):
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


def changed_public_content(translation, reason: str, before=()):
    # Cached responses showing it go out of date at commit, in this process (readers never
    # wait for a worker); pings, purges and image files are tasks queued in this
    # transaction. `before`: the list heads it belonged to before a metadata change.
    transaction.on_commit(
        lambda: signals.public_content_changed.send(
            sender=Translation, translation=translation, reason=reason, before=before
        )
    )
    side_effects.after_public_change(translation, reason, before)
