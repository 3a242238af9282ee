"""Sending: an edition's fan-out, digest runs, and the batches that send their email.

Nothing is sent twice. A run is one row per edition (immediately) or per digest period;
it writes one `Delivery` per subscriber (a unique constraint), so running it again adds
nothing. A batch claims its pending deliveries with a conditional UPDATE before sending
and records each outcome as soon as the SMTP server answers. A temporary failure (the
server down, a 4xx) puts the rest back to pending and the batch is retried with backoff
(statements/tasks/retry.py); a permanent one (5xx) is recorded and never retried, and
a refused recipient is suppressed. A delivery whose worker died mid-send cannot be known
to be unsent: after PRESSOFFICE_ALERT_CLAIM_MINUTES it is marked `unknown`, not sent again.

Mail goes through Django's `get_connection()` at send time, so the settings then in force
apply.
"""

import datetime
import logging
import smtplib
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from ..models import (
    AlertRun,
    Delivery,
    Edition,
    Frequency,
    Subscription,
    Suppression,
    Translation,
)
from . import mail, matching, suppression

logger = logging.getLogger(__name__)
Outcome = Delivery.Outcome
INSERT_CHUNK = 2000


class TemporaryFailure(Exception):
    """The mail server could not take mail now: try the rest later."""


# Fan-out of one edition ------------------------------------------------------------------------


def fan_out(edition_id: int, *, now=None) -> AlertRun | None:
    """Write the deliveries of an edition to the subscribers who follow it immediately,
    and return the run (None when the edition alerts nobody: not an alerting change, not
    public yet or any more)."""
    now = now or timezone.now()
    edition = Edition.objects.select_related("translation__statement").filter(pk=edition_id).first()
    if edition is None or edition.change not in Edition.ALERTING or not edition.is_public_at(now):
        return None
    lists = matching.lists_for(edition.translation, now=now)
    with transaction.atomic():
        run, _created = AlertRun.objects.get_or_create(
            edition=edition, defaults={"kind": Frequency.IMMEDIATELY, "started_at": now}
        )
        subscriptions = Subscription.objects.confirmed().filter(
            alert_list__in=lists, frequency=Frequency.IMMEDIATELY, confirmed_at__lte=now
        )
        by_subscriber = defaultdict(list)
        for subscriber_id, list_id in subscriptions.values_list("subscriber_id", "alert_list_id").iterator():
            by_subscriber[subscriber_id].append(list_id)
        _write(run, {pk: ([edition.pk], sorted(ids)) for pk, ids in by_subscriber.items()})
        queue_batches(run)  # in the same transaction: no delivery is written without its batch
    return run


def _write(run: AlertRun, wanted: dict):
    """One pending delivery per subscriber in `wanted` ({subscriber: (editions, lists)});
    those the run has already are left as they are."""
    rows = (
        Delivery(run=run, subscriber_id=pk, editions=editions, lists=lists) for pk, (editions, lists) in wanted.items()
    )
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_CHUNK:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Delivery.objects.bulk_create(batch, ignore_conflicts=True)
    AlertRun.objects.filter(pk=run.pk).update(matched=run.deliveries.count())


def queue_batches(run: AlertRun) -> int:
    """Queue a send task per batch of the run's pending deliveries; returns how many."""
    from ..tasks import alerts as alert_tasks
    from ..tasks.queue import defer

    size = settings.PRESSOFFICE_ALERT_BATCH_SIZE
    ids = list(run.deliveries.filter(outcome=Outcome.PENDING).order_by("pk").values_list("pk", flat=True))
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    for batch in batches:
        defer(alert_tasks.send_batch, batch)
    return len(batches)


# Digests -------------------------------------------------------------------------------------


