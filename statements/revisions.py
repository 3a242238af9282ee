"""Comparing revisions: a line diff of each text field, escaped by the template."""

import difflib
from dataclasses import dataclass

from . import markup

FIELDS = ("title", "standfirst", "body")


@dataclass(frozen=True)
class Line:
    op: str  # "equal", "delete" or "insert"
    text: str


def diff_text(old: str, new: str) -> list[Line]:
    old_lines, new_lines = _lines(old), _lines(new)
    lines = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line("equal", text) for text in old_lines[i1:i2]]
            continue
        lines += [Line("delete", text) for text in old_lines[i1:i2]]
        lines += [Line("insert", text) for text in new_lines[j1:j2]]
    return lines


def diff_revisions(old, new) -> dict[str, list[Line]]:
    """Per field, the lines of `old` and `new` marked equal, deleted or inserted."""
    return {name: diff_text(getattr(old, name), getattr(new, name)) for name in FIELDS}


def changed_paragraphs(old: str, new: str) -> set[int]:
    """Indexes of the paragraphs of `new` that are not in `old` at the same place."""
    old_paragraphs, new_paragraphs = markup.paragraphs(old), markup.paragraphs(new)
    changed = set()
    matcher = difflib.SequenceMatcher(a=old_paragraphs, b=new_paragraphs, autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changed.update(range(j1, j2))
    return changed


def _lines(text: str) -> list[str]:
    return (text or "").replace("\r\n", "\n").split("\n")
