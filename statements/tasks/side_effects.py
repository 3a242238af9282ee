"""The tasks: every side effect of a change to public content, run by a worker.

Each takes ids and strings, never objects, and is idempotent: running it twice changes
nothing more than running it once (pings are de-duplicated by feed and change, image
files are made to match what public content uses, warming a page stores the same page).
"""

import datetime
import logging
import urllib.parse

from django.conf import settings
from django.http.request import validate_host
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .. import cachetags, images, purging, websub
from ..models import Image, Translation, WebSubDelivery
from .queue import defer
from .retry import retrying

logger = logging.getLogger(__name__)


def after_public_change(translation, reason: str, before=()):
    """Queue what follows a change to what readers see (called by the workflow, inside
    its transaction). The app's cache is invalidated at commit in-process (signals), so
    readers never wait for a worker; the rest is here. With HTTP caches in front, their
    purge goes first and the WebSub pings follow it."""
    defer(update_public_copies, translation.pk)
    ping = None
    if settings.PRESSOFFICE_WEBSUB_HUB_URL and reason in websub.REASONS:
        ping = [websub.publication_key(translation, reason), translation.pk]
    if purging.configured() and reason not in cachetags.NOT_YET_PUBLIC:
        tags = sorted(cachetags.for_change(translation, reason, before))
        defer(purge_shared_caches, tags, reason in cachetags.HARD_REASONS, then_notify=ping)
    elif ping:
        defer(notify_hub, *ping)


@task()
@retrying
def purge_shared_caches(tags: list[str], hard: bool = False, then_notify: list | None = None) -> int:
    """Purge `tags` from the HTTP caches in front (PRESSOFFICE_PURGE_URLS), then queue the
    WebSub pings of the change, so a hub fetches the new copy; returns requests sent."""
    sent = purging.send(tags, hard=hard)
    if then_notify:
        defer(notify_hub, *then_notify)
    return sent


@task()
@retrying
def notify_hub(publication: str, translation_id: int | None = None) -> int:
    """Ping the WebSub hub for every feed a public change touched; returns how many
    pings went out on this run."""
    return websub.deliver(publication, translation_id)


@task()
@retrying
def ask_witnesses() -> dict:
    """Ask the log's witnesses to cosign its latest checkpoint (statements/witnesses.py)."""
    from .. import witnesses

    return witnesses.ask_all()


@task()
def update_public_copies(translation_id: int) -> dict:
    """Put image files where public content needs them (and take the rest away), then
    warm the shared page cache with the version's own page, so its first reader is not
    the one who renders it."""
    changed = images.sync_public_files()
    translation = Translation.objects.filter(pk=translation_id).select_related("statement").first()
    if changed and translation is not None:
        # Pages made before the files were in place name no picture.
        cachetags.invalidate({cachetags.version(translation.pk), cachetags.statement(translation.statement_id)})
    warmed = warm(pages_of(translation)) if translation is not None else 0
    return {"image_files_changed": changed, "pages_warmed": warmed}


@task()
def recrop_image(image_id: int) -> bool:
    """Cut an image's crops again after its focal point moved."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return False  # deleted since: nothing to cut
    images.recrop(image)
    cachetags.invalidate(cachetags.versions_showing_image(image.pk) | {cachetags.image(image.pk)})
    return True


@task()
def delete_image_files(private: list[str], public: list[str]) -> int:
    """Delete the files of an image whose row is gone (deleting a missing file is a no-op)."""
    images.delete_files(private, public)
    return len(private) + len(public)


@task()
def announce_due() -> list[int]:
    """Run the going-live side effects of scheduled versions whose time has come
    (visibility never waited for this)."""
    from .. import workflow  # the workflow queues tasks from this package

    return [version.pk for version in workflow.announce_due()]


@task()
def prune_finished(days: int = 30) -> int:
    """Forget finished task results and delivered pings older than `days`."""
    before = timezone.now() - datetime.timedelta(days=days)
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    pings, _ = (
        WebSubDelivery.objects.filter(created_at__lt=before).exclude(delivered_at=None, refused_at=None).delete()
    )
    return results + pings


def pages_of(translation) -> list[str]:
    """The version's own page while it is public: a new address nobody has a copy of.
    Lists and feeds are not warmed: their previous copy is served while the first reader
    after the change renders them once (statements/pagecache.py), and warming them here
    only competed with readers for the processor at the busiest moment."""
    if Translation.objects.public().filter(pk=translation.pk).exists():
        return [translation.get_absolute_url()]
    return []


def warm(paths: list[str]) -> int:
    """Request each page as an anonymous reader would, through the whole middleware
    stack, so the page cache holds it; returns how many answered 200."""
    if not settings.PRESSOFFICE_PAGE_CACHE or not paths:
        return 0
    from django.test import Client  # a request through the handler, without a socket

    site = urllib.parse.urlsplit(settings.PRESSOFFICE_SITE_URL)
    host = site.hostname or ""
    allowed = settings.ALLOWED_HOSTS + (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    if not validate_host(host, allowed):
        logger.info("Not warming pages: PRESSOFFICE_SITE_URL's host %r is not in ALLOWED_HOSTS", host)
        return 0
    client = Client(HTTP_HOST=site.netloc, secure=site.scheme == "https")
    return sum(client.get(path).status_code == 200 for path in paths)
