"""Rules of the house that a reader of the code relies on, checked on the source."""

import re
from pathlib import Path

import pytest

STATEMENTS = Path(__file__).resolve().parent.parent / "statements"
TEMPLATES = STATEMENTS.parent / "templates"
MODULES = [p for p in STATEMENTS.rglob("*.py") if "migrations" not in p.parts]

# Assigning a status, or updating it in bulk.
SETS_STATUS = re.compile(r"\.status\s*=[^=]|\.update\([^)]*\bstatus\s*=")
# Comparing a status (or a version's state) to a string literal.
STATUS_LITERAL = re.compile(
    r"""status\s*(==|!=)\s*["'](draft|in_review|published|withdrawn|unpublished)["']"""
    r"""|status(__in)?\s*=\s*[\[(]?["'](draft|in_review|published|withdrawn|unpublished)["']"""
)


def relative(path: Path) -> str:
    return str(path.relative_to(STATEMENTS.parent))


def test_only_the_workflow_changes_a_version_state():
    offenders = [
        relative(path)
        for path in MODULES
        if "workflow" not in path.parts and SETS_STATUS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("root", [STATEMENTS, TEMPLATES], ids=["python", "templates"])
def test_no_status_is_compared_to_a_string_outside_the_models(root):
    files = MODULES if root is STATEMENTS else list(root.rglob("*.html"))
    offenders = [
        relative(path)
        for path in files
        if "models" not in path.parts and STATUS_LITERAL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_module_is_over_500_lines():
    long = {relative(p): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
