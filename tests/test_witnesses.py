"""Witnesses cosign the log's checkpoints (C2SP tlog-witness, tlog-cosignature), against a
real stand-in witness on loopback (tests/witness_server.py)."""

import base64
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from statements import witnesses
from statements.models import Cosignature, Witness
from statements.tasks.retry import PermanentFailure, TransientFailure

from .factories import make_public
from .test_transparency_log import verify_tool
from .witness_server import Witness as StandIn

pytestmark = pytest.mark.django_db
ORIGIN = "press-office.invalid/transparency"


@pytest.fixture
def stand_in(client, staff):
    make_public(staff)  # the log's key exists and has signed once
    keys = client.get("/.well-known/press-office/keys.json").json()
    witness = StandIn("witness.example.org/w1", ORIGIN, keys)
    call_command("witness", "add", witness.name, base64.b64encode(witness.public).decode(), witness.url, verbosity=0)
    yield witness
    witness.close()


def served(client):
    return client.get("/transparency/checkpoint").content.decode()


@override_settings(PRESSOFFICE_LOG_ORIGIN=ORIGIN)
def test_every_new_checkpoint_is_cosigned_with_a_consistency_proof(
    client, staff, stand_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_public(staff)
    note = served(client)
    assert verify_tool.check_cosignatures(note, {stand_in.name: stand_in.public}) == []
    assert Witness.objects.get().last_size == 2 == stand_in.size
    with django_capture_on_commit_callbacks(execute=True):
        make_public(staff)
    assert stand_in.requests[-1].startswith("old 2\n") and len(stand_in.requests[-1].split("\n\n")[0].split("\n")) > 1
    note = served(client)
    assert verify_tool.check_cosignatures(note, {stand_in.name: stand_in.public}) == []
    size, _root = verify_tool.read_checkpoint(note, client.get("/.well-known/press-office/keys.json").json())
    assert size == 3 and Cosignature.objects.count() == 2
    # An earlier checkpoint keeps its cosignature at its own address.
    older = client.get("/transparency/checkpoint/2").content.decode()
    assert verify_tool.check_cosignatures(older, {stand_in.name: stand_in.public}) == []
    assert client.get("/transparency/checkpoint/99").status_code == 404


@override_settings(PRESSOFFICE_LOG_ORIGIN=ORIGIN)
def test_a_witness_that_lost_its_state_is_proved_to_from_the_size_it_names(client, staff, stand_in):
    Witness.objects.update(last_size=1)  # we believe it cosigned 1; it has cosigned nothing (409 "0")
    assert witnesses.ask_all() == {stand_in.name: 1}
    assert [r.split("\n")[0] for r in stand_in.requests] == ["old 1", "old 0"]
    assert verify_tool.check_cosignatures(served(client), {stand_in.name: stand_in.public}) == []


@override_settings(PRESSOFFICE_LOG_ORIGIN=ORIGIN)
def test_failing_and_lying_witnesses(client, staff, stand_in):
    stand_in.mode = "failing"
    with pytest.raises(TransientFailure):
        witnesses.ask_all()
    stand_in.mode = "lying"
    with pytest.raises(PermanentFailure, match="no valid cosignature"):
        witnesses.ask_all()
    assert not Cosignature.objects.exists() and stand_in.name not in served(client)
    assert Witness.objects.get().last_error
    problems = verify_tool.check_cosignatures(served(client), {stand_in.name: stand_in.public})
    assert problems == [f"the checkpoint is not cosigned by the witness {stand_in.name}"]


def test_witness_command_refuses_bad_keys_and_addresses(db):
    for arguments in (["w", "bm90IGEga2V5", "http://127.0.0.1/"], ["w", "A" * 44, "ftp://x/"], ["w"]):
        with pytest.raises(CommandError):
            call_command("witness", "add", *arguments, verbosity=0)
    assert not Witness.objects.exists()


def test_witness_command_takes_a_c2sp_vkey(db):
    public = bytes(range(32))
    name = "witness.example.org/w2"
    key_hash = hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
    encoded = base64.b64encode(b"\x04" + public).decode()
    vkey = f"{name}+{key_hash.hex()}+{encoded}"
    call_command("witness", "add", name, vkey, "https://witness.example.org/", verbosity=0)
    assert bytes(Witness.objects.get(name=name).public_key) == public
