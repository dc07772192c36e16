"""The reading pipeline on files shaped like real exports: right categories, every problem at
once, things that are not devices left out with a count, warnings that do not refuse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from capnr.engine.intake.pipeline import IntakeOptions, asset_table, check_table
from capnr.engine.intake.reader import read_columns
from capnr.engine.intake.table import ColumnTable
from capnr.engine.reference import reference_data

AS_OF = date(2026, 12, 1)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def check(path: Path, **options: object):
    return check_table(
        read_columns(path), IntakeOptions(as_of=AS_OF, file_name=path.name, **options)
    )


def test_glpi_monitor_list_without_type_column_is_read_as_monitors(tmp_path):
    path = write(
        tmp_path,
        "glpi_monitors.csv",
        "Nom;Entité;Statut;Fabricant;Modèle;Numéro de série;Lieu\n"
        "ECR-001;Agence > DSI;En service;DELL;P1911;CN-0001;Siège\n"
        "ECR-002;Agence > DSI;En service;Hewlett-Packard;HP ZR2440w;CN-0002;Siège\n"
        "ECR-003;Agence > RH;En service;DELL;DELL U2412M;CN-0003;Annexe\n"
        "ECR-004;Agence > RH;En service;DELL;U2720Q;CN-0004;Annexe\n",
    )
    intake = check(path)
    assert not intake.problems
    assert intake.categories() == {"monitor": 3, "monitor_large": 1}


def test_g4it_file_leaves_out_consumables_chargers_scanners_and_keeps_firewalls_network(
    tmp_path,
):
    header = (
        "nomEquipementPhysique;modele;quantite;nomCourtDatacenter;dateAchat;dateRetrait;type;"
        "statut;paysDUtilisation;consoElecAnnuelle;utilisateur;nomSourceDonnee;nomEntite\n"
    )
    rows = [
        "pe-1;LATITUDE E7470;120;;2019-05-02;;Laptop;In use;France;;;;ACME",
        "pe-2;OPTIPLEX 7070;80;;2020-01-15;;Desktop;In use;France;;;;ACME",
        "pe-3;DELL P2419H;150;;2020-01-15;;Monitor;In use;France;;;;ACME",
        "pe-4;SYMBOL DS4308;35;;2018-03-01;;Communication Device;In use;France;;;;ACME",
        "pe-5;APP-FW-01;2;;2021-06-01;;Network Gear;In use;France;;;;ACME",
        "pe-6;ALIM 61W MACBOOK PRO;12;;2021-06-01;;Laptop;In use;France;;;;ACME",
        "pe-7;TONER HP 26A;40;;2021-06-01;;Printer;In use;France;;;;ACME",
        "pe-8;VM;3;;2020-07-08;;Server;In use;France;;;;ACME",
        "pe-9;Lexmark MC3224adwe;4;;2022-02-02;;Printer;In use;Allemagne;120;;;ACME",
    ]
    path = write(tmp_path, "g4it.csv", header + "\n".join(rows) + "\n")
    intake = check(path)
    assert not intake.problems, intake.problems
    categories = intake.categories()
    assert categories["laptop"] == 120
    assert categories["desktop"] == 80
    assert categories["monitor"] == 150
    assert categories["printer_mfp"] == 4
    assert categories.get("router") == 2
    assert "nas" not in categories
    reasons = {(item.reason, item.devices) for item in intake.excluded}
    assert ("not_covered", 35) in reasons  # barcode scanners: no factor, never "storage"
    assert ("accessory", 12) in reasons
    assert ("consumable", 40) in reasons
    assert ("virtual_machine", 3) in reasons
    # G4IT's per-row country and yearly consumption reach the engine.
    assets = asset_table(intake)
    printer = int(np.flatnonzero(assets.source_rows == 10)[0])
    assert assets.number("avg_power_w")[printer] == pytest.approx(120 * 1000 / 8760)


def test_snipe_it_export_with_us_dates_is_read_month_first(tmp_path):
    path = write(
        tmp_path,
        "snipeit.csv",
        "Asset Tag,Asset Name,Serial,Model,Category,Manufacturer,Location,Purchase Date,Status\n"
        "0001,LT-ANNA,SN1,MacBook Pro 14,Laptops,Apple,Paris,1/23/23,Ready to Deploy\n"
        "0002,DT-BOB,SN2,OptiPlex 7090,Desktops,Dell,Paris,12/31/2022,Deployed\n"
        "0003,MON-3,SN3,U2419H,Displays,Dell,Lyon,3/4/2021,Deployed\n",
    )
    intake = check(path)
    assert not intake.problems, intake.problems
    assert intake.date_order == "mdy"
    assert sorted(intake.purchase_date) == ["2021-03-04", "2022-12-31", "2023-01-23"]
    assert intake.categories() == {"desktop": 1, "laptop": 1, "monitor": 1}


def test_spreadsheet_leftovers_are_left_out_with_a_count(tmp_path):
    path = write(
        tmp_path,
        "parc.csv",
        "Nom;Type de matériel;Modèle;Quantité\n"
        "PC-01;Ordinateur portable;Latitude 5520;3\n"
        "PC-02;Ordinateur fixe;OptiPlex 3080;2\n"
        ";;;\n"
        "Logiciel;Logiciel;Microsoft Office 2019;25\n"
        "Total;;;5\n",
    )
    intake = check(path)
    assert not intake.problems, intake.problems
    assert intake.categories() == {"desktop": 2, "laptop": 3}
    reasons = {item.reason for item in intake.excluded}
    assert {"software", "summary_row"} <= reasons


def test_home_made_french_file_with_plain_words_and_ram_in_go(tmp_path):
    path = write(
        tmp_path,
        "inventaire.csv",
        "Nom;Type d'équipement;Marque / Modèle;Date d'achat;Service;RAM_Go\n"
        "P1;Ordinateur portable;Dell Latitude 5520;15/03/2022;Compta;32 Go\n"
        "P2;Écran;Dell P2422H;15/03/2022;Compta;\n"
        "P3;Serveur;Dell PowerEdge R740;01/09/2020;DSI;64 Go\n"
        "P4;Imprimante réseau;HP LaserJet M507;14/02/2021;RH;\n"
        "P5;Téléphone IP;Yealink T46U;14/02/2021;RH;\n"
        "P6;Routeur;Cisco ISR 1100;14/02/2021;DSI;\n",
        encoding="cp1252",
    )
    intake = check(path)
    assert not intake.problems, intake.problems
    assert intake.categories() == {
        "ip_phone": 1,
        "laptop": 1,
        "monitor": 1,
        "printer_workgroup": 1,
        "router": 1,
        "server_rack": 1,
    }


def test_every_problem_is_reported_in_one_pass(tmp_path):
    path = write(
        tmp_path,
        "vague.csv",
        "Nom;Type;Modèle;Date d'achat;Quantité\n"
        "PC-1;Portable;Latitude 5520;31/02/2023;1\n"  # impossible date
        ";;;15/01/2024;1\n"  # nothing says what it is
        "PC-3;Portable;Latitude 5520;15/01/2031;1\n"  # future: a warning
        "PC-4;Portable;Latitude 5520;15/01/2022;-1\n"  # bad quantity
        "X-5;Grille-pain;XZ-9;15/01/2022;1\n",  # unrecognised
    )
    intake = check(path, unrecognised="reject")
    found = {(p.row, p.code) for p in intake.problems}
    assert found == {
        (2, "impossible_date"),
        (3, "nothing_identifies"),
        (5, "quantity_invalid"),
        (6, "unrecognised"),
    }
    assert [(w.row, w.code) for w in intake.warnings] == [(4, "date_in_future")]


def test_unrecognised_rows_can_be_excluded_and_listed(tmp_path):
    path = write(
        tmp_path,
        "f.csv",
        "Nom;Type;Modèle\nPC-1;Portable;Latitude 5520\n"
        "X-1;Grille-pain;XZ-9\nX-2;Grille-pain;XZ-9\n",
    )
    intake = check(path, unrecognised="exclude")
    assert not intake.problems
    assert intake.categories() == {"laptop": 1}
    [item] = intake.excluded
    assert item.reason == "unrecognised" and item.rows == [3, 4] and item.devices == 2


def test_dates_that_read_both_ways_are_asked_about(tmp_path):
    path = write(
        tmp_path,
        "f.csv",
        "Nom;Type;Date d'achat\nPC-1;Portable;01/02/2023\nPC-2;Portable;03/04/2022\n",
    )
    assert [p.code for p in check(path).problems] == ["dates_ambiguous"]
    intake = check(path, date_order="mdy")
    assert not intake.problems and sorted(intake.purchase_date) == ["2022-03-04", "2023-01-02"]


def test_a_user_rule_wins_over_the_built_in_ones(tmp_path):
    from capnr.engine.intake.recognition import load_category_map

    rules_path = write(tmp_path, "map.csv", "pattern,category\nxz-9,printer_small\n")
    path = write(tmp_path, "f.csv", "Nom;Type;Modèle\nX-1;Grille-pain;XZ-9\n")
    intake = check(path, unrecognised="reject", extra_rules=load_category_map(rules_path))
    assert not intake.problems and intake.categories() == {"printer_small": 1}


def test_problems_are_written_in_french_or_english(tmp_path):
    path = write(tmp_path, "f.csv", "Nom;Type;Quantité\nPC-1;Portable;deux\n")
    [problem] = check(path).problems
    assert problem.message("fr").startswith("Une quantité")
    assert problem.message("en").startswith("A quantity")


def test_every_message_code_has_both_languages():
    from capnr.engine.intake.messages import MESSAGES

    for code, texts in MESSAGES.items():
        assert set(texts) == {"fr", "en"}, code
        assert all(texts.values()), code


def test_a_file_without_a_header_line_is_refused_with_its_first_line_named(
    tmp_path: Path,
) -> None:
    path = tmp_path / "monitors.csv"
    path.write_text(
        "RAPOO KEYBOARD,KB-01,IT ROOM\nDELL P2419H,MON-01,IT ROOM\nDELL P2419H,MON-02,OFFICE\n",
        encoding="utf-8",
    )
    intake = check_table(read_columns(path))
    assert [problem.code for problem in intake.problems] == ["no_identity_column"]
    assert "RAPOO KEYBOARD | KB-01 | IT ROOM" in intake.problems[0].message("en")
    assert "ligne d'en-tête" in intake.problems[0].message("fr")


# Moved from the former engine-side reader (assets_from_records), now the pipeline's job.
def rows_table(header: list[str], rows: list[list[str]]) -> ColumnTable:
    return ColumnTable.from_rows(header, rows, list(range(2, len(rows) + 2)))


def test_every_bad_cell_is_reported_at_once_with_its_file_line() -> None:
    header = ["category", "quantity", "lifetime_years", "country", "avg_power_w"]
    rows = [
        ["laptop", "2", "4", "FRA", ""],
        ["toaster", "1", "", "", ""],  # unknown category
        ["desktop", "0", "", "", ""],  # zero quantity
        ["desktop", "-3", "", "", ""],  # negative quantity
        ["monitor", "1", "-1", "", ""],  # negative lifetime
        ["monitor", "1", "0", "", ""],  # zero lifetime
        ["laptop", "1", "NaN", "", ""],  # NaN
        ["laptop", "1", "", "XYZ", ""],  # unknown country
        ["laptop", "abc", "", "", ""],  # not a number
        ["", "1", "", "", ""],  # nothing but a number: a leftover line, left out
        ["laptop", "1", "", "", "-5"],  # negative power
    ]
    intake = check_table(rows_table(header, rows), IntakeOptions(unrecognised="reject"))
    assert {(p.row, p.column, p.value) for p in intake.problems} == {
        (3, "category", "toaster"),
        (4, "quantity", "0"),
        (5, "quantity", "-3"),
        (6, "lifetime_years", "-1"),
        (7, "lifetime_years", "0"),
        (8, "lifetime_years", "NaN"),
        (9, "country", "XYZ"),
        (10, "quantity", "abc"),
        (12, "avg_power_w", "-5"),
    }
    assert [(e.reason, e.rows) for e in intake.excluded] == [("summary_row", [11])]


def test_french_headers_labels_decimal_commas_and_dates_reach_the_engine() -> None:
    header = ["Catégorie", "Quantité", "Durée de vie (ans)", "Date d'achat", "Service",
              "Puissance moyenne (W)"]  # fmt: skip
    rows = [
        ["Ordinateur portable", "12", "5,5", "15/03/2021", "DSI", "12,5"],
        ["écran (jusqu'à 24 pouces)", "3", "", "2020-01-31", "RH", ""],
    ]
    intake = check_table(rows_table(header, rows), IntakeOptions(as_of=date(2026, 3, 15)))
    assert intake.problems == []
    assets = asset_table(intake, as_of=date(2026, 3, 15))
    data = reference_data()
    assert [data.category_codes[i] for i in assets.category] == ["laptop", "monitor"]
    assert assets.quantity.tolist() == [12, 3]
    assert assets.number("lifetime_years")[0] == 5.5
    assert assets.number("avg_power_w")[0] == 12.5 and np.isnan(assets.number("avg_power_w")[1])
    assert assets.number("age_years")[0] == pytest.approx(5.0, abs=0.01)
    assert assets.text("department").tolist() == ["DSI", "RH"]


def test_server_columns_are_checked_and_french_spellings_understood() -> None:
    header = ["Catégorie", "Archétype", "Cœurs par CPU", "Charge (%)"]
    refused = check_table(rows_table(header, [["server_rack", "platform_nope", "8", "150"]]))
    found = {(p.column, p.value) for p in refused.problems}
    assert ("archetype", "platform_nope") in found
    assert ("time_workload_percent", "150") in found
    intake = check_table(rows_table(header, [["server_rack", "platform_compute_low", "8", "50"]]))
    assert intake.problems == []
    assets = asset_table(intake)
    assert assets.number("cpu_core_units")[0] == 8
    assert assets.number("time_workload_percent")[0] == 50
    assert assets.text("archetype").tolist() == ["platform_compute_low"]


def test_over_long_cells_are_problems_of_their_rows_quoted_in_part(tmp_path) -> None:
    """Finding 4 of the hardening review: a 1 MB department name on 200,000 assets was stored,
    then asked numpy for hundreds of GiB at the footprint. An over-long cell is refused at the
    check step, on each of its rows, with the column and the lengths."""
    huge = "D" * 100_000
    long_site = "S" * 201
    rows = [f"PC-{i};Ordinateur portable;{huge if i % 2 else 'RH'};Siège" for i in range(2000)]
    rows[1:] = [row.replace(huge, "RH") if i > 40 else row for i, row in enumerate(rows[1:], 1)]
    rows.append(f"PC-X;Ordinateur portable;RH;{long_site}")
    rows.append("PC-Y;Ordinateur portable;Agence > " + "E" * 300 + ";Siège")
    path = write(tmp_path, "long.csv", "Nom;Type;Service;Site\n" + "\n".join(rows) + "\n")
    problems = check(path).problems
    assert {p.code for p in problems} == {"text_too_long"}
    by_column = {}
    for problem in problems:
        by_column.setdefault(problem.column, []).append(problem)
    assert len(by_column["department"]) == 21  # 20 rows with the huge name, and the long one
    assert len(by_column["site"]) == 1
    first = by_column["department"][0]
    assert first.row == 3 and len(first.value) == 61 and first.value.endswith("…")
    assert first.params == {"length": 100_000, "limit": 200}
    assert "100000 caractères" in first.message("fr")
    assert by_column["site"][0].row == 2002 and by_column["site"][0].value == long_site[:60] + "…"
    assert by_column["department"][-1].row == 2003


def test_a_cell_at_the_limit_is_accepted_and_an_entity_is_measured_part_by_part(tmp_path):
    entity = f"Agence > {'R' * 200} > {'S' * 150}"  # each department of the path fits
    path = write(
        tmp_path,
        "limit.csv",
        "Nom;Type;Entité;Modèle\n"
        f"{'N' * 200};Ordinateur portable;{entity};{'M' * 200}\n"
        f"PC-2;Ordinateur portable;Agence > {'T' * 201};M\n",
    )
    problems = check(path).problems
    assert [(p.code, p.row, p.column) for p in problems] == [("text_too_long", 3, "entity")]


def test_a_utf8_file_with_a_windows_1252_line_is_read_line_by_line_and_warned_about(tmp_path):
    """Finding 9 of the hardening review: one pasted cp1252 line made the whole file read as
    cp1252 ("Hélène" stored as "HÃ©lÃ¨ne", the "catégorie" header unrecognised)."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "Nom;catégorie;Utilisateur\n".encode()
        + "PC-1;Ordinateur portable;Hélène\n".encode()
        + "PC-2;Ordinateur portable;Jérôme\n".encode("cp1252")
        + "PC-3;Écran;Zoé\n".encode()
    )
    table = read_columns(path)
    assert table.detected.encoding == "utf-8" and table.detected.legacy_lines == (3,)
    assert table.header[1] == "catégorie"
    assert table.columns[2].values == ["Hélène", "Jérôme", "Zoé"]
    intake = check_table(table, IntakeOptions(as_of=AS_OF))
    assert not intake.problems
    assert intake.categories() == {"laptop": 2, "monitor": 1}
    assert [(w.code, w.row) for w in intake.warnings] == [("line_not_utf8", 3)]
    assert "Windows-1252" in intake.warnings[0].message("fr")


def test_a_windows_1252_file_is_still_read_whole(tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_bytes("Nom;catégorie\nPC-1;Ordinateur portable\nPC-2;Écran\n".encode("cp1252"))
    table = read_columns(path)
    assert table.detected.encoding == "cp1252" and table.detected.legacy_lines == ()
    assert table.header[1] == "catégorie"
