import csv
import io
import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from capnr.inventory import demo_fleet
from capnr.inventory.demo_fleet import (
    AGENCY_NAME,
    DEPARTMENTS,
    EXPECTED_COUNTS,
    HEADER,
    HEADQUARTERS_SITE,
    OTHER_SITES,
    SERVER_ROOM_SITES,
    SITES,
    TYPE_LABELS,
    category_of,
    count_categories,
    entity_path,
    generate_glpi_rows,
    render_glpi_csv,
    write_glpi_csv,
)

COLUMN = {name: index for index, name in enumerate(HEADER)}
ENGINE_CATEGORIES = Path(demo_fleet.__file__).parents[1] / "engine" / "data" / "categories.csv"


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    header, rows = generate_glpi_rows()
    assert header == list(HEADER)
    return rows


def column(rows: list[list[str]], name: str) -> list[str]:
    return [row[COLUMN[name]] for row in rows]


def test_same_seed_same_bytes_and_another_seed_another_fleet():
    assert render_glpi_csv(2025) == render_glpi_csv(2025)
    assert render_glpi_csv(2025) != render_glpi_csv(7)


def test_the_written_file_is_a_glpi_export(tmp_path, rows):
    path = tmp_path / "glpi.csv"
    assert write_glpi_csv(path) == len(rows)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n") == len(rows) + 1
    text = raw.decode("utf-8-sig")
    assert text.split("\r\n", 1)[0] == (
        "Nom;Entité;Lieu;Type;Fabricant;Modèle;Numéro de série;Numéro d'inventaire;"
        "Date d'achat;Statut;Système d'exploitation - Nom;Utilisateur"
    )
    parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert parsed == [list(HEADER), *rows]


def test_about_fifteen_hundred_assets(rows):
    assert 1400 <= len(rows) <= 1600
    assert all(len(row) == len(HEADER) for row in rows)


def test_every_site_is_used_with_its_exact_name_but_two_case_variants(rows):
    sites = Counter(column(rows, "Lieu"))
    assert set(SITES) <= set(sites)
    variants = {name: count for name, count in sites.items() if name not in SITES}
    assert sum(variants.values()) == 2
    assert len(variants) == 1
    (variant,) = variants
    assert variant.casefold() in {site.casefold() for site in SITES}


def test_the_names_are_those_of_the_demo_coalition():
    from capnr.web import demo  # needs Django's settings, which pytest-django provides

    assert list(SERVER_ROOM_SITES) == demo.AGENCY_SERVER_ROOM_SITES
    assert list(OTHER_SITES) == demo.AGENCY_OTHER_SITES
    assert list(DEPARTMENTS) == demo.AGENCY_DEPARTMENTS
    (agency,) = [spec for spec in demo.ORGANISATIONS if spec["slug"] == demo_fleet.AGENCY_SLUG]
    assert agency["name"] == AGENCY_NAME
    assert [name for name, _commune, _kind in agency["sites"]] == list(SITES)
    assert agency["sites"][0][0] == HEADQUARTERS_SITE


def test_serial_numbers_are_unique_and_three_are_missing(rows):
    serials = [serial for serial in column(rows, "Numéro de série") if serial]
    assert len(serials) == len(set(serials)) == len(rows) - 3
    assert all(serial == serial.strip() for serial in serials)
    assert all(
        row[COLUMN["Numéro d'inventaire"]] for row in rows if not row[COLUMN["Numéro de série"]]
    )


def test_inventory_numbers_are_unique_and_carry_the_purchase_year(rows):
    numbers = column(rows, "Numéro d'inventaire")
    assert len(set(numbers)) == len(rows)
    for row in rows:
        match = re.fullmatch(r"DRHV-(\d{4})-\d{5}", row[COLUMN["Numéro d'inventaire"]])
        assert match
        if row[COLUMN["Date d'achat"]]:
            assert row[COLUMN["Date d'achat"]].endswith(match.group(1))


def test_purchase_dates_are_french_and_between_2015_and_2025(rows):
    dates = column(rows, "Date d'achat")
    assert dates.count("") == 2
    parsed = [datetime.strptime(text, "%d/%m/%Y").date() for text in dates if text]
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", text) for text in dates if text)
    assert min(parsed) >= date(2015, 1, 1)
    assert max(parsed) <= date(2025, 12, 31)
    years = Counter(day.year for day in parsed)
    assert set(years) == set(range(2015, 2026))


