"""The suppression list: addresses that must get no mail, kept as hashes only.

Signals come from three places:
- the mail server refusing a recipient with a 5xx while sending (statements/alerts/sending.py);
- an email service's tracking webhooks through django-anymail (`tracked`, connected in
  apps.py when anymail is installed): bounces, complaints, rejections;
- delivery status notifications in a mailbox (`manage.py process_bounces`), for plain
  SMTP with PRESSOFFICE_BOUNCE_ADDRESS as the envelope sender.

Also here: the privacy purges (unconfirmed and unsubscribed addresses are forgotten).
"""

import datetime
import email.policy
import email.utils
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Subscriber, Subscription, Suppression, address_hash

logger = logging.getLogger(__name__)
Reason = Suppression.Reason


def suppress(address: str, reason: str, *, source: str = "") -> bool:
    """Stop all mail to `address`; True when it was not suppressed before."""
    digest = address_hash(address)
    try:
        with transaction.atomic():
            _row, created = Suppression.objects.get_or_create(
                email_hash=digest, defaults={"reason": reason, "source": source[:100]}
            )
    except IntegrityError:  # another process suppressed it at the same moment
        return False
    if created:
        logger.info("address suppressed", extra={"event": "alert_suppressed", "reason": reason, "source": source})
    return created


def is_suppressed(address: str) -> bool:
    return Suppression.objects.filter(email_hash=address_hash(address)).exists()


# django-anymail's tracking webhooks -----------------------------------------------------------

TRACKED = {"bounced": Reason.BOUNCE, "complained": Reason.COMPLAINT, "rejected": Reason.REJECTED}


def tracked(sender, event, esp_name, **kwargs):
    """anymail's `tracking` signal: hard bounces, complaints and rejections suppress the
    address (deferred and soft events do not)."""
    reason = TRACKED.get(event.event_type)
    if reason and event.recipient and not (reason == Reason.BOUNCE and _soft(event.esp_event)):
        suppress(event.recipient, reason, source=f"anymail:{esp_name}")


def _soft(esp_event) -> bool:
    """A bounce that anymail calls "bounced" but the service calls temporary (Postmark's
    SoftBounce, Amazon SES's Transient): the next message may well arrive."""
    if not isinstance(esp_event, dict):
        return False
    bounce = esp_event.get("bounce") if isinstance(esp_event.get("bounce"), dict) else {}
    return esp_event.get("Type") == "SoftBounce" or bounce.get("bounceType") == "Transient"


# Delivery status notifications (RFC 3464) and complaint reports (RFC 5965) --------------------


def signals_in(message) -> list[tuple[str, str]]:
    """(address, reason) for each permanent failure or complaint a message reports."""
    if message.get_content_type() != "multipart/report":
        return []
    report_type = (message.get_param("report-type") or "").lower()
    found = []
    for part in message.walk():
        content_type = part.get_content_type()
        if report_type == "delivery-status" and content_type == "message/delivery-status":
            # The payload is a list of header blocks: the message's, then one per recipient.
            for block in part.get_payload()[1:] if part.is_multipart() else []:
                action = (block.get("Action") or "").strip().lower()
                status = (block.get("Status") or "").strip()
                recipient = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
                if recipient and action == "failed" and status.startswith("5"):
                    found.append((recipient, Reason.BOUNCE))
        elif report_type == "feedback-report" and content_type == "message/feedback-report":
            blocks = part.get_payload() if part.is_multipart() else []
            for block in blocks:
                recipient = _address(block.get("Original-Rcpt-To"))
                if recipient:
                    found.append((recipient, Reason.COMPLAINT))
    return found


def _address(value) -> str:
    """`rfc822; someone@example.org` → someone@example.org."""
    if not value:
        return ""
    text = str(value)
    if ";" in text:
        text = text.split(";", 1)[1]
    return email.utils.parseaddr(text.strip())[1].strip().lower()


def read_message(raw: bytes) -> tuple[int, int]:
    """Suppress every address one message reports as failed permanently or complaining;
    (signals found, addresses newly suppressed). Anything else in it is ignored."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    found = signals_in(message)
    return len(found), sum(suppress(address, reason, source="dsn") for address, reason in found)


# Privacy ------------------------------------------------------------------------------------


def purge(*, now=None) -> dict:
    """Forget unconfirmed subscriptions after PRESSOFFICE_ALERT_CONFIRM_DAYS and
    unsubscribed ones after PRESSOFFICE_ALERT_FORGET_DAYS, then every address with no
    subscription left (the suppression list keeps only hashes)."""
    now = now or timezone.now()
    unconfirmed = now - datetime.timedelta(days=settings.PRESSOFFICE_ALERT_CONFIRM_DAYS)
    unsubscribed = now - datetime.timedelta(days=settings.PRESSOFFICE_ALERT_FORGET_DAYS)
    expired = Subscription.objects.filter(confirmed_at__isnull=True, requested_at__lt=unconfirmed).delete()[1]
    left = Subscription.objects.filter(unsubscribed_at__lt=unsubscribed).delete()[1]
    gone = Subscriber.objects.filter(subscriptions__isnull=True, created_at__lt=unconfirmed).delete()[1]
    label, address_label = Subscription._meta.label, Subscriber._meta.label
    return {
        "unconfirmed": expired.get(label, 0),
        "unsubscribed": left.get(label, 0),
        "addresses": gone.get(address_label, 0),
    }
