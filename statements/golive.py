"""Scheduled versions and cached responses: a version scheduled for later becomes public
at its `published_at` with nobody acting, so the shared cache keeps when the next one goes
live (`SCHEDULE_KEY`, read by the page cache in the same round trip as a response's tags),
and the first request after that second invalidates what the versions that went live
change (statements/cachetags.py), hard: a scheduled version appears at its second.
"""

import datetime

from django.core.cache import cache
from django.db.models import Min

from .cachetags import SITE, for_change, invalidate

SCHEDULE_KEY = "pressoffice:schedule"  # (next go-live in ns or 0, checked through ns)
SCHEDULE_LOCK = "pressoffice:schedule-lock"


def _ns(value: datetime.datetime) -> int:
    return int(value.timestamp() * 1e9)


def _next_go_live(now):
    from .models import Translation

    found = Translation.objects.released().filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"]
    return _ns(found) if found else 0


def refresh_schedule():
    """After something was scheduled or unscheduled: when the next version goes live."""
    from django.utils import timezone

    now = timezone.now()
    try:
        current = cache.get(SCHEDULE_KEY)
        through = current[1] if current else _ns(now)
        cache.set(SCHEDULE_KEY, (_next_go_live(now), through), None)
    except Exception:
        from .freshness import cache_down

        cache_down("Cache unreachable; schedule not refreshed")


def schedule_due(value, now) -> bool:
    """Whether a version went live since cached responses were last checked."""
    if value is None:
        return True
    next_at, _through = value
    return bool(next_at) and _ns(now) >= next_at


def catch_up(now, value) -> bool:
    """Invalidate what versions that went live since the last check change (hard: a
    scheduled version appears at its second). One process does it; returns False when
    another is doing it (the caller then renders without the cache)."""
    from .models import Translation

    if not cache.add(SCHEDULE_LOCK, 1, 10):
        return False
    try:
        if value is None:
            # Nothing known (a cold cache, or the schedule's key lost): whatever went
            # live meanwhile, no copy from before may stand.
            invalidate({SITE}, hard=True)
            cache.set(SCHEDULE_KEY, (_next_go_live(now), _ns(now)), None)
            return True
        since = datetime.datetime.fromtimestamp(value[1] / 1e9, tz=datetime.UTC)
        went_live = (
            Translation.objects.released()
            .filter(published_at__gt=since, published_at__lte=now)
            .select_related("statement")
        )
        tags = set()
        for translation in went_live:
            tags |= for_change(translation, "went_live")
        if tags:
            invalidate(tags, hard=True)
        cache.set(SCHEDULE_KEY, (_next_go_live(now), _ns(now)), None)
        return True
    finally:
        cache.delete(SCHEDULE_LOCK)
