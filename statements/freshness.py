"""Which public views are cached, the build they are keyed by, and data kept per tag.

`conditional` marks a public view (page, list, feed, sitemap, API) as cacheable and
collects, while it renders, what the response shows (statements/cachetags.py). The
first middleware (statements/pagecache.py) answers repeats from the cache, decides 304s
before anything renders, and sets the validators and Cache-Control on what it stores.
"""

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from . import cachetags

logger = logging.getLogger(__name__)

MAX_AGE = 60  # seconds browsers may reuse a public response
PAGE_CACHE_SECONDS = 3600  # how long a response stays in the shared cache at most
STALE_WHILE_REVALIDATE = 30


_CACHE_DOWN = {"logged_at": 0.0, "suppressed": 0}
CACHE_DOWN_LOG_SECONDS = 60


def cache_down(message: str, *args):
    """Log a cache outage once a minute per process (with the traceback), counting the
    occurrences in between, so an outage cannot flood the logs with one entry a request."""
    now = time.monotonic()
    if _CACHE_DOWN["logged_at"] and now - _CACHE_DOWN["logged_at"] < CACHE_DOWN_LOG_SECONDS:
        _CACHE_DOWN["suppressed"] += 1
        return
    logger.warning(
        message,
        *args,
        exc_info=True,
        extra={"event": "cache_unreachable", "suppressed_since_last": _CACHE_DOWN["suppressed"]},
    )
    _CACHE_DOWN.update(logged_at=now, suppressed=0)


def purge_everything():
    """Every cached response and datum out of date, at once (an import, a restore)."""
    cachetags.invalidate({cachetags.SITE}, hard=True)


@functools.cache
def _code_digest() -> str:
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for pattern in ("templates/**/*.html", "statements/**/*.py", "statements/**/*.html", "statements/**/*.mo"):
        for path in sorted(root.glob(pattern)):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def build_id() -> str:
    """The code's version (PRESSOFFICE_BUILD_ID, else a digest of templates, code and
    translations): a deploy that changes markup starts from new keys and validators."""
    return settings.PRESSOFFICE_BUILD_ID or _code_digest()


class _Memo:
    """`cached` values this process read last, with the tag values they were computed
    under: while those stand, the value is not read (and unpickled) again. A bounded
    number of names, least recently used dropped first."""

    SIZE = 512

    def __init__(self):
        self.values = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.values.get(key)
            if found is not None:
                self.values.move_to_end(key)
            return found

    def put(self, key, snapshot, value):
        with self.lock:
            self.values[key] = (snapshot, value)
            self.values.move_to_end(key)
            while len(self.values) > self.SIZE:
                self.values.popitem(last=False)


_memo = _Memo()


def cached(name: str, compute, tags, timeout: int = PAGE_CACHE_SECONDS):
    """`compute()`, kept in the cache while `tags` are unchanged; the response being
    rendered is tagged with them too. One `get_many` when it is there (of the tags alone
    when this process holds the value already). Callers must not change the value."""
    tags = sorted({*tags, cachetags.SITE})
    cachetags.note(*tags)
    key = f"pressoffice:data:{build_id()}:{name}"
    memo = _memo.get(key)
    try:
        found = cache.get_many([*map(cachetags.key, tags), *([] if memo else [key])])
        current = {tag: found.get(cachetags.key(tag)) for tag in tags}
        if memo is not None and memo[0] == current:
            stored = memo
        else:
            stored = found.get(key) if memo is None else cache.get(key)
    except Exception:
        cache_down("Cache unreachable; %s computed", name)
        return compute()
    known = cachetags.known_values()
    if known is not None:
        known.update({tag: value for tag, value in current.items() if value is not None})
    if stored is not None and stored[0] == current:
        if stored is not memo:
            _memo.put(key, *stored)
        return stored[1]
    started = time.time_ns()
    value = compute()
    try:
        snapshot = cachetags.values(tags, known)
        if not cachetags.changed_since(snapshot, started):
            cache.set(key, (snapshot, value), timeout)
            _memo.put(key, snapshot, value)
    except Exception:
        cache_down("Cache unreachable; %s not stored", name)
    return value


def signed_in(request) -> bool:
    """Whether a signed-in user sent the request. Without a session cookie the session is
    never read, so an anonymous response gets no `Vary: Cookie` and a CDN can share it."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def conditional(view):
    """A public view whose anonymous responses are cached whole: what it shows is
    collected as tags while it renders, for the first middleware to store the response
    under (statements/pagecache.py). Staff always get a fresh page, never stored."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or signed_in(request):
            return view(request, *args, **kwargs)
        with cachetags.collecting() as collected:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # inside: templates load versions too
        response.cache_tags = collected
        return response

    wrapped.public_cache = True
    return wrapped
