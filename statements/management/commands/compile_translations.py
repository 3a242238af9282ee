from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Compile the project's .po files into .mo files with polib (a development dependency), "
        "so no GNU gettext is needed. The compiled files are committed."
    )

    def handle(self, *args, **options):
        try:
            import polib
        except ImportError as error:
            raise CommandError("polib is missing: install requirements-dev.txt.") from error
        for path in sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po")):
            catalogue = polib.pofile(str(path))
            catalogue.save_as_mofile(str(path.with_suffix(".mo")))
            self.stdout.write(f"{path.parent.parent.name}: {catalogue.percent_translated()}% translated")
