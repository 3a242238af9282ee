"""tools/verify.py over HTTP against a running site, and from saved files on the command
line: the code path a journalist runs (only cryptography and rfc8785)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from statements import workflow

from .factories import make_person, make_staff, make_statement, make_version, publish_correction
from .test_transparency_log import verify_tool

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TOOL = Path(__file__).parent.parent / "tools" / "verify.py"


@pytest.fixture
def corrected(db):
    staff = {"editor": make_staff("Editor", "editor"), "publisher": make_staff("Publisher", "publisher")}
    version = make_version(make_statement(participants=[make_person()]), body="First words.", actor=staff["editor"])
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    workflow.publish(translation=version, actor=staff["publisher"])
    publish_correction(version, staff, "Second words.", is_major=True, change_note="Reworded.")
    return version


def test_over_http(live_server, corrected):
    for number in (1, 2):
        assert verify_tool.from_address(f"{live_server.url}/api/editions/{corrected.uuid}/{number}.json") == []
    with pytest.raises(OSError):  # a draft's or an unknown edition's address: 404
        verify_tool.from_address(f"{live_server.url}/api/editions/{corrected.uuid}/9.json")


def test_from_saved_files_on_the_command_line(client, corrected, tmp_path):
    files = {
        "record": client.get(f"/api/editions/{corrected.uuid}/2.json").content,
        "signature": client.get(f"/api/editions/{corrected.uuid}/2.sig").content,
        "keys": client.get("/.well-known/press-office/keys.json").content,
        "checkpoint": client.get("/transparency/checkpoint").content,
    }
    size = int(files["checkpoint"].split(b"\n")[1])
    files["proof"] = client.get(
        "/transparency/proof/inclusion", {"edition": f"{corrected.uuid}/2", "size": size}
    ).content
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    arguments = [sys.executable, str(TOOL), *(f"--{name}={tmp_path / name}" for name in files)]
    result = subprocess.run(arguments, capture_output=True, text=True)
    assert result.returncode == 0 and "Verified" in result.stdout, result.stdout + result.stderr
    # One changed byte: it does not verify, and says why.
    record = json.loads(files["record"])
    record["body"] = "Other words."
    (tmp_path / "record").write_bytes(json.dumps(record, separators=(",", ":"), sort_keys=True).encode())
    result = subprocess.run(arguments, capture_output=True, text=True)
    assert result.returncode == 1 and "DOES NOT VERIFY: the signature does not verify" in result.stdout
    assert "not in the transparency log" in result.stdout
    assert subprocess.run([sys.executable, str(TOOL)], capture_output=True).returncode == 2


def test_the_tool_needs_only_cryptography_and_rfc8785():
    import ast

    imported = set()
    for node in ast.walk(ast.parse(TOOL.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported - set(sys.stdlib_module_names) == {"cryptography", "rfc8785"}
