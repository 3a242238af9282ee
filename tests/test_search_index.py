"""The search index exists on whichever database runs, and follows the live text."""

import pytest
from django.db import connection

from statements import search
from statements.models import Translation

from .factories import make_version

pytestmark = pytest.mark.django_db


def test_search_index_is_in_place():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Later migrations that rebuild the translation table on SQLite drop its
            # trigger (migration 0027): this fails until it is created again.
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {row[0] for row in cursor.fetchall()}
            assert f"{search.FTS_TABLE}_delete" in triggers
        else:
            constraints = connection.introspection.get_constraints(cursor, Translation._meta.db_table)
            assert constraints["translation_search_idx"]["type"] == "gin"


def test_index_follows_saves_and_deletes(superuser):
    version = make_version(title="Aqueduct", body="Stone arches.", actor=superuser)
    base = Translation.objects.all()
    assert list(search.matching(base, "aqueduct", "en")) == [version]
    version.title = "Viaduct"
    version.save()
    assert not search.matching(base, "aqueduct", "en").exists()
    assert list(search.matching(base, "viaduct arches", "en")) == [version]
    version.delete()
    assert not search.matching(base, "viaduct", "en").exists()
