"""The header vocabulary knows G4IT's physical-equipment file, Snipe-IT's asset exports, the
`capnr footprint` command's columns and French hand-made inventories, one field per header."""

from __future__ import annotations

import csv
from importlib.resources import files

from capnr.engine.intake.columns import (
    FIELDS,
    header_vocabulary,
    match_header,
    normalise_header,
    suggest_mapping,
)
from capnr.engine.intake.g4it import G4IT_HEADER


def fields(header: list[str]) -> list[str | None]:
    return [suggestion.field for suggestion in suggest_mapping(header)]


def test_every_header_of_the_vocabulary_names_one_field_only():
    text = (files("capnr.engine") / "data" / "intake" / "header_vocabulary.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    seen: dict[str, set[str]] = {}
    for row in rows:
        seen.setdefault(normalise_header(row["header"]), set()).add(row["field"])
        assert row["source"].strip(), row
    assert {key: names for key, names in seen.items() if len(names) > 1} == {}
    assert set(header_vocabulary().values()) == set(FIELDS)


def test_new_fields_are_inventory_fields():
    assert "annual_kwh" in FIELDS
    assert "retirement_date" in FIELDS
    assert "country" in FIELDS


def test_g4it_physical_equipment_columns_map_to_their_fields():
    assert dict(zip(G4IT_HEADER, fields(list(G4IT_HEADER)), strict=True)) == {
        "nomEquipementPhysique": "name",
        "modele": "model",
        "quantite": "quantity",
        "nomCourtDatacenter": None,  # a datacenter of the G4IT inventory, not a site
        "dateAchat": "purchase_date",
        "dateRetrait": "retirement_date",
        "type": "type",
        "statut": "status",
        "paysDUtilisation": "country",
        "consoElecAnnuelle": "annual_kwh",
        "utilisateur": "user",
        "nomSourceDonnee": None,  # the tool the rows came from
        "nomEntite": "department",
    }


def test_g4it_extended_columns_map_only_where_a_field_fits():
    header = ["nbCoeur", "nbJourUtiliseAn", "goTelecharge", "fabricant", "tailleDuDisque"]
    header += ["tailleMemoire", "typeDeProcesseur", "consoElecAn"]
    assert fields(header) == [None, None, None, "manufacturer", None, None, None, "annual_kwh"]


def test_snipe_it_asset_list_export_is_recognised():
    header = [
        "ID",
        "Company",
        "Asset Name",
        "Asset Tag",
        "Serial",
        "Model",
        "Model No.",
        "Category",
        "Status",
        "Checked Out To",
        "Location",
        "Default Location",
        "Manufacturer",
        "Purchase Date",
        "Purchase Cost",
        "EOL Date",
    ]
    assert dict(zip(header, fields(header), strict=True)) == {
        "ID": None,
        "Company": "entity",
        "Asset Name": "name",
        "Asset Tag": "inventory_number",
        "Serial": "serial_number",
        "Model": "model",
        "Model No.": None,  # a part number: Model already gives the model
        "Category": "category",
        "Status": "status",
        "Checked Out To": "user",
        "Location": "site",
        "Default Location": None,  # site goes to Location, the leftmost exact match
        "Manufacturer": "manufacturer",
        "Purchase Date": "purchase_date",
        "Purchase Cost": None,
        "EOL Date": "retirement_date",
    }


def test_snipe_it_import_sample_header_is_recognised():
    header = [
        "Company",
        "Name",
        "Asset Tag",
        "Category",
        "Supplier",
        "Manufacturer",
        "Location",
        "Order Number",
        "Model",
        "Model Notes",
        "Model Number",
        "Asset Notes",
        "Purchase Date",
        "Purchase Cost",
        "Checkout Type",
        "Checked Out To: Username",
        "Checked Out To: First Name",
        "Checked Out To: Last Name",
        "Checked Out To: Email",
        "Checked Out To: Location",
        "Asset EOL Date",
    ]
    mapped = {h: f for h, f in zip(header, fields(header), strict=True) if f}
    assert mapped == {
        "Company": "entity",
        "Name": "name",
        "Asset Tag": "inventory_number",
        "Category": "category",
        "Manufacturer": "manufacturer",
        "Location": "site",
        "Model": "model",
        "Purchase Date": "purchase_date",
        "Checked Out To: Username": "user",
        "Asset EOL Date": "retirement_date",
    }


def test_default_location_is_the_site_when_there_is_no_location_column():
    assert fields(["Asset Name", "Default Location"]) == ["name", "site"]


def test_the_footprint_command_columns_map_to_themselves():
    header = ["category", "quantity", "lifetime_years", "country", "purchase_date", "site"]
    header += ["department"]
    assert fields(header) == header


def test_a_home_made_french_file_maps_its_columns_and_leaves_ram_out():
    header = ["Nom", "Type d'équipement", "Marque / Modèle", "Date d'achat", "Service", "RAM_Go"]
    assert fields(header) == ["name", "type", "model", "purchase_date", "department", None]


def test_ram_sizes_are_mapped_to_nothing():
    assert match_header("RAM_Go") == (None, 0.0)
    assert match_header("RAM (Go)") == (None, 0.0)


def test_type_de_materiel_is_the_device_type_not_the_category():
    assert match_header("Type de matériel") == ("type", 1.0)
    assert match_header("Type d'équipement") == ("type", 1.0)
    assert match_header("Marque / Modèle") == ("model", 1.0)


def test_retirement_and_yearly_consumption_headers_in_french_and_english():
    for header in ("Date de retrait", "Date de réforme", "Retirement date", "retirement_date"):
        assert match_header(header) == ("retirement_date", 1.0), header
    for header in ("Consommation annuelle (kWh)", "kWh/an", "Annual consumption (kWh)"):
        assert match_header(header) == ("annual_kwh", 1.0), header
    assert match_header("annual_kwh") == ("annual_kwh", 1.0)