def period_end(kind: str, now) -> tuple[str, datetime.datetime]:
    """The latest digest time at or before `now` (PRESSOFFICE_DIGEST_HOUR in the office's
    time zone; weekly ones on PRESSOFFICE_DIGEST_WEEKDAY) and its period's name."""
    local = timezone.localtime(now)
    end = local.replace(hour=settings.PRESSOFFICE_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if end > local:
        end -= datetime.timedelta(days=1)
    if kind == Frequency.WEEKLY:
        end -= datetime.timedelta(days=(end.weekday() - settings.PRESSOFFICE_DIGEST_WEEKDAY) % 7)
        year, week, _day = end.isocalendar()
        return f"{year}-W{week:02d}", end
    return end.date().isoformat(), end


def start_due_digests(*, now=None) -> list[AlertRun]:
    """Start the daily and weekly digest runs whose time has come (each once: the run's
    period is unique). The window runs from the previous run's end (or one period back)."""
    from ..tasks import alerts as alert_tasks
    from ..tasks.queue import defer

    now = now or timezone.now()
    started = []
    for kind, length in ((Frequency.DAILY, 1), (Frequency.WEEKLY, 7)):
        period, end = period_end(kind, now)
        if AlertRun.objects.filter(kind=kind, period=period).exists():
            continue
        if not Subscription.objects.confirmed().filter(frequency=kind).exists():
            continue  # nobody takes this digest: no run
        previous = AlertRun.objects.filter(kind=kind).exclude(period="").order_by("-window_end").first()
        start = end - datetime.timedelta(days=length)
        if previous is not None and previous.window_end and start < previous.window_end < end:
            start = previous.window_end  # a missed period is covered, never twice
        with transaction.atomic():
            run, created = AlertRun.objects.get_or_create(
                kind=kind,
                period=period,
                defaults={"started_at": now, "window_start": start, "window_end": end},
            )
            if created:
                defer(alert_tasks.build_digest, run.pk)
                started.append(run)
    return started


def build_digest(run_id: int, *, now=None) -> AlertRun | None:
    """Write a digest run's deliveries: each subscriber of that frequency, with the
    editions in the window that their lists match (and that came after their consent);
    nobody with nothing in it."""
    now = now or timezone.now()
    run = AlertRun.objects.filter(pk=run_id).exclude(period="").first()
    if run is None:
        return None
    editions = (
        Edition.objects.filter(
            change__in=Edition.ALERTING, public_from__gt=run.window_start, public_from__lte=run.window_end
        )
        .filter(translation__in=Translation.objects.public(now=now))
        .select_related("translation__statement")
        .order_by("public_from", "pk")
    )
    lists_of = {}  # edition -> (public_from, matched lists)
    for edition in editions:
        lists_of[edition.pk] = (edition.public_from, set(matching.lists_for(edition.translation, now=now)))
    every_list = set().union(*(lists for _at, lists in lists_of.values())) if lists_of else set()
    subscriptions = Subscription.objects.confirmed().filter(
        alert_list__in=every_list, frequency=run.kind, confirmed_at__lte=run.window_end
    )
    wanted = defaultdict(lambda: ([], set()))
    rows = subscriptions.values_list("subscriber_id", "alert_list_id", "confirmed_at").iterator(chunk_size=5000)
    for subscriber_id, list_id, confirmed_at in rows:
        for edition_id, (public_from, lists) in lists_of.items():
            if list_id in lists and confirmed_at <= public_from:
                editions_of, lists_seen = wanted[subscriber_id]
                if edition_id not in editions_of:
                    editions_of.append(edition_id)
                lists_seen.add(list_id)
    order = {pk: position for position, pk in enumerate(lists_of)}  # by publication time
    with transaction.atomic():
        _write(run, {pk: (sorted(eds, key=order.get), sorted(ls)) for pk, (eds, ls) in wanted.items()})
        queue_batches(run)
    return run


# Sending ---------------------------------------------------------------------------------------


def claim(ids, *, now=None) -> list[Delivery]:
    """Take the pending deliveries among `ids` for this process (one UPDATE; another
    process running the same batch gets none of them)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    Delivery.objects.filter(pk__in=ids, outcome=Outcome.PENDING).update(
        outcome=Outcome.SENDING, claim=token, claimed_at=now
    )
    return list(Delivery.objects.filter(claim=token, outcome=Outcome.SENDING).select_related("run", "subscriber"))


def _record(delivery, outcome, *, now=None, error=""):
    Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
        outcome=outcome,
        sent_at=now if outcome == Outcome.SENT else None,
        attempts=delivery.attempts + 1,
        error=error[:300],
    )


def _release(deliveries, error: str):
    """Back to pending, for the retry."""
    for delivery in deliveries:
        Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
            outcome=Outcome.PENDING, claim="", claimed_at=None, attempts=delivery.attempts + 1, error=error[:300]
        )


class Composer:
    """Builds each delivery's message, reading editions, lists and subscriptions once
    per batch."""

    def __init__(self, deliveries):
        edition_ids = {pk for d in deliveries for pk in d.editions}
        self.editions = {e.pk: e for e in Edition.objects.filter(pk__in=edition_ids).select_related("translation")}
        self.public = set(Translation.objects.public().filter(editions__in=edition_ids).values_list("pk", flat=True))
        subscribers = {d.subscriber_id for d in deliveries}
        self.subscriptions = defaultdict(list)
        for subscription in Subscription.objects.filter(subscriber__in=subscribers).select_related("alert_list"):
            self.subscriptions[subscription.subscriber_id].append(subscription)
        self.items = {}

    def message(self, delivery):
        """The message, or None when nothing in it may be sent any more (hidden since, or
        the subscriber has left those lists)."""
        run = delivery.run
        mine = [
            s
            for s in self.subscriptions[delivery.subscriber_id]
            if s.alert_list_id in delivery.lists and s.is_active and s.frequency == run.kind
        ]
        editions = [self.editions[pk] for pk in delivery.editions if pk in self.editions]
        editions = [e for e in editions if e.translation_id in self.public]
        if not mine or not editions:
            return None
        language = editions[0].translation.language
        items = [self._item(edition, language) for edition in editions]
        digest = "" if run.kind == Frequency.IMMEDIATELY else run.kind
        return mail.alert(delivery.subscriber, mine, items, language=language, digest=digest)

    def _item(self, edition, language):
        if edition.pk not in self.items:
            self.items[edition.pk] = mail.edition_item(edition, language)
        return self.items[edition.pk]


def send(ids, *, now=None) -> dict:
    """Send the pending deliveries among `ids`; returns counts by outcome. Raises
    `TemporaryFailure` (after putting the unsent back to pending) when the mail server
    cannot take mail now."""
    deliveries = claim(ids, now=now)
    counts = defaultdict(int)
    if not deliveries:
        return dict(counts)
    composer = Composer(deliveries)
    suppressed = set(
        Suppression.objects.filter(email_hash__in=[d.subscriber.email_hash for d in deliveries]).values_list(
            "email_hash", flat=True
        )
    )
    connection = get_connection(fail_silently=False)
    try:
        for index, delivery in enumerate(deliveries):
            if delivery.subscriber.email_hash in suppressed:
                _record(delivery, Outcome.SUPPRESSED)
                counts[Outcome.SUPPRESSED] += 1
                continue
            message = composer.message(delivery)
            if message is None:
                _record(delivery, Outcome.SKIPPED)
                counts[Outcome.SKIPPED] += 1
                continue
            outcome, error = deliver(connection, message)
            if outcome is None:  # temporary: this one and the rest wait for the retry
                _release(deliveries[index:], error)
                raise TemporaryFailure(error)
            _record(delivery, outcome, now=timezone.now(), error=error)
            counts[outcome] += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection
            logger.debug("closing the mail connection failed", exc_info=True)
    return dict(counts)


def deliver(connection, message) -> tuple[str | None, str]:
    """Send one message: (SENT, ""), (FAILED, why) for a permanent refusal, or (None,
    why) when it is worth trying again later. A recipient the server refuses for good
    (5xx to RCPT) is suppressed."""
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        code, reason = next(iter(error.recipients.values()))
        if 400 <= code < 500:
            return None, f"{code} {reason!r}"
        for address in error.recipients:
            suppression.suppress(address, Suppression.Reason.REJECTED, source="smtp")
        return Outcome.FAILED, f"refused: {code} {reason!r}"
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            return None, f"{error.smtp_code} {error.smtp_error!r}"
        return Outcome.FAILED, f"{error.smtp_code} {error.smtp_error!r}"
    except (smtplib.SMTPException, OSError) as error:
        return None, f"{type(error).__name__}: {error}"
    return Outcome.SENT, ""


def mark_interrupted(*, now=None) -> int:
    """Deliveries claimed by a worker that died mid-send: whether they went is unknown,
    so they are recorded as such and never sent again (nothing twice)."""
    now = now or timezone.now()
    before = now - datetime.timedelta(minutes=settings.PRESSOFFICE_ALERT_CLAIM_MINUTES)
    return Delivery.objects.filter(outcome=Outcome.SENDING, claimed_at__lt=before).update(
        outcome=Outcome.UNKNOWN, error="interrupted while sending"
    )
