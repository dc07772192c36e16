"""``capnr footprint FILE``: the footprint of an inventory file, without Django.

It reads files through the same pipeline as the inventory import (``engine/intake``): GLPI, OCS,
Snipe-IT and G4IT exports, spreadsheets and home-made files, with the same column vocabulary,
category recognition and checks. Exit codes: 0 computed, 2 refused (every problem listed; with
``--format json`` the document goes to stdout in both cases, with ``"ok": false`` on refusal)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .assets import AssetTable
from .footprint import METHODS, FootprintResult, compute_footprint
from .intake import messages
from .intake.files import InventoryFileError
from .intake.messages import Language
from .intake.pipeline import Excluded, Intake, IntakeOptions, Problem, asset_table, check_table
from .intake.reader import read_columns
from .intake.recognition import load_category_map
from .reference import CRITERIA, PHASES, STATS, UNITS, ReferenceData, reference_data
from .tabular import bulk_allocation

BY = ("category", "site", "department")
MAX_FILE_BYTES = 8 * 1024**3  # the command line reads what the machine can hold
MAX_ROWS = 50_000_000


class Refused(Exception):
    """The file cannot be computed; ``problems`` says why, every one of them."""

    def __init__(self, problems: Sequence[Problem], intake: Intake | None = None) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)
        self.intake = intake


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capnr footprint",
        description="Environmental footprint of an IT fleet from an inventory file: GLPI, OCS, "
        "Snipe-IT or G4IT export, spreadsheet (CSV, XLSX, ODS) or Cap NR's template.",
    )
    parser.add_argument(
        "file", type=Path, help="CSV (any usual encoding and delimiter) or XLSX/ODS"
    )
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="capnr",
        help="capnr (default: French data, power states, annualised) or "
        "boavizta (reproduces boaviztapi 2.5.0; categories it lacks are reported as not covered)",
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
        "--country", default="FRA", help="country of rows without one (ISO 3166-1 alpha-3)"
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
    add_intake_arguments(parser)
    return parser


def add_intake_arguments(parser: argparse.ArgumentParser) -> None:
    """The reading options ``capnr footprint`` and ``capnr import_inventory`` share."""
    parser.add_argument(
        "--unrecognised",
        choices=("reject", "exclude"),
        default="reject",
        help="rows whose category is not recognised: reject the file (default, exit 2, every "
        "group listed) or exclude them (listed) and go on",
    )
    parser.add_argument(
        "--category-map",
        type=Path,
        default=None,
        help="CSV of two columns, pattern and category: your own rules, tried first",
    )
    parser.add_argument(
        "--date-order",
        choices=("auto", "dmy", "mdy", "ymd"),
        default="auto",
        help="order of day and month in the file's dates (auto: from the dates themselves)",
    )
    parser.add_argument("--lang", choices=("fr", "en"), default=None, help="messages' language")


def intake_options(options: argparse.Namespace, **extra: Any) -> IntakeOptions:
    """The pipeline's options from the shared command-line arguments (raises ``Refused``)."""
    rules: tuple[Any, ...] = ()
    if options.category_map is not None:
        try:
            rules = load_category_map(options.category_map)
        except (OSError, ValueError) as error:
            raise Refused(
                [
                    Problem(
                        "category_map_invalid",
                        0,
                        "",
                        str(options.category_map),
                        {"detail": str(error)},
                    )
                ]
            ) from error
    return IntakeOptions(
        extra_rules=rules,
        unrecognised=options.unrecognised,
        date_order=options.date_order,
        file_name=options.file.name,
        **extra,
    )


def read_and_check(path: Path, options: IntakeOptions, data: ReferenceData) -> Intake:
    """Read ``path`` and check it; raise ``Refused`` with every problem."""
    if not path.exists():
        raise Refused([Problem("file.missing", 0, "", str(path))])
    try:
        table = read_columns(path, max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS)
    except InventoryFileError as error:
        raise Refused([Problem(f"file.{error.code}", 0, "", str(path))]) from error
    intake = check_table(table, options, data)
    if intake.problems:
        raise Refused(intake.sorted_problems(), intake)
    return intake


