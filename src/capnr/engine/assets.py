"""The asset table: one row per asset or per group of identical assets, as numpy columns.

``assets_from_records`` turns rows of text (from a CSV or spreadsheet) into a table, reporting
every problem of every row at once; ``AssetTable`` can also be built directly from arrays."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

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
    "format": "case_type",
    "charge_pourcent": "time_workload_percent",
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
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
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
    return np.full(n, np.nan, dtype=np.float64)


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

    def __post_init__(self) -> None:
        n = len(self.category)
        for name in OPTIONAL_NUMBERS:
            self.numbers.setdefault(name, _nan(n))
        for name in TEXT_COLUMNS:
            self.texts.setdefault(name, np.full(n, "", dtype=np.str_))
        if self.quantity_low is None:
            self.quantity_low = self.quantity
        if self.quantity_high is None:
            self.quantity_high = self.quantity
        lengths = {
            len(self.country),
            len(self.quantity),
            *(len(column) for column in self.numbers.values()),
            *(len(column) for column in self.texts.values()),
        }
        if lengths != {n}:
            raise ValueError(f"Asset columns differ in length: {sorted(lengths | {n})}")
        self._check()

    def __len__(self) -> int:
        return len(self.category)

    def number(self, name: str) -> FloatArray:
        return self.numbers[name]

    def text(self, name: str) -> npt.NDArray[np.str_]:
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


def assets_from_records(
    header: Sequence[str],
    records: Sequence[Sequence[str]],
    *,
    default_country: str = "FRA",
    as_of: date | None = None,
    data: ReferenceData | None = None,
) -> AssetTable:
    """Parse text rows into an ``AssetTable``; raise ``InvalidAssets`` with every problem."""
    data = data or reference_data()
    as_of = as_of or date.today()
    positions, problems = header_map(header)
    if problems:
        raise InvalidAssets(problems)
    categories = category_lookup(data)
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
    category = np.zeros(n, dtype=np.intp)
    country = np.full(n, countries[default_country], dtype=np.intp)
    quantity = np.ones(n, dtype=np.float64)
    numbers = {name: _nan(n) for name in OPTIONAL_NUMBERS}
    texts: dict[str, list[str]] = {name: [""] * n for name in TEXT_COLUMNS}

    def cell(record: Sequence[str], name: str) -> str:
        position = positions.get(name)
        if position is None or position >= len(record):
            return ""
        value = record[position]
        return "" if value is None else str(value).strip()

    for index, record in enumerate(records):
        row = index + 2

        def problem(column: str, value: str, message: str, *, row: int = row) -> None:
            problems.append(AssetProblem(row, column, value, message))

        raw = cell(record, "category")
        found = categories.get(normalise_name(raw))
        if found is None:
            problem("category", raw, "unknown category" if raw else "the category is required")
        else:
            category[index] = found
        raw = cell(record, "quantity")
        if raw:
            try:
                quantity[index] = _parse_number(raw)
                if quantity[index] <= 0:
                    problem("quantity", raw, "the quantity must be above 0")
            except ValueError:
                problem("quantity", raw, "not a number")
        raw = cell(record, "country").upper()
        if raw:
            if raw in countries:
                country[index] = countries[raw]
            else:
                problem(
                    "country",
                    raw,
                    "unknown country: use an ISO 3166-1 alpha-3 code such as FRA, DEU, BEL",
                )
        for name in OPTIONAL_NUMBERS:
            raw = cell(record, name)
            if not raw:
                continue
            try:
                value = _parse_number(raw)
            except ValueError:
                problem(name, raw, "not a number")
                continue
            if name in {"lifetime_years", "pue"} and value <= 0:
                problem(name, raw, "must be above 0")
            elif value < 0:
                problem(name, raw, "cannot be negative")
            elif name == "use_time_ratio" and value > 1:
                problem(name, raw, "a share of time: between 0 and 1")
            elif name.startswith("hours_") and value > 8784:
                problem(name, raw, "hours per year: at most 8,784")
            elif name == "pue" and value < 1:
                problem(name, raw, "a PUE is 1 or more")
            else:
                numbers[name][index] = value
        raw = cell(record, "purchase_date")
        if raw and math.isnan(numbers["age_years"][index]):
            try:
                bought = _parse_date(raw)
                if bought > as_of:
                    problem("purchase_date", raw, "in the future")
                else:
                    numbers["age_years"][index] = (as_of - bought).days / 365.25
            except ValueError as error:
                problem("purchase_date", raw, str(error))
        for name in TEXT_COLUMNS:
            texts[name][index] = cell(record, name)
        case = normalise_name(texts["case_type"][index])
        if case:
            if case in CASE_ALIASES:
                texts["case_type"][index] = CASE_ALIASES[case]
            else:
                problem("case_type", texts["case_type"][index], "use rack, blade or tower")
        hours = [numbers[f"hours_{state}"][index] for state in ("on", "sleep", "off")]
        if sum(h for h in hours if not math.isnan(h)) > 8784:
            problem("hours_on", str(hours), "hours on, asleep and off add up to more than a year")
    if problems:
        raise InvalidAssets(problems)
    return AssetTable(
        category=category,
        country=country,
        quantity=quantity,
        numbers=numbers,
        texts={name: np.array(values, dtype=np.str_) for name, values in texts.items()},
    )
