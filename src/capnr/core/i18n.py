"""The one place that says whether the page is in English (French is the default)."""

from __future__ import annotations

from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "fr").startswith("en")
