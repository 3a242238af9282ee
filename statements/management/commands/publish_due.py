from django.core.management.base import BaseCommand

from statements import websub, workflow


class Command(BaseCommand):
    help = (
        "Run the going-live side effects (cache, image files, WebSub) for scheduled versions whose "
        "time has come, and send WebSub pings that failed before. Visibility never waits for this "
        "command; run it from cron every minute. Safe to run any number of times."
    )

    def handle(self, *args, **options):
        due = workflow.announce_due()
        for version in due:
            self.stdout.write(f"went live: {version.statement.reference} [{version.language}] {version.title}")
        delivered, failed = websub.deliver_pending()
        self.stdout.write(
            self.style.SUCCESS(f"{len(due)} version(s) announced; WebSub pings sent: {delivered}, failed: {failed}.")
        )
        if failed:
            self.stderr.write(f"{failed} WebSub ping(s) failed and stay queued for the next run.")
