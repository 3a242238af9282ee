"""The email-alert tasks (statements/alerts/sending.py does the work).

- `fan_out`: queued by the workflow with each edition that alerts (first publication,
  major correction, withdrawal), to run at the edition's public time;
- `build_digest`: queued by the periodic trigger when a digest is due;
- `send_batch`: one per batch of recipients, retried on temporary SMTP failures (the
  server down, 4xx), never on 5xx;
- `send_confirmation`: the double opt-in mail;
- `purge_addresses`: the daily privacy purge.
"""

from django.utils import timezone
from django_tasks import task

from ..alerts import mail, sending, suppression
from ..models import Subscription
from .retry import PermanentFailure, TransientFailure, retrying


@task()
def fan_out(edition_id: int) -> dict:
    run = sending.fan_out(edition_id)
    return {"run": run.pk if run else None, "matched": run.deliveries.count() if run else 0}


@task()
def build_digest(run_id: int) -> dict:
    run = sending.build_digest(run_id)
    return {"run": run_id, "matched": run.deliveries.count() if run else 0}


@task()
@retrying
def send_batch(delivery_ids: list[int]) -> dict:
    try:
        return sending.send(delivery_ids)
    except sending.TemporaryFailure as error:
        raise TransientFailure(str(error)) from error


@task()
@retrying
def send_confirmation(subscription_id: int, frequency: str) -> bool:
    subscription = Subscription.objects.select_related("subscriber", "alert_list").filter(pk=subscription_id).first()
    if subscription is None or suppression.is_suppressed(subscription.subscriber.email):
        return False  # deleted or suppressed since: nothing to confirm
    from django.core.mail import get_connection

    connection = get_connection(fail_silently=False)
    outcome, error = sending.deliver(connection, mail.confirmation(subscription, frequency))
    if outcome is None:
        raise TransientFailure(error)
    if outcome == sending.Outcome.FAILED:
        raise PermanentFailure(error)
    return True


@task()
def purge_addresses() -> dict:
    return suppression.purge(now=timezone.now())
