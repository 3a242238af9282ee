"""The transparency log's storage: one append-only Merkle tree of every edition's leaf
hash, in the order the editions were made (algorithms: `statements/tlog.py`).

The hash of every complete subtree is stored (`LogNode`), so appending, a root, an
inclusion proof or a consistency proof reads O(log n) rows in one query. Appending runs
inside the workflow's transaction with the log locked (an advisory lock on PostgreSQL;
SQLite's write lock otherwise), and ends with a signed checkpoint of the new size.
`rebuild_and_compare` recomputes everything from the stored editions.
"""

import functools
import hashlib
import operator

from django.conf import settings
from django.db import connection
from django.db.models import Q

from . import signing, tlog
from .models import Checkpoint, Edition, LogNode

ADVISORY_LOCK = 0x5052_4C47  # "PRLG": the log's lock on PostgreSQL


def size() -> int:
    last = LogNode.objects.filter(level=0).order_by("-index").values_list("index", flat=True).first()
    return 0 if last is None else last + 1


def _perfect_parts(start: int, end: int) -> list[tuple[int, int]]:
    """The complete subtrees (level, index) that MTH(D[start:end]) is made of, in the
    RFC's split order."""
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        level = n.bit_length() - 1
        return [(level, start >> level)]
    k = tlog.split(n)
    return [*_perfect_parts(start, start + k), *_perfect_parts(start + k, end)]


def _fetch(keys) -> dict:
    keys = set(keys)
    if not keys:
        return {}
    condition = functools.reduce(operator.or_, (Q(level=level, index=index) for level, index in keys))
    found = {(level, index): bytes(value) for level, index, value in LogNode.objects.filter(condition).values_list(
        "level", "index", "hash")}  # fmt: skip
    if len(found) != len(keys):
        raise LookupError("the log is missing nodes")
    return found


def subtree_reader(ranges):
    """A `subtree(start, end)` for `tlog`, with every node those ranges need read at once."""
    nodes = _fetch(part for start, end in ranges for part in _perfect_parts(start, end))

    def subtree(start, end):
        if end - start & (end - start - 1) == 0 and start % (end - start) == 0:
            level = (end - start).bit_length() - 1
            return nodes[(level, start >> level)]
        k = tlog.split(end - start)
        return tlog.node_hash(subtree(start, start + k), subtree(start + k, end))

    return subtree


def root(tree_size: int) -> bytes:
    if tree_size == 0:
        return tlog.EMPTY_ROOT
    return subtree_reader([(0, tree_size)])(0, tree_size)


def inclusion(leaf_index: int, tree_size: int) -> list[bytes]:
    ranges = tlog.inclusion_ranges(leaf_index, 0, tree_size)
    return tlog.inclusion_proof(leaf_index, tree_size, subtree_reader(ranges))


def consistency(first: int, second: int) -> list[bytes]:
    ranges = tlog.consistency_ranges(first, 0, second)
    return tlog.consistency_proof(first, second, subtree_reader(ranges))


class Appender:
    """Appends leaves in one transaction, then signs a checkpoint of the new size."""

    def __init__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        self.size = size()
        waiting = [
            (level, (self.size >> level) - 1) for level in range(self.size.bit_length()) if self.size >> level & 1
        ]
        found = _fetch(waiting)
        # The complete subtrees along the tree's right edge, waiting for a sibling.
        self.frontier = {level: found[(level, index)] for level, index in waiting}
        self.pending = []

    def append(self, leaf: bytes) -> int:
        index = self.size
        self.pending.append(LogNode(level=0, index=index, hash=leaf))
        level, position, current = 0, index, leaf
        while position & 1:
            current = tlog.node_hash(self.frontier.pop(level), current)
            level, position = level + 1, position >> 1
            self.pending.append(LogNode(level=level, index=position, hash=current))
        self.frontier[level] = current
        self.size += 1
        return index

    def root(self) -> bytes:
        return _root(self.frontier)

    def flush(self):
        LogNode.objects.bulk_create(self.pending, batch_size=2000)
        self.pending = []

    def finish(self, private, key, now) -> Checkpoint:
        self.flush()
        return sign_checkpoint(self.size, self.root(), private, key, now)


