"""Template helpers of the catalogue, simulator and recommendation pages: figures with their
bounds, in the page's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from capnr.actions.simulator import amount as _amount
from capnr.actions.simulator import percent as _percent

register = template.Library()


def _part(bounds: Any, name: str) -> float:
    value = bounds.get(name) if isinstance(bounds, dict) else getattr(bounds, name, None)
    return float(value or 0.0)


@register.filter
def amount(value: Any) -> str:
    """``{{ 12345.6|amount }}`` → "12,346" (English) or "12 346" (French)."""
    return _amount(value)


@register.filter
def percent(share: Any) -> str:
    """``{{ 0.24|percent }}`` → "24 %"."""
    try:
        return _percent(float(share))
    except (TypeError, ValueError):
        return "–"


@register.simple_tag
def figure(bounds: Any, unit: str, scale: float = 1.0) -> SafeString | str:
    """``{% figure impact.kwh "kWh" %}``: the value in bold, then its low–high bounds when they
    differ. ``scale`` divides (1000 turns kg into tonnes). Works on ``Bounds`` and on dicts."""
    if bounds is None:
        return "–"
    value, low, high = (_part(bounds, name) / scale for name in ("value", "low", "high"))
    main = _amount(value)
    unit_text = f"\u00a0{unit}" if unit else ""
    if _amount(low) == _amount(high):
        return format_html("<strong>{}{}</strong>", main, unit_text)
    return format_html(
        '<strong>{}{}</strong> <span class="range">({})</span>',
        main,
        unit_text,
        _("%(low)s to %(high)s") % {"low": _amount(low), "high": _amount(high)},
    )
