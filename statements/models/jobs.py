"""What the background tasks (statements/tasks/) keep in the database of their own.

- `OutboxTask`: a task owed to a queue outside this database (RQ on Redis), written in the
  same transaction as the change that owes it and handed to the queue after commit; one
  that could not be handed over (Redis down) waits here and is handed over later.
- `WebSubDelivery`: one feed to announce to the WebSub hub for one public change, so a task
  run twice (a worker killed, a retry) never pings the same feed for the same change twice.
- `PeriodicJob`: when each periodic job is next due, so that several workers share one
  schedule instead of each running it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    task_path = models.CharField(_("task"), max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    run_after = models.DateTimeField(_("run after"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("hand-over attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # A lease: the process handing this row over now; another skips it until it lapses.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task waiting for the queue")
        verbose_name_plural = _("tasks waiting for the queue")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["created_at"], name="outbox_created_idx")]

    def __str__(self):
        return self.task_path.rsplit(".", 1)[-1]


class WebSubDelivery(models.Model):
    """One feed of one public change, owed to the hub until it answers 2xx (delivered) or
    4xx (refused: not retried)."""

    publication = models.CharField(_("public change"), max_length=100)
    topic = models.URLField(_("feed"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # A lease: the worker sending this ping now; another run skips it until it lapses.
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)

    class Meta:
        verbose_name = _("WebSub delivery")
        verbose_name_plural = _("WebSub deliveries")
        ordering = ["-created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["publication", "topic"], name="websub_once_per_change")]

    def __str__(self):
        return self.topic


class PeriodicJob(models.Model):
    name = models.CharField(max_length=50, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return self.name
