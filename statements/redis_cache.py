"""Django's Redis cache backend, with the two costs of its hot path removed.

Django builds a new `redis.Redis` client (and its table of response callbacks) for every
cache call, and validates every key of a `get_many` one by one; the page cache's hit path
makes one `get_many` per request, so both showed in its profile. Here a client per
connection pool is kept for the life of the process (redis-py clients are thread-safe;
the pool does the connection handling), and `get_many` makes the keys without the
memcached-oriented validation (the project's keys are short ASCII).
"""

import os
import threading

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
        self._raw = threading.local()

    def get_many(self, keys, version=None):
        made = {self.make_key(key, version=version): key for key in keys}
        return {made[key]: value for key, value in self._cache.get_many(list(made)).items()}

    def get_raw_many(self, made_keys, packed=None) -> list:
        """The replies for keys already made with `make_key`, undecoded (None: missing).

        The page cache's hit path: one MGET on a connection of this thread's own, kept for
        the process's life, because redis-py's pool bookkeeping, retries and metrics cost
        more than the round trip. A connection that fails is dropped (the caller renders
        without the cache; the next call connects again)."""
        connection = self._own_connection()
        try:
            connection.send_packed_command(self.pack_mget(made_keys) if packed is None else packed)
            return connection.read_response()
        except Exception:
            connection.disconnect()
            self._raw.connection = None
            raise

    def pack_mget(self, made_keys):
        """The MGET of `made_keys` as sent (an entry's is made once and sent at every hit)."""
        return self._own_connection().pack_command("MGET", *made_keys)

    def _own_connection(self):
        local = self._raw
        connection = getattr(local, "connection", None)
        if connection is None or local.pid != os.getpid():
            pool = self._cache._get_connection_pool(False)
            connection = local.connection = pool.connection_class(**pool.connection_kwargs)
            local.pid = os.getpid()
        return connection

    def decode(self, raw):
        return None if raw is None else self._cache._serializer.loads(raw)