def sign_checkpoint(tree_size, root_hash, private, key, now) -> Checkpoint:
    origin = settings.PRESSOFFICE_LOG_ORIGIN
    body = tlog.checkpoint_body(origin, tree_size, root_hash)
    note = tlog.signed_note(body, origin, bytes(key.public_key), private.sign(body.encode()))
    return Checkpoint.objects.create(tree_size=tree_size, root_hash=root_hash, note=note, key=key, created_at=now)


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.select_related("key").order_by("-tree_size").first()


def rebuild_and_compare(progress=None) -> list[str]:
    """Recompute the log from the stored editions and compare it with every stored node
    and checkpoint; the problems found (none: the log is intact)."""
    problems = []
    checkpoints = {c.tree_size: c for c in Checkpoint.objects.select_related("key")}
    nodes = {
        (level, index): bytes(value) for level, index, value in LogNode.objects.values_list("level", "index", "hash")
    }
    frontier, count = {}, 0
    editions = Edition.objects.select_related("key").order_by("leaf_index").iterator(chunk_size=2000)
    for edition in editions:
        data = bytes(edition.canonical)
        label = f"edition {edition.translation_id}/{edition.number}"
        if edition.leaf_index != count:
            problems.append(f"{label}: leaf {edition.leaf_index} where {count} was expected")
        if hashlib.sha256(data).hexdigest() != edition.sha256:
            problems.append(f"{label}: its bytes do not match its SHA-256")
        if not signing.verify(edition.key.public_key, edition.signature, data):
            problems.append(f"{label}: the signature does not verify")
        leaf, level, position = tlog.leaf_hash(data), 0, count
        current = leaf
        if nodes.get((0, position)) != leaf:
            problems.append(f"{label}: the stored leaf differs from its bytes")
        while position & 1:
            current = tlog.node_hash(frontier.pop(level), current)
            level, position = level + 1, position >> 1
            if nodes.get((level, position)) != current:
                problems.append(f"node {level}/{position} differs from the one rebuilt")
        frontier[level] = current
        count += 1
        if count in checkpoints:
            problems.extend(_check_checkpoint(checkpoints.pop(count), _root(frontier)))
        if progress:
            progress(1)
    for tree_size in sorted(checkpoints):
        problems.append(f"checkpoint {tree_size}: the log has only {count} editions")
    return problems


def _root(frontier) -> bytes:
    """The root of a tree from the complete subtrees along its right edge."""
    result = None
    for level in sorted(frontier):
        result = frontier[level] if result is None else tlog.node_hash(frontier[level], result)
    return result if result is not None else tlog.EMPTY_ROOT


def _check_checkpoint(checkpoint, rebuilt) -> list[str]:
    problems = []
    if bytes(checkpoint.root_hash) != rebuilt:
        problems.append(f"checkpoint {checkpoint.tree_size}: its root differs from the rebuilt tree's")
    try:
        body, signatures = tlog.parse_note(checkpoint.note)
        origin, tree_size, root_hash = tlog.parse_checkpoint(body)
    except ValueError as error:
        return [*problems, f"checkpoint {checkpoint.tree_size}: not a signed note ({error})"]
    public = bytes(checkpoint.key.public_key)
    if tree_size != checkpoint.tree_size or root_hash != rebuilt:
        problems.append(f"checkpoint {checkpoint.tree_size}: its signed text names another tree")
    wanted = tlog.note_key_hash(origin, public)
    if not any(h == wanted and signing.verify(public, s, body.encode()) for _n, h, s in signatures):
        problems.append(f"checkpoint {checkpoint.tree_size}: its signature does not verify")
    return problems


def origin() -> str:
    return settings.PRESSOFFICE_LOG_ORIGIN
