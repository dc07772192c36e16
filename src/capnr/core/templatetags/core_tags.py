"""Template helpers every app's pages may use: ``{% load core_tags %}``."""

from __future__ import annotations

from typing import Any

from django import template

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
    """``{{ action|localised:"title" }}``: ``title_en`` in English, ``title_fr`` otherwise."""
    suffix = "en" if english() else "fr"
    return getattr(entry, f"{name}_{suffix}", "")
