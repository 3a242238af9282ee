"""A version remembers its last send-back (who, when, why, to whom) for its author.

SQLite remakes the version table to add the columns, which drops the search triggers:
they are made again after. Then the signing step of migrations 0018/0023 runs here,
because it reads the current models, which need these columns: versions already public
get their first signed edition; signed ones are skipped; a database with nothing
unsigned needs no key. A later migration that adds a column those models read must move
this step after it.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

search = importlib.import_module("statements.migrations.0004_search_indexes")
signing_step = importlib.import_module("statements.migrations.0018_sign_public_versions")


def remake_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in [*search.SQLITE_DROP, *search.SQLITE_CREATE]:
            schema_editor.execute(sql)


def sign_unsigned(apps, schema_editor):
    Translation = apps.get_model("statements", "Translation")
    unsigned = Translation.objects.exclude(status__in=["draft", "in_review"]).filter(
        first_published_at__isnull=False, edition=0
    )
    if unsigned.exists():
        signing_step.sign_public_versions(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('statements', '0023_sign_public_versions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='translation',
            name='sent_back_at',
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='translation',
            name='sent_back_by',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='translation',
            name='sent_back_reason',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='translation',
            name='sent_back_to',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(remake_search_triggers, migrations.RunPython.noop),
        migrations.RunPython(sign_unsigned, migrations.RunPython.noop),
    ]
