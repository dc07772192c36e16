"""Template helpers every app's pages may use: ``{% load core_tags %}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from capnr.core import i18n
from capnr.core.i18n import english

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ titles|get:item.theme }}``: a dictionary entry, or the key itself when absent."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.filter
def localised(entry: Any, name: str) -> Any:
    """``{{ action|localised:"title" }}``: ``title_en`` in English, ``title_fr`` otherwise (an
    attribute, or a key of a mapping such as a source's row)."""
    suffix = "en" if english() else "fr"
    if isinstance(entry, Mapping):
        return entry.get(f"{name}_{suffix}", "")
    return getattr(entry, f"{name}_{suffix}", "")


@register.filter(expects_localtime=True)
def long_date(value: Any) -> str:
    """``{{ item.due|long_date }}``: "1er avril 2025" in French, "April 1, 2025" in English."""
    return i18n.long_date(value)


@register.simple_tag
def punctuation(mark: str) -> str:
    """``{% punctuation ":" %}`` after a word: " :" (no-break space) in French, ":" in English."""
    return i18n.punctuation(mark)