def _subset(assets: AssetTable, rows: np.ndarray[Any, Any]) -> AssetTable:
    return AssetTable(
        category=assets.category[rows],
        country=assets.country[rows],
        quantity=assets.quantity[rows],
        numbers={name: column[rows] for name, column in assets.numbers.items()},
        texts={name: column[rows] for name, column in assets.texts.items()},
        source_rows=None if assets.source_rows is None else assets.source_rows[rows],
        text_codes={
            name: (codes[rows], values) for name, (codes, values) in assets.text_codes.items()
        },
    )


def covered_by_method(
    assets: AssetTable, method: str, data: ReferenceData
) -> tuple[AssetTable, list[Excluded]]:
    """The rows the method covers, and the others as "not covered by the method" (boaviztapi
    has no model for printers, switches, projectors…): computed where possible, never refused."""
    if method != "boavizta":
        return assets, []
    covered_category = np.array([bool(c.boavizta_archetype) for c in data.categories])
    covered = covered_category[assets.category]
    if covered.all():
        return assets, []
    left: list[Excluded] = []
    rows = assets.source_rows if assets.source_rows is not None else np.arange(len(assets)) + 2
    for index in np.unique(assets.category[~covered]).tolist():
        mask = (assets.category == index) & ~covered
        left.append(
            Excluded(
                "not_covered_by_method",
                data.category_codes[index],
                [int(r) for r in rows[mask].tolist()],
                int(assets.quantity[mask].sum()),
            )
        )
    return _subset(assets, np.flatnonzero(covered)), left


def result_document(
    result: FootprintResult,
    labels: np.ndarray[Any, Any] | None,
    by: str | None,
    per_row: bool,
    names: Sequence[str] | None = None,
    *,
    assets: AssetTable | None = None,
    data: ReferenceData | None = None,
) -> dict[str, Any]:
    """The JSON document; ``names`` turns integer labels (category codes) into words. Per-row
    entries carry the file's own row number and the category they were counted in."""
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
        rows = (
            assets.source_rows.tolist()
            if assets is not None and assets.source_rows is not None
            else list(range(2, len(result.impacts) + 2))
        )
        codes = (
            [data.category_codes[i] for i in assets.category.tolist()]
            if assets is not None and data is not None
            else [""] * len(rows)
        )
        document["rows"] = [
            {"row": row, "category": code, **result.as_dict(block)}
            for row, code, block in zip(rows, codes, result.impacts, strict=True)
        ]
    return document


def _figure(item: dict[str, float | None]) -> str:
    value, low, high = item["value"], item["low"], item["high"]
    if value is None:
        return "n/a"
    return f"{value:,.4g} [{low:,.4g}–{high:,.4g}]"


def write_table(document: dict[str, Any], out: TextIO, lang: Language = "fr") -> None:
    duration = document["duration_years"]
    span = (
        messages.text("cli.span_lifetime", lang)
        if duration is None
        else messages.text("cli.span_years", lang, years=f"{duration:g}")
    )
    out.write(
        messages.text(
            "cli.header",
            lang,
            method=document["method"],
            engine=document["engine_version"],
            data=document["data_version"],
            span=span,
        )
        + "\n\n"
    )
    blocks = [("TOTAL", document["totals"])] + [
        (str(next(iter(item.values()))), {c: item[c] for c in CRITERIA})
        for item in document["breakdown"]
    ]
    width = max(len(name) for name, _ in blocks)
    embodied, use = messages.text("cli.embodied", lang), messages.text("cli.use", lang)
    for criterion in CRITERIA:
        out.write(f"{criterion} ({UNITS[criterion]})\n")
        out.write(f"  {'':{width}}  {embodied:>34}  {use:>34}\n")
        for name, block in blocks:
            out.write(
                f"  {name:{width}}  {_figure(block[criterion]['embodied']):>34}  "
                f"{_figure(block[criterion]['use']):>34}\n"
            )
        out.write("\n")


def write_summary(summary: dict[str, Any], out: TextIO, lang: Language) -> None:
    """Devices per category, what was left out and what to check, below the table."""
    if summary["categories"]:
        out.write(messages.text("cli.categories", lang) + "\n")
        for code, devices in summary["categories"].items():
            out.write(f"  {code}: {devices:,}\n")
    for item in summary["excluded"]:
        out.write(
            messages.text(
                "cli.excluded",
                lang,
                devices=f"{item['devices']:,}",
                rows=len(item["rows"]),
                reason=item["reason_text"],
                value=item["value"],
            )
            + "\n"
        )
    if summary["warnings"]:
        out.write(messages.text("cli.warnings", lang) + "\n")
        for warning in summary["warnings"]:
            out.write("  " + problem_line(warning, lang) + "\n")


