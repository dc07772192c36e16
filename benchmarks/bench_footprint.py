"""`make bench`: speed of the footprint engine, side by side with boaviztapi in the same process.

Prints, in one run:
1. the engine on 1,000,000 mixed assets (table already in memory), both methods;
2. `capnr footprint` end to end on a 1,000,000-row CSV (subprocess: parse, validate, compute,
   print JSON);
3. boaviztapi 2.5.0 called in-process per device on 10,000 of the same assets, the engine on the
   same 10,000, the per-asset ratio, and a check that both give the same numbers.
Targets (DESIGN.md): (1) ≤ 1 s, (2) ≤ 5 s, ratio ≥ 250×. This prints figures; it asserts none.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from capnr.engine import ENGINE_VERSION
from capnr.engine.assets import AssetTable
from capnr.engine.footprint import compute_footprint
from capnr.engine.reference import data_version, reference_data
from capnr.engine.tests.oracle import TERMINALS, terminal_impacts

N = 1_000_000
SAMPLE = 10_000
COUNTRIES = ["FRA", "DEU", "BEL", "ESP", "ITA"]


def mixed_table(n: int, categories: list[str], seed: int = 2026) -> AssetTable:
    data = reference_data()
    rng = np.random.default_rng(seed)
    lifetime = rng.uniform(2, 10, n)
    lifetime[rng.random(n) < 0.5] = np.nan  # half the rows take the default
    power = rng.uniform(5, 120, n)
    power[rng.random(n) < 0.7] = np.nan
    return AssetTable(
        category=rng.choice([data.category_index(c) for c in categories], n).astype(np.intp),
        country=rng.choice([data.countries.index(c) for c in COUNTRIES], n).astype(np.intp),
        quantity=rng.integers(1, 20, n).astype(np.float64),
        numbers={"lifetime_years": lifetime, "avg_power_w": power},
    )


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    data = reference_data()
    every = list(data.category_codes)
    covered = sorted(TERMINALS)
    print(f"Footprint engine benchmark · engine {ENGINE_VERSION} · data {data_version()}")
    print(f"machine: {sys.platform}, python {sys.version.split()[0]}, numpy {np.__version__}\n")

    fleet = mixed_table(N, every)
    compute_footprint(fleet)  # warm the caches once
    capnr_s = best_of(3, lambda: compute_footprint(fleet, method="capnr"))
    terminals = mixed_table(N, covered)
    boavizta_s = best_of(3, lambda: compute_footprint(terminals, method="boavizta"))
    print(f"1. engine, {N:,} mixed assets in memory (best of 3; target ≤ 1 s)")
    print(f"   capnr method, all {len(every)} categories incl. servers : {capnr_s:7.3f} s")
    print(f"   boavizta method, terminals                   : {boavizta_s:7.3f} s\n")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fleet.csv"
        codes = np.array(every)[fleet.category]
        countries = np.array(data.countries)[fleet.country]
        life = fleet.number("lifetime_years")
        with path.open("w") as out:
            out.write("category;quantity;country;lifetime_years;site\n")
            for i in range(N):
                lifetime = "" if np.isnan(life[i]) else f"{life[i]:.1f}".replace(".", ",")
                out.write(
                    f"{codes[i]};{int(fleet.quantity[i])};{countries[i]};{lifetime};Site {i % 25}\n"
                )
        size_mb = path.stat().st_size / 1e6
        command = [
            str(Path(sys.executable).with_name("capnr")),
            "footprint",
            str(path),
            "--format",
            "json",
            "--by",
            "site",
        ]
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            runs.append(time.perf_counter() - start)
        cli_s = min(runs)
        status = "ok" if done.returncode == 0 else f"FAILED: {done.stderr[:300]}"
        status += f"; first run {runs[0]:.2f} s"
    print(f"2. capnr footprint end to end, {N:,}-row CSV ({size_mb:.0f} MB), target ≤ 5 s")
    print(f"   parse + validate + compute + JSON, best of 3 : {cli_s:7.3f} s ({status})\n")

    sample = mixed_table(SAMPLE, covered, seed=7)
    names = np.array(data.category_codes)[sample.category]
    countries = np.array(data.countries)[sample.country]
    life = sample.number("lifetime_years")
    power = sample.number("avg_power_w")

    def oracle() -> np.ndarray:
        out = np.empty((SAMPLE, 4, 2, 3))
        for i in range(SAMPLE):
            out[i] = sample.quantity[i] * terminal_impacts(
                str(names[i]),
                country=str(countries[i]),
                lifetime_hours=None if np.isnan(life[i]) else life[i] * 8760,
                avg_power_w=None if np.isnan(power[i]) else float(power[i]),
            )
        return out

    start = time.perf_counter()
    theirs = oracle()
    oracle_s = time.perf_counter() - start
    ours_s = best_of(5, lambda: compute_footprint(sample, method="boavizta"))
    ours = compute_footprint(sample, method="boavizta").impacts
    both = ~np.isnan(theirs)
    same = np.array_equal(np.isnan(ours), np.isnan(theirs))
    worst = float(np.max(np.abs(ours[both] - theirs[both]) / np.abs(theirs[both]).clip(1e-300)))
    per_oracle = oracle_s / SAMPLE * 1e6
    per_engine_small = ours_s / SAMPLE * 1e6
    per_engine_large = boavizta_s / N * 1e6
    print(f"3. boaviztapi 2.5.0 in-process vs engine, {SAMPLE:,} terminals (same assets)")
    print(
        f"   boaviztapi, one call per asset               : {oracle_s:7.3f} s "
        f"({per_oracle:8.2f} µs/asset)"
    )
    print(
        f"   engine, boavizta method, same {SAMPLE:,}       : {ours_s:7.4f} s "
        f"({per_engine_small:8.4f} µs/asset) → {per_oracle / per_engine_small:,.0f}× faster"
    )
    print(
        f"   engine per asset at {N:,} assets           :           "
        f"({per_engine_large:8.4f} µs/asset) → {per_oracle / per_engine_large:,.0f}× faster "
        "(target ≥ 250×)"
    )
    print(f"   same numbers: NaN pattern identical = {same}, max relative difference = {worst:.2e}")


if __name__ == "__main__":
    main()
