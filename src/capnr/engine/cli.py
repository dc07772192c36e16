"""``capnr footprint FILE``: the footprint of an asset file, without Django.

Exit codes: 0 computed, 2 bad input (every problem listed on stderr, nothing else printed)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .assets import InvalidAssets, assets_from_records, unknown_columns
from .footprint import METHODS, FootprintResult, MethodNotApplicable, compute_footprint
from .reference import CRITERIA, PHASES, STATS, UNITS, reference_data
from .tabular import UnreadableFile, bulk_allocation, read_table

BY = ("category", "site", "department")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capnr footprint",
        description="Environmental footprint of an IT fleet from a CSV or XLSX file "
        "(one row per asset or group of identical assets).",
    )
    parser.add_argument("file", type=Path, help="CSV (UTF-8 or cp1252, ',' or ';') or XLSX")
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="capnr",
        help="capnr (default: French data, power states, annualised) or "
        "boavizta (reproduces boaviztapi 2.5.0)",
    )
    parser.add_argument(
        "--duration-years",
        type=float,
        default=None,
        help="assessment duration; default: 1 year for capnr, each device's lifetime for boavizta",
    )
    parser.add_argument(
        "--lifetime-totals",
        action="store_true",
        help="capnr: each device over its whole lifetime instead of one year",
    )
    parser.add_argument(
        "--country",
        default="FRA",
        help="ISO 3166-1 alpha-3 code for rows without one (default FRA)",
    )
    parser.add_argument(
        "--scenario",
        choices=("average", "marginal"),
        default="average",
        help="capnr electricity factor: average (inventories) or marginal (sensitivity)",
    )
    parser.add_argument("--by", choices=BY, default=None, help="break the totals down")
    parser.add_argument("--per-row", action="store_true", help="also list each row's impacts")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    return parser


def result_document(
    result: FootprintResult,
    labels: np.ndarray[Any, Any] | None,
    by: str | None,
    per_row: bool,
    names: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The JSON document; ``names`` turns integer labels (category codes) into words."""
    document: dict[str, Any] = {
        "method": result.method,
        "engine_version": result.engine_version,
        "data_version": result.data_version,
        "duration_years": result.duration_years,
        "totals": result.as_dict(result.totals()),
        "breakdown": [],
        "rows": [],
    }
    if labels is not None:
        keys, sums = result.breakdown(labels)
        document["breakdown"] = [
            {by or "key": names[int(key)] if names else str(key), **result.as_dict(block)}
            for key, block in zip(keys, sums, strict=True)
        ]
    if per_row:
        document["rows"] = [result.as_dict(block) for block in result.impacts]
    return document


def _figure(item: dict[str, float | None]) -> str:
    value, low, high = item["value"], item["low"], item["high"]
    if value is None:
        return "n/a"
    return f"{value:,.4g} [{low:,.4g}–{high:,.4g}]"


def write_table(document: dict[str, Any], out: TextIO) -> None:
    duration = document["duration_years"]
    span = "each device's lifetime" if duration is None else f"{duration:g} year(s)"
    out.write(
        f"Method {document['method']} · engine {document['engine_version']} · "
        f"data {document['data_version']} · over {span}\n\n"
    )
    blocks = [("TOTAL", document["totals"])] + [
        (str(next(iter(item.values()))), {c: item[c] for c in CRITERIA})
        for item in document["breakdown"]
    ]
    width = max(len(name) for name, _ in blocks)
    for criterion in CRITERIA:
        out.write(f"{criterion} ({UNITS[criterion]})\n")
        out.write(f"  {'':{width}}  {'embodied [low–high]':>34}  {'use [low–high]':>34}\n")
        for name, block in blocks:
            out.write(
                f"  {name:{width}}  {_figure(block[criterion]['embodied']):>34}  "
                f"{_figure(block[criterion]['use']):>34}\n"
            )
        out.write("\n")


def write_csv(
    document: dict[str, Any], out: TextIO, row_numbers: Sequence[int] | None = None
) -> None:
    """Long format, one line per scope × criterion × phase; rows keep their file row number."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "scope",
            "key",
            "criterion",
            "unit",
            "phase",
            *STATS,
            "method",
            "engine_version",
            "data_version",
            "duration_years",
        ]
    )
    versions = [
        document["method"],
        document["engine_version"],
        document["data_version"],
        "" if document["duration_years"] is None else document["duration_years"],
    ]
    scopes: list[tuple[str, str, dict[str, Any]]] = [("total", "", document["totals"])]
    scopes += [
        ("breakdown", str(next(iter(item.values()))), item) for item in document["breakdown"]
    ]
    if document["rows"]:
        numbers = row_numbers if row_numbers is not None else range(2, len(document["rows"]) + 2)
        scopes += [
            ("row", str(number), item)
            for number, item in zip(numbers, document["rows"], strict=True)
        ]
    for scope, key, block in scopes:
        for criterion in CRITERIA:
            for phase in PHASES:
                figures = block[criterion][phase]
                writer.writerow(
                    [
                        scope,
                        key,
                        criterion,
                        UNITS[criterion],
                        phase,
                        *("" if figures[s] is None else repr(figures[s]) for s in STATS),
                        *versions,
                    ]
                )


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    options = build_parser().parse_args(argv)
    if options.duration_years is not None and options.duration_years <= 0:
        err.write("--duration-years must be above 0\n")
        return 2
    data = reference_data()
    if options.country.upper() not in data.countries:
        err.write(
            f"--country {options.country}: unknown country (use an ISO 3166-1 alpha-3 "
            "code such as FRA)\n"
        )
        return 2
    try:
        with bulk_allocation():
            table = read_table(options.file)
            assets = assets_from_records(
                table.header,
                table.rows,
                default_country=options.country.upper(),
                data=data,
                row_numbers=table.row_numbers,
            )
        result = compute_footprint(
            assets,
            method=options.method,
            duration_years=options.duration_years,
            lifetime_totals=options.lifetime_totals,
            scenario=options.scenario,
            data=data,
        )
    except UnreadableFile as error:
        err.write(f"{error}\n")
        return 2
    except InvalidAssets as error:
        err.write(f"{len(error.problems)} problem(s) in {options.file}; nothing was computed.\n")
        for problem in error.problems:
            err.write(f"  {problem}\n")
        return 2
    except MethodNotApplicable as error:
        err.write(f"{error}\n")
        return 2
    ignored = unknown_columns(table.header)
    if ignored:
        err.write(
            f"Columns ignored (unknown names): {', '.join(ignored)}. See the column list "
            "in docs/methodology/footprint.en.md.\n"
        )
    if options.per_row and options.format == "table":
        err.write("--per-row lists each row in the json and csv formats only.\n")
    labels: np.ndarray[Any, Any] | None = None
    names: Sequence[str] | None = None
    if options.by == "category":
        labels = assets.category  # integer codes group fast; named in the document
        names = data.category_codes
    elif options.by in ("site", "department"):
        labels = assets.text(options.by)
    document = result_document(result, labels, options.by, options.per_row, names)
    if options.format == "json":
        json.dump(document, out, ensure_ascii=False)
        out.write("\n")
    elif options.format == "csv":
        write_csv(document, out, table.row_numbers)
    else:
        write_table(document, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
