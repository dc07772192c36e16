"""`make bench`, impact part: recompute every impact model of a roadmap for a 100,000-asset
organisation, beside a reference run in the same process.

Prints, in one run:
1. the pre-fill from the inventory (`inputs_from_fleet`: numpy over whole columns) and a naive
   reference doing the same aggregation in a Python loop over the assets (the server-room IT
   load, computed once by the footprint engine, is shared by both), with a check that both give
   the same pre-fill;
2. the 12 impact models computed from that pre-fill (each over every corner of its
   uncertainty box);
3. the total, pre-fill + 12 models, against the target (issue 6: ≤ 200 ms).
Best of N runs. Prints figures; asserts none.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from capnr.engine import ENGINE_VERSION
from capnr.engine.assets import AssetTable
from capnr.engine.impact import (
    MODELS,
    FleetSummary,
    compute,
    fleet_summary,
    inputs_from_fleet,
    method_version,
    prefilled_values,
)
from capnr.engine.reference import data_version, reference_data

N = 100_000
RUNS = 7
TARGET_S = 0.200
# A plausible office fleet: mostly workstations and screens, a few servers.
MIX = {
    "laptop": 0.22,
    "desktop": 0.20,
    "monitor": 0.25,
    "monitor_large": 0.03,
    "smartphone": 0.12,
    "tablet": 0.02,
    "ip_phone": 0.06,
    "printer_small": 0.03,
    "printer_workgroup": 0.01,
    "printer_mfp": 0.005,
    "docking_station": 0.03,
    "switch": 0.008,
    "wifi_ap": 0.006,
    "server_rack": 0.004,
    "server_tower": 0.002,
    "nas": 0.002,
    "thin_client": 0.005,
    "display": 0.004,
    "projector": 0.004,
    "router": 0.002,
    "workstation": 0.004,
}


def fleet(n: int, seed: int = 2026) -> AssetTable:
    data = reference_data()
    rng = np.random.default_rng(seed)
    codes = list(MIX)
    weights = np.array(list(MIX.values()))
    category = rng.choice(
        [data.category_index(code) for code in codes], n, p=weights / weights.sum()
    )
    lifetime = rng.uniform(3, 9, n)
    lifetime[rng.random(n) < 0.6] = np.nan  # most rows take the default lifetime
    age = rng.uniform(0, 10, n)
    age[rng.random(n) < 0.3] = np.nan
    pue = np.full(n, np.nan)
    pue[rng.random(n) < 0.3] = 1.8
    return AssetTable(
        category=category.astype(np.intp),
        country=np.full(n, data.countries.index("FRA"), dtype=np.intp),
        quantity=rng.integers(1, 4, n).astype(np.float64),
        numbers={"lifetime_years": lifetime, "age_years": age, "pue": pue},
    )


def naive_summary(table: AssetTable, it_load_from: FleetSummary) -> FleetSummary:
    """The same aggregation as ``fleet_summary``, one asset at a time."""
    data = reference_data()
    codes = data.category_codes
    default_life = {code: data.parameters[(code, "lifetime")].value for code in codes}
    in_room = {c.code for c in data.categories if c.in_server_room}
    counts = dict.fromkeys(codes, 0.0)
    given_q = dict.fromkeys(codes, 0.0)
    given_sum = dict.fromkeys(codes, 0.0)
    known_q = dict.fromkeys(codes, 0.0)
    over_q = dict.fromkeys(codes, 0.0)
    pue_sum = pue_q = 0.0
    lifetimes = table.number("lifetime_years").tolist()
    ages = table.number("age_years").tolist()
    pues = table.number("pue").tolist()
    for i, (index, quantity) in enumerate(
        zip(table.category.tolist(), table.quantity.tolist(), strict=True)
    ):
        code = codes[index]
        counts[code] += quantity
        life = lifetimes[i]
        if life == life:  # not NaN
            given_q[code] += quantity
            given_sum[code] += quantity * life
        else:
            life = default_life[code]
        age = ages[i]
        if age == age:
            known_q[code] += quantity
            if age > life:
                over_q[code] += quantity
        if code in in_room and pues[i] == pues[i]:
            pue_sum += quantity * pues[i]
            pue_q += quantity
    return FleetSummary(
        counts=counts,
        mean_lifetime_years={c: given_sum[c] / given_q[c] for c in codes if given_q[c] > 0},
        share_over_lifetime={c: over_q[c] / known_q[c] for c in codes if known_q[c] > 0},
        it_load_kw=it_load_from.it_load_kw,
        pue=pue_sum / pue_q if pue_q else None,
    )


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def same_summary(a: FleetSummary, b: FleetSummary) -> bool:
    def close(x: dict[str, float], y: dict[str, float]) -> bool:
        return x.keys() == y.keys() and all(np.isclose(x[k], y[k], rtol=1e-9) for k in x)

    return (
        close(a.counts, b.counts)
        and close(a.mean_lifetime_years, b.mean_lifetime_years)
        and close(a.share_over_lifetime, b.share_over_lifetime)
        and (a.pue is None) == (b.pue is None)
        and (a.pue is None or np.isclose(a.pue, b.pue or 0.0))
    )


def main() -> None:
    print(
        f"Impact models benchmark · engine {ENGINE_VERSION} · data {data_version()} · "
        f"method {method_version()}"
    )
    print(f"machine: {sys.platform}, python {sys.version.split()[0]}, numpy {np.__version__}\n")
    table = fleet(N)
    devices = int(table.quantity.sum())
    summary = fleet_summary(table)  # warm the caches once
    prefill = inputs_from_fleet(table, headcount=600)

    summary_s = best_of(RUNS, lambda: fleet_summary(table))
    naive_s = best_of(3, lambda: naive_summary(table, summary))
    same = same_summary(summary, naive_summary(table, summary))
    prefill_s = best_of(RUNS, lambda: inputs_from_fleet(table, headcount=600))
    print(f"1. pre-fill from {N:,} asset rows ({devices:,} devices), best of {RUNS}")
    print(f"   fleet_summary, numpy columns              : {summary_s * 1000:8.1f} ms")
    print(
        f"   same aggregation, Python loop per asset   : {naive_s * 1000:8.1f} ms "
        f"(→ {naive_s / summary_s:,.1f}× slower; same numbers: {same})"
    )
    print(f"   inputs_from_fleet (all 12 models)          : {prefill_s * 1000:8.1f} ms")
    it_load = summary.it_load_kw
    shown = "none" if it_load is None else f"{it_load.value:,.1f} kW"
    print(f"   server-room IT load from the inventory    : {shown}\n")

    def compute_all() -> None:
        for model_id in MODELS:
            compute(model_id, prefilled_values(prefill[model_id]))

    models_s = best_of(RUNS, compute_all)
    print(f"2. the {len(MODELS)} impact models on that pre-fill, best of {RUNS}")
    for model_id in MODELS:
        one = best_of(RUNS, lambda m=model_id: compute(m, prefilled_values(prefill[m])))
        impact = compute(model_id, prefilled_values(prefill[model_id]))
        total = impact.kgco2e_total
        print(
            f"   {model_id:<15} {one * 1000:6.2f} ms   "
            f"{impact.kwh.value:>12,.0f} kWh/yr   {total.value:>10,.0f} kgCO2e/yr "
            f"[{total.low:,.0f} – {total.high:,.0f}]"
        )
    print(f"   all 12 models                              : {models_s * 1000:8.1f} ms\n")

    def roadmap() -> None:
        filled = inputs_from_fleet(table, headcount=600)
        for model_id in MODELS:
            compute(model_id, prefilled_values(filled[model_id]))

    total_s = best_of(RUNS, roadmap)
    print(f"3. pre-fill + 12 models for a {N:,}-asset organisation (target ≤ 200 ms)")
    status = "within target" if total_s <= TARGET_S else "ABOVE TARGET"
    print(
        f"   best of {RUNS}                                  : {total_s * 1000:8.1f} ms ({status})"
    )


if __name__ == "__main__":
    main()
