#!/usr/bin/env python3
"""Verify a statement the press office signed, without trusting the office's site.

Needs only Python 3.11+, `cryptography` and `rfc8785` (pip install cryptography rfc8785).
Nothing here imports the project: it is written from the public formats (RFC 8785, Ed25519,
RFC 9162 tree hashing and proofs, C2SP signed notes) and can be copied anywhere.

Saved files:

    python verify.py --record 3.json --signature 3.sig --keys keys.json \\
        [--checkpoint checkpoint.txt --proof proof.json] [--witness NAME=KEY …]

Or over HTTP, from an edition's address (fetches the signature, the keys, the latest
checkpoint and the inclusion proof):

    python verify.py https://press.example/api/editions/<version id>/3.json

Exit status 0: verified; 1: it does not verify (the reasons are printed); 2: bad usage.
"""

import argparse
import base64
import hashlib
import json
import sys
import urllib.parse
import urllib.request
from datetime import datetime

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def _time(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _ed25519(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def check_record(record: bytes, signature_b64: str, keys: dict) -> list[str]:
    """Problems with a record and its signature (none: verified)."""
    try:
        fields = json.loads(record)
    except ValueError:
        return ["the record is not JSON"]
    if not isinstance(fields, dict):
        return ["the record is not a JSON object"]
    problems = []
    if rfc8785.dumps(fields) != record:
        problems.append("the record is not in RFC 8785 canonical form (it was changed after signing)")
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except ValueError:
        return [*problems, "the signature is not base64"]
    key = next((k for k in keys.get("keys", []) if k.get("key_id") == fields.get("key_id")), None)
    if key is None:
        return [*problems, "the record names a key the office has not published"]
    public = base64.b64decode(key["public_key"])
    if hashlib.sha256(public).hexdigest() != key["key_id"]:
        problems.append("the published key does not match its key_id")
    if key.get("algorithm") != "Ed25519" or not _ed25519(public, signature, record):
        problems.append("the signature does not verify with the office's key")
    created = _time(fields.get("created_at"))
    revoked = _time(key.get("revoked_at"))
    if revoked is not None and (created is None or created >= revoked):
        problems.append(f"the key was revoked at {key['revoked_at']}, before this edition was signed")
    until = _time(key.get("valid_until"))
    if key.get("status") == "retired" and until is not None and created is not None and created > until:
        problems.append("the key had been retired when this edition was signed")
    return problems


# RFC 9162 -----------------------------------------------------------------------------


def _node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(record: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + record).digest()


def verify_inclusion(index, size, leaf, path, root) -> bool:
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, proof) -> bool:
    if first < 1 or first > second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    if first & (first - 1) == 0:
        proof = [first_root, *proof]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


def read_checkpoint(note: str, keys: dict) -> tuple[int, bytes]:
    """(tree size, root hash) of a C2SP checkpoint signed by one of the office's keys;
    ValueError with the reason otherwise."""
    body, sep, signatures = note.partition("\n\n")
    if not sep:
        raise ValueError("the checkpoint is not a signed note")
    body += "\n"
    lines = body.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise ValueError("the checkpoint does not name a tree size and root")
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    for line in signatures.rstrip("\n").split("\n"):
        name, _space, stamp = line.removeprefix("\u2014 ").rpartition(" ")
        raw = base64.b64decode(stamp)
        for key in keys.get("keys", []):
            public = base64.b64decode(key["public_key"])
            key_hash = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
            if name == origin and raw[:4] == key_hash and _ed25519(public, raw[4:], body.encode()):
                if key.get("revoked_at"):
                    raise ValueError("the checkpoint was signed by a revoked key")
                return size, root
    raise ValueError("the checkpoint is not signed by any of the office's keys")


def check_cosignatures(note: str, witnesses: dict) -> list[str]:
    """Problems unless every witness in `witnesses` (name -> raw public key) cosigned the
    checkpoint (C2SP tlog-cosignature, cosignature/v1)."""
    body, _sep, signatures = note.partition("\n\n")
    body += "\n"
    found = set()
    for line in signatures.rstrip("\n").split("\n"):
        name, _space, stamp = line.removeprefix("\u2014 ").rpartition(" ")
        public = witnesses.get(name)
        try:
            raw = base64.b64decode(stamp, validate=True)
        except ValueError:
            continue
        if public is None or len(raw) != 76:
            continue
        key_hash = hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
        message = f"cosignature/v1\ntime {int.from_bytes(raw[4:12], 'big')}\n{body}".encode()
        if raw[:4] == key_hash and _ed25519(public, raw[12:], message):
            found.add(name)
    return [f"the checkpoint is not cosigned by the witness {name}" for name in sorted(set(witnesses) - found)]


def check_inclusion(record: bytes, proof: dict, size: int, root: bytes) -> list[str]:
    if proof.get("tree_size") != size:
        return [f"the proof is for a tree of {proof.get('tree_size')} entries, the checkpoint has {size}"]
    path = [base64.b64decode(h) for h in proof.get("hashes", [])]
    if not verify_inclusion(int(proof.get("leaf_index", -1)), size, leaf_hash(record), path, root):
        return ["the record is not in the transparency log at that checkpoint"]
    return []


# Command line -------------------------------------------------------------------------


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the user's own address
        return response.read()


def from_address(address: str, witnesses: dict | None = None) -> list[str]:
    parts = urllib.parse.urlsplit(address)
    origin = f"{parts.scheme}://{parts.netloc}"
    version, _slash, name = parts.path.removeprefix("/api/editions/").partition("/")
    number = name.removesuffix(".json")
    record = _get(f"{origin}/api/editions/{version}/{number}.json")
    signature = _get(f"{origin}/api/editions/{version}/{number}.sig").decode()
    keys = json.loads(_get(f"{origin}/.well-known/press-office/keys.json"))
    problems = check_record(record, signature, keys)
    note = _get(f"{origin}/transparency/checkpoint").decode()
    size, root = read_checkpoint(note, keys)
    problems += check_cosignatures(note, witnesses or {})
    query = urllib.parse.urlencode({"edition": f"{version}/{number}", "size": size})
    proof = json.loads(_get(f"{origin}/transparency/proof/inclusion?{query}"))
    return problems + check_inclusion(record, proof, size, root)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify a signed edition of a press office statement.")
    parser.add_argument("address", nargs="?", help="an edition's address (…/api/editions/<id>/<n>.json)")
    parser.add_argument("--record", help="a saved record (<n>.json)")
    parser.add_argument("--signature", help="its saved signature (<n>.sig)")
    parser.add_argument("--keys", help="the office's saved keys.json")
    parser.add_argument("--checkpoint", help="a saved checkpoint")
    parser.add_argument("--proof", help="a saved inclusion proof for that checkpoint's size")
    parser.add_argument(
        "--witness", action="append", default=[], metavar="NAME=KEY",
        help="require this witness's cosignature on the checkpoint (KEY: base64 of its Ed25519 public key)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    try:
        witnesses = {name: base64.b64decode(key) for name, _eq, key in (w.partition("=") for w in args.witness)}
        if args.address:
            problems = from_address(args.address, witnesses)
        elif args.record and args.signature and args.keys:
            record = open(args.record, "rb").read()  # noqa: SIM115
            keys = json.load(open(args.keys))  # noqa: SIM115
            problems = check_record(record, open(args.signature).read(), keys)  # noqa: SIM115
            if args.checkpoint and args.proof:
                note = open(args.checkpoint).read()  # noqa: SIM115
                size, root = read_checkpoint(note, keys)
                problems += check_inclusion(record, json.load(open(args.proof)), size, root)  # noqa: SIM115
                problems += check_cosignatures(note, witnesses)
        else:
            parser.print_usage(sys.stderr)
            return 2
    except (OSError, ValueError) as error:
        problems = [str(error)]
    for problem in problems:
        print(f"DOES NOT VERIFY: {problem}")
    if not problems:
        print(
            "Verified: signed by the office" + (" and in its transparency log." if args.address or args.proof else ".")
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
