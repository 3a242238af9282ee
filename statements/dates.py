"""Dates in the reader's language; Persian readers also get the Solar Hijri date."""

import datetime

import jdatetime

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LOCAL_DIGITS = {"fa": PERSIAN_DIGITS, "ar": ARABIC_DIGITS}
# List punctuation: the comma and the semicolon of the language.
COMMAS = {"fa": "، ", "ar": "، "}
SEMICOLONS = {"fa": "؛ ", "ar": "؛ "}


def local_digits(text: str, language: str) -> str:
    """Digits as readers of `language` write them (Persian and Arabic-Indic)."""
    table = LOCAL_DIGITS.get(language.split("-")[0])
    return str(text).translate(table) if table else str(text)


def comma(language: str) -> str:
    return COMMAS.get(language.split("-")[0], ", ")


def semicolon(language: str) -> str:
    return SEMICOLONS.get(language.split("-")[0], "; ")


def from_solar_hijri(value: str) -> str:
    """A typed date as an ISO Gregorian one: "1405-06-02" (or in Persian digits) is a Solar
    Hijri date; years before 1700 are read so. Anything else comes back as typed (with
    Persian or Arabic digits made 0–9), for the form to accept or refuse."""
    typed = (value or "").strip().translate(_TO_ASCII)
    parts = typed.replace("/", "-").split("-")
    if len(parts) == 3 and all(part.isdigit() for part in parts) and int(parts[0]) < 1700:
        try:
            return jdatetime.date(*(int(part) for part in parts)).togregorian().isoformat()
        except ValueError:
            return typed
    return typed


_TO_ASCII = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def solar_hijri(value: datetime.date, *, persian_digits: bool = True) -> str:
    """6 November 2023 → "۱۵ آبان ۱۴۰۲"."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    day = jdatetime.date.fromgregorian(date=value)
    text = f"{day.day} {jdatetime.date.j_months_fa[day.month - 1]} {day.year}"
    return text.translate(PERSIAN_DIGITS) if persian_digits else text
