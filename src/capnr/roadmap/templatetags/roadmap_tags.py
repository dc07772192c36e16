"""Small template helpers for the roadmap pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

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
def tonnes(kilograms: Any) -> float | str:
    """Kilograms to tonnes (kgCO2e → tCO2e); "" for a missing value."""
    try:
        return float(kilograms) / 1000
    except (TypeError, ValueError):
        return ""


@register.filter
def late(item: Any) -> bool:
    """An open item (planned or in progress) whose due date has passed."""
    due = getattr(item, "due_date", None)
    return (
        due is not None
        and getattr(item, "status", "") in ("planned", "in_progress")
        and due < timezone.localdate()
    )


@register.filter
def undated(items: Any) -> list[Any]:
    """The items with neither a start nor a due date (the timeline cannot draw them)."""
    return [item for item in items if item.start_date is None and item.due_date is None]


@register.filter
def localised(entry: Any, name: str) -> Any:
    """``{{ action|localised:"title" }}``: ``title_en`` in English, ``title_fr`` otherwise."""
    suffix = "en" if english() else "fr"
    return getattr(entry, f"{name}_{suffix}", "")


@register.filter
def restorable_until(item: Any) -> Any:
    """The last moment an item in the bin can be restored."""
    from capnr.roadmap.services import BIN_DAYS

    return item.deleted_at + dt.timedelta(days=BIN_DAYS) if item.deleted_at else None
