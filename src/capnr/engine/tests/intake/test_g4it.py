"""G4IT's physical-equipment CSV written from inventory rows, and countries by code or name."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from capnr.engine.intake.g4it import (
    G4IT_HEADER,
    G4IT_STATUSES,
    G4IT_TYPES,
    country_code,
    country_name_g4it,
    g4it_rows,
    write_g4it_csv,
)
from capnr.engine.intake.recognition import infer_categories
from capnr.engine.reference import reference_data

# The template G4IT hands out (template_inv_physicalEquipment.csv, G4IT's data model v3.1).
TEMPLATE = (
    "nomEquipementPhysique;modele;quantite;nomCourtDatacenter;dateAchat;dateRetrait;type;statut;"
    "paysDUtilisation;consoElecAnnuelle;utilisateur;nomSourceDonnee;nomEntite"
)
# The "refEquipmentType" tab of G4IT's data model v3.1.
G4IT_REFERENCE_TYPES = {
    "Bay", "Building", "Camera", "Casing", "Compute Server", "Datacenter", "Desktop",
    "Docking station", "Feature phone", "Firewall", "Fix phone", "Laptop", "Mobile phone",
    "Monitor", "Printer", "Speaker", "Storage Server", "Switch", "Tablet", "TV", "Wifi",
    "Communication Device", "Cable", "Smartphone", "Server", "Paper", "Toner", "Technical room",
}  # fmt: skip

ROW = {
    "name": "PC-0042",
    "model": "Latitude 5420",
    "quantity": 1,
    "purchase_date": date(2021, 3, 15),
    "retirement_date": "",
    "category": "laptop",
    "status": "in_use",
    "country": "FRA",
    "annual_kwh": 25.5,
    "department": "Service informatique",
}


def row_of(**values: object) -> dict[str, str]:
    (row,) = g4it_rows([{**ROW, **values}])
    return dict(zip(G4IT_HEADER, row, strict=True))


def test_the_header_is_g4it_template_header_in_order():
    assert ";".join(G4IT_HEADER) == TEMPLATE


def test_a_row_is_written_as_g4it_reads_it():
    assert row_of() == {
        "nomEquipementPhysique": "PC-0042",
        "modele": "Latitude 5420",
        "quantite": "1",
        "nomCourtDatacenter": "",
        "dateAchat": "2021-03-15",
        "dateRetrait": "",
        "type": "Laptop",
        "statut": "In use",
        "paysDUtilisation": "France",
        "consoElecAnnuelle": "25.5",
        "utilisateur": "",
        "nomSourceDonnee": "Cap NR",
        "nomEntite": "Service informatique",
    }


def test_every_g4it_type_written_is_one_of_g4it_reference_types():
    assert set(G4IT_TYPES.values()) <= G4IT_REFERENCE_TYPES
    assert set(G4IT_TYPES) <= set(reference_data().category_codes)


def test_a_category_without_g4it_type_gets_an_empty_type_not_a_wrong_one():
    assert "projector" not in G4IT_TYPES
    assert row_of(category="projector")["type"] == ""


def test_g4it_types_read_back_as_the_category_when_g4it_distinguishes_it():
    types = sorted(set(G4IT_TYPES.values()) - {"Fix phone", "Storage Server"})
    categories, _confidences, _rules = infer_categories(types, [""] * len(types), None, None)
    recognised = dict(zip(types, categories, strict=True))
    for code, g4it_type in G4IT_TYPES.items():
        if g4it_type in recognised:
            assert G4IT_TYPES[recognised[g4it_type]] == g4it_type, (code, g4it_type)


def test_statuses_use_g4it_words():
    assert [row_of(status=code)["statut"] for code in G4IT_STATUSES] == [
        "In use",
        "In stock",
        "In repair",
        "Retired",
    ]
    assert row_of(status="Missing")["statut"] == "Missing"  # other texts written as given


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2021, 3, 15), "2021-03-15"),
        (datetime(2021, 3, 15, 10, 30), "2021-03-15"),
        ("2021-03-15", "2021-03-15"),
        ("2021-03-15 10:30:00", "2021-03-15"),
        ("2021-03-15T10:30:00", "2021-03-15"),
        (None, ""),
        ("", ""),
    ],
)
def test_dates_are_written_as_days_in_iso(value, expected):
    assert row_of(purchase_date=value, retirement_date=value)["dateAchat"] == expected
    assert row_of(purchase_date=value, retirement_date=value)["dateRetrait"] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (25.5, "25.5"),
        (1_000_000.0, "1000000"),
        (0.1 + 0.2, "0.3"),
        (Decimal("7.250"), "7.25"),
        (0, "0"),
        (float("nan"), ""),
        ("12,5", "12.5"),
        (None, ""),
    ],
)
def test_yearly_consumption_is_a_plain_number_with_a_decimal_point(value, expected):
    assert row_of(annual_kwh=value)["consoElecAnnuelle"] == expected


def test_quantity_defaults_to_one_and_keeps_integers():
    assert row_of(quantity=None)["quantite"] == "1"
    assert row_of(quantity=25)["quantite"] == "25"


def test_names_are_unique_in_the_file_and_never_empty():
    rows = g4it_rows(
        [
            {**ROW, "name": "PC-1"},
            {**ROW, "name": "pc-1"},
            {**ROW, "name": "", "serial_number": "SN9"},
            {**ROW, "name": "", "inventory_number": "INV7"},
            {**ROW, "name": "", "category": "monitor"},
            {"quantity": 3},
        ]
    )
    names = [row[0] for row in rows]
    assert names == ["PC-1", "pc-1 (2)", "SN9", "INV7", "monitor-5", "equipment-6"]


@pytest.mark.parametrize("text", ["=1+1", "+33 1", "-PC", "@SUM(A1)", '=HYPERLINK("x")'])
def test_cells_starting_like_a_formula_are_neutralised(text):
    row = row_of(name=text, model=text, department=text)
    assert row["nomEquipementPhysique"] == "'" + text
    assert row["modele"] == "'" + text
    assert row["nomEntite"] == "'" + text


def test_leading_tabs_and_carriage_returns_are_stripped():
    assert row_of(model="\tcmd")["modele"] == "cmd"
    assert row_of(model="\r=cmd")["modele"] == "'=cmd"


def test_the_csv_is_semicolon_separated_utf8_text_with_quotes_where_needed():
    buffer = io.StringIO(newline="")
    count = write_g4it_csv([{**ROW, "model": 'Écran 24" ; mat', "department": "Siège"}], buffer)
    assert count == 1
    text = buffer.getvalue()
    assert text.splitlines()[0] == TEMPLATE
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[1][1] == 'Écran 24" ; mat'
    assert rows[1][12] == "Siège"
    text.encode("utf-8")


def test_the_csv_is_read_back_by_cap_nr_with_every_column_recognised(tmp_path: Path):
    from capnr.engine.intake.columns import suggest_mapping
    from capnr.engine.intake.files import read_inventory_file

    path = tmp_path / "g4it.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        write_g4it_csv([ROW, {**ROW, "name": "PC-0043", "category": "desktop"}], stream)
    table = read_inventory_file(path)
    assert table.header == list(G4IT_HEADER)
    mapping = {s.header: s.field for s in suggest_mapping(table.header)}
    assert mapping["consoElecAnnuelle"] == "annual_kwh"
    assert mapping["paysDUtilisation"] == "country"
    assert [row[0] for row in table.rows] == ["PC-0042", "PC-0043"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("France", "FRA"),
        ("FRANCE", "FRA"),
        ("  france ", "FRA"),
        ("FR", "FRA"),
        ("fra", "FRA"),
        ("Allemagne", "DEU"),
        ("Germany", "DEU"),
        ("DEU", "DEU"),
        ("DE", "DEU"),
        ("États-Unis", "USA"),
        ("Etats-Unis", "USA"),
        ("United States", "USA"),
        ("Royaume-Uni", "GBR"),
        ("Côte d’Ivoire", "CIV"),
        ("Cote D'ivoire", "CIV"),
        ("Korea, Republic Of", "KOR"),
        ("Corée du Sud", "KOR"),
        ("Espagne", "ESP"),
        ("Belgique", "BEL"),
        ("Suisse", "CHE"),
        ("Europe", "EEE"),
        ("unspecified", "WOR"),
    ],
)
def test_countries_are_found_by_code_or_name_without_case_or_accents(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["", "Narnia", "XX", "ZZZ"])
def test_unknown_countries_are_none(text):
    assert country_code(text) is None


def test_every_country_of_the_electricity_data_has_a_row_and_a_g4it_name():
    for code in reference_data().countries:
        assert country_code(code) == code
        assert country_name_g4it(code), code


def test_countries_are_written_as_g4it_names_them():
    assert country_name_g4it("FRA") == "France"
    assert country_name_g4it("DEU") == "Germany"
    assert country_name_g4it("KOR") == "Korea, Republic Of"
    assert country_name_g4it("Allemagne") == "Germany"
    assert country_name_g4it("SRB") == "Serbia"  # not in G4IT's list: its English name
    assert row_of(country="DEU")["paysDUtilisation"] == "Germany"
    assert row_of(country="")["paysDUtilisation"] == ""
