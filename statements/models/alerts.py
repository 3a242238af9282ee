"""Email alerts: who follows which list, how often, and what was sent to whom.

- `AlertList`: one list a reader can follow, by language and normalised filter criteria
  (the same filter in another parameter order is the same list);
- `Subscriber`: an address, stored once (lower-cased) with a hash that the suppression
  list can be joined on;
- `Subscription`: a subscriber following a list, immediately or as a daily or weekly
  digest; requested, then confirmed (the consent, with its time and the wording shown),
  perhaps unsubscribed;
- `Suppression`: addresses that must get no mail (hard bounces, complaints), by hash only;
- `AlertRun`: one fan-out of an edition, or one digest run;
- `Delivery`: one email of a run to one subscriber: a run never sends a subscriber
  two (the unique constraint), whatever is interrupted and run again.
"""

import hashlib
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .fields import LanguageField


def address_hash(email: str) -> str:
    """The suppression list's key for an address (it keeps nothing else of it)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class AlertList(models.Model):
    language = LanguageField()
    key = models.CharField(max_length=64, help_text=_("SHA-256 of the normalised criteria."))
    criteria = models.JSONField(default=dict)
    description = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alert list")
        verbose_name_plural = _("alert lists")
        ordering = ["language", "description"]
        constraints = [models.UniqueConstraint(fields=["language", "key"], name="alert_list_once")]

    def __str__(self):
        return f"{self.description or self.key[:12]} [{self.language}]"


class Subscriber(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    email_hash = models.CharField(max_length=64, db_index=True, editable=False)
    language = LanguageField(help_text=_("The language of the pages and mail that are not about one list."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.email_hash = address_hash(self.email)
        super().save(*args, **kwargs)


def active_q(prefix: str = "") -> Q:
    """Confirmed and not unsubscribed, as a Q usable from related models
    (prefix="subscriptions__"); `Subscription.is_active` says the same of one row."""
    return Q(**{f"{prefix}confirmed_at__isnull": False, f"{prefix}unsubscribed_at__isnull": True})


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active_q())

    def confirmed(self):
        """Subscriptions that get mail: active, their address not suppressed."""
        return self.active().exclude(subscriber__email_hash__in=Suppression.objects.values("email_hash"))


class Subscription(models.Model):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    alert_list = models.ForeignKey(AlertList, on_delete=models.CASCADE, related_name="subscriptions")
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATELY)
    requested_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text=_("When the reader consented."))
    wording = models.TextField(blank=True, help_text=_("What the reader was shown when subscribing."))
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-requested_at"]
        constraints = [models.UniqueConstraint(fields=["subscriber", "alert_list"], name="subscription_once")]
        indexes = [models.Index(fields=["alert_list", "frequency", "confirmed_at"], name="subscription_match")]

    def __str__(self):
        return f"{self.subscriber_id} → {self.alert_list_id} ({self.frequency})"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Suppression(models.Model):
    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Complaint")
        REJECTED = "rejected", _("Refused by the mail server")
        MANUAL = "manual", _("Added by staff")

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    source = models.CharField(max_length=100, blank=True, help_text=_("Where the signal came from."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppression list")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email_hash[:12]}… ({self.get_reason_display()})"


class AlertRun(models.Model):
    """One fan-out of an edition (`kind` immediately) or one digest run (daily, weekly)."""

    kind = models.CharField(max_length=12, choices=Frequency.choices)
    edition = models.ForeignKey("Edition", null=True, blank=True, on_delete=models.CASCADE, related_name="alert_runs")
    period = models.CharField(max_length=20, blank=True, help_text=_("The digest's day or week."))
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    matched = models.PositiveIntegerField(default=0, help_text=_("Subscribers with something to send."))

    class Meta:
        verbose_name = _("alert run")
        verbose_name_plural = _("alert runs")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition"], condition=Q(edition__isnull=False), name="alert_run_edition"),
            models.UniqueConstraint(fields=["kind", "period"], condition=~Q(period=""), name="alert_run_period"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period or self.edition_id}"


class Delivery(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Not sent: suppressed")
        SKIPPED = "skipped", _("Not sent: nothing left to send")
        UNKNOWN = "unknown", _("Interrupted: not sent again")

    run = models.ForeignKey(AlertRun, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    editions = models.JSONField(default=list, help_text=_("The editions the email is about."))
    lists = models.JSONField(default=list, help_text=_("The alert lists that matched."))
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["run", "subscriber"], name="delivery_once")]
        indexes = [models.Index(fields=["run", "outcome"], name="delivery_run_outcome")]

    def __str__(self):
        return f"run {self.run_id} → {self.subscriber_id}: {self.outcome}"
