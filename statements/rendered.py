"""Feed entries and list rows rendered once and stored (`RenderedEntry`).

`fragments(fmt, ids, render, origin)` returns the stored fragments of versions `ids` in
order, rendering (with `render(missing_ids) -> {id: text}`) and storing those that are
missing or out of date. A fragment is current while its stamp stands: the build and the
values of the cache tags `site` and `v<id>` (statements/cachetags.py) when it was rendered,
read before rendering, so a change during a render leaves a stamp that no longer matches.
Anything a fragment shows (its text, its people's names, its picture) invalidates that
tag, so nothing else needs deleting. Absolute addresses are stored with the request's
origin replaced by a marker and put back for each request (the same fragment serves every
host name the site answers to).
"""

import contextlib
import logging

from django.db import DatabaseError, connection, transaction

from . import cachetags
from .freshness import build_id, cache_down
from .models import RenderedEntry

logger = logging.getLogger(__name__)
UPDATED = ["stamp", "content"]

ORIGIN = "\x1eorigin\x1e"  # never in stored text otherwise (not a character XML or HTML allows)


def stamps(ids) -> dict:
    values = cachetags.values([cachetags.version(pk) for pk in ids] + [cachetags.SITE], cachetags.known_values())
    base = f"{build_id()}:{values[cachetags.SITE]}"
    return {pk: f"{base}:{values[cachetags.version(pk)]}" for pk in ids}


def fragments(fmt: str, ids: list, render, origin: str | None) -> list[str]:
    """The fragments of `ids`, in order. `origin`: the request's scheme and host, which
    stored fragments hold as a marker (None: the fragments hold no absolute address)."""
    if not ids:
        return []
    try:
        wanted = stamps(ids)
    except Exception:
        cache_down("Cache unreachable; %s fragments rendered, not stored", fmt)
        rendered = render(ids)
        return [rendered[pk] for pk in ids if pk in rendered]
    found = {
        pk: (stamp, content.replace(ORIGIN, origin) if origin else content)
        for pk, stamp, content in RenderedEntry.objects.filter(translation_id__in=ids, format=fmt).values_list(
            "translation_id", "stamp", "content"
        )
    }
    missing = [pk for pk in ids if pk not in found or found[pk][0] != wanted[pk]]
    if missing:
        rendered = render(missing)
        store(fmt, {pk: (wanted[pk], rendered[pk]) for pk in missing if pk in rendered}, origin)
        found.update({pk: (wanted[pk], rendered[pk]) for pk in missing if pk in rendered})
    return [found[pk][1] for pk in ids if pk in found]


def page(pk: int, statement_id: int, render, origin: str) -> str:
    """A statement page as last rendered for a reader: current while its version, its
    statement (which holds its other languages) and the build are unchanged."""
    tags = [cachetags.version(pk), cachetags.statement(statement_id), cachetags.SITE]
    try:
        values = cachetags.values(tags, cachetags.known_values())
    except Exception:
        cache_down("Cache unreachable; page rendered, not stored")
        return render()
    stamp = ":".join([build_id(), *(str(values[tag]) for tag in tags)])
    found = RenderedEntry.objects.filter(translation_id=pk, format="page").values_list("stamp", "content").first()
    if found is not None and found[0] == stamp:
        return found[1].replace(ORIGIN, origin)
    html = render()
    store("page", {pk: (stamp, html)}, origin)
    return html


def store(fmt: str, entries: dict, origin: str | None):
    """Keep rendered fragments; a write that fails (a busy SQLite) costs only the saving."""
    rows = [
        RenderedEntry(translation_id=pk, format=fmt, stamp=stamp, content=_marked(text, origin))
        for pk, (stamp, text) in entries.items()
    ]
    try:
        with _not_waiting(), transaction.atomic():
            RenderedEntry.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["translation", "format"],
                update_fields=UPDATED,
            )
    except DatabaseError as error:  # busy (another process writes) or a version deleted meanwhile
        logger.info("Rendered %s entries not stored: %s", fmt, error)


@contextlib.contextmanager
def _not_waiting():
    """On SQLite, give up at once instead of waiting when another process holds the write
    lock (a publication, a worker): the entry is stored by a later request instead."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    waited = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(waited)}")


def _marked(text: str, origin: str | None) -> str:
    return text.replace(origin, ORIGIN) if origin else text
