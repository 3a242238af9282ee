from django.core.management.base import BaseCommand

from statements import workflow


class Command(BaseCommand):
    help = (
        "Run the going-live side effects (cache, feed subscribers) for scheduled versions whose "
        "time has come. Visibility never waits for this command; run it from cron every minute. "
        "Safe to run any number of times."
    )

    def handle(self, *args, **options):
        due = workflow.announce_due()
        for version in due:
            self.stdout.write(f"went live: {version.statement.reference} [{version.language}] {version.title}")
        self.stdout.write(self.style.SUCCESS(f"{len(due)} version(s) announced."))
