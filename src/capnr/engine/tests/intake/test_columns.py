"""Column mapping: suggestions for GLPI (French and English) and OCS headers, saved mappings
applied again to a later export, and rows turned into field dicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from capnr.engine.intake import columns as mapping_module
from capnr.engine.intake.columns import (
    FIELDS,
    MappedRow,
    MappingError,
    apply_mapping,
    check_mapping,
    count_known_headers,
    header_keys,
    header_vocabulary,
    mapped_columns,
    mapping_from_saved,
    mapping_from_suggestions,
    mapping_to_saved,
    match_header,
    saved_mapping_covers,
    suggest_mapping,
)
from capnr.engine.intake.files import Detected, RawTable

GLPI_FR = [
    "Nom",
    "Entité",
    "Lieu",
    "Type",
    "Fabricant",
    "Modèle",
    "Numéro de série",
    "Numéro d'inventaire",
    "Date d'achat",
    "Système d'exploitation - Nom",
    "Statut",
    "Utilisateur",
    "Dernière modification",
]
GLPI_EN = [
    "Name",
    "Entity",
    "Location",
    "Type",
    "Manufacturer",
    "Model",
    "Serial number",
    "Inventory number",
    "Purchase date",
    "Operating system - Name",
    "Status",
    "User",
    "Last update",
]
EXPECTED = [
    "name",
    "entity",
    "site",
    "type",
    "manufacturer",
    "model",
    "serial_number",
    "inventory_number",
    "purchase_date",
    "os_name",
    "status",
    "user",
    None,
]


def fields(header: list[str]) -> list[str | None]:
    return [suggestion.field for suggestion in suggest_mapping(header)]


def table(header: list[str], rows: list[list[str]]) -> RawTable:
    return RawTable(header, rows, list(range(2, len(rows) + 2)), 1, Detected("csv"))


def test_the_vocabulary_only_names_known_fields():
    vocabulary = header_vocabulary()
    assert len(vocabulary) > 100
    assert set(vocabulary.values()) <= set(FIELDS)
    assert set(vocabulary.values()) == set(FIELDS)  # every field has at least one header
    assert vocabulary["numero_de_serie"] == "serial_number"


@pytest.mark.parametrize("header", [GLPI_FR, GLPI_EN], ids=["french", "english"])
def test_glpi_headers_are_all_recognised_exactly(header):
    suggestions = suggest_mapping(header)
    assert [s.field for s in suggestions] == EXPECTED
    assert [s.confidence for s in suggestions] == [1.0] * 12 + [0.0]
    assert [s.column_index for s in suggestions] == list(range(len(header)))
    assert [s.header for s in suggestions] == header


def test_glpi_item_specific_headers_are_recognised():
    header = ["Nom", "Type d'ordinateur", "Modèle d'ordinateur", "Lieu - Nom complet"]
    assert fields(header) == ["name", "type", "model", "site"]
    assert fields(["Computer type", "Computer model", "Entity - Complete name"]) == [
        "type",
        "model",
        "entity",
    ]


def test_ocs_headers_are_recognised():
    header = ["NAME", "SMANUFACTURER", "SMODEL", "SSN", "OSNAME", "TAG", "TYPE", "USERID"]
    header += ["WORKGROUP", "LASTDATE", ""]
    assert fields(header) == [
        "name",
        "manufacturer",
        "model",
        "serial_number",
        "os_name",
        "site",
        "type",
        "user",
        "department",
        None,
        None,
    ]


def test_cap_nr_template_headers_are_recognised():
    header = ["Catégorie", "Quantité", "Service", "Durée de vie (ans)", "Pays"]
    assert fields(header) == ["category", "quantity", "department", "lifetime_years", "country"]


def test_headers_are_compared_without_case_accents_or_punctuation():
    assert match_header("NUMERO DE SERIE") == ("serial_number", 1.0)
    assert match_header("  numéro_de_série ") == ("serial_number", 1.0)
    assert match_header("N° de série") == ("serial_number", 1.0)


def test_near_headers_get_a_fuzzy_suggestion_with_its_similarity():
    field, confidence = match_header("Modèle ordinateur")
    assert field == "model"
    assert 0.85 <= confidence < 1
    assert match_header("Fabricants")[0] == "manufacturer"
    assert match_header("Fabriquant") == (None, 0.0)  # 0.84: too far
    assert match_header("Numéros de série")[0] == "serial_number"
    assert match_header("Dernière modification") == (None, 0.0)
    assert match_header("") == (None, 0.0)


def test_each_field_goes_to_one_column_the_most_confident():
    # "Fabricants" (fuzzy) comes first, "Fabricant" (exact) wins; "Name" loses to "Nom" (tie:
    # the leftmost)
    suggestions = suggest_mapping(["Fabricants", "Nom", "Fabricant", "Name"])
    assert [s.field for s in suggestions] == [None, "name", "manufacturer", None]
    assert [s.confidence for s in suggestions] == [0.0, 1.0, 1.0, 0.0]


def test_count_known_headers_counts_exact_names_only():
    assert count_known_headers(["Nom", "Fabricants", "", "Modèle", "Inventaire 2025"]) == 2


def test_header_keys_are_stable_and_distinct():
    assert header_keys(["Nom", "nom", "", "Lieu", "Nom"]) == [
        "nom",
        "nom#2",
        "column_3",
        "lieu",
        "nom#3",
    ]


def test_a_saved_mapping_is_applied_again_to_a_later_export():
    first = ["Nom", "Type", "Modèle", "Notes"]
    confirmed = {0: "name", 1: "type", 2: "model"}
    saved = json.loads(json.dumps(mapping_to_saved(first, confirmed)))  # stored as JSON
    assert saved == {"nom": "name", "type": "type", "modele": "model", "notes": ""}

    later = ["NOTES", "Modèle", "Nom", "Type"]  # same columns, another order and case
    assert saved_mapping_covers(later, saved)
    assert mapping_from_saved(later, saved) == {1: "model", 2: "name", 3: "type"}

    wider = [*later, "Lieu"]
    assert not saved_mapping_covers(wider, saved)
    assert mapping_from_saved(wider, saved) == {1: "model", 2: "name", 3: "type"}


def test_suggestions_start_from_a_saved_mapping():
    saved = {"nom": "name", "modele": "", "ref_interne": "inventory_number"}
    suggestions = suggest_mapping(["Nom", "Modèle", "Ref interne", "Lieu", "Name"], saved=saved)
    assert [(s.field, s.confidence) for s in suggestions] == [
        ("name", 1.0),
        (None, 0.0),  # the user said: leave this column out
        ("inventory_number", 1.0),
        ("site", 1.0),  # unknown to the saved mapping: suggested as usual
        (None, 0.0),  # "name" is already taken
    ]


def test_a_saved_mapping_with_stale_or_repeated_fields_is_applied_safely():
    saved = {"nom": "name", "hote": "name", "ancien": "no_longer_a_field"}
    assert mapping_from_saved(["Nom", "Hôte", "Ancien"], saved) == {0: "name"}


def test_invalid_mappings_are_refused():
    header = ["Nom", "Nom du poste"]
    with pytest.raises(MappingError, match="two columns"):
        check_mapping(header, {0: "name", 1: "name"})
    with pytest.raises(MappingError, match="not an inventory field"):
        check_mapping(header, {0: "colour"})
    with pytest.raises(MappingError, match="no column number 3"):
        check_mapping(header, {2: "name"})
    with pytest.raises(MappingError):
        mapping_to_saved(header, {0: "name", 1: "name"})


def test_apply_mapping_yields_each_row_with_its_line_number():
    raw = RawTable(
        ["Nom", "Notes", "Modèle", "Type"],
        [[" PC-1 ", "x", "Latitude 5420 ", "Portable"], ["PC-2", "", "OptiPlex", "Tour"]],
        [4, 7],
        2,
        Detected("csv"),
    )
    mapping = {0: "name", 2: "model", 3: "type"}
    rows = list(apply_mapping(raw, mapping))
    assert rows == [
        MappedRow(4, {"name": "PC-1", "model": "Latitude 5420", "type": "Portable"}),
        MappedRow(7, {"name": "PC-2", "model": "OptiPlex", "type": "Tour"}),
    ]
    assert mapped_columns(raw, mapping) == {
        "name": ["PC-1", "PC-2"],
        "model": ["Latitude 5420", "OptiPlex"],
        "type": ["Portable", "Tour"],
    }
    assert list(apply_mapping(raw, {})) == [MappedRow(4, {}), MappedRow(7, {})]


def test_suggestions_read_a_whole_glpi_file_end_to_end(tmp_path):
    from capnr.engine.intake.files import read_inventory_file

    path = tmp_path / "glpi.csv"
    path.write_bytes(
        (";".join(GLPI_FR) + "\r\n" + ";".join(f"v{n}" for n in range(13)) + "\r\n").encode(
            "cp1252"
        )
    )
    raw = read_inventory_file(path)
    mapping = mapping_from_suggestions(suggest_mapping(raw.header))
    assert next(apply_mapping(raw, mapping)).values["os_name"] == "v9"


def test_a_vocabulary_giving_one_header_two_fields_is_refused(tmp_path, monkeypatch):
    broken = tmp_path / "vocabulary.csv"
    broken.write_text("# test\nheader,field,source\nNom,name,x\nNOM,model,y\n", encoding="utf-8")
    monkeypatch.setattr(mapping_module, "_VOCABULARY", Path(broken))
    header_vocabulary.cache_clear()
    try:
        with pytest.raises(ValueError, match="already mapped"):
            header_vocabulary()
    finally:
        monkeypatch.undo()
        header_vocabulary.cache_clear()
        mapping_module._match_normalised.cache_clear()
    assert header_vocabulary()["nom"] == "name"
