import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements import archive, freshness


class Command(BaseCommand):
    help = (
        "Restore a file written by export_archive into a freshly migrated, empty database (and "
        "its media storage). All or nothing: on any problem nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive to restore.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        quiet = options["verbosity"] == 0

        def progress(iterable, **kwargs):
            return tqdm(iterable, file=sys.stderr, disable=quiet, **kwargs)

        try:
            manifest = archive.import_(path, progress)
        except archive.ArchiveError as error:
            raise CommandError(str(error)) from None
        freshness.purge_everything()
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Restored {rows} rows and {sum(manifest['media'].values())} media files from {path}.")
        )
