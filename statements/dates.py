"""Dates in the reader's language; Persian readers also get the Solar Hijri date."""

import datetime

import jdatetime

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def solar_hijri(value: datetime.date, *, persian_digits: bool = True) -> str:
    """6 November 2023 → "۱۵ آبان ۱۴۰۲"."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    day = jdatetime.date.fromgregorian(date=value)
    text = f"{day.day} {jdatetime.date.j_months_fa[day.month - 1]} {day.year}"
    return text.translate(PERSIAN_DIGITS) if persian_digits else text
