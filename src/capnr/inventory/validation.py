"""Check an inventory file for one organisation, before anything is stored.

The checks themselves are the engine's reading pipeline (``capnr.engine.intake.pipeline``), the
same for the web import, the API, ``import_inventory`` and ``capnr footprint``. This module adds
what depends on the organisation: which sites and departments already exist and which would be
created, and the rows in the shape the store step writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import get_language

from capnr.engine.intake.messages import Language
from capnr.engine.intake.pipeline import (
    IntakeOptions,
    Unrecognised,
    check_table,
    department_path,
    group_key,
)
from capnr.engine.intake.recognition import CategoryRule
from capnr.engine.intake.table import ColumnTable

__all__ = ["CheckedImport", "check_import", "group_key", "user_language"]


def user_language() -> Language:
    """The active Django language as the pipeline's language."""
    return "en" if (get_language() or "fr").lower().startswith("en") else "fr"


@dataclass
class CheckedImport:
    # The kept rows column by column: field -> one value per row.
    columns: dict[str, list[Any]] = field(default_factory=dict)
    problems: list[dict[str, object]] = field(default_factory=list)
    warnings: list[dict[str, object]] = field(default_factory=list)
    uncertain: list[dict[str, object]] = field(default_factory=list)  # groups to confirm
    excluded: list[dict[str, object]] = field(default_factory=list)  # left out, with reasons
    sites_to_create: list[str] = field(default_factory=list)
    departments_to_create: list[list[str]] = field(default_factory=list)  # paths
    category_counts: dict[str, int] = field(default_factory=dict)  # devices per category
    skipped_virtual: int = 0  # devices recognised as virtual machines, left out
    date_order: str = ""

    def __len__(self) -> int:
        return len(self.columns["row"]) if self.columns else 0


def check_import(
    table: ColumnTable,
    mapping: Mapping[int, str],
    *,
    existing_sites: Sequence[str],
    existing_departments: Sequence[str],
    category_overrides: Mapping[str, str] | None = None,
    extra_rules: Sequence[CategoryRule] = (),
    unrecognised: Unrecognised = "ask",
    date_order: str = "auto",
    file_name: str = "",
    as_of: date | None = None,
    lang: Language | None = None,
) -> CheckedImport:
    """Every row checked at once; nothing stored. Problems are written in ``lang`` (the active
    language by default)."""
    lang = lang or user_language()
    intake = check_table(
        table,
        IntakeOptions(
            mapping=mapping,
            category_overrides=dict(category_overrides or {}),
            extra_rules=extra_rules,
            unrecognised=unrecognised,
            date_order=date_order,
            as_of=as_of,
            file_name=file_name,
        ),
    )
    result = CheckedImport(
        problems=[problem.as_dict(lang) for problem in intake.sorted_problems()],
        warnings=[warning.as_dict(lang) for warning in intake.warnings],
        uncertain=[group.as_dict() for group in intake.groups],
        excluded=[item.as_dict(lang) for item in intake.excluded],
        category_counts=intake.categories(),
        skipped_virtual=sum(
            item.devices for item in intake.excluded if item.reason == "virtual_machine"
        ),
        date_order=intake.date_order,
    )
    text = {name: intake.text(name) for name in _TEXT_FIELDS}
    sites_known = {site.casefold(): site for site in existing_sites}
    departments_known = {department.casefold() for department in existing_departments}
    new_sites: dict[str, str] = {}
    new_departments: dict[tuple[str, ...], list[str]] = {}
    site_of: dict[str, str] = {}
    for site in set(text["site"]):
        if not site:
            site_of[site] = ""
            continue
        known = sites_known.get(site.casefold()) or new_sites.get(site.casefold())
        if known is None:
            new_sites[site.casefold()] = known = site
        site_of[site] = known
    path_of: dict[tuple[str, str], list[str]] = {}
    for pair in set(zip(text["entity"], text["department"], strict=True)):
        path = path_of[pair] = department_path(*pair)
        for depth in range(1, len(path) + 1):
            part = tuple(path[:depth])
            if part[-1].casefold() not in departments_known and part not in new_departments:
                new_departments[part] = list(part)
    lifetimes = [None if value != value else value for value in intake.lifetime_years.tolist()]
    paths = [path_of[pair] for pair in zip(text["entity"], text["department"], strict=True)]
    columns = {
        "row": intake.row_numbers.tolist(),
        "category": intake.category,
        "confidence": intake.confidence.tolist(),
        "quantity": intake.quantity.tolist(),
        "name": text["name"],
        "manufacturer": text["manufacturer"],
        "model": text["model"],
        "type": text["type"],
        "serial_number": text["serial_number"],
        "inventory_number": text["inventory_number"],
        "site": [site_of[site] for site in text["site"]],
        "department": [path[-1] if path else "" for path in paths],
        "department_path": paths,
        "purchase_date": intake.purchase_date,
        "lifetime_years": lifetimes,  # None: not given
        "status": intake.status,
        "os_name": text["os_name"],
        "key": intake.group_key,
        # Given by the file, else empty (France, the organisation's default, applies).
        "country": [
            code if given else ""
            for code, given in zip(intake.country, text["country"], strict=True)
        ],
        "retirement_date": intake.retirement_date,
        "annual_kwh": [None if value != value else value for value in intake.annual_kwh.tolist()],
    }
    result.columns = columns
    result.sites_to_create = sorted(new_sites.values())
    result.departments_to_create = [path for _, path in sorted(new_departments.items())]
    return result


_TEXT_FIELDS = (
    "name",
    "manufacturer",
    "model",
    "type",
    "serial_number",
    "inventory_number",
    "site",
    "entity",
    "department",
    "os_name",
    "country",
)