def problem_line(problem: dict[str, Any], lang: Language) -> str:
    where = (
        messages.text(
            "cli.where", lang, row=problem["row"], column=problem["column"], value=problem["value"]
        )
        if problem["row"]
        else (f"{problem['value']}: " if problem["value"] else "")
    )
    return f"{where}{problem['message']}"


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
    scopes += [("row", str(item["row"]), item) for item in document["rows"]]
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


def refusal_document(error: Refused, lang: Language) -> dict[str, Any]:
    document: dict[str, Any] = {
        "ok": False,
        "problems": [problem.as_dict(lang) for problem in error.problems],
        "categories": {},
        "excluded": [],
        "warnings": [],
    }
    if error.intake is not None:
        document["categories"] = error.intake.categories()
        document["excluded"] = [item.as_dict(lang) for item in error.intake.excluded]
        document["warnings"] = [w.as_dict(lang) for w in error.intake.warnings]
    return document


def write_refusal(
    error: Refused, options: argparse.Namespace, out: TextIO, err: TextIO, lang: Language
) -> None:
    """Every problem at once: a JSON document on stdout, or lines on stderr."""
    document = refusal_document(error, lang)
    if options.format == "json":
        json.dump(document, out, ensure_ascii=False)
        out.write("\n")
        return
    err.write(
        messages.text("cli.refused", lang, count=len(error.problems), file=options.file) + "\n"
    )
    for problem in document["problems"]:
        err.write("  " + problem_line(problem, lang) + "\n")


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    options = build_parser().parse_args(argv)
    lang = messages.language(options.lang)
    data = reference_data()
    try:
        if options.duration_years is not None and options.duration_years <= 0:
            raise Refused(
                [Problem("option_invalid", 0, "", "", {"detail": "--duration-years > 0"})]
            )
        if options.country.upper() not in data.countries:
            raise Refused([Problem("country_unknown", 0, "--country", options.country)])
        with bulk_allocation():
            intake = read_and_check(
                options.file,
                intake_options(
                    options, default_country=options.country.upper(), exclude_retired=True
                ),
                data,
            )
            assets = asset_table(intake, data)
        assets, not_covered = covered_by_method(assets, options.method, data)
        result = compute_footprint(
            assets,
            method=options.method,
            duration_years=options.duration_years,
            lifetime_totals=options.lifetime_totals,
            scenario=options.scenario,
            data=data,
        )
    except Refused as error:
        write_refusal(error, options, out, err, lang)
        return 2
    labels: np.ndarray[Any, Any] | None = None
    names: Sequence[str] | None = None
    if options.by == "category":
        labels = assets.category  # integer codes group fast; named in the document
        names = data.category_codes
    elif options.by in assets.text_codes:  # integer codes group fast; named in the document
        labels, names = assets.text_codes[options.by]
    elif options.by in ("site", "department"):
        labels = assets.text(options.by)
    document = result_document(
        result, labels, options.by, options.per_row, names, assets=assets, data=data
    )
    summary = {
        "rows_read": len(intake.table),
        "devices": int(assets.quantity.sum()),
        "categories": intake.categories(),
        "excluded": [item.as_dict(lang) for item in [*intake.excluded, *not_covered]],
        "warnings": [warning.as_dict(lang) for warning in intake.warnings],
    }
    if options.per_row and options.format == "table":
        err.write(messages.text("cli.per_row_table", lang) + "\n")
    if options.format == "json":
        json.dump({"ok": True, **document, **summary}, out, ensure_ascii=False)
        out.write("\n")
    elif options.format == "csv":
        write_csv(document, out)
        _summary_to(err, summary, lang)
    else:
        write_table(document, out, lang)
        write_summary(summary, out, lang)
    return 0


def _summary_to(err: TextIO, summary: dict[str, Any], lang: Language) -> None:
    """With ``--format csv`` stdout is data only: what was left out goes to stderr."""
    if summary["excluded"] or summary["warnings"]:
        write_summary({**summary, "categories": {}}, err, lang)


if __name__ == "__main__":
    raise SystemExit(main())
