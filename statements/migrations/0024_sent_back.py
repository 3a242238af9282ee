"""A version remembers its last send-back (who, when, why, to whom) for its author.

SQLite remakes the version table to add the columns, which drops the search triggers:
they are made again after. (The signing step of migrations 0018/0023 runs from
migration 0028 now.)
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

search = importlib.import_module("statements.migrations.0004_search_indexes")


def remake_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in [*search.SQLITE_DROP, *search.SQLITE_CREATE]:
            schema_editor.execute(sql)


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
    ]
