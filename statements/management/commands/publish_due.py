from django.core.management.base import BaseCommand

from statements.tasks import periodic


class Command(BaseCommand):
    help = (
        "The cron entry point for the periodic trigger: hand tasks waiting in the outbox to the queue, "
        "queue the going-live side effects (cache, image files, WebSub) of scheduled versions whose time "
        "has come, and queue again tasks whose worker died. It only queues: a worker (manage.py worker) "
        "runs the tasks, or this process itself when PRESSOFFICE_TASKS=immediate. Visibility never waits "
        "for it. Safe to run any number of times; `manage.py worker` runs the same trigger by itself."
    )

    def handle(self, *args, **options):
        done = periodic.trigger(force=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Queued: {', '.join(done['ran'])}; outbox: {done['outbox_handed_over']} handed over, "
                f"{done['outbox_waiting']} waiting."
            )
        )
        if done["outbox_waiting"]:
            self.stderr.write(f"{done['outbox_waiting']} task(s) wait in the outbox for the queue or their time.")
