"""Importing plain-text readouts.

- `parser`: text → `ParsedReadout`, pure (no database): the head, the meeting date,
  the language, participants matched against a `Directory`, quotes and topics;
  `text` holds its text handling (decoding, folding, dates, sentences, language).
- `saving`: a parsed readout → a draft statement through the workflow, with the
  checks before it (enabled language, title, body, not imported before).

The admin's import pages are `statements/admin/import_pages.py`; the command is
`manage.py import_readouts`.
"""

from .parser import Directory, KnownPerson, KnownTopic, Mention, ParsedReadout, Quote, parse
from .text import NotText, decode

__all__ = ["Directory", "KnownPerson", "KnownTopic", "Mention", "NotText", "ParsedReadout", "Quote", "decode", "parse"]
