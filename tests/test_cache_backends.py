"""The cache folder's quicker `get_many` (statements/file_cache.py) reads what Django's
file cache writes, exactly as Django's own `get_many` would."""

import time

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from statements.file_cache import FileCache


@pytest.fixture
def caches(tmp_path):
    params = {"KEY_PREFIX": "po", "VERSION": 3}
    return FileBasedCache(str(tmp_path), params), FileCache(str(tmp_path), params)


def test_get_many_reads_what_djangos_file_cache_wrote(caches):
    django_cache, ours = caches
    large = bytes(range(256)) * 2000  # over the first read's 64 KiB
    exactly = b"x" * ((1 << 16) - 60)
    values = {"pressoffice:tag:v1": -123, "pressoffice:page:abc": {"body": large}, "edge": exactly, "none": None}
    django_cache.set_many(values, None)
    django_cache.set("other-version", "v4", version=4)
    keys = [*values, "missing", "other-version"]
    assert ours.get_many(keys) == django_cache.get_many(keys) == values
    assert ours.get_many(["other-version"], version=4) == {"other-version": "v4"}


def test_get_many_leaves_out_expired_values(caches, monkeypatch):
    django_cache, ours = caches
    django_cache.set("short", 1, 10)
    django_cache.set("long", 2, 1000)
    later = time.time() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert ours.get_many(["short", "long"]) == {"long": 2}
    assert django_cache.get_many(["short", "long"]) == {"long": 2}


@pytest.mark.redis
@pytest.mark.django_db
def test_a_hit_on_redis_compares_the_raw_replies_and_still_sees_every_change(settings):
    """The hit path's one round trip (statements/pagecache.py `read_tags`) on the real
    Redis: unchanged tags give the stored values, a changed or lost tag its new value."""
    from django.core.cache import cache, caches

    from statements import cachetags, golive, pagecache
    from statements.redis_cache import RedisCache

    assert isinstance(caches["default"], RedisCache)
    cache.clear()
    tags = ["v1", "h:en", "site"]
    snapshot = cachetags.values(tags)
    cache.set(golive.SCHEDULE_KEY, (0, 123))
    entry = pagecache.Entry(200, [], b"x", None, snapshot, "etag", None, time.time())
    assert pagecache.read_tags(entry) == ((0, 123), snapshot)
    cachetags.invalidate({"h:en"}, purge=False)
    schedule, current = pagecache.read_tags(entry)
    assert schedule == (0, 123) and current["v1"] == snapshot["v1"] and current["h:en"] > 0
    cache.delete(cachetags.key("site"))
    assert pagecache.read_tags(entry)[1]["site"] is None


@pytest.mark.redis
@pytest.mark.django_db
def test_when_redis_stops_answering_a_hit_renders_instead(client, settings, monkeypatch):
    """The raw MGET's connection fails: the reader gets the page rendered (never a 5xx),
    and the failed connection is dropped so that the next hit connects again."""
    import redis
    from django.core.cache import cache, caches

    from statements import pagecache
    from statements.redis_cache import RedisCache

    settings.PRESSOFFICE_PAGE_CACHE = True
    cache.clear()
    pagecache.memory.clear()
    backend = caches["default"]
    assert client.get("/en/").status_code == 200
    assert client.get("/en/").status_code == 200  # a hit, from this process's memory
    dead = RedisCache("redis://127.0.0.1:9/0", {})  # nothing listens on the discard port
    with pytest.raises(redis.ConnectionError):
        dead.get_raw_many([dead.make_key("x")])
    assert dead._raw.connection is None
    monkeypatch.setattr(backend, "get_raw_many", dead.get_raw_many)
    response = client.get("/en/")
    assert response.status_code == 200 and b"<main" in response.content
    monkeypatch.undo()
    assert client.get("/en/").status_code == 200
    pagecache.memory.clear()
