from django.core.management.base import BaseCommand
from tqdm import tqdm

from statements import search
from statements.models import Translation


class Command(BaseCommand):
    help = (
        "Index every version's text again for search (statements/search.py): after a bulk load that "
        "bypassed saving, or after the word-form rules (statements/wordforms.py) change. Safe to run at any "
        "time; searches keep working while it runs. --language limits it to one language."
    )

    def add_arguments(self, parser):
        parser.add_argument("--language", help="only the versions in this language code")

    def handle(self, *args, language=None, **options):
        versions = Translation.objects.order_by("pk")
        if language:
            versions = versions.filter(language=language)
        with tqdm(total=versions.count(), desc="Search index", unit="v", disable=options["verbosity"] == 0) as bar:
            done = search.reindex(versions, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Indexed {done} versions."))
