"""The transparency log's algorithms (statements/tlog.py) and storage
(statements/transparency.py) against RFC 9162's recursive definitions, and the
stand-alone verifier's copy of the verifiers (tools/verify.py)."""

import hashlib
import importlib.util
from pathlib import Path

import pytest

from statements import tlog, transparency

spec = importlib.util.spec_from_file_location("verify_tool", Path(__file__).parent.parent / "tools" / "verify.py")
verify_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(verify_tool)

LEAVES = [tlog.leaf_hash(f"entry {i}".encode()) for i in range(64)]


def mth(leaves):
    """RFC 9162 2.1.1, written out again here."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def naive(leaves):
    return lambda start, end: mth(leaves[start:end])


def test_known_answer():
    # One leaf: its hash; two: H(0x01 || a || b); the empty tree: SHA-256 of nothing.
    a, b = tlog.leaf_hash(b"a"), tlog.leaf_hash(b"b")
    assert tlog.root_of([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert tlog.root_of([a]) == a == hashlib.sha256(b"\x00a").digest()
    assert tlog.root_of([a, b]) == hashlib.sha256(b"\x01" + a + b).digest()


@pytest.mark.parametrize("verifier", [tlog, verify_tool], ids=["project", "tools/verify.py"])
def test_every_inclusion_and_consistency_proof_up_to_64_leaves(verifier):
    for size in range(1, 65):
        leaves = LEAVES[:size]
        root = mth(leaves)
        assert tlog.root_of(leaves) == root
        for index in range(size):
            path = tlog.inclusion_proof(index, size, naive(leaves))
            assert verifier.verify_inclusion(index, size, leaves[index], path, root)
            assert not verifier.verify_inclusion(index, size, tlog.leaf_hash(b"other"), path, root)
            if path:
                bad = [path[0][:-1] + bytes([path[0][-1] ^ 1]), *path[1:]]
                assert not verifier.verify_inclusion(index, size, leaves[index], bad, root)
                # A proof for another tree size does not verify against that tree's root.
                assert not verifier.verify_inclusion(index, size + 1, leaves[index], path, mth(LEAVES[: size + 1]))
        for first in range(1, size + 1):
            proof = tlog.consistency_proof(first, size, naive(leaves))
            assert verifier.verify_consistency(first, size, mth(leaves[:first]), root, proof)
            if first < size:
                wrong_first = mth(leaves[: first - 1] or LEAVES[63:])
                assert not verifier.verify_consistency(first, size, wrong_first, root, proof)
                wrong_second = mth([*LEAVES[:size], b"x"])
                assert not verifier.verify_consistency(first, size, mth(leaves[:first]), wrong_second, proof)


def test_bad_sizes_never_verify():
    assert not tlog.verify_inclusion(5, 5, LEAVES[0], [], mth(LEAVES[:5]))
    assert not tlog.verify_consistency(0, 4, b"", mth(LEAVES[:4]), [])
    assert not tlog.verify_consistency(5, 4, mth(LEAVES[:5]), mth(LEAVES[:4]), [])
    with pytest.raises(ValueError):
        tlog.consistency_proof(0, 3, naive(LEAVES))


@pytest.mark.django_db
def test_stored_tree_gives_the_same_roots_and_proofs():
    from statements.models import LogNode

    log = transparency.Appender()
    for size, leaf in enumerate(LEAVES[:37], start=1):
        log.append(leaf)
        assert log.root() == mth(LEAVES[:size])
    log.flush()
    assert transparency.size() == 37
    # Only complete subtrees are stored: 37 leaves, 18 + 9 + 4 + 2 + 1 inner nodes.
    assert LogNode.objects.count() == 37 + 18 + 9 + 4 + 2 + 1
    for size in (1, 2, 3, 8, 13, 37):
        assert transparency.root(size) == mth(LEAVES[:size])
        for index in range(size):
            assert transparency.inclusion(index, size) == tlog.inclusion_proof(index, size, naive(LEAVES[:size]))
        for first in range(1, size):
            assert transparency.consistency(first, size) == tlog.consistency_proof(first, size, naive(LEAVES[:size]))
    # A later appender continues where the last stopped.
    more = transparency.Appender()
    more.append(LEAVES[37])
    assert more.root() == mth(LEAVES[:38])


def test_checkpoint_note_round_trip():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from statements import signing

    private = Ed25519PrivateKey.generate()
    public = signing.raw_public(private)
    body = tlog.checkpoint_body("example.invalid/log", 7, mth(LEAVES[:7]))
    note = tlog.signed_note(body, "example.invalid/log", public, private.sign(body.encode()))
    parsed, signatures = tlog.parse_note(note)
    assert parsed == body
    [(name, key_hash, signature)] = signatures
    assert name == "example.invalid/log" and key_hash == tlog.note_key_hash(name, public)
    assert signing.verify(public, signature, body.encode())
    assert tlog.parse_checkpoint(body) == ("example.invalid/log", 7, mth(LEAVES[:7]))
    keys = {"keys": [{"key_id": signing.key_id(public), "public_key": signing.b64(public), "algorithm": "Ed25519"}]}
    assert verify_tool.read_checkpoint(note, keys) == (7, mth(LEAVES[:7]))
    with pytest.raises(ValueError):
        verify_tool.read_checkpoint(note.replace("\n7\n", "\n8\n"), keys)
