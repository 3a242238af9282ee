import mailbox
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements.alerts import suppression


class Command(BaseCommand):
    help = (
        "Read a mailbox of delivery status notifications (RFC 3464) and complaint reports "
        "(RFC 5965), as delivered to PRESSOFFICE_BOUNCE_ADDRESS, and add every address that "
        "failed permanently (5.x.x) or complained to the email-alert suppression list. "
        "Temporary failures (4.x.x) are ignored. Run it from cron after fetching the mail."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="An mbox file or a Maildir folder.")
        parser.add_argument(
            "--delete", action="store_true", help="Remove the messages from the mailbox once they are read."
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if path.is_dir():
            box = mailbox.Maildir(path, create=False)
        elif path.is_file():
            box = mailbox.mbox(path, create=False)
        else:
            raise CommandError(f"{path} is neither an mbox file nor a Maildir folder.")
        keys = list(box.keys())
        progress = tqdm(total=len(keys), file=sys.stderr, disable=options["verbosity"] == 0, unit="msg")
        read = added = 0
        box.lock()
        try:
            for key in keys:
                read += 1
                added += suppression.read_message(box.get_bytes(key))[1]
                if options["delete"]:
                    box.remove(key)
                progress.update()
            box.flush()
        finally:
            box.unlock()
            box.close()
            progress.close()
        self.stdout.write(self.style.SUCCESS(f"Read {read} messages; {added} addresses newly suppressed."))
