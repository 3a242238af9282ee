import sys
import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements import languages
from statements.importer import saving

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


class Command(BaseCommand):
    help = (
        "Import plain-text readouts as draft statements (never published). PATH may be files, folders "
        "(searched for .txt and .md files) or zip archives. Each readout is saved in its own transaction; "
        "the same text imported twice is reported as already imported. Exits non-zero if any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; save nothing.")
        parser.add_argument("--language", default="", help="The readouts' language, instead of detecting it.")
        parser.add_argument("--user", default="", help="Username the drafts are saved as (default: a superuser).")

    def handle(self, *args, paths, dry_run, language, user, **options):
        if language and language not in languages.enabled_codes():
            raise CommandError(f"--language must be one of {', '.join(languages.enabled_codes())}.")
        actor = None if dry_run else self.actor(user)
        sources = list(self.sources(paths))
        known = saving.directory()
        outcomes = []
        for name, read in tqdm(sources, desc="Importing", unit="file", file=sys.stderr, disable=not sources):
            try:
                data = read()
            except OSError as error:
                outcomes.append(saving.Outcome(name, saving.FAILED, f"cannot be read: {error}"))
                continue
            outcome = saving.prepare(data, source=name, language=language, known=known)
            if outcome.is_parsed and not dry_run:
                outcome = saving.save(outcome, actor=actor)
            outcomes.append(outcome)
        self.report(outcomes, dry_run)
        failed = sum(outcome.is_failed for outcome in outcomes)
        if failed:
            raise CommandError(f"{failed} of {len(outcomes)} readout(s) failed.")

    def actor(self, username):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist as error:
                raise CommandError(f"No active user named {username!r}.") from error
        superuser = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if superuser is None:
            raise CommandError("No superuser exists: name the user the drafts are saved as with --user.")
        return superuser

    def sources(self, paths):
        """(name, reader) for every readout the paths hold, in a stable order."""
        for raw in paths:
            path = Path(raw)
            if not path.exists():
                yield raw, _missing(raw)
            elif path.is_dir():
                for file in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES):
                    yield str(file), file.read_bytes
            elif zipfile.is_zipfile(path):
                yield from _zip_members(path)
            else:
                yield str(path), path.read_bytes

    def report(self, outcomes, dry_run):
        width = max((len(outcome.source) for outcome in outcomes), default=10)
        self.stdout.write(f"{'readout'.ljust(width)}  {'result':<17}  detail")
        for outcome in outcomes:
            status = "would import" if outcome.is_parsed else outcome.status
            detail = outcome.reason
            if outcome.is_parsed and outcome.parsed:
                detail = outcome.parsed.title[:60]
            self.stdout.write(f"{outcome.source.ljust(width)}  {status:<17}  {detail}")
        counts = {}
        for outcome in outcomes:
            status = "would import" if outcome.is_parsed else outcome.status
            counts[status] = counts.get(status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to import"
        self.stdout.write(("Dry run: " if dry_run else "") + summary + ".")


def _missing(raw):
    def read():
        raise OSError("no such file or folder")

    return read


def _zip_members(path):
    with zipfile.ZipFile(path) as archive:
        names = sorted(
            info.filename
            for info in archive.infolist()
            if not info.is_dir() and Path(info.filename).suffix.lower() in TEXT_SUFFIXES
        )
    for name in names:

        def read(name=name):
            with zipfile.ZipFile(path) as archive:
                info = archive.getinfo(name)
                if info.file_size > 1_000_000:
                    raise OSError("larger than 1 MB")
                return archive.read(name)

        yield f"{path}:{name}", read
