"""Search indexes that depend on the database: a GIN index on PostgreSQL, an FTS5 table
kept in step by triggers on SQLite (statements/search.py)."""

from django.db import migrations

FTS = "statements_translation_fts"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, standfirst, body, content='statements_translation', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON statements_translation BEGIN "
    f"INSERT INTO {FTS}(rowid, title, standfirst, body) VALUES (new.id, new.title, new.standfirst, new.body); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON statements_translation BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, standfirst, body) "
    "VALUES ('delete', old.id, old.title, old.standfirst, old.body); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF title, standfirst, body ON statements_translation BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, standfirst, body) "
    "VALUES ('delete', old.id, old.title, old.standfirst, old.body); "
    f"INSERT INTO {FTS}(rowid, title, standfirst, body) VALUES (new.id, new.title, new.standfirst, new.body); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]
PG_CREATE = ["CREATE INDEX translation_search_idx ON statements_translation USING gin (search_vector)"]
PG_DROP = ["DROP INDEX IF EXISTS translation_search_idx"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("statements", "0003_search_vector")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": PG_DROP}),
        )
    ]
