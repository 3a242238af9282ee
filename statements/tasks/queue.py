"""Putting tasks on the queue: after commit, never lost, never twice on purpose.

`defer(task, *args)` is the one way the project enqueues. The task is owed from the moment
the change that owes it is written, in the same transaction:

- on the database backend the queue is a table of this database, so the task's row is
  written in the caller's transaction and appears to workers at commit (or never);
- on any other backend (RQ on Redis; immediate) an `OutboxTask` row is written in the
  transaction and handed to the queue by `transaction.on_commit`. When the queue cannot
  take it (Redis down) the row stays, and `drain_outbox()` hands it over later (the
  worker's periodic trigger and `publish_due` call it). The editor's request never fails
  because the queue is down.

Handing over is at least once (a process killed between enqueueing and deleting the row
enqueues it again), which is why every task is idempotent.
"""

import datetime
import enum
import logging

import django_rq
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_rq import RQBackend

from ..models import OutboxTask

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(seconds=60)


def defer(task, *args, run_after: datetime.datetime | None = None, **kwargs):
    """Queue `task(*args, **kwargs)` to run after the current transaction commits (at
    once when there is none), not before `run_after`. Arguments must be JSON: ids and
    strings, never model instances."""
    backend = task.get_backend()
    if isinstance(backend, DatabaseBackend):
        return (task.using(run_after=run_after) if run_after else task).enqueue(*args, **kwargs)
    row = OutboxTask.objects.create(task_path=task.module_path, args=list(args), kwargs=kwargs, run_after=run_after)
    # robust: whatever happens handing it over, the change has committed and the row
    # waits; the editor's request must not fail after the fact.
    transaction.on_commit(lambda: hand_over(row.pk), robust=True)
    return row


class HandOver(enum.Enum):
    HANDED = "handed over"  # on the queue, the row gone
    BUSY = "busy"  # gone already, or another process is handing it over
    NOT_DUE = "not due"  # its time has not come and the backend cannot wait
    REFUSED = "refused"  # the queue is unreachable: the row stays, with the error


def hand_over(pk: int, *, now=None) -> HandOver:
    """Give one outbox row to its queue."""
    now = now or timezone.now()
    claimed = (
        OutboxTask.objects.filter(pk=pk)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE)
    )
    if not claimed:
        return HandOver.BUSY
    row = OutboxTask.objects.get(pk=pk)
    try:
        task = import_string(row.task_path)
        if row.run_after and row.run_after > now:
            if not task.get_backend().supports_defer:
                OutboxTask.objects.filter(pk=pk).update(claimed_until=None)
                return HandOver.NOT_DUE  # the immediate backend: drained when it is due
            task = task.using(run_after=row.run_after)
        task.enqueue(*row.args, **row.kwargs)
    except Exception as error:  # noqa: BLE001 - a queue that is down must not lose the task
        OutboxTask.objects.filter(pk=pk).update(
            claimed_until=None, attempts=row.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:300]
        )
        logger.warning("Queue unreachable; %s kept in the outbox: %s", row, error, extra={"event": "outbox_kept"})
        return HandOver.REFUSED
    OutboxTask.objects.filter(pk=pk).delete()
    return HandOver.HANDED


def drain_outbox(*, now=None, limit: int = 1000) -> tuple[int, int]:
    """Hand over every outbox row that may go now; (handed over, still waiting).
    Stops at the first refusal, so a queue that is down is asked once, not a thousand
    times."""
    now = now or timezone.now()
    handed = 0
    for pk in OutboxTask.objects.values_list("pk", flat=True)[:limit]:
        outcome = hand_over(pk, now=now)
        if outcome is HandOver.REFUSED:
            break
        handed += outcome is HandOver.HANDED
    return handed, OutboxTask.objects.count()


def requeue(task_path: str, args: list, kwargs: dict):
    """Queue a task again as new (the admin's retry of a failed task)."""
    return defer(import_string(task_path), *args, **kwargs)


def state(*, now=None) -> dict:
    """How the queue is doing, for /healthz: tasks waiting to run now, how long the
    oldest has waited, and the outbox. Never raises."""
    now = now or timezone.now()
    backend = task_backends["default"]
    result = {"backend": type(backend).__name__}
    try:
        result["outbox"] = OutboxTask.objects.count()
        if isinstance(backend, DatabaseBackend):
            never = get_date_max()  # the database backend's "no run_after"
            ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY, backend_name=backend.alias).filter(
                Q(run_after=never) | Q(run_after__lte=now)
            )
            since = [
                ready.filter(run_after=never).aggregate(at=Min("enqueued_at"))["at"],
                ready.exclude(run_after=never).aggregate(at=Min("run_after"))["at"],
            ]
            result.update(waiting=ready.count(), oldest=min(filter(None, since), default=None))
        elif isinstance(backend, RQBackend):
            result.update(_rq_state(backend))
        else:
            result.update(waiting=0, oldest=None)
    except Exception as error:  # noqa: BLE001 - reported, never a failing health check
        return {**result, "state": "unreachable", "error": type(error).__name__}
    oldest = result.pop("oldest", None)
    result["oldest_seconds"] = round((now - oldest).total_seconds()) if oldest else 0
    result["state"] = "ok"
    return result


def _rq_state(backend) -> dict:
    waiting, oldest = 0, None
    for name in sorted(backend.queues):
        queue = django_rq.get_queue(name)
        waiting += queue.count
        first = queue.get_job_ids(0, 0)
        job = queue.fetch_job(first[0]) if first else None
        if job is not None and job.enqueued_at:
            at = (
                job.enqueued_at if timezone.is_aware(job.enqueued_at) else job.enqueued_at.replace(tzinfo=datetime.UTC)
            )
            oldest = min(filter(None, [oldest, at]))
    return {"waiting": waiting, "oldest": oldest}
