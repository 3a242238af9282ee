"""The transparency log's algorithms: RFC 9162 (Certificate Transparency 2.0) Merkle tree
hashing, inclusion and consistency proofs and their verification, and the C2SP
`tlog-checkpoint` signed note. Pure functions over bytes; storage is
`statements/transparency.py`.

Why not a library: the algorithms are short and fixed by the RFC, and the one maintained
candidate (pymerkle) keeps its own storage and hashes leaves its own way. These are
tested against the RFC's recursive definitions at every tree size up to 64
(tests/test_transparency.py), and `tools/verify.py` carries its own copy of the
verifiers, so a reader trusts none of this code.

Subtree hashes are asked of a `subtree(start, end)` callable (the Merkle Tree Hash of
leaves[start:end]); `ranges_needed` lists which ones a proof needs, so storage can fetch
them in one query.
"""

import base64
import hashlib

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) by the RFC's recursive definition, from leaf hashes."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


def inclusion_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes make PATH(index, D[start:end]), leaf to root."""
    if end - start <= 1:
        return []
    k = split(end - start)
    if index < start + k:
        return [*inclusion_ranges(index, start, start + k), (start + k, end)]
    return [*inclusion_ranges(index, start + k, end), (start, start + k)]


def consistency_ranges(m: int, start: int, end: int, whole: bool = True) -> list[tuple[int, int]]:
    """SUBPROOF(m, D[start:end], b) as leaf ranges (RFC 9162 2.1.4.1)."""
    n = end - start
    if m == n:
        return [] if whole else [(start, end)]
    k = split(n)
    if m <= k:
        return [*consistency_ranges(m, start, start + k, whole), (start + k, end)]
    return [*consistency_ranges(m - k, start + k, end, False), (start, start + k)]


def inclusion_proof(index: int, size: int, subtree) -> list[bytes]:
    return [subtree(a, b) for a, b in inclusion_ranges(index, 0, size)]


def consistency_proof(first: int, second: int, subtree) -> list[bytes]:
    if not 0 < first <= second:
        raise ValueError("a consistency proof needs 0 < first <= second")
    return [subtree(a, b) for a, b in consistency_ranges(first, 0, second)]


def verify_inclusion(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 2.1.4.2."""
    if first > second or first < 1:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    if first & (first - 1) == 0:  # an exact power of two
        proof = [first_root, *proof]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


# Checkpoints as C2SP signed notes -------------------------------------------------------


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def note_key_hash(name: str, public_key: bytes) -> bytes:
    """C2SP signed-note key ID for Ed25519: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]


def signed_note(body: str, name: str, public_key: bytes, signature: bytes) -> str:
    stamp = base64.b64encode(note_key_hash(name, public_key) + signature).decode()
    return f"{body}\n\u2014 {name} {stamp}\n"


def parse_note(text: str) -> tuple[str, list[tuple[str, bytes, bytes]]]:
    """(body, [(key name, key hash, signature)]); ValueError when it is not a note."""
    body, sep, signatures = text.partition("\n\n")
    if not sep:
        raise ValueError("no blank line between the text and its signatures")
    lines = []
    for line in signatures.rstrip("\n").split("\n"):
        if not line.startswith("\u2014 "):
            raise ValueError("a signature line must start with an em dash")
        name, _space, stamp = line[2:].rpartition(" ")
        raw = base64.b64decode(stamp, validate=True)
        if len(raw) < 5:
            raise ValueError("a signature is too short")
        lines.append((name, raw[:4], raw[4:]))
    return body + "\n", lines


def parse_checkpoint(body: str) -> tuple[str, int, bytes]:
    """(origin, tree size, root hash) of a checkpoint's text."""
    lines = body.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise ValueError("a checkpoint is an origin line, a tree size and a root hash")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise ValueError("the root hash must be 32 bytes")
    return lines[0], int(lines[1]), root


# Witness cosignatures (C2SP tlog-cosignature, cosignature/v1 with Ed25519) ------------


def cosignature_key_hash(name: str, public_key: bytes) -> bytes:
    """SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4]: the key ID of an Ed25519 cosigner."""
    return hashlib.sha256(name.encode() + b"\n\x04" + public_key).digest()[:4]


def cosigned_message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def cosignature(line: str, name: str, public_key: bytes, body: str, verify) -> int | None:
    """The timestamp of `line` if it is `name`'s valid cosignature of the checkpoint `body`
    (`verify(public, signature, message)` checks Ed25519), else None."""
    if not line.startswith("\u2014 "):
        return None
    line_name, _space, stamp = line[2:].rpartition(" ")
    try:
        raw = base64.b64decode(stamp, validate=True)
    except ValueError:
        return None
    if line_name != name or len(raw) != 4 + 8 + 64 or raw[:4] != cosignature_key_hash(name, public_key):
        return None
    timestamp = int.from_bytes(raw[4:12], "big")
    return timestamp if verify(public_key, raw[12:], cosigned_message(body, timestamp)) else None
