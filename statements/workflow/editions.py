"""Signed editions, written by the transitions themselves, in their transaction: the
record (statements/editions.py), its Ed25519 signature, its leaf in the transparency log
and the log's next signed checkpoint all exist at commit, or nothing does.

- `new_edition`: called by every transition that changes what the public sees of a
  version (first publication, corrections, withdrawal, unpublication, restoration, a
  change of the metadata the record holds);
- `withhold_unpublic`: an unscheduled version's editions that never went public are never
  served;
- `sign_released`: the first edition of versions created already released (`load_demo`,
  `generate_demo`, the data migration; the importer makes drafts only), many at a time
  with one checkpoint.
"""

import hashlib
import json

from django.db import transaction
from django.db.models import F, Max, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import editions, signing, tlog, transparency
from ..models import AlertList, Edition, Participation, Quote, Translation, Witness
from ..tasks import alerts as alert_tasks
from ..tasks import side_effects
from ..tasks.queue import defer
from .base import TransitionError

Change = Edition.Change
BULK_CHUNK = 500  # versions signed per query and bulk insert


def _signer():
    try:
        return signing.signer()
    except signing.SigningUnavailable as error:
        raise TransitionError(
            _("Nothing was changed: the statement cannot be signed. %(why)s") % {"why": error}
        ) from error


def _served_previous(translation):
    """The newest edition that was or will be public (an unscheduled one is skipped)."""
    return translation.editions.filter(public_from__isnull=False).order_by("-number").first()


QUOTES = Prefetch("live_revision__quotes", queryset=Quote.objects.select_related("speaker"))


def _what_records_read(prefix=""):
    """What a record reads of a statement besides its row, prefetched: no query per
    participant or topic."""
    with_titles = Prefetch(f"{prefix}participations", queryset=Participation.objects.with_titles())
    return [f"{prefix}topics", f"{prefix}countries", with_titles]


def new_edition(translation: Translation, change: str, *, now, change_note: str = "", only_if_changed=False):
    """Sign and log the next edition of `translation` as it now stands. With
    `only_if_changed`, none is made when the record would hold what the last one holds."""
    private, key = _signer()
    prefetch_related_objects([translation.statement], *_what_records_read())
    prefetch_related_objects([translation], QUOTES)
    previous = _served_previous(translation)
    number = (translation.editions.aggregate(n=Max("number"))["n"] or 0) + 1
    record = editions.build(
        translation,
        number=number,
        change=change,
        now=now,
        previous=previous.sha256 if previous else None,
        key_id=key.key_id,
        change_note=change_note,
    )
    if (
        only_if_changed
        and previous is not None
        and editions.same_content(record, json.loads(bytes(previous.canonical)))
    ):
        return None
    log = transparency.Appender()
    edition = _edition(translation, record, private, key, log, change=change, now=now)
    edition.save()
    log.finish(private, key, now)
    _ask_witnesses()
    if change in Edition.ALERTING:
        # The alert goes when the edition is public, never before (a scheduled version's);
        # none is queued when nobody has asked for alerts in this language yet.
        later = edition.public_from if edition.public_from > now else None
        if later or AlertList.objects.filter(language=translation.language).exists():
            defer(alert_tasks.fan_out, edition.pk, run_after=later)
    translation.edition, translation.edition_at = number, edition.public_from
    Translation.objects.filter(pk=translation.pk).update(edition=number, edition_at=edition.public_from)
    return edition


def _edition(translation, record, private, key, log, *, change, now, public_from=None) -> Edition:
    """An edition of `record`, served from `public_from` (default: now, or the scheduled
    publication time if later)."""
    data = editions.canonical(record)
    if public_from is None:
        public_from = max(now, translation.published_at) if translation.published_at else now
    return Edition(
        translation=translation,
        number=record["edition"],
        change=change,
        status=record["status"],
        created_at=now,
        public_from=public_from,
        canonical=data,
        sha256=hashlib.sha256(data).hexdigest(),
        text_sha256=editions.text_digest(record["body"]),
        signature=private.sign(data),
        key=key,
        leaf_index=log.append(tlog.leaf_hash(data)),
    )


def withhold_unpublic(translation: Translation, *, now):
    """Editions made for a publication that is taken back before its time are never
    served (their record, signature and leaf stay as they were)."""
    Edition.objects.filter(translation=translation, public_from__gt=now).update(public_from=None)


@transaction.atomic
def sign_released(versions, *, now=None, progress=None) -> int:
    """Give every released or unpublished version in `versions` that has no edition yet
    its first, signed and logged, with one checkpoint at the end. For content created
    already in a state in bulk (load_demo, generate_demo, the migration); returns how many
    were signed. Raises TransitionError without a signing key."""
    now = now or timezone.now()
    private, key = _signer()
    wanted = versions.values("pk") if isinstance(versions, QuerySet) else [v.pk for v in versions]
    once_released = Translation.objects.released() | Translation.objects.unpublished()
    unsigned = (
        once_released.filter(pk__in=wanted, edition=0)
        .select_related("statement", "statement__featured_image")
        .prefetch_related(*_what_records_read("statement__"), QUOTES)
        .order_by("first_published_at", "pk")
    )
    ids = list(unsigned.values_list("pk", flat=True))
    log = transparency.Appender() if ids else None
    first = Change.PUBLICATION
    for start in range(0, len(ids), BULK_CHUNK):
        chunk = ids[start : start + BULK_CHUNK]
        made = []
        for version in unsigned.filter(pk__in=chunk):
            record = editions.build(version, number=1, change=first, now=now, previous=None, key_id=key.key_id)
            # Signed now, of what has been public since its publication: served from then
            # (so its ninjs versionCreated does not jump to the day of signing).
            made.append(
                _edition(version, record, private, key, log, change=first, now=now, public_from=version.published_at)
            )
        Edition.objects.bulk_create(made)
        log.flush()
        Translation.objects.filter(pk__in=chunk).update(edition=1, edition_at=F("published_at"))
        if progress:
            progress(len(chunk))
    if log is not None:
        log.finish(private, key, now)
        _ask_witnesses()
    return len(ids)


def _ask_witnesses():
    """Witnesses cosign the new checkpoint: a task after commit (they are other machines)."""
    if Witness.objects.filter(active=True).exists():
        defer(side_effects.ask_witnesses)
