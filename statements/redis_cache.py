"""Django's Redis cache backend, with the two costs of its hot path removed.

Django builds a new `redis.Redis` client (and its table of response callbacks) for every
cache call, and validates every key of a `get_many` one by one; the page cache's hit path
makes one `get_many` per request, so both showed in its profile. Here a client per
connection pool is kept for the life of the process (redis-py clients are thread-safe;
the pool does the connection handling), and `get_many` makes the keys without the
memcached-oriented validation (the project's keys are short ASCII).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingClient

    def get_many(self, keys, version=None):
        made = {self.make_key(key, version=version): key for key in keys}
        return {made[key]: value for key, value in self._cache.get_many(list(made)).items()}

    def get_raw_many(self, made_keys) -> list:
        """The replies for keys already made with `make_key`, undecoded (None: missing)."""
        return self._cache.get_client(None).mget(made_keys)

    def decode(self, raw):
        return None if raw is None else self._cache._serializer.loads(raw)
