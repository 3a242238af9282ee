"""The first middleware: anonymous GETs of public pages, feeds, sitemaps and the API
answered from the cache before sessions, auth, CSRF, messages, OTP and axes run.

A stored response (an `Entry`) carries its own headers (CSP included), its body (and a
gzip copy), and the tags it was rendered with and their values then. It is current
while those values are unchanged: checking costs one `get_many` to the shared cache,
which also reads when the next scheduled version goes live. A per-process memory tier
keeps recently used entries so that, most of the time, that one round trip is all.

When an entry is out of date, one process re-renders it (a short lock in the shared
cache; one such re-render at a time per machine) while the others serve the previous
copy, for at most PRESSOFFICE_STALE_SECONDS, unless a change since it was stored hid
content (withdrawal, unpublication, a scheduled version going live, a deletion): then
nobody gets the old copy, they wait for the new one. Two readers missing the same page at once cause one render.

Validators follow the tags: the ETag is a digest of the build, the address and the tag
values; Last-Modified is the newest change among what the response shows. A 304 is
decided here, before anything renders.
"""

import dataclasses
import gzip
import hashlib
import socket
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse, HttpResponseNotModified
from django.http.response import ResponseHeaders
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from . import cachetags, freshness, golive
from .freshness import build_id, cache_down
from .redis_cache import RedisCache

STORED_STATUSES = (200, 301, 404, 410)
COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml", "application/atom+xml", "application/json",
                "application/feed+json", "application/ld+json")  # fmt: skip
WAIT_STEP = 0.02  # seconds between looks while another process renders


@dataclasses.dataclass
class Entry:
    status: int
    headers: list
    body: bytes | None  # None: validators only (PRESSOFFICE_PAGE_CACHE off)
    gzipped: bytes | None
    snapshot: dict  # tag -> value when rendered
    etag: str  # without quotes
    last_modified: int | None
    stored_at: float

    @property
    def size(self) -> int:
        return len(self.body or b"") + len(self.gzipped or b"") + 64 * len(self.snapshot)

    def prepared(self, gz: bool) -> dict:
        """The response's headers but Cache-Control, as Django's `ResponseHeaders` keeps
        them ({lower-case name: (name, value)}), made once per process and variant."""
        made = self.__dict__.setdefault("_prepared", {})
        if gz not in made:
            headers = ResponseHeaders(dict(self.headers))
            if gz:
                headers["Content-Encoding"] = "gzip"
            headers["Content-Length"] = str(len(self.gzipped if gz else self.body or b""))
            if self.status == 200:
                headers["ETag"] = f'"{self.etag}-gz"' if gz else f'"{self.etag}"'
                if self.last_modified is not None:
                    headers["Last-Modified"] = http_date(self.last_modified)
            made[gz] = dict(headers._store)
        return made[gz]

    def raw_check(self, backend) -> tuple:
        """For `read_tags` on Redis: the keys to read (the schedule's, then the tags') as
        the backend makes them, their MGET as sent, and the replies that mean every tag
        is unchanged (tag values are integers, which Django's Redis serializer stores as
        their digits)."""
        check = self.__dict__.get("_raw_check")
        if check is None or check[0] is not backend:
            keys = [golive.SCHEDULE_KEY, *(cachetags.key(tag) for tag in self.snapshot)]
            keys = [backend.make_key(key) for key in keys]
            expected = [str(value).encode() for value in self.snapshot.values()]
            check = self.__dict__["_raw_check"] = (backend, keys, backend.pack_mget(keys), expected)
        return check[1:]

    def __getstate__(self):
        return {name: value for name, value in self.__dict__.items() if name not in ("_prepared", "_raw_check")}


class MemoryTier:
    """Recently used entries of this process, bounded in bytes (least recently used go)."""

    def __init__(self):
        self.entries = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        limit = settings.PRESSOFFICE_MEMORY_CACHE_MB * 1024 * 1024
        if entry.size > limit // 8:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self.entries[key] = entry
            self.bytes += entry.size
            while self.bytes > limit and self.entries:
                _key, dropped = self.entries.popitem(last=False)
                self.bytes -= dropped.size

    def drop(self, key):
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.bytes = 0


memory = MemoryTier()


def _skipped_prefixes():
    return tuple(
        prefix
        for prefix in ("/" + settings.PRESSOFFICE_ADMIN_PATH, settings.STATIC_URL, settings.MEDIA_URL)
        if prefix and prefix.startswith("/")
    )


