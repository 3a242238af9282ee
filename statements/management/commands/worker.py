from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from statements.tasks import periodic


class Command(BaseCommand):
    help = (
        "Run background tasks for the backend PRESSOFFICE_TASKS names: the database backend's "
        "worker (django-tasks-db's db_worker) or an RQ worker with its scheduler (django-rq's "
        "rqworker), with the periodic trigger (go-live announcements, the outbox, the reaper) "
        "in a thread beside it. Run as many as you like, on as many machines: they share one "
        "queue and one schedule. Stops cleanly on SIGTERM or Ctrl+C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="default", help="Queue to take tasks from (default: %(default)s).")
        parser.add_argument(
            "--burst", action="store_true", help="Run what is waiting now, then exit (after one periodic trigger)."
        )
        parser.add_argument(
            "--no-beat",
            action="store_false",
            dest="beat",
            help="Do not run the periodic trigger in this process (when cron runs publish_due instead).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Database backend: seconds between looks at an empty queue (default: %(default)s).",
        )

    def handle(self, *args, queue, burst, beat, interval, verbosity, **options):
        backend = settings.PRESSOFFICE_TASKS
        if backend == "immediate":
            raise CommandError(
                "PRESSOFFICE_TASKS=immediate runs each task in the process that queues it: there is no "
                "worker to start. Run `manage.py publish_due` from cron for scheduled versions and retries."
            )
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        if burst:
            periodic.trigger()
        elif beat:
            periodic.Beat().start()
        if backend == "database":
            call_command(
                "db_worker",
                queue_name=queue,
                interval=interval,
                batch=burst,
                reload=False,
                startup_delay=False,
                verbosity=verbosity,
            )
        else:
            call_command("rqworker", queue, with_scheduler=True, burst=burst, verbosity=verbosity)
