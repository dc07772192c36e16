"""G4IT's physical-equipment CSV, written from inventory rows; countries by code or by name.

Pure Python (no Django). G4IT (github.com/G4ITTeam/g4it, Apache-2.0) is the platform Sopra
Steria built on the French State's NumEcoEval engine to assess an information system's
footprint; its inventories are loaded from CSV files whose layout is given by its data model,
``G4IT_Datamodel_and_reference_data_v3.1.xlsx`` (tabs "physicalEquipment", "refEquipmentType"
and "Country") and its template ``template_inv_physicalEquipment.csv``:

- ``;``-separated, UTF-8, one row per physical equipment, names unique within the file (G4IT
  rejects duplicated ``nomEquipementPhysique``);
- ``type`` must be one of the platform's equipment types (tab "refEquipmentType"): its default
  lifespan and impact reference stand in for what the row does not say;
- ``paysDUtilisation`` is a country name from tab "Country" ("France", "Germany"…);
- ``dateAchat`` / ``dateRetrait`` are ``YYYY-MM-DD``; ``consoElecAnnuelle`` is kWh per year
  (empty: G4IT uses its reference data);
- ``statut`` is free text for analysis only; G4IT's samples write "In use", "In stock",
  "Retired", "Missing", "Consumed", "Not used".

Cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) get a leading apostrophe, as in every Cap NR export."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Protocol

from capnr.engine.assets import normalise_name

# template_inv_physicalEquipment.csv, every column in order.
G4IT_HEADER = (
    "nomEquipementPhysique",
    "modele",
    "quantite",
    "nomCourtDatacenter",
    "dateAchat",
    "dateRetrait",
    "type",
    "statut",
    "paysDUtilisation",
    "consoElecAnnuelle",
    "utilisateur",
    "nomSourceDonnee",
    "nomEntite",
)

# Cap NR category -> G4IT equipment type (tab "refEquipmentType" of the data model v3.1). G4IT's
# types are coarser than Cap NR's categories: several categories share one type, and the type
# picks G4IT's default impact reference (e.g. "Desktop" -> desktop-4, "Server" -> a blade
# server). "Server" and "Smartphone" are the types G4IT's own sample files use; "Firewall" is
# G4IT's only router-like type; a projector has no G4IT type (its row is written with an empty
# type, which G4IT reports instead of assessing it as something else).
G4IT_TYPES: dict[str, str] = {
    "laptop": "Laptop",
    "desktop": "Desktop",
    "workstation": "Desktop",
    "thin_client": "Desktop",
    "monitor": "Monitor",
    "monitor_large": "Monitor",
    "smartphone": "Smartphone",
    "tablet": "Tablet",
    "ip_phone": "Fix phone",
    "printer_small": "Printer",
    "printer_workgroup": "Printer",
    "printer_mfp": "Printer",
    "server_rack": "Server",
    "server_tower": "Server",
    "switch": "Switch",
    "router": "Firewall",
    "wifi_ap": "Wifi",
    "nas": "Storage Server",
    "display": "TV",
    "docking_station": "Docking station",
}

# Cap NR asset status -> G4IT statut (the values of G4IT's sample inventories; "In repair" has
# no sample and is written in the same style).
G4IT_STATUSES: dict[str, str] = {
    "in_use": "In use",
    "in_stock": "In stock",
    "in_repair": "In repair",
    "retired": "Retired",
}
G4IT_SOURCE = "Cap NR"  # nomSourceDonnee: where the rows come from
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_COUNTRIES = files("capnr.engine") / "data" / "intake" / "countries.csv"


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


@cache
def _countries() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """(ISO3 -> row, normalised code or name -> ISO3), from ``data/intake/countries.csv``."""
    text = _COUNTRIES.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    rows = {row["iso3"]: row for row in csv.DictReader(lines)}
    lookup: dict[str, str] = {}
    for kind in ("iso3", "iso2", "g4it", "name_en", "name_fr", "aliases"):
        for iso3, row in rows.items():
            names = row[kind].split("|") if kind == "aliases" else [row[kind]]
            for name in names:
                key = normalise_name(name)
                if key:
                    lookup.setdefault(key, iso3)
    return rows, lookup


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-3 code of a country given by its code (alpha-3 or alpha-2) or its
    name in French, English or as G4IT writes it; case, accents and punctuation do not matter.
    "France", "FRANCE", "fr", "Allemagne", "Germany", "DEU" -> "FRA"/"DEU"; unknown -> None."""
    return _countries()[1].get(normalise_name(text))


