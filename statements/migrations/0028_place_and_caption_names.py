"""A statement's place and an image's caption in other languages. Then the signing step
of migrations 0018/0023 runs here, because it reads the current models, which need every
column before it: versions already public get their first signed edition; signed ones
are skipped; a database with nothing unsigned needs no key. A later migration that adds
a column those models read must move this step after it.
"""

import importlib

import statements.models.fields
from django.db import migrations, models

signing_step = importlib.import_module("statements.migrations.0018_sign_public_versions")


def sign_unsigned(apps, schema_editor):
    Translation = apps.get_model("statements", "Translation")
    unsigned = Translation.objects.exclude(status__in=["draft", "in_review"]).filter(
        first_published_at__isnull=False, edition=0
    )
    if unsigned.exists():
        signing_step.sign_public_versions(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('statements', '0027_search_word_forms'),
    ]

    operations = [
        migrations.AddField(
            model_name='image',
            name='captions',
            field=models.JSONField(blank=True, default=dict, help_text='As language code and text, for example {"fa": "…"}.', validators=[statements.models.fields.validate_names], verbose_name='caption in other languages'),
        ),
        migrations.AddField(
            model_name='statement',
            name='location_names',
            field=models.JSONField(blank=True, default=dict, help_text='As language code and name, for example {"fa": "…", "ar": "…"}.', validators=[statements.models.fields.validate_names], verbose_name='place in other languages'),
        ),
        migrations.RunPython(sign_unsigned, migrations.RunPython.noop),
    ]
