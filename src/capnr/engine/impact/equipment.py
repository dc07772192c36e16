"""Formulas of the equipment models: longer lifetimes, refurbished purchases, fewer devices,
reuse and donation. Mostly embodied carbon (manufacturing avoided).

Each takes the inputs and figures as numpy rows (row 0 central, see ``bounds.Values``) and
returns the yearly savings; ``compute`` turns kWh into € and kgCO2e."""

from __future__ import annotations

import math

from .bounds import Number, Terms, Values, central

# The inputs "<prefix>_before" / "<prefix>_after" of fewer_devices and the category of each.
FEWER_DEVICES = (
    ("desktops", "desktop"),
    ("monitors", "monitor"),
    ("printers", "printer_small"),
    ("desk_phones", "ip_phone"),
    ("smartphones", "smartphone"),
)


def lifetime(v: Values) -> Terms:
    """Device lifetime from L1 to L2 = L1 + ΔL years (research §3.7, §5.3-3).

    kgCO2e/yr = Σ_type N × E_fab × (1/L1 − 1/(L1 + ΔL))   (E_fab: ADEME 2022 embodied_gwp)
    €/yr      = Σ_type N × price × (1/L1 − 1/(L1 + ΔL)) − N_computers × upgrade / (L1 + ΔL)
                (the upgrade only when ΔL > 0)
    ΔL = target − current as entered (≥ 0). Bounds: the current lifetime L1 (its default's
    range when left at the default) is one figure on both sides; the target moves with it, so
    each corner keeps the extension entered and the same E_fab on both sides: no change gives
    exactly 0 [0 – 0], a longer target never a negative low.
    For 4 → 6 years: laptop 182.6/12 = 15.2 kgCO2e/yr, desktop 17.0, monitor 5.5, phone 7.1."""
    embodied: Number = 0.0
    eur: Number = 0.0
    before: Number = 0.0
    after: Number = 0.0
    for kind in ("laptop", "desktop", "monitor", "smartphone"):
        count = v[f"{kind}s"]
        current = v[f"{kind}_lifetime_current"]
        # A target entered next to a current lifetime left at its default (which keeps its
        # range) would otherwise be exact while the current one varies: 2.5 → 2.5 years would
        # range from a loss to a saving. The extension is what the user decides.
        extension = v.central(f"{kind}_lifetime_target") - v.central(f"{kind}_lifetime_current")
        target = current + extension
        gap = 1 / current - 1 / target
        embodied = embodied + count * v[f"{kind}.embodied_gwp"] * gap
        eur = eur + count * v[f"{kind}_price_eur"] * gap
        if kind in ("laptop", "desktop") and extension > 0:
            eur = eur - count * v["upgrade_cost_eur"] / target
        before = before + count / current
        after = after + count / target
    return Terms(
        embodied=embodied,
        eur_extra=eur,
        kpis={
            "purchases_per_year_before": central(before),
            "purchases_per_year_after": central(after),
            "purchases_avoided_per_year": central(before) - central(after),
        },
    )


def refurbished(v: Values) -> Terms:
    """Refurbished purchases (research §3.7, §5.3-4).

    kgCO2e/yr = Σ_type B × share × E_fab × (1 − r)     (B purchases/yr, r residual ratio)
    €/yr      = Σ_type B × share × price × discount
    kg/yr     = Σ B × share × m × L for laptops (m = 127 kg) and smartphones (82 kg), m the
                raw materials avoided per year of use (ADEME 2022), L the lifetime.
    Quota check: refurbished share of spend against AGEC art. 58 (20 %, rates to confirm)."""
    share, residual = v["refurbished_share"], v["residual_ratio"]
    discount = v["refurbished_discount"]
    embodied: Number = 0.0
    eur: Number = 0.0
    spend_new = spend_refurbished = refurbished_count = 0.0
    for kind in ("laptop", "desktop", "monitor", "smartphone"):
        bought = v[f"{kind}s_bought"]
        refurbished = bought * share
        price = v[f"{kind}_price_eur"]
        embodied = embodied + refurbished * v[f"{kind}.embodied_gwp"] * (1 - residual)
        eur = eur + refurbished * price * discount
        spend_new += central((bought - refurbished) * price)
        spend_refurbished += central(refurbished * price * (1 - discount))
        refurbished_count += central(refurbished)
    materials = (
        v["laptops_bought"] * share * v["materials_laptop_kg_per_year"] * v["laptop.lifetime"]
        + v["smartphones_bought"]
        * share
        * v["materials_smartphone_kg_per_year"]
        * v["smartphone.lifetime"]
    )
    quota = v.central("purchase_quota")
    kpis = {"refurbished_per_year": refurbished_count, "purchase_quota": quota}
    spend = spend_new + spend_refurbished
    if spend > 0:
        kpis["refurbished_share_of_spend"] = spend_refurbished / spend
        kpis["quota_met"] = float(spend_refurbished / spend >= quota)
    return Terms(embodied=embodied, eur_extra=eur, materials=materials, kpis=kpis)


def fewer_devices(v: Values) -> Terms:
    """Fewer devices: second screens, personal printers, desk phones, duplicates (§5.3-5).

    kgCO2e/yr = Σ_type ΔN × (E_fab / L + kWh/yr × EF), ΔN = before − after; kWh/yr per device
    from the footprint's usage model (``footprint.use_energy_kwh_per_year``) with the profile
    given; E_fab / L bounds: low embodied over the high lifetime, and the reverse."""
    kwh: Number = 0.0
    embodied: Number = 0.0
    removed = 0.0
    for prefix, code in FEWER_DEVICES:
        fewer = v[f"{prefix}_before"] - v[f"{prefix}_after"]
        kwh = kwh + fewer * v[f"{code}.kwh_per_year"]
        embodied = embodied + fewer * v[f"{code}.annual_embodied"]
        removed += central(fewer)
    return Terms(kwh=kwh, embodied=embodied, kpis={"devices_removed": removed})


def reuse(v: Values) -> Terms:
    """Reuse and donation of retired equipment (décret 2023-266; research §5.3-6).

    rate = reused ÷ retired stock on 1 January (target 50 % from 2025)
    kgCO2e/yr = Σ_type reused × E_fab × substitution × remaining-life share
    WEEE sent to recycling is a KPI in kg, with no carbon credit."""
    embodied: Number = 0.0
    reused = 0.0
    for kind in ("laptop", "desktop", "monitor", "smartphone"):
        count = v[f"{kind}s_reused"]
        embodied = (
            embodied
            + count * v[f"{kind}.embodied_gwp"] * v["substitution"] * v["remaining_life_share"]
        )
        reused += central(count)
    stock, target = v.central("retired_stock"), v.central("reuse_target")
    kpis = {"devices_reused": reused, "reuse_target": target, "weee_kg": v.central("weee_kg")}
    notes = []
    if stock > 0:
        kpis["reuse_rate"] = reused / stock
        kpis["reused_needed_for_target"] = float(math.ceil(target * stock - 1e-9))
        kpis["gap_to_target"] = max(0.0, kpis["reused_needed_for_target"] - reused)
        if reused > stock:
            notes.append("reuse_rate_above_one")
    else:
        notes.append("reuse_no_stock")
    return Terms(embodied=embodied, kpis=kpis, notes=notes)
