"""The training programme's indicators, declared once: what each one measures, its label, its
unit, and which figure of ``selectors.ProgrammeKpis`` gives it. ``services.kpis_to_roadmap``
writes them to the roadmap items the offers serve (``kpi_id`` keeps them apart from the
indicators people name themselves); the organisation's home shows them at a glance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .selectors import ProgrammeKpis

PREFIX = "training."


@dataclass(frozen=True)
class Indicator:
    kpi_id: str
    label: str | Promise
    unit: str
    value: Callable[[ProgrammeKpis], float | None]  # None: not measurable (no headcount, …)


INDICATORS = (
    Indicator(
        f"{PREFIX}staff_trained",
        _("Share of staff trained"),
        "%",
        lambda kpis: kpis.staff_trained_percent,
    ),
    Indicator(
        f"{PREFIX}field_agents_reached",
        _("Share of field agents reached"),
        "%",
        lambda kpis: kpis.field_agents_reached_percent,
    ),
    Indicator(
        f"{PREFIX}hours",
        _("Hours of training (hours × people present)"),
        "h",
        lambda kpis: kpis.hours,
    ),
    Indicator(
        f"{PREFIX}satisfaction",
        _("Trainees satisfied (the training helped them)"),
        "%",
        lambda kpis: kpis.satisfied_percent,
    ),
)
