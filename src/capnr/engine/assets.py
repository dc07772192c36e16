"""The asset table: one row per asset or per group of identical assets, as numpy columns.

``assets_from_records`` turns rows of text (from a CSV or spreadsheet) into a table, reporting
every problem of every row at once; ``AssetTable`` can also be built directly from arrays."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import zip_longest
from operator import itemgetter

import numpy as np
import numpy.typing as npt

from .reference import ReferenceData, reference_data

FloatArray = npt.NDArray[np.float64]

# Numeric columns that may be left empty (NaN = take the default).
OPTIONAL_NUMBERS = (
    "lifetime_years",
    "age_years",
    "avg_power_w",
    "use_time_ratio",
    "power_on_w",
    "power_sleep_w",
    "power_off_w",
    "hours_on",
    "hours_sleep",
    "hours_off",
    "pue",
    "cpu_units",
    "cpu_core_units",
    "ram_units",
    "ram_capacity_gb",
    "ssd_units",
    "ssd_capacity_gb",
    "hdd_units",
    "psu_units",
    "time_workload_percent",
)
TEXT_COLUMNS = ("site", "department", "archetype", "case_type")
COLUMNS = ("category", "quantity", "country", "purchase_date", *OPTIONAL_NUMBERS, *TEXT_COLUMNS)

# Header names users write, normalised (lower case, no accents, words joined by "_").
HEADER_ALIASES = {
    "categorie": "category",
    "type_de_materiel": "category",
    "materiel": "category",
    "quantite": "quantity",
    "nombre": "quantity",
    "qty": "quantity",
    "duree_de_vie": "lifetime_years",
    "duree_de_vie_ans": "lifetime_years",
    "lifetime": "lifetime_years",
    "age": "age_years",
    "age_ans": "age_years",
    "date_d_achat": "purchase_date",
    "date_achat": "purchase_date",
    "pays": "country",
    "service": "department",
    "direction": "department",
    "puissance_moyenne_w": "avg_power_w",
    "puissance_moyenne": "avg_power_w",
    "taux_d_utilisation": "use_time_ratio",
    "taux_utilisation": "use_time_ratio",
    "puissance_marche_w": "power_on_w",
    "puissance_veille_w": "power_sleep_w",
    "puissance_arret_w": "power_off_w",
    "heures_marche": "hours_on",
    "heures_veille": "hours_sleep",
    "heures_arret": "hours_off",
    "archetype_serveur": "archetype",
    "nombre_de_cpu": "cpu_units",
    "nb_cpu": "cpu_units",
    "coeurs_par_cpu": "cpu_core_units",
    "nombre_de_barrettes_ram": "ram_units",
    "nb_ram": "ram_units",
    "capacite_ram_go": "ram_capacity_gb",
    "ram_go": "ram_capacity_gb",
    "nombre_de_ssd": "ssd_units",
    "nb_ssd": "ssd_units",
    "capacite_ssd_go": "ssd_capacity_gb",
    "nombre_de_hdd": "hdd_units",
    "nb_hdd": "hdd_units",
    "nombre_d_alimentations": "psu_units",
    "nb_alimentations": "psu_units",
    "archetype": "archetype",
    "format": "case_type",
    "charge_pourcent": "time_workload_percent",
    "charge": "time_workload_percent",
    "taux_de_charge": "time_workload_percent",
}
CASE_ALIASES = {
    "rack": "rack",
    "baie": "rack",
    "blade": "blade",
    "lame": "blade",
    "tower": "tower",
    "tour": "tower",
}


def normalise_name(text: str) -> str:
    """'Durée de vie (ans)' -> 'duree_de_vie_ans'."""
    lowered = text.strip().lower().replace("œ", "oe").replace("æ", "ae").replace("%", " pourcent ")
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


@dataclass(frozen=True)
class AssetProblem:
    row: int  # 1-based spreadsheet row: the header is row 1, the first asset row 2
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}, value {self.value!r}: {self.message}"


class InvalidAssets(ValueError):
    """Every problem found in an asset file; nothing was computed."""

    def __init__(self, problems: Sequence[AssetProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems[:50])
        more = len(self.problems) - 50
        super().__init__(
            f"{len(self.problems)} problem(s) in the assets:\n{lines}"
            + (f"\n  … and {more} more" if more > 0 else "")
        )


def _nan(n: int) -> FloatArray:
    """A read-only column of NaN that takes no memory (a view of one number): most optional
    columns are absent, and a million-row table would otherwise hold ~15 × 8 MB of NaN."""
    return np.broadcast_to(np.float64(np.nan), (n,))


def _no_text(n: int) -> npt.NDArray[np.str_]:
    """A read-only column of empty texts that takes no memory."""
    return np.broadcast_to(np.str_(""), (n,))


@dataclass
class AssetTable:
    """Columns of equal length ``n``. ``category`` and ``country`` are indexes into
    ``ReferenceData.category_codes`` and ``ReferenceData.countries``. NaN or "" means "not
    given": the method's default applies and the result says so."""

    category: npt.NDArray[np.intp]
    country: npt.NDArray[np.intp]
    quantity: FloatArray
    numbers: dict[str, FloatArray] = field(default_factory=dict)
    texts: dict[str, npt.NDArray[np.str_]] = field(default_factory=dict)
    quantity_low: FloatArray | None = None
    quantity_high: FloatArray | None = None
    source_rows: npt.NDArray[np.intp] | None = None  # row numbers in the file, for messages
    # Text columns also given dictionary-encoded: name -> (codes, distinct texts in sorted
    # order), so that a breakdown of a million rows by site groups integers, not strings.
    text_codes: dict[str, tuple[npt.NDArray[np.intp], tuple[str, ...]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        n = len(self.category)
        for name in OPTIONAL_NUMBERS:
            self.numbers.setdefault(name, _nan(n))
        for name in TEXT_COLUMNS:
            if name not in self.text_codes:
                self.texts.setdefault(name, _no_text(n))
        if self.quantity_low is None:
            self.quantity_low = self.quantity
        if self.quantity_high is None:
            self.quantity_high = self.quantity
        if self.source_rows is None:
            self.source_rows = np.arange(2, n + 2, dtype=np.intp)
        lengths = {
            len(self.country),
            len(self.quantity),
            *(len(column) for column in self.numbers.values()),
            *(len(column) for column in self.texts.values()),
            *(len(codes) for codes, _ in self.text_codes.values()),
        }
        if lengths != {n}:
            raise ValueError(f"Asset columns differ in length: {sorted(lengths | {n})}")
        self._check()

    def __len__(self) -> int:
        return len(self.category)

    def number(self, name: str) -> FloatArray:
        return self.numbers[name]

    def text(self, name: str) -> npt.NDArray[np.str_]:
        if name not in self.texts and name in self.text_codes:  # spelt out on first use
            codes, values = self.text_codes[name]
            self.texts[name] = np.array(values, dtype=np.str_)[codes]
        return self.texts[name]

    def _check(self) -> None:
        """Refuse impossible states loudly, naming the first offending row."""
        checks: list[tuple[str, FloatArray, npt.NDArray[np.bool_]]] = [
            ("quantity", self.quantity, ~(np.isfinite(self.quantity) & (self.quantity > 0))),
        ]
        for name in OPTIONAL_NUMBERS:
            column = self.numbers[name]
            given = ~np.isnan(column)
            bad = given & ~np.isfinite(column)
            if name in {"lifetime_years", "pue"}:
                bad |= given & (column <= 0)
            else:
                bad |= given & (column < 0)
            if name == "use_time_ratio":
                bad |= given & (column > 1)
            checks.append((name, column, bad))
        for name, column, bad in checks:
            if bad.any():
                row = int(np.argmax(bad))
                raise ValueError(f"Impossible {name} {column[row]!r} at asset index {row}")


def _parse_number(text: str) -> float:
    """'1 234,5' and '1234.5' are both 1234.5; empty is NaN; NaN text is refused."""
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    value = float(cleaned)
    if math.isnan(value) or math.isinf(value):
        raise ValueError("not a finite number")
    return value


def _parse_date(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError("not a date (use dd/mm/yyyy or yyyy-mm-dd)")


def category_lookup(data: ReferenceData) -> dict[str, int]:
    """Every accepted spelling of a category: its code and its French and English labels."""
    lookup: dict[str, int] = {}
    for index, category in enumerate(data.categories):
        for name in (category.code, category.label_fr, category.label_en):
            lookup[normalise_name(name)] = index
    return lookup


def unknown_columns(header: Sequence[str]) -> list[str]:
    """Header names that match no column: their data would be ignored, so users are told."""
    return [
        raw
        for raw in header
        if normalise_name(raw)
        and normalise_name(raw) not in COLUMNS
        and normalise_name(raw) not in HEADER_ALIASES
    ]


def header_map(header: Sequence[str]) -> tuple[dict[str, int], list[AssetProblem]]:
    """Column name -> position, from English names or their French aliases."""
    positions: dict[str, int] = {}
    problems = []
    for position, raw in enumerate(header):
        name = normalise_name(raw)
        if not name:
            continue
        canonical = name if name in COLUMNS else HEADER_ALIASES.get(name)
        if canonical is None:
            continue  # extra columns are allowed and ignored
        if canonical in positions:
            problems.append(AssetProblem(1, raw, raw, f"duplicate column for {canonical!r}"))
        positions[canonical] = position
    if "category" not in positions:
        problems.append(
            AssetProblem(
                1, "category", "", "required column 'category' (or 'catégorie') is missing"
            )
        )
    return positions, problems


def _columns(records: Sequence[Sequence[str]], positions: dict[str, int]) -> dict[str, list[str]]:
    """The named columns as stripped text ('' where a cell or a whole column is missing).

    Picks cells with C-level ``itemgetter`` when every row is long enough (the usual case), and
    falls back to padding the short rows otherwise: no Python loop per cell either way."""
    n = len(records)
    shortest = min(map(len, records), default=0)
    columns: dict[str, list[str]] = {}
    padded: list[tuple[str, ...]] | None = None
    for name in COLUMNS:
        position = positions.get(name)
        if position is None or n == 0:
            columns[name] = [""] * n
            continue
        if position < shortest:
            cells: Iterable[str] = map(itemgetter(position), records)
        else:
            if padded is None:
                padded = list(zip_longest(*records, fillvalue=""))
            cells = padded[position] if position < len(padded) else [""] * n
        columns[name] = list(map(str.strip, map(str, cells)))
    return columns


def _number_check(name: str, value: float) -> str | None:
    """The problem with a parsed value of column ``name``, or None."""
    if name in {"lifetime_years", "pue"} and value <= 0:
        return "must be above 0"
    if value < 0:
        return "cannot be negative"
    if name == "use_time_ratio" and value > 1:
        return "a share of time: between 0 and 1"
    if name.startswith("hours_") and value > 8784:
        return "hours per year: at most 8,784"
    if name == "pue" and value < 1:
        return "a PUE is 1 or more"
    if name == "time_workload_percent" and value > 100:
        return "a workload in percent: between 0 and 100"
    return None


def _parse_numbers(
    name: str, cells: list[str], problems: list[AssetProblem], lines: Sequence[int]
) -> FloatArray:
    """Parse a column, each distinct text once (inventories repeat the same values a lot)."""
    distinct = set(cells)
    if distinct == {""} or not cells:
        return np.full(len(cells), math.nan)
    values: dict[str, float] = {"": math.nan}
    verdicts: dict[str, str] = {}
    for text in distinct - {""}:
        try:
            value = _parse_number(text)
        except ValueError:
            verdicts[text] = "not a number"
            values[text] = math.nan
            continue
        problem = _number_check(name, value)
        if problem:
            verdicts[text] = problem
        values[text] = math.nan if problem else value
    column = np.fromiter(map(values.__getitem__, cells), dtype=np.float64, count=len(cells))
    if verdicts:
        for index, text in enumerate(cells):
            if text in verdicts:
                problems.append(AssetProblem(lines[index], name, text, verdicts[text]))
    return column


def assets_from_records(
    header: Sequence[str],
    records: Sequence[Sequence[str]],
    *,
    default_country: str = "FRA",
    as_of: date | None = None,
    data: ReferenceData | None = None,
    row_numbers: Sequence[int] | None = None,
) -> AssetTable:
    """Parse text rows into an ``AssetTable``; raise ``InvalidAssets`` with every problem.

    Works column by column and parses each distinct text once, so a million rows take about a
    second; problems are still reported per cell, sorted by row."""
    data = data or reference_data()
    as_of = as_of or date.today()
    positions, problems = header_map(header)
    if problems:
        raise InvalidAssets(problems)
    countries = {code: index for index, code in enumerate(data.countries)}
    if default_country not in countries:
        raise InvalidAssets(
            [
                AssetProblem(
                    0, "country", default_country, "unknown default country (ISO 3166-1 alpha-3)"
                )
            ]
        )
    n = len(records)
    # Each record's row number in the file (header = row 1 when rows are not given).
    lines = list(row_numbers) if row_numbers is not None else list(range(2, n + 2))
    columns = _columns(records, positions)

    known = category_lookup(data)
    category_of = {text: known.get(normalise_name(text), -1) for text in set(columns["category"])}
    category = np.fromiter(
        map(category_of.__getitem__, columns["category"]), dtype=np.intp, count=n
    )
    for index in np.flatnonzero(category < 0):
        raw = columns["category"][index]
        problems.append(
            AssetProblem(
                int(lines[index]),
                "category",
                raw,
                "unknown category" if raw else "the category is required",
            )
        )
    category[category < 0] = 0

    quantity = _parse_numbers("quantity", columns["quantity"], problems, lines)
    zero = quantity == 0  # empty cells parse to NaN, not 0
    for index in np.flatnonzero(zero):
        problems.append(
            AssetProblem(
                int(lines[index]),
                "quantity",
                columns["quantity"][index],
                "the quantity must be above 0",
            )
        )
    quantity = np.where(np.isnan(quantity) | (quantity <= 0), 1.0, quantity)

    country_of = {
        text: countries.get(text.upper(), -1) if text else countries[default_country]
        for text in set(columns["country"])
    }
    country = np.fromiter(map(country_of.__getitem__, columns["country"]), dtype=np.intp, count=n)
    for index in np.flatnonzero(country < 0):
        problems.append(
            AssetProblem(
                int(lines[index]),
                "country",
                columns["country"][index],
                "unknown country: use an ISO 3166-1 alpha-3 code such as FRA, DEU, BEL",
            )
        )
    country[country < 0] = countries[default_country]

    numbers = {
        name: _parse_numbers(name, columns[name], problems, lines)
        if name in positions
        else np.full(n, math.nan)
        for name in OPTIONAL_NUMBERS
    }

    dates = columns["purchase_date"]
    if "purchase_date" in positions and any(dates):
        age = numbers["age_years"]
        for position, (row, text) in enumerate(zip(lines, dates, strict=True)):
            if not text or not math.isnan(age[position]):
                continue
            try:
                bought = _parse_date(text)
            except ValueError as error:
                problems.append(AssetProblem(row, "purchase_date", text, str(error)))
                continue
            if bought > as_of:
                problems.append(AssetProblem(row, "purchase_date", text, "in the future"))
            else:
                age[position] = (as_of - bought).days / 365.25

    if "case_type" in positions:
        cases = columns["case_type"]
        case_of = {
            text: CASE_ALIASES.get(normalise_name(text)) if text else "" for text in set(cases)
        }
        for row, text in zip(lines, cases, strict=True):
            if case_of[text] is None:
                problems.append(AssetProblem(row, "case_type", text, "use rack, blade or tower"))
        columns["case_type"] = [case_of[text] or "" for text in cases]

    archetypes = columns["archetype"]
    if "archetype" in positions and any(archetypes):
        from .boavizta_server import archetype_names

        known_archetypes = set(archetype_names())
        for row, text in zip(lines, archetypes, strict=True):
            if text and text not in known_archetypes:
                problems.append(
                    AssetProblem(
                        row,
                        "archetype",
                        text,
                        "unknown server archetype; known: " + ", ".join(sorted(known_archetypes)),
                    )
                )

    hours = np.nansum(
        np.stack([numbers[f"hours_{state}"] for state in ("on", "sleep", "off")]), axis=0
    )
    for index in np.flatnonzero(hours > 8784):
        problems.append(
            AssetProblem(
                int(lines[index]),
                "hours_on",
                f"{hours[index]:g}",
                "hours on, asleep and off add up to more than a year",
            )
        )
    if problems:
        order = {name: position for position, name in enumerate(COLUMNS)}
        problems.sort(key=lambda problem: (problem.row, order.get(problem.column, 99)))
        raise InvalidAssets(problems)
    return AssetTable(
        category=category,
        country=country,
        quantity=quantity,
        source_rows=np.asarray(lines, dtype=np.intp),
        numbers=numbers,
        texts={
            name: np.array(columns[name], dtype=np.str_)
            for name in TEXT_COLUMNS
            if name in positions
        },
    )
