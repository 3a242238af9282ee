"""Conditional GET for public pages, feeds and the API, decided before rendering.

A *content generation* (a timestamp in the shared cache) moves whenever public content
changes (sent after commit by the workflow and by edits to people, topics, countries and
images). A version scheduled for later changes public content without anyone acting, so
the validators also include the newest `published_at` that has passed. Both come from
the cache and one indexed query; the same query gives the next scheduled time, which
caps how long a response may be cached.
"""

import datetime
import functools
import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import get_language

from .models import RELEASED_STATUSES, Translation

logger = logging.getLogger(__name__)

GENERATION_KEY = "pressoffice:content-generation"
MAX_AGE = 60  # seconds browsers and CDNs may reuse a public response
PAGE_CACHE_SECONDS = 600  # how long a rendered page stays in the shared cache at most
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


def generation() -> int | None:
    """The current content generation, or None when the cache cannot be reached."""
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, time.time_ns(), None)
            value = cache.get(GENERATION_KEY)
        return value
    except Exception:  # a cache outage costs conditional GET, never a page
        cache_down("Content generation unavailable: cache unreachable")
        return None


def bump(**kwargs):
    """Public content changed: every validator and cache key moves on."""
    try:
        cache.set(GENERATION_KEY, time.time_ns(), None)
    except Exception:
        cache_down("Could not bump the content generation")


def bump_after_commit(**kwargs):
    if settings.PRESSOFFICE_BUMP_AT_ONCE:
        bump()  # tests: their transactions never commit
    else:
        transaction.on_commit(bump)


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


@dataclass(frozen=True)
class State:
    etag: str | None
    last_modified: datetime.datetime | None
    max_age: int


def _publication_times(now):
    """The newest publication time that has passed and the next one to come, in one
    query of two index seeks (translation_published_idx)."""
    table = connection.ops.quote_name(Translation._meta.db_table)
    public = "status IN (%s, %s)"
    sql = (
        f"SELECT (SELECT MAX(published_at) FROM {table} WHERE {public} AND published_at <= %s), "  # noqa: S608
        f"(SELECT MIN(published_at) FROM {table} WHERE {public} AND published_at > %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*RELEASED_STATUSES, now, *RELEASED_STATUSES, now])
        last, following = cursor.fetchone()

    def aware(value):
        if isinstance(value, str):  # SQLite hands aggregates back as text
            value = parse_datetime(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return value

    return {"last": aware(last), "next": aware(following)}


def _times(now, current) -> dict:
    """The publication times, from the cache while the generation stands and no scheduled
    time has passed since they were read (so still exact), else from the database."""
    key = f"pressoffice:times:{current}"
    if current is not None:
        try:
            cached = cache.get(key)
        except Exception:
            cached = None
        if cached is not None and (cached["next"] is None or now < cached["next"]):
            return cached
    times = _publication_times(now)
    if current is not None:
        try:
            cache.set(key, times, MAX_AGE)
        except Exception:
            cache_down("Cache unreachable; publication times not stored")
    return times


def cached(name: str, compute, timeout: int = PAGE_CACHE_SECONDS):
    """`compute()`, kept in the cache for the current content generation."""
    current = generation()
    if current is None:
        return compute()
    key = f"pressoffice:data:{current}:{name}"
    try:
        value = cache.get(key)
    except Exception:
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout)
        except Exception:
            cache_down("Cache unreachable; %s not stored", name)
    return value


def state(request) -> State:
    """Validators for this request: the generation and publication times, from the cache
    or, when they are not there, one aggregate query."""
    if hasattr(request, "_freshness"):
        return request._freshness
    now = timezone.now()
    current = generation()
    times = _times(now, current)
    max_age = MAX_AGE
    if times["next"] is not None:
        max_age = max(0, min(max_age, int((times["next"] - now).total_seconds())))
    if current is None:
        result = State(None, None, 0)
    else:
        changed = datetime.datetime.fromtimestamp(current / 1e9, tz=datetime.UTC)
        last = max(filter(None, [times["last"], changed]))
        # The language is in the key too: the news sitemap and the API answer in the
        # language the request negotiated, at an address without a language prefix.
        language = get_language()
        key = f"{build_id()}|{current}|{times['last']}|{language}|{request.get_full_path()}"
        digest = hashlib.sha256(key.encode()).hexdigest()
        result = State(f'"{digest[:32]}"', last, max_age)
    request._freshness = result
    return result


def signed_in(request) -> bool:
    """Whether a signed-in user sent the request. Without a session cookie the session is
    never read, so an anonymous response gets no `Vary: Cookie` and a CDN can share it."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


def conditional(view):
    """Public responses: 304 before rendering when the reader's copy is current; a whole
    response from the shared cache when one is there; otherwise render, store, and add
    ETag, Last-Modified and a Cache-Control a CDN can use. Staff always get a fresh page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or signed_in(request):
            return view(request, *args, **kwargs)
        current = state(request)
        last_modified = int(current.last_modified.timestamp()) if current.last_modified else None
        # "If-None-Match: *" asks whether the resource exists at all: only the view knows.
        if current.etag and "*" not in request.headers.get("If-None-Match", ""):
            validators = HttpResponse()
            validators["ETag"] = current.etag
            if last_modified is not None:
                validators["Last-Modified"] = http_date(last_modified)
            # A 304 repeats the validators (RFC 9110 §15.4.5), copied from `validators`.
            response = get_conditional_response(
                request, etag=current.etag, last_modified=last_modified, response=validators
            )
            if response is not validators:  # Django hands `validators` back when the copy is stale
                return _cache_headers(response, current)
        response = _from_cache(current) if settings.PRESSOFFICE_PAGE_CACHE else None
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if response.status_code == 200 and current.etag:
                response["ETag"] = current.etag
                response["Last-Modified"] = http_date(last_modified)
            if response.status_code in (200, 301, 404, 410):
                _cache_headers(response, current)
                if settings.PRESSOFFICE_PAGE_CACHE:
                    _store(current, response)
        return response

    return wrapped


def _key(current: State) -> str:
    # The ETag already binds the generation, the newest passed publication time and the
    # full path with its query: a change to any of them reaches a new key.
    return "pressoffice:page:" + current.etag.strip('"')


def _from_cache(current: State):
    if not current.etag:
        return None
    try:
        stored = cache.get(_key(current))
    except Exception:
        cache_down("Page cache unreachable; rendering")
        return None
    if stored is None:
        return None
    status, content, headers = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _store(current: State, response):
    if not current.etag or current.max_age <= 0 or response.streaming:
        return
    headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
    try:
        cache.set(_key(current), (response.status_code, response.content, headers), PAGE_CACHE_SECONDS)
    except Exception:
        cache_down("Page cache unreachable; response not stored")


def _cache_headers(response, current: State):
    if current.max_age:
        patch_cache_control(
            response, public=True, max_age=current.max_age, stale_while_revalidate=STALE_WHILE_REVALIDATE
        )
    else:
        patch_cache_control(response, no_cache=True)
    return response
