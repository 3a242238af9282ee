"""WebSub: tell the hub which feeds changed when a version is published, corrected
(major), withdrawn or goes live, so subscribers hear at once instead of polling.

The pings are sent by a task (`statements.tasks.notify_hub`), never in the editor's
request. Each public change has a key (`publication`); each of its feeds is a
`WebSubDelivery` row, delivered once: a task run twice (a retry, a worker killed
mid-task) sends only what is still owed. A worker holds a short lease on the row while it
sends, so two runs at once do not send the same ping. A hub answering 5xx or not
answering is retried with backoff; one answering 4xx refuses the ping for good.
"""

import datetime
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from .models import Translation, WebSubDelivery
from .tasks.retry import PermanentFailure, TransientFailure

logger = logging.getLogger(__name__)

# Every signed edition pings (a minor correction changes the entries' text too); a
# scheduled version's only when it goes live.
REASONS = {"publish", "correct_major", "correct_minor", "withdraw", "unpublish", "restore", "metadata", "went_live"}
TIMEOUT = 3  # seconds per ping
FORMATS = ("rss", "atom", "json")
LEASE = datetime.timedelta(seconds=TIMEOUT * 2 + 1)  # a ping takes TIMEOUT at most


class HubRefused(Exception):
    """The hub answered 4xx: sending the same ping again will not help."""


def topics_for(translation) -> list[str]:
    """Absolute addresses of every feed the version appears in without filters."""
    base = settings.PRESSOFFICE_SITE_URL.rstrip("/")
    statement = translation.statement
    paths = []
    with override(translation.language):
        paths += [reverse(f"statements:feed-{fmt}") for fmt in FORMATS]
        for slug in statement.participants.values_list("slug", flat=True):
            paths += [reverse(f"statements:person-feed-{fmt}", args=[slug]) for fmt in FORMATS]
        for slug in statement.topics.values_list("slug", flat=True):
            paths += [reverse(f"statements:topic-feed-{fmt}", args=[slug]) for fmt in FORMATS]
        for code in statement.countries.values_list("code", flat=True):
            paths += [reverse(f"statements:country-feed-{fmt}", args=[code]) for fmt in FORMATS]
    return [base + path for path in paths]


def publication_key(translation, reason: str) -> str:
    """A key of its own for one public change of one version."""
    return f"{reason}:{translation.pk}:{uuid.uuid4().hex[:12]}"


def deliver(publication: str, translation_id: int | None) -> int:
    """Send what is still owed for one public change; returns how many were delivered.
    Raises TransientFailure when some ping should be tried again later, PermanentFailure
    when the hub refused one or the version is gone."""
    hub = settings.PRESSOFFICE_WEBSUB_HUB_URL
    if not hub:
        return 0
    if translation_id is not None and not WebSubDelivery.objects.filter(publication=publication).exists():
        translation = Translation.objects.select_related("statement").filter(pk=translation_id).first()
        if translation is None:
            raise PermanentFailure(f"version {translation_id} no longer exists; nothing to announce")
        WebSubDelivery.objects.bulk_create(
            [WebSubDelivery(publication=publication, topic=topic) for topic in topics_for(translation)],
            ignore_conflicts=True,
        )
    owed = WebSubDelivery.objects.filter(publication=publication, delivered_at__isnull=True, refused_at__isnull=True)
    delivered, failed, refused = 0, [], []
    for delivery in owed.order_by("pk"):
        now = timezone.now()
        free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        if not owed.filter(free, pk=delivery.pk).update(claimed_until=now + LEASE, attempts=F("attempts") + 1):
            continue  # sent by another run right now, or already done
        outcome = {"claimed_until": None}
        try:
            _send(hub, delivery.topic)
        except HubRefused as error:
            outcome.update(refused_at=timezone.now(), last_error=str(error)[:300])
            refused.append(delivery.topic)
        except (OSError, urllib.error.URLError) as error:
            outcome.update(last_error=str(error)[:300])
            failed.append(delivery.topic)
        else:
            outcome.update(delivered_at=timezone.now(), last_error="")
            delivered += 1
        WebSubDelivery.objects.filter(pk=delivery.pk).update(**outcome)
    if refused:
        raise PermanentFailure(f"the hub refused {len(refused)} ping(s), e.g. {refused[0]}")
    if failed:
        raise TransientFailure(f"{len(failed)} ping(s) failed, e.g. {failed[0]}")
    return delivered


def _send(hub: str, topic: str):
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
    request = urllib.request.Request(hub, data=body, method="POST")  # noqa: S310 - the configured hub
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if 400 <= status < 500 and status not in (408, 429):
        raise HubRefused(f"hub answered {status} for {topic}")
    if status >= 300:
        raise OSError(f"hub answered {status}")
