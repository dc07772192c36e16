"""Formulas of the server-room models: temperature setpoint, consolidation or a better host.

Each takes the inputs and figures as numpy rows (row 0 central, see ``bounds.Values``) and
returns the yearly savings; ``compute`` turns kWh into € and kgCO2e."""

from __future__ import annotations

from ..reference import HOURS_PER_YEAR
from .bounds import Terms, Values, central


def setpoint(v: Values) -> Terms:
    """Server-room setpoint (research §3.3, §5.3-2).

    kWh/yr = E_IT × (PUE − 1) × f_cool × s × ΔT − E_IT × k_fan × ΔT_fan
    E_IT = IT load kW × 8,760 h; f_cool cooling share of the overhead (0.8); s saving per °C
    (4 %, 2–5 %); ΔT = max(0, min(T_new, 27 °C) − T_now): no cooling saving counted above the
    ASHRAE recommended 27 °C; k_fan server power increase per °C (0.35–0.5 %) over the degrees
    added above 23 °C, ΔT_fan = max(0, T_new − max(T_now, 23)), uncapped. A setpoint above
    35 °C is refused by ``validate``."""
    now, new = v.central("current_setpoint_c"), v.central("new_setpoint_c")
    cap, threshold = v.central("recommended_max_c"), v.central("fan_threshold_c")
    rise = max(0.0, min(new, cap) - now)
    fan_degrees = max(0.0, new - max(now, threshold))
    it_kwh = v["it_load_kw"] * HOURS_PER_YEAR
    gross = it_kwh * (v["pue"] - 1) * v["cooling_share"] * v["saving_per_degree"] * rise
    fan = it_kwh * v["fan_increase_per_degree"] * fan_degrees
    kwh = gross - fan
    kpis = {
        "setpoint_rise_counted_c": rise,
        "fan_degrees_c": fan_degrees,
        "cooling_kwh_saved": central(gross),
        "fan_kwh_added": central(fan),
    }
    if central(it_kwh) > 0:
        facility_after = central(it_kwh * v["pue"] - kwh)
        kpis["pue_after"] = facility_after / central(it_kwh + fan)
    notes = ["above_recommended"] if new > cap else []
    if central(kwh) < 0:
        notes.append("negative_saving")
    return Terms(kwh=kwh, kpis=kpis, notes=notes)


def consolidation(v: Values) -> Terms:
    """Server consolidation or a better-PUE host (research §3.4, §5.3-9).

    kWh/yr = (IT kW before × PUE before − IT kW after × PUE after) × 8,760
    embodied kgCO2e/yr = servers removed × E_server / L (3,660 kg, 1,300–3,660; L 4 years)."""
    before = v["it_load_kw_before"] * v["pue_before"] * HOURS_PER_YEAR
    after = v["it_load_kw_after"] * v["pue_after"] * HOURS_PER_YEAR
    removed = v["servers_before"] - v["servers_after"]
    kwh = before - after
    return Terms(
        kwh=kwh,
        embodied=removed * v["server_embodied_kgco2e"] / v["server_rack.lifetime"],
        kpis={
            "servers_removed": central(removed),
            "facility_kwh_before": central(before),
            "facility_kwh_after": central(after),
        },
        notes=["negative_saving"] if central(kwh) < 0 else [],
    )
