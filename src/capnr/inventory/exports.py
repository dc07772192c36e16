"""The inventory's own export formats (the plain CSV and XLSX writers are in
``capnr.core.spreadsheets``)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from capnr.engine.intake.g4it import write_g4it_csv


def _g4it_model(asset: Any) -> str:
    """Manufacturer and model in one text, as G4IT inventories write them ("Dell Latitude 5420"),
    without repeating a manufacturer the model already starts with."""
    manufacturer, model = (asset.manufacturer or "").strip(), (asset.model or "").strip()
    if manufacturer and not model.casefold().startswith(manufacturer.casefold()):
        return f"{manufacturer} {model}".strip()
    return model


def g4it_csv_bytes(assets: Iterable[Any], *, country: str = "FRA") -> bytes:
    """The assets as G4IT's physical-equipment CSV (``capnr.engine.intake.g4it``): ``;``,
    UTF-8 without byte order mark (G4IT's own templates have none), formula-like text
    neutralised.

    Pass the devices G4IT should assess: it counts every row whatever its ``statut`` (the
    status is only an analysis axis there), so retired devices are better left out. A device
    without a country of its own is in ``country`` (ISO 3166-1 alpha-3, France by default); an
    empty yearly consumption or retirement date makes G4IT use its reference data. The
    department goes to ``nomEntite``; the site has no G4IT column (``nomCourtDatacenter`` must
    name a datacenter of the G4IT inventory)."""
    records = (
        {
            "name": asset.name,
            "serial_number": asset.serial_number,
            "inventory_number": asset.inventory_number,
            "model": _g4it_model(asset),
            "quantity": asset.quantity,
            "purchase_date": asset.purchase_date,
            "retirement_date": asset.retirement_date,
            "category": asset.category,
            "status": asset.status,
            "country": asset.country or country,
            "annual_kwh": asset.annual_kwh,
            "department": asset.department.name if asset.department_id else "",
        }
        for asset in assets
    )
    buffer = io.StringIO(newline="")
    write_g4it_csv(records, buffer)
    return buffer.getvalue().encode("utf-8")
