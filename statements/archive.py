"""Backups: the whole press office in one file, and back.

An archive is a gzipped tar holding
  manifest.json     format, creation time, the schema (latest migration of each app),
                    and the row count of every table
  data/<model>.jsonl the rows of each table, one JSON object a line (Django's
                    serialization with full-precision times; natural keys
                    for users, groups, permissions and content types)
  media/private/…   originals and renditions
  media/public/…    the public copies (random folders) as they were

It holds all content, revisions, the signed editions, signing keys (public halves only)
and the transparency log, the audit log, preview links, WebSub deliveries, tasks
waiting in the outbox, people, roles, appointments, topics, countries, images, staff
accounts with their roles, languages and authenticators, the reference counters, the
email-alert lists and the suppression list (hashes). Readers' addresses and subscriptions
only with `include_subscribers` (`export_archive --include-subscribers`). Not included:
the alert runs and deliveries, sessions, the login-throttling log, the task queue's
results and the periodic schedule (transient), and the cache (rebuilt on demand).

Import goes into a freshly migrated, empty database (the same schema), in one
transaction: either everything is restored or nothing is.
"""

import datetime
import io
import json
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import PurePosixPath

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import search, transparency
from .models import Translation

FORMAT = "pressoffice-archive/1"
MODELS = [
    "auth.group",
    "auth.user",
    "sequences.sequence",
    "otp_totp.totpdevice",
    "statements.country",
    "statements.role",
    "statements.image",
    "statements.rendition",
    "statements.person",
    "statements.appointment",
    "statements.topic",
    "statements.administration",
    "statements.statement",
    "statements.participation",
    "statements.translation",
    "statements.revision",
    "statements.quote",
    "statements.signingkey",
    "statements.edition",
    "statements.lognode",
    "statements.checkpoint",
    "statements.witness",
    "statements.cosignature",
    "statements.staffprofile",
    "statements.auditentry",
    "statements.previewlink",
    "statements.websubdelivery",
    "statements.outboxtask",
    "statements.alertlist",
    "statements.suppression",
]
# Readers' addresses and what they follow: only with `export_archive --include-subscribers`
# (the manifest says whether an archive holds them).
SUBSCRIBER_MODELS = ["statements.subscriber", "statements.subscription"]
# Derived from other columns and rebuilt on import (PostgreSQL's tsvector).
DERIVED_FIELDS = {"statements.translation": {"search_vector"}}
MEDIA = ["private", "default"]
MEDIA_FOLDERS = {"private": "media/private", "default": "media/public"}


CHUNK = 2000


