"""WebSub: tell the hub which feeds changed when a version is published, corrected
(major) or withdrawn, so subscribers hear at once instead of polling.

Pings are written to the database first and sent after the transaction commits, with a
short timeout; one that fails stays pending, is logged, and `manage.py publish_due`
sends it again. Publishing never waits on, or fails because of, the hub.
"""

import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from .models import WebSubPing

logger = logging.getLogger(__name__)

REASONS = {"publish", "correct_major", "withdraw", "went_live"}
TIMEOUT = 3  # seconds per ping
FORMATS = ("rss", "atom", "json")


def topics_for(translation) -> list[str]:
    """Absolute addresses of every feed the version appears in without filters."""
    base = settings.PRESSOFFICE_SITE_URL.rstrip("/")
    statement = translation.statement
    paths = []
    with override(translation.language):
        paths += [reverse(f"statements:feed-{fmt}") for fmt in FORMATS]
        for slug in statement.participants.values_list("slug", flat=True):
            paths += [reverse(f"statements:person-feed-{fmt}", args=[slug]) for fmt in FORMATS]
        for slug in statement.topics.values_list("slug", flat=True):
            paths += [reverse(f"statements:topic-feed-{fmt}", args=[slug]) for fmt in FORMATS]
        for code in statement.countries.values_list("code", flat=True):
            paths += [reverse(f"statements:country-feed-{fmt}", args=[code]) for fmt in FORMATS]
    return [base + path for path in paths]


def on_public_content_changed(sender, translation=None, reason="", **kwargs):
    if not settings.PRESSOFFICE_WEBSUB_HUB_URL or translation is None or reason not in REASONS:
        return
    try:
        now = timezone.now()
        WebSubPing.objects.bulk_create([WebSubPing(topic=topic, created_at=now) for topic in topics_for(translation)])
        deliver_pending()
    except Exception:
        logger.exception("WebSub pings could not be queued or sent")


def deliver_pending(limit: int = 500) -> tuple[int, int]:
    """Send pending pings; returns (delivered, failed)."""
    hub = settings.PRESSOFFICE_WEBSUB_HUB_URL
    if not hub:
        return 0, 0
    delivered = failed = 0
    for ping in WebSubPing.objects.filter(delivered_at__isnull=True).order_by("created_at")[:limit]:
        ping.attempts += 1
        try:
            _send(hub, ping.topic)
        except (OSError, urllib.error.URLError) as error:
            ping.last_error = str(error)[:300]
            failed += 1
            logger.warning("WebSub ping for %s failed (attempt %s): %s", ping.topic, ping.attempts, error)
        else:
            ping.delivered_at, ping.last_error = timezone.now(), ""
            delivered += 1
        ping.save(update_fields=["attempts", "last_error", "delivered_at"])
    return delivered, failed


def _send(hub: str, topic: str):
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
    request = urllib.request.Request(hub, data=body, method="POST")  # noqa: S310 - the configured hub
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        if response.status >= 300:
            raise OSError(f"hub answered {response.status}")
