"""Formulas of the workstation energy models: night and weekend shutdown, sleep settings.

Each takes the inputs and figures as numpy rows (row 0 central, see ``bounds.Values``) and
returns the yearly savings; ``compute`` turns kWh into € and kgCO2e."""

from __future__ import annotations

import numpy as np

from ..reference import HOURS_PER_YEAR
from .bounds import FloatArray, Number, Terms, Values, central


def _powers(v: Values, kind: str) -> tuple[FloatArray, FloatArray, FloatArray]:
    """On, sleep and off powers of one device type, sleep and off capped at on in each row."""
    on = v[f"{kind}_power_on_w"]
    return on, np.minimum(v[f"{kind}_power_sleep_w"], on), np.minimum(v[f"{kind}_power_off_w"], on)


def auto_shutdown(v: Values) -> Terms:
    """Night and weekend shutdown (research §5.3-1).

    kWh/yr = Σ_type N × [s × (P_left − P_off) × h_off − (P_on − P_off) × h_wol] / 1000
    h_off = 8,760 − working days × daily hours (6,510 h with 225 × 10); s share left on today;
    P_left = P_on or P_sleep (the state they are left in); h_wol the wake-on-LAN hours during
    which every computer is on for patches (monitors are not woken). Powers in W.
    Bounds: P_off ≤ P_on and P_sleep ≤ P_on hold in every corner, as ``validate`` requires of
    the values (P_off, P_sleep = min(P, P_on)): an on power entered below the high end of a
    default off power (2 W for a desktop) gives no corner where switching off costs energy."""
    h_off = np.maximum(HOURS_PER_YEAR - v["working_days"] * v["daily_hours"], 0.0)
    wol = np.minimum(v["wol_hours_per_year"], h_off)
    share = v["share_left_on"]
    kwh: Number = 0.0
    for kind in ("desktop", "laptop"):
        on, sleep, off = _powers(v, kind)
        left = on if v.choice("left_state") == "idle" else sleep
        kwh = kwh + v[f"{kind}s"] * (share * (left - off) * h_off - (on - off) * wol) / 1000
    on, sleep, off = _powers(v, "monitor")
    left = on if v.choice("monitor_left_state") == "on" else sleep
    kwh = kwh + v["monitors"] * share * (left - off) * h_off / 1000
    computers = v.central("desktops") + v.central("laptops")
    return Terms(
        kwh=kwh,
        kpis={
            "hours_outside_work": central(h_off),
            "computers_left_on_before": computers * v.central("share_left_on"),
            "monitors_left_on_before": v.central("monitors") * v.central("share_left_on"),
            "wake_on_lan_hours": central(wol),
        },
        notes=["negative_saving"] if central(kwh) < 0 else [],
    )


def power_settings(v: Values) -> Terms:
    """Sleep settings for daytime breaks (research §5.3-7, same structure as shutdown).

    kWh/yr = Σ_type N × s × working days × idle hours per day × (P_on − P_sleep) / 1000
    s = share of devices without (or with too late) sleep; powers of capnr_parameters.csv."""
    hours = v["working_days"] * v["idle_hours_per_day"]
    share = v["share_without_settings"]
    kwh: Number = 0.0
    for kind in ("desktop", "laptop", "monitor"):
        drop = v[f"{kind}.power_on"] - v[f"{kind}.power_sleep"]
        kwh = kwh + v[f"{kind}s"] * share * hours * drop / 1000
    devices = sum(v.central(name) for name in ("desktops", "laptops", "monitors"))
    return Terms(
        kwh=kwh,
        kpis={
            "devices_set": devices * v.central("share_without_settings"),
            "idle_hours_per_year": central(hours),
        },
    )
