"""Search finds word forms on both databases: the index holds the text as
statements/wordforms.py normalises it (letter variants, diacritics, the non-joiner,
the Arabic article, Snowball stems), written by `search.index` when a version is saved.

SQLite: the FTS5 table becomes a standalone one (no longer reading the version table
through triggers), with one trigger left that removes a deleted version's row. A later
migration that remakes the version table on SQLite drops that trigger: it must run
`SQLITE_TRIGGER` again. PostgreSQL: every stored vector is made again (`simple`
configuration over the normalised text).
"""

import importlib

from django.db import migrations

old = importlib.import_module("statements.migrations.0004_search_indexes")

FTS = "statements_translation_fts"
SQLITE_TABLE = f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, standfirst, body, tokenize='unicode61')"
SQLITE_TRIGGER = (
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON statements_translation BEGIN "
    f"DELETE FROM {FTS} WHERE rowid = old.id; END"
)


def rebuild(apps, schema_editor):
    from statements import search

    if schema_editor.connection.vendor == "sqlite":
        for sql in [*old.SQLITE_DROP, SQLITE_TABLE, SQLITE_TRIGGER]:
            schema_editor.execute(sql)
    Translation = apps.get_model("statements", "Translation")
    search.reindex(Translation.objects.all())


def back(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_delete")
        for sql in [f"DROP TABLE IF EXISTS {FTS}", *old.SQLITE_CREATE]:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("statements", "0026_machine_suggestions")]

    operations = [migrations.RunPython(rebuild, back)]
