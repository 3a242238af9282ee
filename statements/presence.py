"""Who else has a version open: recorded in the cache when the change form is opened."""

import time

from django.core.cache import cache

WINDOW_SECONDS = 10 * 60


def _key(translation_id) -> str:
    return f"presence:translation:{translation_id}"


def note_and_list_others(translation_id, user) -> list[dict]:
    """Record that `user` opened the version; return the others of the last ten minutes."""
    now = time.time()
    try:
        seen = cache.get(_key(translation_id)) or {}
        seen = {uid: entry for uid, entry in seen.items() if now - entry["at"] < WINDOW_SECONDS}
        seen[user.pk] = {"name": user.get_full_name() or user.get_username(), "at": now}
        cache.set(_key(translation_id), seen, WINDOW_SECONDS)
    except Exception:  # noqa: BLE001 - presence is a courtesy; a cache outage must not block editing
        return []
    return [
        {"name": entry["name"], "minutes": int((now - entry["at"]) // 60)}
        for uid, entry in seen.items()
        if uid != user.pk
    ]
