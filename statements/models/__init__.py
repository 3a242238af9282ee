"""The content model (DESIGN.md "Domain model"), one module per concern:

- `fields`: the language field, names in other languages, private storage;
- `images`: pictures and their renditions;
- `vocabularies`: people, roles, appointments, topics, countries;
- `quotes`: quotations as records, one set per revision;
- `administrations`: governments in office, for history mode;
- `statements`: statements and their participants;
- `versions`: language versions (`Translation`) and their revisions;
- `addresses`: the addresses versions had before their meeting date changed;
- `staff`: staff profiles, the audit log, preview links;
- `editions`: signed editions, signing keys and the transparency log;
- `alerts`: email alerts (lists, subscribers, subscriptions, suppression, runs, deliveries);
- `jobs`: the background tasks' own records (outbox, WebSub deliveries, periodic runs);
- `states`: the publication states; `querysets`: which rows, for readers and editors.

Every model is importable from here (`from statements.models import Translation`).

Glossary
--------
version
    One language of a statement, the original included: a `Translation` row. Its text
    as readers see it is in the row; edits wait as `Revision`s.
released
    A publisher has published it: status `published` or `withdrawn`
    (`RELEASED_STATUSES`, `Translation.is_released`). A released version is either
    public or scheduled.
public
    Readers may see it: released, and `published_at` has come
    (`Translation.objects.public()`, the one visibility rule; `Translation.is_public`).
live
    The same as public, said of a version or a statement ("the statement is live" when
    one of its versions is public). The *live revision* is the revision whose text a
    released version shows.
scheduled
    Published, with its first publication still in the future
    (`Translation.objects.scheduled()`, `Translation.is_scheduled()`). It becomes
    public at that instant, with no job to run.
withdrawn
    Public still, with the publisher's explanation on top (`Status.WITHDRAWN`,
    `Translation.is_withdrawn`). Feeds and the API mark it.
unpublished
    Taken off the site after being public: its address answers 410, or 301 to the
    statement it was consolidated into (`Translation.objects.unpublished()`).
announced
    The side effects of going public (cache, image files, WebSub) have run
    (`announced_at`). Visibility never waits for it; a task queued for the scheduled
    time (and the worker's periodic trigger, or `publish_due`) announces it.
"""

from .addresses import FormerAddress
from .administrations import Administration
from .alerts import AlertList, AlertRun, Delivery, Frequency, Subscriber, Subscription, Suppression, address_hash
from .editions import Checkpoint, Cosignature, Edition, LogNode, SigningKey, Witness
from .fields import LanguageField, NamedModel, private_storage, validate_names
from .images import Image, Rendition
from .jobs import OutboxTask, PeriodicJob, WebSubDelivery
from .querysets import public_q, scheduled_q
from .quotes import Quote
from .rendered import RenderedEntry
from .staff import AuditEntry, MachineSuggestion, PreviewLink, StaffProfile
from .statements import Participation, Statement, next_reference
from .states import RELEASED_STATUSES, UNRELEASED_STATUSES, Status
from .versions import Revision, Translation
from .vocabularies import Appointment, Country, Person, Role, Topic

__all__ = [
    "Administration",
    "FormerAddress",
    "MachineSuggestion",
    "Quote",
    "AlertList",
    "AlertRun",
    "Delivery",
    "Frequency",
    "Subscriber",
    "Subscription",
    "Suppression",
    "address_hash",
    "RELEASED_STATUSES",
    "UNRELEASED_STATUSES",
    "Appointment",
    "AuditEntry",
    "Checkpoint",
    "Cosignature",
    "Country",
    "Edition",
    "Image",
    "LanguageField",
    "LogNode",
    "NamedModel",
    "OutboxTask",
    "Participation",
    "PeriodicJob",
    "Person",
    "PreviewLink",
    "RenderedEntry",
    "Rendition",
    "Revision",
    "Role",
    "SigningKey",
    "StaffProfile",
    "Statement",
    "Status",
    "Topic",
    "Translation",
    "WebSubDelivery",
    "Witness",
    "next_reference",
    "private_storage",
    "public_q",
    "scheduled_q",
    "validate_names",
]