def entry_key(request, language) -> str | None:
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: the stack answers it
        return None
    query = request.META.get("QUERY_STRING", "")
    text = f"{build_id()}|{request.scheme}|{host}|{language}|{request.path}{'?' if query else ''}{query}"
    return "pressoffice:page:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def read_tags(entry):
    """(when the next scheduled version goes live, the current values of the entry's tags)
    in one round trip. On Redis the replies are first compared, as they come, with the
    values the entry was stored with: on a hit nothing is decoded."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        keys, packed, expected = entry.raw_check(backend)
        replies = backend.get_raw_many(keys, packed)
        schedule = backend.decode(replies[0])
        if replies[1:] == expected:
            return schedule, dict(entry.snapshot)
        return schedule, {tag: backend.decode(raw) for tag, raw in zip(entry.snapshot, replies[1:], strict=True)}
    found = cache.get_many([golive.SCHEDULE_KEY, *(cachetags.key(tag) for tag in entry.snapshot)])
    return found.get(golive.SCHEDULE_KEY), {tag: found.get(cachetags.key(tag)) for tag in entry.snapshot}


def _lock_key(key):
    return key + ":render"


def _stale_key(key):
    return key + ":stale-since"


RENDER_SLOT = f"pressoffice:render-slot:{socket.gethostname()}"  # re-renders of stale pages, one at a time
SLOT_SECONDS = 2  # a slot left by a process that died frees itself after this


def _accepts_gzip(request) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = _skipped_prefixes()

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or request.path.startswith(self.skipped)
        ):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=True)
        key = entry_key(request, language)
        if key is None:
            return self.get_response(request)
        try:
            return self.serve(request, key, language)
        except CacheDown:
            return self.render(request, key, store=False)

    # Looking up ---------------------------------------------------------------------------------

    def lookup(self, key, *, shared_only=False):
        """(entry, current tag values, schedule) in one round trip when the entry is in
        this process's memory, two when it must come from the shared cache."""
        entry = None if shared_only else memory.get(key)
        if entry is not None and time.time() - entry.stored_at > freshness.PAGE_CACHE_SECONDS:
            memory.drop(key)
            entry = None
        try:
            if entry is None:
                found = cache.get_many([key, golive.SCHEDULE_KEY])
                entry = found.get(key)
                if entry is None:
                    return None, {}, found.get(golive.SCHEDULE_KEY)
                memory.put(key, entry)
                found.update(cache.get_many([cachetags.key(tag) for tag in entry.snapshot]))
            else:
                schedule, current = read_tags(entry)
                return entry, current, schedule
        except Exception as error:
            cache_down("Page cache unreachable; rendering")
            raise CacheDown from error
        current = {tag: found.get(cachetags.key(tag)) for tag in entry.snapshot}
        return entry, current, found.get(golive.SCHEDULE_KEY)

    def serve(self, request, key, language):
        try:
            action, entry, schedule, current = self.decide(request, key, language)
        except CacheDown:
            raise
        except Exception as error:  # the cache failed mid-way: render, store nothing
            cache_down("Page cache unreachable; rendering")
            raise CacheDown from error
        if action == "respond":
            return self.respond(request, entry, schedule)
        if action == "stale":
            return self.respond(request, entry, schedule, stale=True)
        if action == "pass":
            return self.get_response(request)
        if action == "bypass":
            return self.render(request, key, store=False)
        if action in ("render-locked", "render-slot"):
            try:
                with cachetags.preloaded(current):
                    return self.render(request, key, schedule=schedule)
            finally:
                done = [_lock_key(key), _stale_key(key), *([RENDER_SLOT] if action == "render-slot" else [])]
                try:
                    cache.delete_many(done)
                except Exception:
                    cache_down("Page cache unreachable; render lock left to expire")
        with cachetags.preloaded(current):
            return self.render(request, key, schedule=schedule, known=entry)

    def decide(self, request, key, language):
        """What to do, from the cache alone: (action, entry, schedule, the tag values read)."""
        entry, current, schedule = self.lookup(key)
        now = timezone.now()
        if golive.schedule_due(schedule, now):
            if not golive.catch_up(now, schedule):
                return "bypass", None, schedule, current  # another process is catching up
            entry, current, schedule = self.lookup(key)
        if entry is not None and current != entry.snapshot and entry is memory.get(key):
            # This process's copy is out of date; another may have stored the new one.
            memory.drop(key)
            entry, current, schedule = self.lookup(key, shared_only=True)
        if entry is not None and current == entry.snapshot:
            if entry.body is not None or self.not_modified(request, entry):
                return "respond", entry, schedule, current
        if not settings.PRESSOFFICE_PAGE_CACHE:
            return "render", entry, schedule, current  # validators kept, bodies not
        if entry is None and not self.cacheable(request, language):
            return "pass", None, schedule, current
        lock = _lock_key(key)
        if entry is not None and self.may_serve_stale(entry, current):
            how = self.may_rerender(key)
            if how and cache.add(lock, 1, settings.PRESSOFFICE_STALE_SECONDS):
                return ("render-slot" if how == "slot" else "render-locked"), None, schedule, current
            if how == "slot":
                cache.delete(RENDER_SLOT)
            return "stale", entry, schedule, current
        if cache.add(lock, 1, settings.PRESSOFFICE_STALE_SECONDS):
            return "render-locked", None, schedule, current
        fresh = self.wait_for(key, lock)
        if fresh is not None:
            return "respond", fresh, schedule, current
        return "render", None, schedule, current

    def cacheable(self, request, language) -> bool:
        """Whether the address is a public view that is cached (so worth a lock)."""
        with translation.override(language):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return False
        return getattr(match.func, "public_cache", False)

    def may_serve_stale(self, entry, current) -> bool:
        """Stale only after changes that hid nothing: no hard mark since it was stored."""
        changed = [tag for tag, value in current.items() if value != entry.snapshot[tag]]
        if any(current[tag] is None for tag in changed):
            return False  # the tag's value was lost: nothing is known about it
        marks = cache.get_many([cachetags.hard_key(tag) for tag in changed])
        return all(marks.get(cachetags.hard_key(tag), 0) <= abs(entry.snapshot[tag]) for tag in changed)

    def may_rerender(self, key) -> str | None:
        """Whether this process re-renders a page it could serve stale. One re-render at a
        time per machine ("slot": it takes the machine's render slot), so that after a
        publication the other processes go on serving while the changed pages are
        re-rendered one after the other; but a page stale for the stale seconds already is
        re-rendered at once ("overdue"). Behind an HTTP cache that is purged by tag
        (PRESSOFFICE_PURGE_URLS), pages are re-rendered at once ("now"): the cache in front
        already sends one refresh per page and serves its copy meanwhile."""
        if settings.PRESSOFFICE_PURGE_URLS:
            return "now"
        if cache.add(RENDER_SLOT, 1, SLOT_SECONDS):
            return "slot"
        now = time.time()
        since = cache.get_or_set(_stale_key(key), now, settings.PRESSOFFICE_STALE_SECONDS * 2)
        return "overdue" if now - since >= settings.PRESSOFFICE_STALE_SECONDS else None

    def wait_for(self, key, lock):
        """Another process is rendering this page: wait for its copy (a current one),
        as long as its lock lasts."""
        deadline = time.monotonic() + settings.PRESSOFFICE_STALE_SECONDS
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
            memory.drop(key)
            entry, current, _schedule = self.lookup(key)
            if entry is not None and current == entry.snapshot:
                return entry
            if cache.get(lock) is None:
                return None  # it finished without storing a copy: render here
        return None

    # Rendering and storing ----------------------------------------------------------------------

    def render(self, request, key, *, schedule=None, store=True, known=None):
        """Render through the rest of the stack and store what may be stored (not again
        when `known`, the copy found, already holds the same validators)."""
        started = time.time_ns()
        response = self.get_response(request)
        collected = getattr(response, "cache_tags", None)
        if collected is None or response.status_code not in STORED_STATUSES or response.streaming:
            return response
        try:
            snapshot = cachetags.values(collected.all(), collected.known)
            if schedule is None:
                schedule = cache.get(golive.SCHEDULE_KEY)
        except Exception:
            cache_down("Cache unreachable; response not stored")
            return response
        if cachetags.changed_since(snapshot, started):
            # Changed while rendering: this copy may predate the change, so it gets no
            # validators and is not stored.
            patch_cache_control(response, no_cache=True)
            return response
        compress = (store and settings.PRESSOFFICE_PAGE_CACHE) or _accepts_gzip(request)
        entry = self.make_entry(response, snapshot, collected, key, compress=compress)
        if store and not (known is not None and known.etag == entry.etag and known.body is None):
            stored = entry
            if not settings.PRESSOFFICE_PAGE_CACHE:
                stored = dataclasses.replace(entry, body=None, gzipped=None)
            try:
                cache.set(key, stored, freshness.PAGE_CACHE_SECONDS)
            except Exception:
                cache_down("Page cache unreachable; response not stored")
            memory.put(key, stored)
        return self.respond(request, entry, schedule)

    def make_entry(self, response, snapshot, collected, key, *, compress=True) -> Entry:
        positive = [value for value in snapshot.values() if value > 0]
        times = [value / 1e9 for value in positive]
        if collected.newest is not None:
            times.append(collected.newest.timestamp())
        last_modified = int(max(times)) if times else None
        digest = hashlib.sha256(f"{key}|{sorted(snapshot.items())}".encode()).hexdigest()[:32]
        body = response.content
        content_type = response.get("Content-Type", "")
        gzipped = None
        if (
            compress
            and len(body) > 200
            and content_type.startswith(COMPRESSIBLE)
            and not response.has_header("Content-Encoding")
        ):
            gzipped = gzip.compress(body, compresslevel=6, mtime=0)
        response["Surrogate-Key"] = " ".join(sorted(snapshot))
        patch_vary_headers(response, ["Accept-Encoding"])
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("set-cookie", "content-length", "etag", "last-modified", "cache-control")
        ]
        return Entry(
            status=response.status_code,
            headers=headers,
            body=body,
            gzipped=gzipped,
            snapshot=snapshot,
            etag=digest,
            last_modified=last_modified,
            stored_at=time.time(),
        )

    # Answering ----------------------------------------------------------------------------------

    def respond(self, request, entry, schedule, *, stale=False):
        gz = entry.gzipped is not None and _accepts_gzip(request)
        if entry.status == 200 and self.not_modified(request, entry):
            response = HttpResponseNotModified()
            prepared = entry.prepared(gz)
            response.headers = PreparedHeaders(
                {name: prepared[name] for name in NOT_MODIFIED_HEADERS if name in prepared}
            )
        else:
            body = entry.gzipped if gz else entry.body
            response = HttpResponse(b"" if request.method == "HEAD" else body, status=entry.status)
            response.headers = PreparedHeaders(entry.prepared(gz))
        if stale:
            # The previous copy, while another process renders the new one: no cache in
            # front may keep it (Varnish would serve it for its s-maxage).
            response["X-Stale"] = "1"
            response["Cache-Control"] = "no-cache"
        else:
            response["Cache-Control"] = cache_control(schedule)
        return response

    def not_modified(self, request, entry) -> bool:
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match:
            if if_none_match.strip() == "*":
                return True
            given = {tag.removeprefix("W/").strip('"').removesuffix("-gz") for tag in parse_etags(if_none_match)}
            return entry.etag in given
        header = request.META.get("HTTP_IF_MODIFIED_SINCE")
        since = parse_http_date_safe(header) if header else None
        return since is not None and entry.last_modified is not None and entry.last_modified <= since


NOT_MODIFIED_HEADERS = {"etag", "last-modified", "vary", "content-location", "surrogate-key"}


class PreparedHeaders(ResponseHeaders):
    """A stored response's headers, checked when it was stored (Django's checks each one
    as it is set): a hit builds its response from the entry's prepared headers at once."""

    def __init__(self, prepared):
        super().__init__({})
        self._store = dict(prepared)


def cache_control(schedule) -> str:
    """Public with max-age, s-maxage and stale-while-revalidate; never past the second
    the next scheduled version goes live."""
    max_age, shared = freshness.MAX_AGE, freshness.MAX_AGE
    if settings.PRESSOFFICE_PURGE_URLS:
        shared = freshness.PAGE_CACHE_SECONDS  # the caches in front are purged by tag
    if schedule and schedule[0]:
        left = int((schedule[0] / 1e9) - time.time())
        max_age, shared = max(0, min(max_age, left)), max(0, min(shared, left))
    if not max_age:
        return "no-cache"
    return f"public, max-age={max_age}, s-maxage={shared}, stale-while-revalidate={freshness.STALE_WHILE_REVALIDATE}"


class CacheDown(Exception):
    """The shared cache did not answer: render, store nothing."""