def test_field_sites_keep_the_oldest_computers(rows):
    def mean_year(sites: tuple[str, ...]) -> float:
        years = [
            int(row[COLUMN["Date d'achat"]][-4:])
            for row in rows
            if row[COLUMN["Lieu"]] in sites
            and row[COLUMN["Type"]] in ("Unité centrale", "Ordinateur portable")
            and row[COLUMN["Date d'achat"]]
        ]
        return sum(years) / len(years)

    assert mean_year((HEADQUARTERS_SITE,)) > mean_year(SERVER_ROOM_SITES) > mean_year(OTHER_SITES)


def test_expected_counts_come_from_the_rows(rows):
    assert sum(EXPECTED_COUNTS.values()) == len(rows)
    assert count_categories(rows) == EXPECTED_COUNTS
    assert list(EXPECTED_COUNTS) == [
        "laptop",
        "desktop",
        "workstation",
        "monitor",
        "monitor_large",
        "smartphone",
        "tablet",
        "ip_phone",
        "printer_small",
        "printer_workgroup",
        "printer_mfp",
        "server_rack",
        "server_tower",
        "switch",
        "router",
        "wifi_ap",
        "nas",
        "projector",
        "docking_station",
    ]
    assert all(EXPECTED_COUNTS.values())
    with ENGINE_CATEGORIES.open(encoding="utf-8") as handle:
        engine = {
            row["category"] for row in csv.DictReader(line for line in handle if line[0] != "#")
        }
    assert set(EXPECTED_COUNTS) <= engine


def test_types_agree_with_the_categories_of_the_models(rows):
    for row in rows:
        assert row[COLUMN["Type"]] == TYPE_LABELS[category_of(row[COLUMN["Modèle"]])]
    padded = {model for model in column(rows, "Modèle") if model != model.strip()}
    assert len(padded) == 1
    assert padded.pop().strip() in column(rows, "Modèle")


def test_entities_are_paths_of_the_department_tree(rows):
    assert entity_path("Direction") == AGENCY_NAME
    assert entity_path("Service des systèmes d'information") == (
        "Direction des routes du Haut-Vallon > Secrétariat général > "
        "Service des systèmes d'information"
    )
    paths = {entity_path(name) for name, _parent in DEPARTMENTS}
    assert set(column(rows, "Entité")) <= paths


def test_personal_devices_have_a_login_and_shared_ones_none(rows):
    shared = {"Serveur", "Commutateur", "Pare-feu", "Borne Wi-Fi", "NAS", "Imprimante"}
    for row in rows:
        user = row[COLUMN["Utilisateur"]]
        assert user == "" or re.fullmatch(r"[a-z]+\d*", user)
        if row[COLUMN["Type"]] in shared or row[COLUMN["Statut"]] == "En stock":
            assert user == ""
    assert {"jmarquet", "slemaire", "kbenali"} <= set(column(rows, "Utilisateur"))
    statuses = Counter(column(rows, "Statut"))
    assert set(statuses) == {"En service", "En stock", "En réparation"}
    assert statuses["En service"] > 0.9 * len(rows)


def test_operating_systems_only_on_computers(rows):
    computers = {"Unité centrale", "Ordinateur portable", "Station de travail", "Serveur"}
    for row in rows:
        assert bool(row[COLUMN["Système d'exploitation - Nom"]]) == (
            row[COLUMN["Type"]] in computers
        )


def test_the_module_does_not_import_django():
    code = (
        "import sys, capnr.inventory.demo_fleet; "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": ""})


def test_the_demo_glpi_fleet_is_inferred_as_generated(tmp_path):
    """End to end on the demo GLPI export (1,500 rows): read, map, infer, no row uncertain."""
    from capnr.engine.intake.columns import (
        mapped_columns,
        mapping_from_suggestions,
        suggest_mapping,
    )
    from capnr.engine.intake.files import read_inventory_file
    from capnr.engine.intake.recognition import infer_categories, uncertain
    from capnr.inventory.demo_fleet import EXPECTED_COUNTS, write_glpi_csv

    path = tmp_path / "glpi.csv"
    write_glpi_csv(path)
    raw = read_inventory_file(path)
    columns = mapped_columns(raw, mapping_from_suggestions(suggest_mapping(raw.header)))
    guesses = infer_categories(
        columns["type"], columns["model"], columns["name"], columns["manufacturer"]
    )
    counts = Counter(guesses.categories)
    assert {code: counts.get(code, 0) for code in EXPECTED_COUNTS} == EXPECTED_COUNTS
    assert not any(uncertain(guesses.confidences))
