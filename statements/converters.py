"""Path converters for the public addresses, registered on import (both URLconfs import
this module)."""

from django.urls import register_converter


class NamePieceConverter:
    """One path segment naming something (a slug, a country code, a reference): any
    characters but `/`, whitespace and control characters. No name contains those, so
    such an address is simply not found (404) — before a NUL reaches PostgreSQL, which
    refuses it in a text comparison, and before a blank name reaches a filter that
    would drop it and list everything."""

    regex = r"[^/\s\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NamePieceConverter, "name")
