"""Slugs in the version's own language and script, kept readable.

Django's `slugify(allow_unicode=True)` keeps letters of any script but drops the
zero-width non-joiner (U+200C), which Persian writes inside words: "رئیس‌جمهور" would
become the unreadable "رئیسجمهور". Here it becomes a hyphen ("رئیس-جمهور"), as do the
joiner-like marks that carry no letter, and the Arabic tatweel (a stretching stroke) is
removed before Django's rules apply.
"""

import re
import unicodedata

from django.utils.text import slugify

MAX_LENGTH = 180
FALLBACK = "statement"
_JOINERS = re.compile("[\u200c\u200d\u2060]+")
_TATWEEL = "\u0640"


def make_slug(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = _JOINERS.sub("-", text.replace(_TATWEEL, ""))
    slug = slugify(text, allow_unicode=True)
    return re.sub(r"-{2,}", "-", slug)[:MAX_LENGTH].strip("-")


def follows_title(slug: str, title: str) -> bool:
    """The slug was made from this title (with or without a -2, -3… to be unique), by
    these rules or by Django's alone (slugs made before them): not typed by hand."""
    bases = {make_slug(title) or FALLBACK, slugify(title, allow_unicode=True)[:MAX_LENGTH] or FALLBACK}
    return any(slug == base or re.fullmatch(re.escape(base) + r"-\d+", slug) for base in bases)
