"""Rebuild the transparency log from the stored editions and compare it with every
stored node and every checkpoint ever issued (statements/transparency.py)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from statements import transparency
from statements.models import Edition


class Command(BaseCommand):
    help = (
        "Check the signed editions and the transparency log: every edition's bytes against its hash and "
        "signature, the tree rebuilt from them against every stored node and every checkpoint's root and "
        "signature. Exits non-zero, listing each problem, when anything differs."
    )

    def handle(self, *args, **options):
        total = Edition.objects.count()
        with tqdm(total=total, unit="edition", disable=options["verbosity"] < 1 or total < 1000) as bar:
            problems = transparency.rebuild_and_compare(progress=bar.update)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"The log does not match its editions: {len(problems)} problem(s).")
        latest = transparency.latest_checkpoint()
        size = latest.tree_size if latest else 0
        self.stdout.write(self.style.SUCCESS(f"{total} editions and {size} entries in the log check out."))
