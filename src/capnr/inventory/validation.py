"""Check every row of an inventory file against the organisation, before anything is stored.

Pure logic (Django only translates its messages): it receives the file's rows, the confirmed
column mapping and what the organisation already has (site and department names, existing
serial and inventory numbers), and returns the normalised rows, every problem (row, column,
value, what to do), the categories to confirm and the sites and departments to create."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from capnr.engine.assets import _parse_date, _parse_number, category_lookup, normalise_name
from capnr.engine.intake.recognition import (
    NOT_EQUIPMENT,
    UNCERTAIN_BELOW,
    infer_categories,
    infer_one,
)
from capnr.engine.reference import reference_data

# GLPI and OCS statuses, French and English, normalised -> our status codes.
STATUS_WORDS = {
    "en_service": "in_use",
    "in_use": "in_use",
    "actif": "in_use",
    "active": "in_use",
    "en_production": "in_use",
    "production": "in_use",
    "utilise": "in_use",
    "en_stock": "in_stock",
    "stock": "in_stock",
    "in_stock": "in_stock",
    "en_reserve": "in_stock",
    "en_reparation": "in_repair",
    "in_repair": "in_repair",
    "under_repair": "in_repair",
    "repair": "in_repair",
    "en_panne": "in_repair",
    "rebut": "retired",
    "reforme": "retired",
    "retired": "retired",
    "hors_service": "retired",
    "retire": "retired",
    "decommissioned": "retired",
    "au_rebut": "retired",
}
ENTITY_SEPARATOR = ">"


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class CheckedImport:
    rows: list[dict[str, object]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    uncertain: list[dict[str, object]] = field(default_factory=list)  # groups to confirm
    sites_to_create: list[str] = field(default_factory=list)
    departments_to_create: list[list[str]] = field(default_factory=list)  # paths
    category_counts: dict[str, int] = field(default_factory=dict)
    skipped_virtual: int = 0  # rows recognised as virtual machines, left out


def group_key(type_text: str, model_text: str) -> str:
    return f"{type_text.strip()} | {model_text.strip()}"


def department_path(entity: str, department: str) -> list[str]:
    """A department given directly, or the path of a GLPI entity without its root (the
    organisation itself): 'Org > Secrétariat général > SI' -> ['Secrétariat général', 'SI']."""
    if department:
        return [department.strip()]
    parts = [part.strip() for part in entity.split(ENTITY_SEPARATOR) if part.strip()]
    return parts[1:] if len(parts) > 1 else []


def check_rows(
    records: Sequence[Mapping[str, str]],
    row_numbers: Sequence[int],
    *,
    existing_sites: Sequence[str],
    existing_departments: Sequence[str],
    category_overrides: Mapping[str, str] | None = None,
    as_of: date | None = None,
) -> CheckedImport:
    """``records``: one dict per row, field -> text (fields as in mapping.py)."""
    as_of = as_of or date.today()
    data = reference_data()
    codes = data.category_codes
    by_label = category_lookup(data)
    overrides = dict(category_overrides or {})
    result = CheckedImport()
    problems = result.problems

    def get(record: Mapping[str, str], name: str) -> str:
        value = record.get(name, "")
        return "" if value is None else str(value).strip()

    types = [get(r, "type") for r in records]
    models = [get(r, "model") for r in records]
    names = [get(r, "name") for r in records]
    makers = [get(r, "manufacturer") for r in records]
    inferred, confidence, _rules = infer_categories(types, models, names, makers)

    sites_known = {site.casefold(): site for site in existing_sites}
    departments_known = {department.casefold() for department in existing_departments}
    new_sites: dict[str, str] = {}
    new_departments: dict[tuple[str, ...], list[str]] = {}
    serials = Counter(get(r, "serial_number") for r in records if get(r, "serial_number"))
    inventories = Counter(get(r, "inventory_number") for r in records if get(r, "inventory_number"))
    uncertain: dict[str, dict[str, object]] = {}

    for index, record in enumerate(records):
        row = row_numbers[index]
        explicit = get(record, "category")
        category, sure = "", 0.0
        if explicit:
            found = by_label.get(normalise_name(explicit))
            if found is None:
                # Not one of our names: read it as a device type ("écran", "PC portable").
                guess = infer_one(type_text=explicit)
                if (
                    guess.category
                    and guess.category != NOT_EQUIPMENT
                    and guess.confidence >= UNCERTAIN_BELOW
                ):
                    found = codes.index(guess.category)
            if found is None:
                problems.append(
                    RowProblem(
                        row,
                        "category",
                        explicit,
                        _(
                            "Unknown category: use one of Cap NR's categories (see the "
                            "template's column guide)."
                        ),
                    )
                )
            else:
                category, sure = codes[found], 1.0
        else:
            key = group_key(types[index], models[index])
            if key in overrides:
                category, sure = overrides[key], 1.0
            else:
                category, sure = inferred[index], float(confidence[index])
                if category == NOT_EQUIPMENT and sure >= UNCERTAIN_BELOW:
                    # A virtual machine: not equipment, so not in the footprint; counted.
                    result.skipped_virtual += 1
                    continue
                if category == NOT_EQUIPMENT:
                    category = ""  # a guess from the name only: the user decides
                if sure < UNCERTAIN_BELOW:
                    group = uncertain.setdefault(
                        key,
                        {
                            "key": key,
                            "type": types[index],
                            "model": models[index],
                            "suggested": category,
                            "confidence": sure,
                            "count": 0,
                            "first_row": row,
                        },
                    )
                    group["count"] = int(group["count"]) + 1  # type: ignore[call-overload]

        quantity = 1
        raw = get(record, "quantity")
        if raw:
            try:
                number = _parse_number(raw)
                if number < 1 or not float(number).is_integer():
                    raise ValueError
                quantity = int(number)
            except ValueError:
                problems.append(
                    RowProblem(
                        row, "quantity", raw, _("A quantity is a whole number of 1 or more.")
                    )
                )

        purchase = ""
        raw = get(record, "purchase_date")
        if raw:
            try:
                bought = _parse_date(raw)
                if bought > as_of:
                    problems.append(
                        RowProblem(
                            row, "purchase_date", raw, _("This purchase date is in the future.")
                        )
                    )
                else:
                    purchase = bought.isoformat()
            except ValueError:
                problems.append(
                    RowProblem(
                        row,
                        "purchase_date",
                        raw,
                        _("Not a date: write it as dd/mm/yyyy or yyyy-mm-dd."),
                    )
                )

        lifetime: float | None = None
        raw = get(record, "lifetime_years")
        if raw:
            try:
                lifetime = _parse_number(raw)
                if lifetime <= 0 or math.isnan(lifetime):
                    raise ValueError
            except ValueError:
                lifetime = None
                problems.append(
                    RowProblem(
                        row, "lifetime_years", raw, _("A lifetime is a number of years above 0.")
                    )
                )

        status = "in_use"
        raw = get(record, "status")
        if raw:
            status = STATUS_WORDS.get(normalise_name(raw), "in_use")

        serial = get(record, "serial_number")
        inventory = get(record, "inventory_number")
        if serial and serials[serial] > 1:
            problems.append(
                RowProblem(
                    row,
                    "serial_number",
                    serial,
                    _("This serial number appears on several rows: each device once, please."),
                )
            )
        if inventory and inventories[inventory] > 1:
            problems.append(
                RowProblem(
                    row,
                    "inventory_number",
                    inventory,
                    _("This inventory number appears on several rows."),
                )
            )

        site = get(record, "site")
        site_name = ""
        if site:
            known = sites_known.get(site.casefold()) or new_sites.get(site.casefold())
            if known is None:
                new_sites[site.casefold()] = site
                known = site
            site_name = known

        path = department_path(get(record, "entity"), get(record, "department"))
        for depth in range(1, len(path) + 1):
            part = tuple(path[:depth])
            if part[-1].casefold() not in departments_known and part not in new_departments:
                new_departments[part] = list(part)
        result.rows.append(
            {
                "row": row,
                "category": category,
                "confidence": sure,
                "quantity": quantity,
                "name": names[index],
                "manufacturer": makers[index],
                "model": models[index],
                "type": types[index],
                "serial_number": serial,
                "inventory_number": inventory,
                "site": site_name,
                "department": path[-1] if path else "",
                "department_path": path,
                "purchase_date": purchase,
                "lifetime_years": lifetime,
                "status": status,
                "os_name": get(record, "os_name"),
            }
        )

    result.uncertain = sorted(uncertain.values(), key=lambda g: -int(g["count"]))  # type: ignore[call-overload]
    result.sites_to_create = sorted(new_sites.values())
    result.departments_to_create = [path for _, path in sorted(new_departments.items())]
    result.category_counts = dict(Counter(str(r["category"]) for r in result.rows if r["category"]))
    problems.sort(key=lambda p: (p.row, p.column))
    return result
