"""Every change to the state or text of existing content goes through this module.

Each function takes keyword-only arguments, the acting user as `actor=` and the time
as `now=`; it runs in one transaction with the version locked, checks permission and
validity, and writes an AuditEntry (and a Revision when the text changes). A refusal
raises TransitionError and changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditEntry, Revision, Statement, Translation

EDITABLE_LIVE_FIELDS = ("title", "standfirst", "body")


class TransitionError(Exception):
    """A refused change; `str(error)` is the message for the user."""


class ConflictError(TransitionError):
    """Someone else saved the version after the editor opened it."""

    def __init__(self, message, *, latest: Revision):
        super().__init__(message)
        self.latest = latest


def _require(actor, permission: str):
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise TransitionError(_("You do not have permission to do this."))


def _audit(*, actor, translation, action, now, from_status="", to_status="", message="", changes=None):
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


def _validated_save(translation: Translation):
    translation.refresh_derived()
    try:
        translation.full_clean()
        with transaction.atomic():
            translation.save()
    except ValidationError as error:
        raise TransitionError(" ".join(error.messages)) from error
    except IntegrityError as error:
        # Two people created the same language version at once: the second is refused.
        raise TransitionError(_("This statement already has a version in this language.")) from error


def _latest_revision(translation) -> Revision | None:
    return translation.revisions.order_by("-number").first()


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
    title, body = (title or "").strip(), (body or "").strip()
    standfirst = (standfirst or "").strip()
    if not title:
        raise TransitionError(_("A version needs a title."))
    if not body:
        raise TransitionError(_("A version needs a body."))
    if translation.pk is None:
        latest = None
    else:
        translation = Translation.objects.select_for_update().select_related("statement").get(pk=translation.pk)
        latest = _latest_revision(translation)
    latest_number = latest.number if latest else 0
    if base_revision != latest_number:
        raise ConflictError(
            _("%(author)s saved this version (revision %(number)s) after you opened it.")
            % {"author": (latest.author if latest and latest.author else _("Someone")), "number": latest_number},
            latest=latest,
        )
    writes_row = translation.pk is None or translation.status in (
        Translation.Status.DRAFT,
        Translation.Status.IN_REVIEW,
    )
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


@transaction.atomic
def update_statement(*, statement: Statement, actor, changed: list[str], now=None) -> Statement:
    """Save a statement's metadata, keep its versions' meeting date in step, and audit
    the before and after values of each changed field."""
    now = now or timezone.now()
    _require(actor, "statements.change_statement")
    before = Statement.objects.select_for_update().get(pk=statement.pk)
    changes = {}
    for name in changed:
        field = Statement._meta.get_field(name) if name in _CONCRETE_STATEMENT_FIELDS else None
        if field is not None:
            changes[name] = {
                "before": _jsonable(field.value_from_object(before)),
                "after": _jsonable(field.value_from_object(statement)),
            }
    statement.save()
    if before.occurred_on != statement.occurred_on:
        # Versions carry the date for their address; refresh it through save() so the
        # per-date slug rule is checked for each.
        for version in statement.translations.select_for_update():
            version.statement = statement
            _validated_save(version)
    if changes:
        AuditEntry.objects.create(
            actor=actor,
            at=now,
            action="update_statement",
            statement=statement,
            object_repr=str(statement),
            changes=changes,
        )
    return statement


_CONCRETE_STATEMENT_FIELDS = {f.name for f in Statement._meta.concrete_fields}


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
