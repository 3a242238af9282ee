"""Purging HTTP caches in front of the app (Varnish with xkey, deploy/varnish/default.vcl).

The app's own cache is invalidated in-process at commit (statements/cachetags.py); the
copies a shared cache holds are purged by a task, because it leaves the machine and may
have to be retried. Each URL in PRESSOFFICE_PURGE_URLS gets one `PURGE` request with the
tags in an `xkey-purge` header (`xkey-softpurge` when a stale copy may still be served
while Varnish fetches a new one). A WebSub ping for a change goes out only after its
purge succeeded, so a hub never fetches the copy it is announcing as changed.
"""

import logging
import urllib.error
import urllib.request

from django.conf import settings

from .tasks.retry import PermanentFailure, TransientFailure

logger = logging.getLogger(__name__)

TIMEOUT = 3  # seconds per purge request
MAX_HEADER = 7000  # bytes of tags per request (Varnish's default http_req_hdr_len is 8 k)


def configured() -> bool:
    return bool(settings.PRESSOFFICE_PURGE_URLS)


def after_invalidation(tags, *, hard):
    """Queue the purge of `tags` from the shared caches (if any are configured)."""
    if configured():
        from .tasks.queue import defer
        from .tasks.side_effects import purge_shared_caches

        defer(purge_shared_caches, sorted(tags), hard)


def batches(tags):
    batch, size = [], 0
    for tag in tags:
        if batch and size + len(tag) + 1 > MAX_HEADER:
            yield batch
            batch, size = [], 0
        batch.append(tag)
        size += len(tag) + 1
    if batch:
        yield batch


def send(tags, *, hard: bool) -> int:
    """Purge `tags` from every configured cache; returns how many requests succeeded.
    Unreachable or 5xx: TransientFailure (retried); 4xx: PermanentFailure."""
    header = "xkey-purge" if hard else "xkey-softpurge"
    sent = 0
    for url in settings.PRESSOFFICE_PURGE_URLS:
        for batch in batches(tags):
            request = urllib.request.Request(url, method="PURGE", headers={header: " ".join(batch)})  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - settings' URLs
                    response.read()
            except urllib.error.HTTPError as error:
                if 400 <= error.code < 500:
                    raise PermanentFailure(f"{url} refused the purge: {error.code} {error.reason}") from error
                raise TransientFailure(f"{url} answered {error.code} to the purge") from error
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                raise TransientFailure(f"{url} could not be reached to purge: {error}") from error
            sent += 1
    return sent
