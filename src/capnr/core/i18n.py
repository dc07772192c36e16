"""The one place that says whether the page is in English (French is the default), and the
few rules of French typography that a translation string cannot carry."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import get_language

NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"


def english() -> bool:
    return (get_language() or "fr").startswith("en")


def punctuation(mark: str) -> str:
    """A colon, semicolon, question or exclamation mark placed after a word: French puts a
    no-break space before it ("Question 1 :"), English does not ("Question 1:")."""
    if english():
        return mark
    return (NO_BREAK_SPACE if mark == ":" else NARROW_NO_BREAK_SPACE) + mark


def long_date(value: date | None) -> str:
    """The date in words, in the page's language: "1er avril 2025" (French writes the first day of
    a month as an ordinal, which Django's date formats cannot say), "15 avril 2025"; "April 1,
    2025" in English."""
    if value is None or value == "":
        return ""
    text = date_format(value, "DATE_FORMAT")
    if not english() and value.day == 1:
        return "1er" + text[1:] if text.startswith("1 ") else text
    return text
