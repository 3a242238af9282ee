"""The reaper: tasks whose worker died are queued again.

The database backend marks a task *running* when a worker claims it; a worker killed
mid-task leaves it so for ever. Any task still running `PRESSOFFICE_TASK_TIMEOUT` seconds
after it started is put back to *ready* (tasks are idempotent: if its worker was only
slow, running it again does no harm), at most `MAX_RUNS` times in all; a task that has
taken down that many workers is marked failed with `WorkerLost` instead.

RQ finds its own abandoned jobs (a job whose worker stopped sending heartbeats, after
the job timeout) and fails them with `AbandonedJobError`; the reaper queues those again,
with the same bound.
"""

import datetime
import logging

import django_rq
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_rq import RQBackend
from rq.registry import FailedJobRegistry, StartedJobRegistry

logger = logging.getLogger(__name__)

MAX_RUNS = 3
ABANDONED = "rq.exceptions.AbandonedJobError"


class WorkerLost(Exception):
    """The task's worker died (killed, out of memory) each time it ran it."""


def reap(*, now=None, timeout: int | None = None) -> int:
    """Queue again the tasks whose worker is gone; returns how many."""
    now = now or timezone.now()
    timeout = settings.PRESSOFFICE_TASK_TIMEOUT if timeout is None else timeout
    backend = task_backends["default"]
    if isinstance(backend, DatabaseBackend):
        return _reap_database(backend, now - datetime.timedelta(seconds=timeout), now)
    if isinstance(backend, RQBackend):
        return _reap_rq(backend)
    return 0


def _reap_database(backend, started_before, now) -> int:
    reaped = 0
    with transaction.atomic():
        stuck = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, backend_name=backend.alias, started_at__lt=started_before
        )
        for result in stuck:
            if len(result.worker_ids) >= MAX_RUNS:
                error = WorkerLost(f"its worker was lost {len(result.worker_ids)} times; not run again")
                result.set_failed(error)
                logger.error("Task %s %s failed: %s", result.id, result.task_path, error)
                continue
            result.status, result.started_at = TaskResultStatus.READY, None
            result.save(update_fields=["status", "started_at"])
            reaped += 1
            logger.warning(
                "Task %s %s was still running after its timeout; queued again (run %s of %s)",
                result.id,
                result.task_path,
                len(result.worker_ids) + 1,
                MAX_RUNS,
                extra={"event": "task_reaped"},
            )
    return reaped


def _reap_rq(backend) -> int:
    reaped = 0
    for name in backend.queues:
        queue = django_rq.get_queue(name)
        StartedJobRegistry(queue=queue).cleanup()  # RQ's own: abandoned jobs to the failed registry
        failed = FailedJobRegistry(queue=queue)
        for job in queue.job_class.fetch_many(failed.get_job_ids(), connection=queue.connection):
            if job is None or (job.meta.get("_django_tasks_rq_exceptions") or [""])[-1] != ABANDONED:
                continue
            runs = job.meta.get("pressoffice_runs", 1)
            if runs >= MAX_RUNS:
                continue
            job.meta["pressoffice_runs"] = runs + 1
            job.save_meta()
            failed.requeue(job)
            reaped += 1
            logger.warning("Job %s %s lost its worker; queued again", job.id, job.func_name)
    return reaped