def country_name_g4it(code: str) -> str:
    """The country as G4IT's ``paysDUtilisation`` writes it ("FRA" -> "France"); a country G4IT
    does not list gets its English name, a text that is no country is returned as given."""
    rows, _lookup = _countries()
    iso3 = country_code(code)
    if iso3 is None:
        return code.strip()
    row = rows[iso3]
    return row["g4it"] or row["name_en"]


def _neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: float | Decimal) -> str:
    """A number in plain notation, at most 3 decimals, no useless zeros ("" for NaN, inf)."""
    number = Decimal(str(value)) if isinstance(value, float) else value
    if not number.is_finite():
        return ""
    text = format(round(number, 3), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, date):  # datetime is a date: G4IT wants the day only
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return _number(value)
    return str(value).strip()


def _day(value: object) -> str:
    """A date as ``YYYY-MM-DD`` (an ISO text is cut to its day)."""
    text = _text(value)
    return text[:10] if len(text) > 10 and text[4:5] == "-" and text[10] in " T" else text


def _quantity(value: object) -> str:
    text = _text(value)
    return text or "1"


def _kwh(value: object) -> str:
    """kWh per year with a decimal point, as G4IT reads numbers ("12,5" -> "12.5")."""
    return _text(value).replace(",", ".")


def _unique_name(record: Mapping[str, object], index: int, taken: set[str]) -> str:
    """The row's name, or its serial or inventory number, or "<category>-<row>"; made unique
    in the file with " (2)", " (3)"… since G4IT rejects duplicated names."""
    base = ""
    for key in ("name", "serial_number", "inventory_number"):
        base = _text(record.get(key))
        if base:
            break
    if not base:
        base = f"{_text(record.get('category')) or 'equipment'}-{index}"
    name, copy = base, 2
    while name.casefold() in taken:
        name = f"{base} ({copy})"
        copy += 1
    taken.add(name.casefold())
    return name


def g4it_rows(records: Iterable[Mapping[str, object]]) -> list[list[str]]:
    """One G4IT row (``G4IT_HEADER``'s columns) per inventory record.

    A record's keys: ``name`` (or ``serial_number`` / ``inventory_number`` as fallbacks),
    ``model``, ``quantity`` (1 when empty), ``purchase_date`` and ``retirement_date`` (``date``
    or ISO text), ``category`` (a Cap NR code: see ``G4IT_TYPES``; "" for none), ``status`` (a
    Cap NR status code, see ``G4IT_STATUSES``; other texts are written as given), ``country``
    (ISO 3166-1 alpha-3, or a name), ``annual_kwh`` (kWh per year, a number or a text), and
    optionally ``user``, ``department`` (written as ``nomEntite``, the organisational entity)
    and ``datacenter`` (``nomCourtDatacenter``: must name a datacenter of the G4IT inventory).
    Missing keys are empty cells. Every cell is text, formula-like texts neutralised."""
    rows: list[list[str]] = []
    taken: set[str] = set()
    for index, record in enumerate(records, start=1):
        category = _text(record.get("category"))
        status = _text(record.get("status"))
        country = _text(record.get("country"))
        row = [
            _unique_name(record, index, taken),
            _text(record.get("model")),
            _quantity(record.get("quantity")),
            _text(record.get("datacenter")),
            _day(record.get("purchase_date")),
            _day(record.get("retirement_date")),
            G4IT_TYPES.get(category, ""),
            G4IT_STATUSES.get(status, status),
            country_name_g4it(country) if country else "",
            _kwh(record.get("annual_kwh")),
            _text(record.get("user")),
            G4IT_SOURCE,
            _text(record.get("department")),
        ]
        rows.append([_neutralise(cell) for cell in row])
    return rows


def write_g4it_csv(records: Iterable[Mapping[str, object]], stream: _Writable) -> int:
    """Write G4IT's physical-equipment CSV (header and ``g4it_rows``) to a text stream opened
    with ``newline=""`` (``io.StringIO()`` works); encode it as UTF-8. Returns the row count."""
    writer = csv.writer(stream, delimiter=";", lineterminator="\n")
    writer.writerow(G4IT_HEADER)
    rows = g4it_rows(records)
    writer.writerows(rows)
    return len(rows)
