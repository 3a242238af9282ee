"""What a reader does: ask for alerts, confirm, unsubscribe, change or delete everything.

Asking never says whether the address was known (the same answer every time) and stores
nothing for a suppressed address. Confirming is the consent: its time, the list's
criteria and the wording shown are kept with the subscription.
"""

import enum
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Frequency, Subscriber, Subscription
from . import criteria as criteria_module
from . import suppression, tokens


def wording(description: str, frequency: str) -> str:
    """The sentence a reader agrees to by confirming."""
    return _("Send me email about: %(list)s. How often: %(frequency)s.") % {
        "list": description,
        "frequency": Frequency(frequency).label,
    }


@transaction.atomic
def request(address: str, frequency: str, criteria: dict, language: str, *, now=None) -> Subscription | None:
    """Record the request and queue the confirmation mail; None for a suppressed address
    (nothing stored, nothing sent)."""
    from ..tasks import alerts as alert_tasks
    from ..tasks.queue import defer

    now = now or timezone.now()
    address = address.strip().lower()
    if suppression.is_suppressed(address):
        return None
    alert_list = criteria_module.list_for(criteria, language)
    subscriber, _created = Subscriber.objects.get_or_create(email=address, defaults={"language": language})
    subscription, created = Subscription.objects.get_or_create(
        subscriber=subscriber,
        alert_list=alert_list,
        defaults={"frequency": frequency, "requested_at": now, "wording": wording(alert_list.description, frequency)},
    )
    if not created and not subscription.is_active:
        # Asked again before confirming, or after leaving: the new request stands.
        subscription.frequency, subscription.requested_at = frequency, now
        subscription.wording = wording(alert_list.description, frequency)
        subscription.save(update_fields=["frequency", "requested_at", "wording"])
    defer(alert_tasks.send_confirmation, subscription.pk, frequency)
    return subscription


class Confirmed(enum.Enum):
    DONE = "done"
    ALREADY = "already"
    GONE = "gone"  # the subscription was deleted (expired, or everything deleted)


@transaction.atomic
def confirm(token: str, *, now=None) -> tuple[Confirmed, Subscription | None]:
    """Consent, from a confirmation link. Raises tokens.Invalid / tokens.Expired."""
    now = now or timezone.now()
    data = tokens.read(token, tokens.CONFIRM)
    frequency = data.get("f")
    if frequency not in Frequency.values:
        raise tokens.Invalid("frequency")
    subscription = (
        Subscription.objects.select_for_update().select_related("alert_list", "subscriber").filter(pk=data.get("s"))
    ).first()
    if subscription is None:
        return Confirmed.GONE, None
    if subscription.is_active and subscription.frequency == frequency:
        return Confirmed.ALREADY, subscription
    subscription.frequency = frequency
    subscription.confirmed_at, subscription.unsubscribed_at = now, None
    subscription.wording = wording(subscription.alert_list.description, frequency)
    subscription.save(update_fields=["frequency", "confirmed_at", "unsubscribed_at", "wording"])
    return Confirmed.DONE, subscription


def subscriber_of(token: str, salt: str) -> tuple[Subscriber | None, dict]:
    """The address a manage or unsubscribe token names (None if it was deleted). Raises
    tokens.Invalid."""
    data = tokens.read(token, salt)
    try:
        key = uuid.UUID(str(data.get("u")))
    except ValueError as error:
        raise tokens.Invalid("no address") from error
    return Subscriber.objects.filter(uuid=key).first(), data


def unsubscribe(token: str, *, now=None) -> int:
    """Leave the lists an email was about; how many subscriptions ended. A token naming
    nothing (deleted since, or never valid) ends none."""
    now = now or timezone.now()
    try:
        subscriber, data = subscriber_of(token, tokens.UNSUBSCRIBE)
    except tokens.Invalid:
        return 0
    if subscriber is None:
        return 0
    ids = [pk for pk in data.get("s", []) if isinstance(pk, int)]
    return subscriber.subscriptions.filter(pk__in=ids, unsubscribed_at__isnull=True).update(unsubscribed_at=now)


def change(subscriber: Subscriber, subscription_id, frequency: str) -> bool:
    """A frequency change from the manage page (the address's own subscriptions only)."""
    if frequency not in Frequency.values:
        return False
    return bool(
        subscriber.subscriptions.active()
        .filter(pk=subscription_id)
        .exclude(frequency=frequency)
        .update(frequency=frequency)
    )


def leave(subscriber: Subscriber, subscription_id, *, now=None) -> bool:
    now = now or timezone.now()
    return bool(subscriber.subscriptions.active().filter(pk=subscription_id).update(unsubscribed_at=now))


def delete_everything(subscriber: Subscriber) -> None:
    """The address and everything about it: its subscriptions and what was sent to it."""
    subscriber.delete()
