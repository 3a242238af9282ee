import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements import archive


class Command(BaseCommand):
    help = (
        "Write the whole press office to one file (a .tar.gz): all content, revisions, the audit "
        "log, people, roles, topics, countries, images with their files, staff accounts and "
        "reference counters. Restore it with import_archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help=f"Where to write (default: ./{archive.default_name()}).")
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")
        parser.add_argument(
            "--include-subscribers",
            action="store_true",
            help="Include email-alert subscribers' addresses and subscriptions (personal data: left out by default).",
        )

    def handle(self, *args, **options):
        path = Path(options["path"] or archive.default_name())
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} exists; choose another name or pass --force.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        partial = path.with_name(path.name + ".partial")
        quiet = options["verbosity"] == 0

        def progress(iterable, **kwargs):
            return tqdm(iterable, file=sys.stderr, disable=quiet, **kwargs)

        try:
            manifest = archive.export(partial, progress, include_subscribers=options["include_subscribers"])
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)
        rows = sum(manifest["tables"].values())
        files = sum(manifest["media"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {path}: {rows} rows in {len(manifest['tables'])} tables, {files} media files.")
        )
