"""The periodic trigger, which the tasks backport does not have.

`trigger()` runs what is due: it hands the outbox over, queues the go-live announcement
of scheduled versions, reaps tasks whose worker died, starts the email digests that are
due, and once a day queues the pruning of old results and the alerts' privacy purge.
`manage.py worker` calls it every `PRESSOFFICE_TASK_BEAT` seconds from a thread beside
the worker; `manage.py publish_due` (the cron entry point) calls it with `force=True`.
Several workers share one schedule: each job's next time is a row (`PeriodicJob`),
claimed by a conditional UPDATE that only one process wins.
"""

import datetime
import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from ..models import PeriodicJob, Translation
from . import alerts as alert_tasks
from . import queue, reaper, side_effects

logger = logging.getLogger(__name__)


def announce_if_due():
    """Queue the go-live announcement when some public version has not been announced
    (one indexed query; no task row every beat when nothing is due)."""
    if Translation.objects.unannounced().exists():
        queue.defer(side_effects.announce_due)


def alerts_due():
    """Start the email digests whose time has come, and settle deliveries whose worker
    died mid-send (statements/alerts/sending.py)."""
    from ..alerts import sending

    sending.start_due_digests()
    sending.mark_interrupted()


JOBS = {
    # name: (interval, what to do) — each queues or re-queues, none does the work itself
    "announce-due": (datetime.timedelta(seconds=30), announce_if_due),
    "reap": (datetime.timedelta(seconds=60), reaper.reap),
    "prune": (datetime.timedelta(days=1), lambda: queue.defer(side_effects.prune_finished)),
    "alert-digests": (datetime.timedelta(minutes=5), alerts_due),
    "alert-purge": (datetime.timedelta(days=1), lambda: queue.defer(alert_tasks.purge_addresses)),
}


def claim(name: str, interval: datetime.timedelta, now) -> bool:
    """True for the one caller that takes this run of the job."""
    PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
    return bool(
        PeriodicJob.objects.filter(name=name, next_run_at__lte=now).update(next_run_at=now + interval, last_run_at=now)
    )


def trigger(*, now=None, force: bool = False) -> dict:
    """Run whatever is due (everything, with `force`); returns what was done."""
    now = now or timezone.now()
    handed, waiting = queue.drain_outbox(now=now)
    done = {"outbox_handed_over": handed, "outbox_waiting": waiting, "ran": []}
    for name, (interval, job) in JOBS.items():
        if claim(name, interval, now) or force:
            job()
            done["ran"].append(name)
    return done


class Beat(threading.Thread):
    """Calls `trigger()` every `interval` seconds for as long as its worker process runs
    (a daemon thread); an error is logged and the next beat comes as usual."""

    def __init__(self, interval: float | None = None):
        super().__init__(name="pressoffice-beat", daemon=True)
        self.interval = settings.PRESSOFFICE_TASK_BEAT if interval is None else interval

    def run(self):
        while True:
            try:
                close_old_connections()
                trigger()
            except Exception:
                logger.exception("The periodic trigger failed; trying again at the next beat")
            finally:
                close_old_connections()
            time.sleep(self.interval)
