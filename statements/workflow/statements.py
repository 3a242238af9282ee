"""Changes around the versions: a statement's metadata, and preview links."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import cachetags
from ..models import AuditEntry, FormerAddress, PreviewLink, Statement, Translation
from .base import (
    TransitionError,
    audit,
    changed_public_content,
    logs_refusals,
    require,
    require_publisher,
    validated_save,
)
from .editions import Change, new_edition


def statement_is_released(statement: Statement) -> bool:
    """One of its versions is released (public or scheduled)."""
    return statement.translations.released().exists()


# History mode's overrides: a publisher's decision, audited like the rest.
HISTORY_FIELDS = ["administration_id", "administration_by_hand", "political"]


def metadata_snapshot(statement: Statement) -> dict:
    """The statement's metadata as plain values, for before/after audit entries."""
    fields = ["kind", "occurred_on", "occurred_time", "location", "featured_image_id", "is_featured", *HISTORY_FIELDS]
    current = Statement.objects.get(pk=statement.pk)
    snapshot = {name: _jsonable(getattr(current, name)) for name in fields}
    snapshot["topics"] = sorted(current.topics.values_list("slug", flat=True))
    snapshot["countries"] = sorted(current.countries.values_list("code", flat=True))
    snapshot["participants"] = [
        f"{p.person.slug}:{p.part}:{p.label}" for p in current.participations.select_related("person")
    ]
    return snapshot


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@logs_refusals
@transaction.atomic
def update_statement(*, statement: Statement, actor, apply, now=None) -> Statement:
    """Change a statement's metadata: `apply()` saves the row and its relations.

    Once a version is released, only publishers may; every change is audited with its
    before and after values, and the versions' meeting date follows the statement's.
    """
    now = now or timezone.now()
    require(actor, "statements.change_statement")
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    released = statement_is_released(locked)
    if released:
        require_publisher(actor)
    before = metadata_snapshot(locked)
    # The lists it was on: a change of people, topics, countries, kind or date moves it out.
    heads = cachetags.heads_of_statement(
        locked, set(locked.translations.released().values_list("language", flat=True))
    )
    apply()
    after = metadata_snapshot(statement)
    if before["occurred_on"] != after["occurred_on"]:
        # Versions carry the date for their address; refresh it through save() so the
        # per-date slug rule is checked for each.
        for version in statement.translations.select_for_update():
            old_address = (version.occurred_on, version.slug)
            version.statement = statement
            validated_save(version)
            if version.first_published_at is not None:
                _keep_former_address(version, *old_address, now=now)
    changes = {k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]}
    overridden = {"administration_by_hand", "political"} & set(changes) or (
        after["administration_by_hand"] and "administration_id" in changes
    )
    if overridden:
        require_publisher(actor)  # refused: the transaction rolls back what apply() wrote
    if changes:
        AuditEntry.objects.create(
            actor=actor,
            at=now,
            action="update_statement",
            statement=statement,
            object_repr=str(statement),
            changes=changes,
        )
        if released:
            for version in statement.translations.released():
                new_edition(version, Change.METADATA, now=now, only_if_changed=True)
                changed_public_content(version, "metadata", before=heads)
    return statement


def _keep_former_address(version: Translation, occurred_on, slug: str, *, now):
    """A version once published keeps answering at the address it leaves: readers and
    feeds holding it are sent on (statements/addresses.py). The newest to leave an
    address owns it; the address it now has is no longer a former one."""
    FormerAddress.objects.update_or_create(
        language=version.language,
        occurred_on=occurred_on,
        slug=slug,
        defaults={"translation": version, "recorded_at": now},
    )
    FormerAddress.objects.filter(
        translation=version, language=version.language, occurred_on=version.occurred_on, slug=version.slug
    ).delete()


@logs_refusals
@transaction.atomic
def create_preview_link(*, translation: Translation, actor, days: int = 7, note: str = "", now=None) -> PreviewLink:
    now = now or timezone.now()
    require(actor, "statements.add_previewlink")
    if not 1 <= days <= 30:
        raise TransitionError(_("A preview link lasts from 1 to 30 days."))
    link = PreviewLink.objects.create(
        translation=translation,
        created_by=actor,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
        note=(note or "").strip()[:200],
    )
    audit(actor=actor, translation=translation, action="create_preview_link", now=now, message=link.note)
    return link


@logs_refusals
@transaction.atomic
def revoke_preview_link(*, link: PreviewLink, actor, now=None) -> PreviewLink:
    now = now or timezone.now()
    require(actor, "statements.add_previewlink")
    link = PreviewLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
        audit(actor=actor, translation=link.translation, action="revoke_preview_link", now=now, message=link.note)
    return link
