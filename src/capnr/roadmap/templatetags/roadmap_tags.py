"""Small template helpers for the roadmap pages (``get`` and ``localised`` are in ``core_tags``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


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
def restorable_until(item: Any) -> Any:
    """The last moment an item in the bin can be restored."""
    from capnr.roadmap.services import BIN_DAYS

    return item.deleted_at + dt.timedelta(days=BIN_DAYS) if item.deleted_at else None
