"""The real services: these run in `make test-all` and .ci/run, not in `make test`."""

import pytest
from django.core.cache import cache
from django.db import connection

from statements.models import Translation

from .factories import make_statement, make_version, publish_directly


@pytest.mark.postgres
@pytest.mark.django_db
def test_suite_really_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13


@pytest.mark.postgres
@pytest.mark.django_db
def test_listing_index_used_on_postgresql():
    for _ in range(3):
        publish_directly(make_version(make_statement()))
    names = set()
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Translation._meta.db_table)
        names = {name for name, info in constraints.items() if info["index"]}
    assert {"translation_list_public_idx", "translation_feed_public_idx", "translation_published_idx"} <= names


@pytest.mark.redis
def test_cache_is_the_real_redis():
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"] == "statements.redis_cache.RedisCache"
    cache.set("pressoffice-test-key", {"n": 1}, 30)
    assert cache.get("pressoffice-test-key") == {"n": 1}
    assert cache.get_many(["pressoffice-test-key", "absent"]) == {"pressoffice-test-key": {"n": 1}}
    client = cache._cache.get_client("pressoffice-test-key")
    assert client.ping() is True and cache._cache.get_client() is client  # one client, kept
    cache.delete("pressoffice-test-key")
