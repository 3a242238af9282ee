"""Changes to a version's text: saving a draft (a new revision), restoring an old
revision, starting a translation, and moving a translation's base forward."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .. import slugs
from ..models import Revision, Translation
from . import quotes as quote_rules
from .base import (
    ConflictError,
    Status,
    TransitionError,
    audit,
    latest_revision,
    lock,
    logs_refusals,
    require,
    require_editor_of,
    require_language,
    require_text,
    validated_save,
)
from .checks import check_delete_draft, check_mark_translation_current, check_not_locked

TITLE_MAX_LENGTH = Translation._meta.get_field("title").max_length
# What an empty translation starts with (`start_translation(prefill=False)`), in the
# translator's language: the side-by-side screen treats it as untranslated.
PLACEHOLDER = gettext_noop("(to be translated)")


@logs_refusals
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
    quotes: list | None = None,
    now=None,
) -> Revision:
    """Save a version's text as a new revision (creating the version if it is new).

    `base_revision` is the revision number the editor started from (0 for a new
    version): if another save came in since, ConflictError carries the newer revision
    and nothing is written. A version nobody can read yet takes the text at once; a
    released one keeps its live text until the revision is published.

    `quotes` (QuoteDraft list) replaces the version's quotes; None carries the newest
    revision's forward. Either way every confirmed quote must stand in the body
    (statements/workflow/quotes.py), or the save is refused.
    """
    now = now or timezone.now()
    require(actor, "statements.add_translation" if translation.pk is None else "statements.change_translation")
    require_language(actor, translation.language)
    text = _cleaned_text(title, standfirst, body)
    translation, latest = _lock_with_latest(translation)
    _check_not_overtaken(latest, base_revision)
    check_not_locked(translation, actor)
    new_slug = _slug_to_save(translation, slug, text[0])
    drafts = quote_rules.checked(translation, text[2], quote_rules.carried(latest) if quotes is None else quotes)
    same_quotes = quote_rules.same_set(latest, drafts)
    if latest and (latest.title, latest.standfirst, latest.body) == text and same_quotes:
        if _takes_text_at_once(translation) and new_slug != translation.slug:
            translation.slug = new_slug
            validated_save(translation)
        return latest
    _write_text(translation, text, new_slug)
    revision = Revision.objects.create(
        translation=translation,
        number=(latest.number if latest else 0) + 1,
        title=text[0],
        standfirst=text[1],
        body=text[2],
        author=actor,
        created_at=now,
        change_note=(change_note or "").strip(),
        is_major=is_major,
    )
    quote_rules.write(translation, revision, drafts)
    audit(
        actor=actor,
        translation=translation,
        action="create" if latest is None else "save_draft",
        now=now,
        message=_("Revision %(number)s") % {"number": revision.number},
    )
    return revision


def _cleaned_text(title, standfirst, body) -> tuple[str, str, str]:
    title = require_text(title, _("A version needs a title."))
    body = require_text(body, _("A version needs a body."))
    return title, (standfirst or "").strip(), body


def _lock_with_latest(translation) -> tuple[Translation, Revision | None]:
    """The version locked with its newest revision; a new version has neither."""
    if translation.pk is None:
        return translation, None
    translation = lock(translation)
    return translation, latest_revision(translation)


def _check_not_overtaken(latest: Revision | None, base_revision: int):
    latest_number = latest.number if latest else 0
    if base_revision != latest_number:
        raise ConflictError(
            _("%(author)s saved this version (revision %(number)s) after you opened it.")
            % {"author": (latest.author if latest and latest.author else _("Someone")), "number": latest_number},
            latest=latest,
        )


def _slug_to_save(translation, slug: str | None, title: str) -> str:
    """The address may change until the version is first published, then it is frozen
    (a meeting-date change keeps the old address answering: FormerAddress).

    A slug typed by the editor (different from the current one) is kept, made readable
    in its script (statements/slugs.py). Otherwise, while the slug still follows the
    title (a translation starts with its original's title and slug), it follows the new
    title, so a translation gets an address in its own language. Empty means "from the
    title" (made unique by `Translation.refresh_derived`)."""
    if translation.first_published_at is not None:
        return translation.slug
    typed = slugs.make_slug(slug) if slug else ""
    if typed and typed != translation.slug:
        return typed
    if not translation.slug or slugs.follows_title(translation.slug, translation.title or ""):
        return "" if slugs.make_slug(title) != slugs.make_slug(translation.title or "") else translation.slug
    return translation.slug


def _takes_text_at_once(translation) -> bool:
    """A new or unreleased version shows its newest text in the row; a released one
    keeps its live text until a revision is published."""
    return translation.pk is None or translation.status in Translation.UNRELEASED_STATUSES


def _write_text(translation, text: tuple[str, str, str], slug: str):
    if _takes_text_at_once(translation):
        translation.title, translation.standfirst, translation.body = text
        translation.slug = slug
        validated_save(translation)
    elif len(text[0]) > TITLE_MAX_LENGTH:
        raise TransitionError(_("The title is too long."))


@logs_refusals
@transaction.atomic
def restore_revision(*, translation: Translation, revision: Revision, actor, now=None) -> Revision:
    """Make an old revision's text the newest again, as a new revision: history is
    never rewritten. The new revision and the audit entry share one time."""
    now = now or timezone.now()
    require_editor_of(actor, translation)
    if revision.translation_id != translation.pk:
        raise TransitionError(_("That revision belongs to another version."))
    latest = latest_revision(translation)
    if latest is None:
        raise TransitionError(_("This version has no revision to restore from."))
    same_text = (latest.title, latest.standfirst, latest.body) == (revision.title, revision.standfirst, revision.body)
    if same_text and quote_rules.same_set(latest, quote_rules.carried(revision)):
        raise TransitionError(_("That revision's text is already the newest."))
    restored = save_draft(
        translation=translation,
        actor=actor,
        title=revision.title,
        standfirst=revision.standfirst,
        body=revision.body,
        base_revision=latest.number,
        change_note=_("Restored revision %(number)s") % {"number": revision.number},
        quotes=quote_rules.carried(revision),
        now=now,
    )
    audit(
        actor=actor,
        translation=translation,
        action="restore_revision",
        now=now,
        message=_("Restored revision %(old)s as revision %(new)s") % {"old": revision.number, "new": restored.number},
    )
    return restored


@logs_refusals
@transaction.atomic
def start_translation(*, source: Translation, language: str, actor, prefill: bool = True, now=None) -> Translation:
    """A new draft version in `language`, from the statement's original.

    Records the original's revision it starts from, so the version knows later when
    the original has changed. `prefill` copies the original's text to translate over.
    """
    now = now or timezone.now()
    require(actor, "statements.add_translation")
    require_language(actor, language)
    source = lock(source)
    if not source.is_original:
        raise TransitionError(_("Translations start from the original version."))
    base = source.live_revision or latest_revision(source)
    placeholder = _(PLACEHOLDER)
    version = Translation(statement=source.statement, language=language)
    save_draft(
        translation=version,
        actor=actor,
        title=base.title if prefill else placeholder,
        standfirst=base.standfirst if prefill else "",
        body=base.body if prefill else placeholder,
        base_revision=0,
        quotes=[],
        now=now,
    )
    version.source_revision = base
    version.save(update_fields=["source_revision"])
    audit(actor=actor, translation=version, action="start_translation", now=now, to_status=Status.DRAFT)
    return version


@logs_refusals
@transaction.atomic
def mark_translation_current(*, translation: Translation, actor, now=None) -> Translation:
    """The translator has dealt with the original's changes: move the base forward."""
    now = now or timezone.now()
    translation = lock(translation)
    newest, old = check_mark_translation_current(translation=translation, actor=actor, now=now)
    translation.source_revision = newest
    translation.save(update_fields=["source_revision", "updated_at"])
    audit(
        actor=actor,
        translation=translation,
        action="mark_translation_current",
        now=now,
        changes={"source_revision": {"before": old.number if old else None, "after": newest.number}},
    )
    return translation


@logs_refusals
@transaction.atomic
def delete_draft(*, translation: Translation, actor, now=None) -> None:
    """Delete a never-published draft (and, for an original with no translations, its
    statement), leaving an audit entry that names what was deleted and by whom."""
    now = now or timezone.now()
    translation = lock(translation)
    check_delete_draft(translation=translation, actor=actor, now=now)
    statement = translation.statement
    goes_with_statement = translation.is_original
    audit(
        actor=actor,
        translation=translation,
        action="delete_draft",
        now=now,
        from_status=translation.status,
        message=translation.title,
        changes={"reference": statement.reference, "statement_deleted": goes_with_statement},
    )
    if goes_with_statement:
        statement.delete()
    else:
        translation.delete()
