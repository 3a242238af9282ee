"""Versions already public get their first signed edition: migration 0018's signer, run
here because it reads the current models (statements, versions, quotes), which need the
columns of every migration before it. Versions signed already are skipped; a database
with nothing unsigned needs no key.

A later migration that adds a column those models read must move this step after it.
"""

import importlib

from django.db import migrations

signing_step = importlib.import_module("statements.migrations.0018_sign_public_versions")


def sign_unsigned(apps, schema_editor):
    Translation = apps.get_model("statements", "Translation")
    unsigned = Translation.objects.exclude(status__in=["draft", "in_review"]).filter(
        first_published_at__isnull=False, edition=0
    )
    if unsigned.exists():
        signing_step.sign_public_versions(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("statements", "0022_quotes_and_administrations")]

    operations = [migrations.RunPython(sign_unsigned, migrations.RunPython.noop)]