class Encoder(DjangoJSONEncoder):
    """Django's encoder keeps only milliseconds of a time; a backup keeps them all."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _chunks(iterable, size=CHUNK):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class ArchiveError(Exception):
    """A clear, user-facing reason an archive cannot be written or read."""


def _labels(include_subscribers=False) -> list[str]:
    return MODELS + (SUBSCRIBER_MODELS if include_subscribers else [])


def _models(include_subscribers=False):
    return [apps.get_model(label) for label in _labels(include_subscribers)]


def _fields(model) -> list[str]:
    skip = DERIVED_FIELDS.get(model._meta.label_lower, set())
    return [
        f.name
        for f in model._meta.local_fields + model._meta.local_many_to_many
        if f.name not in skip and not f.primary_key
    ]


def schema() -> dict[str, str]:
    """The newest applied migration of each app."""
    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def table_counts(include_subscribers=False) -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in _models(include_subscribers)}


def _media_files(storage, folder=""):
    directories, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from _media_files(storage, f"{folder}/{directory}" if folder else directory)


def _add_bytes(tar, name: str, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def export(path, progress: Callable = lambda iterable, **kw: iterable, *, include_subscribers=False) -> dict:
    """Write the archive to `path` (readers' addresses only with `include_subscribers`);
    return its manifest."""
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "schema": schema(),
        "tables": table_counts(include_subscribers),
        "subscribers": include_subscribers,
        "media": {},
    }
    with tarfile.open(path, "w:gz") as tar, transaction.atomic():
        for model in progress(_models(include_subscribers), desc="tables", unit="table"):
            label = model._meta.label_lower
            with tempfile.SpooledTemporaryFile(max_size=50 * 1024 * 1024, mode="w+b") as buffer:
                for chunk in _chunks(model._default_manager.order_by("pk").iterator(chunk_size=CHUNK)):
                    objects = serializers.serialize(
                        "python",
                        chunk,
                        fields=_fields(model),
                        use_natural_foreign_keys=True,
                        use_natural_primary_keys=label in {"auth.group"},
                    )
                    for item in objects:
                        buffer.write(json.dumps(item, cls=Encoder, ensure_ascii=False).encode() + b"\n")
                size = buffer.tell()
                buffer.seek(0)
                info = tarfile.TarInfo(f"data/{label}.jsonl")
                info.size = size
                info.mtime = int(timezone.now().timestamp())
                tar.addfile(info, buffer)
        for key in MEDIA:
            storage = storages[key]
            names = list(_media_files(storage)) if _storage_exists(storage) else []
            manifest["media"][key] = len(names)
            for name in progress(names, desc=f"{MEDIA_FOLDERS[key]} files", unit="file"):
                with storage.open(name) as handle:
                    _add_bytes(tar, f"{MEDIA_FOLDERS[key]}/{name}", handle.read())
        _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    return manifest


def _storage_exists(storage) -> bool:
    try:
        storage.listdir("")
    except (FileNotFoundError, NotADirectoryError):
        return False
    return True


def not_empty() -> dict[str, int]:
    """Tables of a database that already holds content or accounts."""
    counts = table_counts(include_subscribers=True)
    return {label: count for label, count in counts.items() if count and label not in {"auth.group"}}


def read_manifest(tar) -> dict:
    try:
        member = tar.getmember("manifest.json")
    except KeyError:
        raise ArchiveError("This file is not a Press Office archive (no manifest.json).") from None
    manifest = json.loads(tar.extractfile(member).read())
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"Unknown archive format {manifest.get('format')!r}; this version reads {FORMAT}.")
    return manifest


def import_(path, progress: Callable = lambda iterable, **kw: iterable) -> dict:
    """Restore the archive at `path` into this (empty, migrated) database and media
    storage. Refuses, changing nothing, when the database is not empty, the schema
    differs or the file is damaged."""
    try:
        tar = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"Cannot read {path}: {error}") from None
    with tar:
        manifest = read_manifest(tar)
        here = schema()
        archived_apps = {label.split(".")[0] for label in MODELS}
        differing = {
            app: (manifest["schema"].get(app), here.get(app))
            for app in archived_apps
            if manifest["schema"].get(app) != here.get(app)
        }
        if differing:
            lines = ", ".join(
                f"{app}: archive {theirs}, database {ours or 'none'}" for app, (theirs, ours) in differing.items()
            )
            raise ArchiveError(
                f"The archive was made with another schema ({lines}). Migrate to the same version first."
            )
        occupied = not_empty()
        if occupied:
            listing = ", ".join(f"{count} {label}" for label, count in occupied.items())
            raise ArchiveError(f"The database is not empty ({listing}). Import into a freshly migrated database.")
        written = []
        try:
            with transaction.atomic():
                with connection.constraint_checks_disabled():
                    labels = _labels(manifest.get("subscribers", False))
                    for label in progress(labels, desc="tables", unit="table"):
                        member = tar.extractfile(f"data/{label}.jsonl")
                        for chunk in _chunks(json.loads(line) for line in member):
                            for item in serializers.deserialize("python", chunk, handle_forward_references=True):
                                item.save()
                                if item.deferred_fields:
                                    item.save_deferred_fields()
                tables = [m._meta.db_table for m in _models(manifest.get("subscribers", False))]
                connection.check_constraints(table_names=tables)
                _reset_sequences()
                _rebuild_derived()
                # Signed editions come back as they were: the log rebuilt from them must
                # match every checkpoint the archive holds, or nothing is restored.
                problems = transparency.rebuild_and_compare()
                if problems:
                    raise ArchiveError(f"The archive's editions do not match its transparency log: {problems[0]}")
                written = _restore_media(tar, progress)
        except Exception:
            _remove_media(written)
            raise
        return manifest


def _restore_media(tar, progress) -> list[tuple[str, str]]:
    written = []
    members = [m for m in tar.getmembers() if m.isfile() and m.name.startswith("media/")]
    for member in progress(members, desc="media files", unit="file"):
        parts = PurePosixPath(member.name).parts
        if ".." in parts or len(parts) < 3:
            raise ArchiveError(f"Refusing a media path outside the media folders: {member.name}")
        key = {"private": "private", "public": "default"}.get(parts[1])
        if key is None:
            raise ArchiveError(f"Unknown media folder in the archive: {member.name}")
        name = "/".join(parts[2:])
        storage = storages[key]
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(tar.extractfile(member).read()))
        if saved != name:
            raise ArchiveError(f"Could not restore {name} under its own name.")
        written.append((key, name))
    return written


def _remove_media(written):
    for key, name in written:
        storages[key].delete(name)


def _reset_sequences():
    statements = connection.ops.sequence_reset_sql(no_style(), _models(include_subscribers=True))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _rebuild_derived():
    search.reindex(Translation.objects.all())


def default_name() -> str:
    return f"pressoffice-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
