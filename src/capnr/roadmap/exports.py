"""The roadmap as a workbook: one row per plan item (not those in the bin), with its expected
yearly effect, its indicators and its latest journal entry, then one row per indicator.

Anyone who may see the roadmap may download it: it holds what the roadmap pages show. Cells are
written by ``capnr.core.spreadsheets.xlsx_bytes``, which neutralises text that would read as a
formula (a title such as ``=HYPERLINK(…)`` stays text)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
from capnr.core.i18n import english
from capnr.core.spreadsheets import xlsx_bytes
from capnr.engine import diagnostic as engine_diagnostic

from . import selectors
from .models import KpiMeasurement, KpiTarget, PlanItem

# The figures a scenario's results give, as {"value", "low", "high"} per key.
EFFECT_KEYS = ("kwh", "eur", "kgco2e_total")


@dataclass(frozen=True)
class Bounds:
    value: float | None
    low: float | None
    high: float | None


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def scenario_effect(item: PlanItem) -> dict[str, Bounds] | None:
    """The yearly effect the item's scenario expects, per key of ``EFFECT_KEYS``; None without a
    scenario. A figure the model does not give (a training action has no carbon figure) is
    None, never 0."""
    if item.scenario is None:
        return None
    results = item.scenario.results or {}
    effect = {}
    for key in EFFECT_KEYS:
        figure = results.get(key)
        if isinstance(figure, dict):
            effect[key] = Bounds(
                _number(figure.get("value")),
                _number(figure.get("low")),
                _number(figure.get("high")),
            )
        else:
            effect[key] = Bounds(None, None, None)
    return effect


def theme_titles() -> dict[str, str]:
    """Theme ids to their titles in the request's language, in the referential's order."""
    return {
        theme.id: theme.title_en if english() else theme.title_fr
        for theme in engine_diagnostic.referential().themes
    }


def sorted_items(items: list[PlanItem]) -> list[PlanItem]:
    """By theme (the referential's order, unknown themes last), then due date (none last)."""
    order = {theme_id: number for number, theme_id in enumerate(theme_titles())}
    return sorted(
        items,
        key=lambda item: (
            order.get(item.theme, len(order)),
            item.due_date is None,
            item.due_date or dt.date.min,
            item.title.casefold(),
        ),
    )


def latest_measurement(kpi: KpiTarget) -> KpiMeasurement | None:
    """The newest measurement, from the prefetched list (oldest first)."""
    measurements = list(kpi.measurements.all())
    return measurements[-1] if measurements else None


def format_value(value: float | None, unit: str = "") -> str:
    """A measured or target value in the request's language: "82 %", "0,5 t"."""
    if value is None:
        return "–"
    number: float | int = int(value) if float(value).is_integer() else round(value, 2)
    return f"{number_format(number)} {unit}".strip()


def kpi_summary(kpi: KpiTarget) -> str:
    """'Workstations switched off at night: 82 % on 2025-03-01 (target 90 %)'."""
    latest = latest_measurement(kpi)
    parts = [f"{kpi.label}:"]
    if latest is None:
        parts.append(_("no measurement yet"))
    else:
        parts.append(
            _("%(value)s on %(date)s")
            % {"value": format_value(latest.value, kpi.unit), "date": latest.date.isoformat()}
        )
    if kpi.target is not None:
        parts.append(_("(target %(target)s)") % {"target": format_value(kpi.target, kpi.unit)})
    return " ".join(parts)


def _label(field: str) -> str:
    return capfirst(str(PlanItem._meta.get_field(field).verbose_name))


def plan_header() -> list[str]:
    return [
        _("Id"),
        _label("theme"),
        _label("title"),
        _("Catalogue action"),
        _label("owner"),
        _label("working_group"),
        _label("sites"),
        _label("departments"),
        _label("start_date"),
        _label("due_date"),
        _label("status"),
        _label("abandon_reason"),
        _label("commitment"),
        _label("budget_eur"),
        _("Scenario"),
        _("kWh saved a year"),
        _("kWh, low"),
        _("kWh, high"),
        _("€ saved a year"),
        _("€, low"),
        _("€, high"),
        _("kg CO2e avoided a year"),
        _("kg CO2e, low"),
        _("kg CO2e, high"),
        _("Indicators"),
        _("Last journal entry: date"),
        _("Last journal entry"),
    ]


def plan_rows(items: list[PlanItem]) -> list[list[Any]]:
    titles = theme_titles()
    rows = []
    for item in sorted_items(items):
        effect = scenario_effect(item)
        figures: list[float | None] = []
        for key in EFFECT_KEYS:
            bounds = effect[key] if effect else Bounds(None, None, None)
            figures += [bounds.value, bounds.low, bounds.high]
        journal = list(item.journal.all())
        last = journal[0] if journal else None
        rows.append(
            [
                item.pk,
                titles.get(item.theme, item.theme),
                item.title,
                item.action_id,
                str(item.owner) if item.owner else "",
                item.working_group.name if item.working_group else "",
                ", ".join(site.name for site in item.sites.all()),
                ", ".join(department.name for department in item.departments.all()),
                item.start_date,
                item.due_date,
                str(item.get_status_display()),
                item.abandon_reason,
                str(item.get_commitment_display()),
                item.budget_eur,
                item.scenario.name if item.scenario else "",
                *figures,
                "\n".join(kpi_summary(kpi) for kpi in item.kpis.all()),
                last.date if last else None,
                last.text if last else "",
            ]
        )
    return rows


def indicator_header() -> list[str]:
    return [
        _("Item id"),
        _label("title"),
        _("Indicator"),
        _("Unit"),
        _("Starting value"),
        _("Target"),
        _("Better when"),
        _("Latest value"),
        _("Latest measurement date"),
        _("Measurements"),
    ]


def indicator_rows(items: list[PlanItem]) -> list[list[Any]]:
    better = {"up": _("higher"), "down": _("lower")}
    rows = []
    for item in sorted_items(items):
        for kpi in item.kpis.all():
            latest = latest_measurement(kpi)
            rows.append(
                [
                    item.pk,
                    item.title,
                    kpi.label,
                    kpi.unit,
                    kpi.baseline,
                    kpi.target,
                    better.get(kpi.direction, kpi.direction),
                    latest.value if latest else None,
                    latest.date if latest else None,
                    len(kpi.measurements.all()),
                ]
            )
    return rows


def plan_xlsx(access: OrganisationAccess) -> bytes:
    """The workbook: the plan, its indicators, and a sheet saying what it is."""
    items = selectors.items_with_follow_up(access=access)
    effect = selectors.roadmap_effect(items)
    about = (
        _("About"),
        [_("item"), _("value")],
        [
            [_("Organisation"), access.organisation.name],
            [_("Exported on"), timezone.localtime().replace(microsecond=0)],
            [_("Items"), len(items)],
            [_("Items with an expected effect"), effect.expected.items],
            [_("kWh saved a year"), round(effect.expected.kwh)],
            [_("€ saved a year"), round(effect.expected.eur)],
            [_("kg CO2e avoided a year"), round(effect.expected.kgco2e)],
            [
                _("Note"),
                _(
                    "Expected effects come from the simulator scenario attached to each item, "
                    "with their low and high bounds; abandoned items are left out of the totals."
                ),
            ],
        ],
    )
    return xlsx_bytes(
        [
            (_("Roadmap"), plan_header(), plan_rows(items)),
            (_("Indicators"), indicator_header(), indicator_rows(items)),
            about,
        ]
    )
