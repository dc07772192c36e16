"""The asset table: one row per asset or per group of identical assets, as numpy columns, and
the names and checks of its columns. Files reach it through the reading pipeline
(``capnr.engine.intake``), which checks every row and builds the table."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .reference import ReferenceData

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
            if column.strides == (0,) and len(column) and np.isnan(column[0]):
                continue  # a column not given: NaN seen through every row
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


def category_lookup(data: ReferenceData) -> dict[str, int]:
    """Every accepted spelling of a category: its code and its French and English labels."""
    lookup: dict[str, int] = {}
    for index, category in enumerate(data.categories):
        for name in (category.code, category.label_fr, category.label_en):
            lookup[normalise_name(name)] = index
    return lookup


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
