"""When each transition is allowed: one check function per transition that the admin
offers as a button.

A check takes the same keyword arguments as its transition (less the input a person
types: reasons, times, notes), raises TransitionError when the transition would be
refused and returns what it looked up. The transition calls it on the locked row;
`available_actions` calls it to decide which buttons to show, so a button is offered
exactly when its transition would succeed (tests/test_workflow_offered.py walks every
state and role).
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import languages, roles
from ..machine_translation import unchanged_suggestions
from ..models import Revision, Translation
from .base import Status, TransitionError, latest_revision, require_editor_of, require_publisher, require_status


def check_publishable(translation: Translation, revision: Revision):
    """The text and the statement have what a public version needs."""
    if not revision.title.strip():
        raise TransitionError(_("A version needs a title before it is published."))
    if not revision.body.strip():
        raise TransitionError(_("A version needs a body before it is published."))
    if translation.statement.occurred_on is None:
        raise TransitionError(_("The statement needs a meeting date before it is published."))
    if not translation.statement.participations.exists():
        raise TransitionError(_("The statement needs at least one participant before it is published."))
    image = translation.statement.featured_image if translation.statement.featured_image_id else None
    if image is not None and not image.has_alt_text_in(translation.language):
        raise TransitionError(
            _(
                "The featured image has no alt text in %(language)s (%(code)s): add it on the image's page, so "
                "readers who cannot see it get a description in their language, then publish."
            )
            % {"language": languages.name(translation.language), "code": translation.language}
        )


def check_no_unchanged_suggestions(translation: Translation, revision: Revision):
    """No paragraph is still a machine-translation suggestion exactly as given: a
    translator reviews every one (statements/machine_translation.py)."""
    left = unchanged_suggestions(translation, revision.body)
    if left:
        raise TransitionError(
            _(
                "Paragraph %(numbers)s is still the machine translation as suggested: review it and make it your "
                "own before it goes further."
            )
            % {"numbers": ", ".join(str(n) for n in left)}
        )


class NewerRevisionError(TransitionError):
    """The text was saved again after it was submitted: what was reviewed is not the newest."""

    def __init__(self, reviewed: Revision, newest: Revision):
        self.reviewed, self.newest = reviewed, newest
        super().__init__(
            _(
                "Revision %(newest)s was saved after revision %(reviewed)s was submitted for review. Publishing now "
                "would publish revision %(reviewed)s without those changes, so it is refused: submit revision "
                "%(newest)s for review, then review and publish it."
            )
            % {"newest": newest.number, "reviewed": reviewed.number}
        )


def overtaken(translation: Translation) -> NewerRevisionError | None:
    """The refusal publishing would meet because a revision was saved after the one under
    review was submitted; None when nothing is under review or nothing is newer."""
    reviewed = translation.submitted_revision
    newest = latest_revision(translation) if reviewed is not None else None
    if newest is not None and newest.number > reviewed.number:
        return NewerRevisionError(reviewed, newest)
    return None


def check_reviewed_is_newest(translation: Translation):
    """Nothing was saved since the revision under review was submitted."""
    refusal = overtaken(translation)
    if refusal is not None:
        raise refusal


def check_second_pair_of_eyes(translation: Translation, revision: Revision, actor):
    """With PRESSOFFICE_FOUR_EYES, the publisher is neither the author of the text under
    review nor the person who submitted it (`TranslationQuerySet.reviewable_by`)."""
    if not settings.PRESSOFFICE_FOUR_EYES:
        return
    if revision.author_id == actor.pk:
        raise TransitionError(
            _("You made the last change to this text: someone else must publish it (second pair of eyes).")
        )
    if translation.submitted_by_id == actor.pk:
        raise TransitionError(_("You submitted this for review: someone else must publish it (second pair of eyes)."))


def is_locked_for(statement, actor) -> bool:
    """History mode: a statement of an administration that has ended is the publishers'
    alone to change (corrections, withdrawals); editors and translators only read it."""
    administration = statement.administration if statement.administration_id else None
    return administration is not None and administration.has_ended and not roles.is_publisher(actor)


def check_not_locked(translation: Translation, actor):
    if translation.statement_id and is_locked_for(translation.statement, actor):
        raise TransitionError(
            _("This statement was made under an administration that has ended: only a publisher can change it.")
        )


def check_submit_for_review(*, translation: Translation, actor, now=None) -> Revision:
    """A draft, or a released version with newer text than its live one that is not
    already waiting for review. Returns the revision that would be submitted."""
    require_editor_of(actor, translation)
    check_not_locked(translation, actor)
    latest = latest_revision(translation)
    if latest is not None and translation.submitted_revision_id == latest.pk:
        raise TransitionError(_("These changes are already waiting for review."))
    new_text = latest is not None and (
        translation.is_draft
        or translation.is_in_review  # saved since it was submitted: the newest replaces it in review
        or (translation.is_released and latest.pk != translation.live_revision_id)
    )
    if not new_text:
        raise TransitionError(_("There is nothing new to review in this version."))
    check_no_unchanged_suggestions(translation, latest)
    return latest


def check_reject(*, translation: Translation, actor, now=None) -> Revision:
    require_publisher(actor)
    if translation.submitted_revision_id is None:
        raise TransitionError(_("Nothing is waiting for review in this version."))
    return translation.submitted_revision


def check_publish(*, translation: Translation, actor, now=None) -> Revision:
    """A revision waiting for review, publishable, and a publisher other than its
    author and submitter. Returns that revision."""
    require_publisher(actor)
    revision = translation.submitted_revision
    if revision is None:
        raise TransitionError(_("Only a version submitted for review can be published."))
    check_reviewed_is_newest(translation)
    check_publishable(translation, revision)
    check_no_unchanged_suggestions(translation, revision)
    check_second_pair_of_eyes(translation, revision, actor)
    return revision


def check_unschedule(*, translation: Translation, actor, now=None):
    require_publisher(actor)
    if not translation.is_scheduled(now):
        raise TransitionError(_("Only a version scheduled for the future can be unscheduled."))


def check_force_publish(*, translation: Translation, actor, now=None) -> Revision:
    """Anything not unpublished whose newest text is not already public. Returns the
    newest revision, which would go live."""
    now = now or timezone.now()
    require_publisher(actor)
    require_status(translation, Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.WITHDRAWN)
    revision = latest_revision(translation)
    if revision is None:
        raise TransitionError(_("A version needs a title before it is published."))
    if translation.is_public_at(now) and revision.pk == translation.live_revision_id:
        raise TransitionError(_("This version is already live with its newest text."))
    check_publishable(translation, revision)
    check_no_unchanged_suggestions(translation, revision)
    return revision


def check_approve_retrospectively(*, translation: Translation, actor, now=None):
    require_publisher(actor)
    if not translation.is_force_published:
        raise TransitionError(_("This version was not force-published."))
    if translation.force_published_by_id == actor.pk:
        raise TransitionError(_("Someone other than the person who force-published it must approve it."))


def check_withdraw(*, translation: Translation, actor, now=None):
    """Published and public (a scheduled version is unscheduled instead)."""
    require_publisher(actor)
    require_status(translation, Status.PUBLISHED)
    if translation.is_scheduled(now):
        raise TransitionError(_("A scheduled version is unscheduled, not withdrawn."))


def check_unpublish(*, translation: Translation, actor, now=None):
    require_publisher(actor)
    require_status(translation, Status.PUBLISHED, Status.WITHDRAWN)


def check_restore(*, translation: Translation, actor, now=None):
    """Withdrawn, or unpublished after being public: back to published."""
    require_publisher(actor)
    require_status(translation, Status.WITHDRAWN, Status.UNPUBLISHED)


def check_mark_translation_current(*, translation: Translation, actor, now=None) -> tuple[Revision, Revision | None]:
    """A translation whose base is not the original's newest text. Returns (that text's
    revision, the current base)."""
    require_editor_of(actor, translation)
    check_not_locked(translation, actor)
    original = translation.statement.translations.filter(language=translation.statement.original_language).first()
    if original is None or original.pk == translation.pk:
        raise TransitionError(_("Only a translation can be marked current."))
    newest = original.live_revision or latest_revision(original)
    if newest is None:
        raise TransitionError(_("The original has no text yet."))
    if translation.source_revision_id == newest.pk:
        raise TransitionError(_("This translation already follows the newest text of the original."))
    return newest, translation.source_revision


def check_delete_draft(*, translation: Translation, actor, now=None):
    """A version nobody has ever read (never published, never signed), deleted by the
    person who started it or by a publisher. An original goes only with its statement,
    and only while it has no translations."""
    require_editor_of(actor, translation)
    check_not_locked(translation, actor)
    require_status(translation, Status.DRAFT, Status.IN_REVIEW)
    if translation.first_published_at is not None or translation.edition:
        raise TransitionError(_("A version that has been published is unpublished, never deleted."))
    first = translation.revisions.order_by("number").only("author_id").first()
    if not roles.is_publisher(actor) and (first is None or first.author_id != actor.pk):
        raise TransitionError(_("Only the person who started this draft, or a publisher, can delete it."))
    if translation.is_original and translation.statement.translations.exclude(pk=translation.pk).exists():
        raise TransitionError(_("Delete the statement's translations first: they are translated from this original."))


# The buttons, in the order the admin shows them.
CHECKS = {
    "submit_for_review": check_submit_for_review,
    "publish": check_publish,
    "reject": check_reject,
    "unschedule": check_unschedule,
    "force_publish": check_force_publish,
    "approve_retrospectively": check_approve_retrospectively,
    "withdraw": check_withdraw,
    "unpublish": check_unpublish,
    "restore": check_restore,
    "mark_translation_current": check_mark_translation_current,
}


def is_allowed(name: str, *, translation: Translation, actor, now=None) -> bool:
    try:
        CHECKS[name](translation=translation, actor=actor, now=now)
    except TransitionError:
        return False
    return True


def available_actions(translation: Translation, user, now=None) -> list[str]:
    """The transitions `user` may run on this version now, for the admin's buttons:
    exactly those whose check passes. Constant queries."""
    now = now or timezone.now()
    return [name for name in CHECKS if is_allowed(name, translation=translation, actor=user, now=now)]
