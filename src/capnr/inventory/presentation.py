"""A stored footprint run, turned into what the footprint page says: totals in tonnes, MWh and
euros, per employee beside published benchmarks, breakdowns and the hotspots in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from capnr.core.i18n import english
from capnr.engine.reference import reference_data
from capnr.organisations.models import Organisation

from .models import FootprintRun


@dataclass(frozen=True)
class Figure:
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    total: Figure  # kgCO2e, embodied + use
    embodied: float
    use: float
    energy_kwh: float
    share: float  # of the organisation's total, 0–1
    devices: float | None = None


def _sum(block: dict[str, Any], criterion: str) -> Figure:
    parts = [block[criterion][phase] for phase in ("embodied", "use")]
    values = [[part[stat] or 0.0 for part in parts] for stat in ("value", "low", "high")]
    return Figure(sum(values[0]), sum(values[1]), sum(values[2]))


def yearly_gwp(totals: dict[str, Any]) -> Figure:
    """A run's yearly greenhouse gases (kgCO2e, manufacturing and use) from its ``totals``."""
    return _sum(totals, "gwp")


def category_labels() -> dict[str, str]:
    """Every category's name in the page's language, by code."""
    return {
        category.code: category.label_en if english() else category.label_fr
        for category in reference_data().categories
    }


def category_label(code: str) -> str:
    return category_labels().get(code, code)


def breakdown(run: FootprintRun, by: str) -> list[BreakdownRow]:
    results = run.results
    total = _sum(results["totals"], "gwp").value if results.get("totals") else 0.0
    rows = []
    for item in results.get("breakdown", {}).get(by, []):
        figure = _sum(item, "gwp")
        key = str(item["key"])
        label = category_label(key) if by == "category" else (key or _("Not specified"))
        rows.append(
            BreakdownRow(
                key=key,
                label=label,
                total=figure,
                embodied=item["gwp"]["embodied"]["value"] or 0.0,
                use=item["gwp"]["use"]["value"] or 0.0,
                energy_kwh=item["fe"]["use"]["value"] or 0.0,
                share=figure.value / total if total else 0.0,
                devices=item.get("devices"),
            )
        )
    return sorted(rows, key=lambda row: -row.total.value)


def hotspot_sentence(rows: list[BreakdownRow], embodied_share: float) -> str:
    """'Desktops and monitors make 61 % of your footprint; 83 % of it comes from manufacturing.'"""
    if not rows:
        return ""
    top: list[BreakdownRow] = []
    share = 0.0
    for row in rows:
        top.append(row)
        share += row.share
        if share >= 0.5 or len(top) == 3:
            break
    names = [row.label for row in top]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + _(" and ") + names[-1]
    values = {
        "devices": listed,
        "share": round(share * 100),
        "embodied": round(embodied_share * 100),
    }
    if len(names) == 1:
        return (
            _(
                "%(devices)s: %(share)s %% of your footprint; %(embodied)s %% of it comes from "
                "manufacturing."
            )
            % values
        )
    return (
        _(
            "%(devices)s make %(share)s %% of your footprint; %(embodied)s %% of it comes "
            "from manufacturing."
        )
        % values
    )


def summary(run: FootprintRun, organisation: Organisation) -> dict[str, Any]:
    data = reference_data()
    totals = run.results.get("totals")
    if not totals:
        return {"empty": True}
    gwp = _sum(totals, "gwp")
    embodied = totals["gwp"]["embodied"]["value"] or 0.0
    energy = totals["fe"]["use"]
    price = organisation_price(organisation)
    headcount = organisation.headcount or 0
    per_employee = (
        Figure(gwp.value / headcount, gwp.low / headcount, gwp.high / headcount)
        if headcount
        else None
    )
    categories = breakdown(run, "category")
    language_en = english()
    return {
        "empty": False,
        "tonnes": Figure(gwp.value / 1000, gwp.low / 1000, gwp.high / 1000),
        "mwh": Figure(energy["value"] / 1000, energy["low"] / 1000, energy["high"] / 1000),
        "euros": Figure(
            energy["value"] * price.value, energy["low"] * price.low, energy["high"] * price.high
        ),
        "price": price,
        "price_is_default": organisation.electricity_price_eur_per_kwh is None,
        "per_employee": per_employee,
        "embodied_share": embodied / gwp.value if gwp.value else 0.0,
        "hotspots": hotspot_sentence(categories, embodied / gwp.value if gwp.value else 0.0),
        "categories": categories,
        "sites": breakdown(run, "site"),
        "departments": breakdown(run, "department"),
        "benchmarks": [
            {
                "label": b["label_en" if language_en else "label_fr"],
                "value": float(b["value_kgco2e"]),
                "per": b["per"],
                "scope": b["scope_en" if language_en else "scope_fr"],
                "source": data.sources[b["source_id"]],
            }
            for b in data.benchmarks
        ],
        "quality": run.inputs,
        "share_lifetime_from_input": run.results.get("share_lifetime_from_input", 0.0),
    }


def history(runs: list[FootprintRun]) -> list[dict[str, Any]]:
    """Past runs, newest first, to compare a year with the previous ones."""
    rows = []
    for run in runs:
        totals = run.results.get("totals")
        if not totals:
            continue
        gwp = _sum(totals, "gwp")
        rows.append(
            {
                "created_at": run.created_at,
                "devices": run.device_count,
                "tonnes": Figure(gwp.value / 1000, gwp.low / 1000, gwp.high / 1000),
                "versions": f"{run.method} · {run.engine_version} · {run.data_version}",
            }
        )
    return rows


def organisation_price(organisation: Organisation) -> Figure:
    default = reference_data().electricity_price
    own = organisation.electricity_price_eur_per_kwh
    if own is not None:
        return Figure(own, own, own)
    return Figure(default.value, default.low, default.high)


@dataclass(frozen=True)
class RoughEstimate:
    tonnes: Figure  # t CO2e a year
    source: str  # "counts": the footprint of counts entered by hand; "headcount": from headcount


def rough_estimate(run: FootprintRun | None, organisation: Organisation) -> RoughEstimate | None:
    """What to say about the footprint while there is no inventory to date the devices: the
    footprint of the counts entered by hand when there is one, else the estimate from the
    headcount (None when the headcount is unknown too)."""
    from .engine_adapter import estimate_results

    source = "counts"
    results = run.results if run is not None else None
    if not (results and results.get("totals")):
        source = "headcount"
        results = estimate_results(
            kind=organisation.kind,
            headcount=organisation.headcount,
            workstations=organisation.workstation_count,
        )
    if not results:
        return None
    gwp = _sum(results["totals"], "gwp")
    return RoughEstimate(Figure(gwp.value / 1000, gwp.low / 1000, gwp.high / 1000), source)
