"""A coalition's aggregated figures as open data: one CSV row per group of the coalition (the
coalition and each of its cohorts, each narrowed by kind and size bracket) and figure, only for
the groups the benchmarks release (``benchmarks.release``: at least five organisations, no
differencing). The columns are described by a Table Schema in the repository,
``data/benchmarks.schema.json``; a test checks each file against it."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from capnr.core.spreadsheets import csv_bytes

from . import figures
from .benchmarks import GroupKey

UNITS = {
    figures.FOOTPRINT: "kgCO2e/agent",
    figures.COMPLETION: "%",
    figures.PAST_LIFETIME: "%",
}


@cache
def schema() -> dict[str, Any]:
    return json.loads((files("capnr.peers") / "data" / "benchmarks.schema.json").read_text())


def columns() -> list[str]:
    return [field["name"] for field in schema()["fields"]]


def rows(coalition_id: int, population: figures.Population | None = None) -> list[dict[str, Any]]:
    population = population or figures.population()
    scopes = {f"coalition:{coalition_id}"} | {
        key.scope
        for key in population.groups
        if key.scope.startswith("cohort:")
        and int(key.scope.split(":")[1]) in population.cohorts_of.get(coalition_id, set())
    }
    found = []
    for metric in figures.metrics():
        for key, release in sorted(
            population.releases(metric.id).items(), key=lambda pair: _order(pair[0])
        ):
            if key.scope not in scopes or release.quartiles is None:
                continue
            found.append(
                {
                    "scope": key.scope.split(":")[0],
                    "scope_name": population.scope_names.get(key.scope, ""),
                    "organisation_kind": key.kind,
                    "size_bracket": key.size,
                    "metric": metric.id,
                    "unit": UNITS.get(metric.id, "/100"),
                    "organisations": release.quartiles.count,
                    "q1": round(release.quartiles.q1, 2),
                    "median": round(release.quartiles.median, 2),
                    "q3": round(release.quartiles.q3, 2),
                }
            )
    return found


def _order(key: GroupKey) -> tuple[bool, str, str, str]:
    return (not key.scope.startswith("coalition:"), key.scope, key.kind, key.size)


def csv_file(coalition_id: int) -> bytes:
    names = columns()
    return csv_bytes(
        names, [[row[name] for name in names] for row in rows(coalition_id)], delimiter=","
    )
