"""Recognition on what real inventories hold (issue 10): G4IT/NumEcoEval, Snipe-IT, GLPI and OCS
vocabularies, models without a type, things that are not devices (left out with a reason), the
file-level hint, the user's own rules, honest confidences and speed."""

from __future__ import annotations

import random
import re

import pytest

from capnr.engine.intake import recognition
from capnr.engine.intake.recognition import (
    CONFLICT_CONFIDENCE,
    EXCLUDE_PREFIX,
    EXCLUSION_REASONS,
    FILE_HINT_RULE,
    HINT_AGREES,
    HINT_CONFIDENCE,
    NOT_EQUIPMENT,
    UNCERTAIN_BELOW,
    category_rules,
    exclusion_reason,
    file_hint,
    fold,
    infer_categories,
    infer_one,
    load_category_map,
    parse_rules,
    rule_by_id,
)

NOT_COVERED = "exclude:not_covered"
ACCESSORY = "exclude:accessory"
CONSUMABLE = "exclude:consumable"
SOFTWARE = "exclude:software"
SUMMARY = "exclude:summary_row"


def model(text: str, maker: str = "", type_text: str = "") -> recognition.Guess:
    return infer_one(type_text=type_text, model_text=text, manufacturer_text=maker)


def kind(type_text: str) -> recognition.Guess:
    return infer_one(type_text=type_text)


# --- the exclusion vocabulary ------------------------------------------------------------------


def test_exclusions_are_categories_with_a_reason():
    assert EXCLUSION_REASONS == (
        "virtual_machine",
        "software",
        "consumable",
        "accessory",
        "summary_row",
        "not_covered",
    )
    assert EXCLUDE_PREFIX == "exclude:"
    assert NOT_EQUIPMENT == "exclude:virtual_machine"
    assert exclusion_reason("exclude:consumable") == "consumable"
    assert exclusion_reason("-") == "virtual_machine"  # the old spelling
    assert exclusion_reason("laptop") is None
    assert exclusion_reason("") is None
    assert exclusion_reason("exclude:toaster") is None


def test_a_dash_in_a_rule_file_still_means_a_virtual_machine():
    text = "id,field,pattern,category,confidence,note\nvm,type,virtuelle,-,0.9,\n"
    (rule,) = parse_rules(text, "test.csv")
    assert rule.category == NOT_EQUIPMENT


def test_every_rule_has_a_note_or_source_when_it_excludes():
    for rule in category_rules():
        if exclusion_reason(rule.category):
            assert rule.note or rule.source, rule.id


# --- issue 10: what real inventories got wrong -------------------------------------------------


@pytest.mark.parametrize(
    ("maker", "text"),
    [
        ("Zebra", "DS2208"),
        ("", "DS2208"),
        ("", "SYMBOL DS4308"),
        ("Zebra", "DS2278"),
        ("", "LS2208"),
        ("Honeywell", "Xenon 1900"),
        ("Honeywell", "Voyager 1250g"),
        ("Datalogic", "Gryphon GD4500"),
        ("", "Douchette code barre"),
    ],
)
def test_zebra_barcode_scanners_are_not_storage(maker, text):
    guess = model(text, maker)
    assert guess.category == NOT_COVERED, guess
    # even when G4IT types them "Communication Device"
    assert model(text, maker, "Communication Device").category == NOT_COVERED


@pytest.mark.parametrize(
    ("maker", "text"),
    [("Synology", "DS920+"), ("Synology", "DS218"), ("", "DS220j"), ("Synology", "RS1221+")],
)
def test_synology_stations_are_still_storage(maker, text):
    assert model(text, maker).category == "nas"


def test_firewalls_named_like_hosts_are_not_displays():
    assert model("APP-FW-01").category == "router"
    assert model("APP-FW-01", type_text="Network Gear").category == "router"
    assert model("FW-65BZ35J", "Sony").category == "display"  # Sony's FW- displays still are
    by_name = infer_one(name_text="APP-FW-02")
    assert by_name.category == "router" and by_name.confidence < UNCERTAIN_BELOW


@pytest.mark.parametrize(
    "text",
    [
        "ALIM 61W MACBOOK PRO",
        "CHARGEUR DELL 90W",
        "Chargeur MacBook USB-C",
        "Adaptateur secteur USB-C",
        "Power adapter 65W",
        "Power supply 650W",
        "SUPPORT LAPTOP",
        "Support écran double",
    ],
)
def test_chargers_and_supports_are_accessories_left_out(text):
    guess = model(text)
    assert guess.category == ACCESSORY and guess.confidence >= UNCERTAIN_BELOW, guess
    # G4IT types a charger like the laptop it serves: the model names the article
    typed = model(text, type_text="Laptop")
    assert typed.category == ACCESSORY and typed.confidence >= UNCERTAIN_BELOW, typed


def test_a_laptop_sold_with_its_charger_is_still_a_laptop():
    assert model("MacBook Pro 14 avec chargeur", "Apple").category == "laptop"
    assert model("ThinkPad T14 Gen 2 + chargeur", "Lenovo").category == "laptop"
    assert model("Latitude 5420 16GB RAM 512GB SSD", "Dell").category == "laptop"


def test_a_model_called_vm_is_a_virtual_machine_even_typed_server():
    for type_text in ("Server", "Serveur", ""):
        guess = model("VM", type_text=type_text)
        assert guess.category == NOT_EQUIPMENT and guess.confidence >= UNCERTAIN_BELOW


@pytest.mark.parametrize(
    ("maker", "text"),
    [
        ("Dell Inc.", "Latitude E7470"),
        ("Dell Inc.", "Latitude E7490"),
        ("Dell Inc.", "Alienware m15 R7"),
        ("", "ALIENWARE M15"),
        ("HP", "HP 250 G8"),
    ],
)
@pytest.mark.parametrize("type_text", ["Personal Computer", "Desktop", "Ordinateur", "Computer"])
def test_well_known_laptops_win_over_a_desktop_or_computer_type(maker, text, type_text):
    guess = model(text, maker, type_text)
    assert guess.category == "laptop", guess
    assert guess.confidence >= UNCERTAIN_BELOW


def test_a_vague_laptop_guess_does_not_override_a_desktop_type():
    # "Vostro" is mostly laptops, not surely: the type "Desktop" stays
    assert model("Vostro 3888", "Dell", "Desktop").category == "desktop"
    # and a laptop type still beats a desktop model
    assert model("OptiPlex 7090", "Dell", "Portable").category == "laptop"


# --- plain words and other tools' vocabularies -------------------------------------------------

FRENCH_WORDS = [
    ("Écran", "monitor"),
    ("Moniteur", "monitor"),
    ("Serveur", "server_rack"),
    ("Routeur", "router"),
    ("Équipement réseau", "switch"),
    ("Imprimante réseau", "printer_workgroup"),
    ("Téléphone IP", "ip_phone"),
    ("Tablette", "tablet"),
]


@pytest.mark.parametrize(("word", "expected"), FRENCH_WORDS)
def test_french_plain_words_are_understood_as_type_model_or_category(word, expected):
    as_type = kind(word)
    assert as_type.category == expected and as_type.confidence >= UNCERTAIN_BELOW, as_type
    assert infer_one(category_text=word).category == expected
    assert recognition.family(model(word).category) == recognition.family(expected)


G4IT_TYPES = [
    ("Monitor", "monitor"),
    ("Screen", "monitor"),
    ("Printer", "printer_small"),
    ("Network Gear", "switch"),
    ("Network", "switch"),
    ("IP Switch", "switch"),
    ("IP Router", "router"),
    ("Plotter", "printer_workgroup"),
    ("Personal Computer", "desktop"),
    ("Laptop", "laptop"),
    ("Desktop", "desktop"),
    ("Server", "server_rack"),
    ("Dedicated Server", "server_rack"),
    ("Smartphone", "smartphone"),
    ("Mobile Phone", "smartphone"),
    ("Landline", "ip_phone"),
    ("Tablet", "tablet"),
    ("Communication Device", "ip_phone"),
    ("Storage", "nas"),
    ("External storage", ACCESSORY),
    ("Tv box / decoder", NOT_COVERED),
    ("Portable console", NOT_COVERED),
    ("Connected speaker", NOT_COVERED),
]


@pytest.mark.parametrize(("type_text", "expected"), G4IT_TYPES)
def test_g4it_type_vocabulary_is_understood(type_text, expected):
    assert kind(type_text).category == expected


def test_g4it_generic_types_stay_uncertain_until_the_model_tells():
    for type_text in ("Personal Computer", "Communication Device"):
        assert kind(type_text).confidence < UNCERTAIN_BELOW


SNIPE_IT_CATEGORIES = [
    ("Laptops", "laptop"),
    ("Desktops", "desktop"),
    ("Displays", "monitor"),
    ("Monitors", "monitor"),
    ("Tablets", "tablet"),
    ("Mobile Phones", "smartphone"),
    ("Servers", "server_rack"),
    ("Printers", "printer_small"),
    ("VoIP Phones", "ip_phone"),
    ("Conference Phones", "ip_phone"),
    ("Networking", "switch"),
    ("Conference/Projectors", "projector"),
    ("Keyboards", ACCESSORY),
    ("Mice", ACCESSORY),
    ("Cables", ACCESSORY),
    ("Headsets", ACCESSORY),
    ("Accessories", ACCESSORY),
    ("Software licences", SOFTWARE),
    ("Consumables", CONSUMABLE),
]


@pytest.mark.parametrize(("type_text", "expected"), SNIPE_IT_CATEGORIES)
def test_snipe_it_default_categories_are_understood(type_text, expected):
    guess = kind(type_text)
    assert guess.category == expected and guess.confidence >= UNCERTAIN_BELOW, guess


GLPI_ASSET_TYPES = [
    ("Ordinateur", "desktop"),
    ("Computer", "desktop"),
    ("Moniteur", "monitor"),
    ("Monitor", "monitor"),
    ("Matériel réseau", "switch"),
    ("Network device", "switch"),
    ("Imprimante", "printer_small"),
    ("Printer", "printer_small"),
    ("Téléphone", "ip_phone"),
    ("Phone", "ip_phone"),
    ("Logiciel", SOFTWARE),
    ("Software", SOFTWARE),
    ("Licence", SOFTWARE),
    ("Ligne", SOFTWARE),
    ("Certificat", SOFTWARE),
    ("Cartouche", CONSUMABLE),
    ("Cartridge", CONSUMABLE),
    ("Consommable", CONSUMABLE),
    ("Câble", ACCESSORY),
    ("Cable", ACCESSORY),
    ("Carte SIM", ACCESSORY),
    ("Équipement passif", ACCESSORY),
    ("Passive device", ACCESSORY),
    ("Baie", ACCESSORY),
    ("Rack", ACCESSORY),
    ("Châssis", NOT_COVERED),
    ("Enclosure", NOT_COVERED),
    ("PDU", NOT_COVERED),
]


@pytest.mark.parametrize(("type_text", "expected"), GLPI_ASSET_TYPES)
def test_glpi_asset_list_names_are_understood_in_french_and_english(type_text, expected):
    assert kind(type_text).category == expected


SMBIOS_CHASSIS = [
    ("Desktop", "desktop"),
    ("Low Profile Desktop", "desktop"),
    ("Pizza Box", "desktop"),
    ("Mini Tower", "desktop"),
    ("Tower", "desktop"),
    ("Portable", "laptop"),
    ("Laptop", "laptop"),
    ("Notebook", "laptop"),
    ("Hand Held", "smartphone"),
    ("Docking Station", "docking_station"),
    ("All in One", "desktop"),
    ("Sub Notebook", "laptop"),
    ("Space-saving", "desktop"),
    ("Lunch Box", "desktop"),
    ("Main Server Chassis", "server_tower"),
    ("Expansion Chassis", NOT_COVERED),
    ("SubChassis", NOT_COVERED),
    ("Bus Expansion Chassis", NOT_COVERED),
    ("Peripheral Chassis", NOT_COVERED),
    ("RAID Chassis", "nas"),
    ("Rack Mount Chassis", "server_rack"),
    ("Sealed-case PC", "desktop"),
    ("Multi-system chassis", "server_rack"),
    ("Compact PCI", "server_rack"),
    ("Advanced TCA", "server_rack"),
    ("Blade", "server_rack"),
    ("Blade Enclosure", "server_rack"),
    ("Tablet", "tablet"),
    ("Convertible", "laptop"),
    ("Detachable", "laptop"),
    ("IoT Gateway", "router"),
    ("Embedded PC", "desktop"),
    ("Mini PC", "desktop"),
    ("Stick PC", "desktop"),
    ("Other", ""),
    ("Unknown", ""),
]


@pytest.mark.parametrize(("type_text", "expected"), SMBIOS_CHASSIS)
def test_ocs_smbios_chassis_types_are_understood(type_text, expected):
    assert kind(type_text).category == expected


# --- models in files without a type column -----------------------------------------------------


@pytest.mark.parametrize(
    ("maker", "text", "expected"),
    [
        ("DELL", "P1911", "monitor"),
        ("Hewlett-Packard", "HP ZR2440w", "monitor"),
        ("DELL", "DELL U2412M", "monitor"),
        ("Dell Inc.", "U2720Q", "monitor_large"),
        ("HP", "ZR30w", "monitor_large"),
        ("Hewlett-Packard", "HP Compaq LA2205wg", "monitor"),
    ],
)
def test_glpi_monitor_models_without_type_are_monitors(maker, text, expected):
    guess = model(text, maker)
    assert guess.category == expected and guess.confidence >= UNCERTAIN_BELOW, guess


def test_apple_model_numbers_are_not_monitors():
    assert model("A2338", "Apple").category != "monitor"


@pytest.mark.parametrize(
    ("maker", "text", "expected"),
    [
        ("Lexmark", "MC3224adwe", "printer_mfp"),
        ("", "Lexmark MC3224adwe", "printer_mfp"),
        ("OKI", "C332dn", "printer_small"),
        ("Zebra", "ZD620", "printer_small"),
        ("Zebra", "ZT410", "printer_small"),
        ("Zebra", "GK420d", "printer_small"),
        ("Brother", "QL-820NWB", "printer_small"),
        ("Brother", "PT-P710BT", "printer_small"),
        ("Dymo", "LabelWriter 450", "printer_small"),
        ("Dell", "C2660dn", "printer_small"),
    ],
)
def test_common_printer_models_without_type_are_printers(maker, text, expected):
    guess = model(text, maker)
    assert guess.category == expected and guess.confidence >= UNCERTAIN_BELOW, guess


@pytest.mark.parametrize(
    ("maker", "text"),
    [
        ("Zebra", "TC52"),
        ("Zebra", "MC3300"),
        ("Honeywell", "CT40"),
        ("Honeywell", "EDA51"),
        ("Datalogic", "Memor 10"),
    ],
)
def test_handheld_terminals_get_the_closest_category_and_say_so(maker, text):
    guess = model(text, maker)
    assert guess.category == "smartphone"
    assert guess.confidence <= 0.8
    rule = rule_by_id(guess.rule_id)
    assert rule is not None and "closest" in rule.note


@pytest.mark.parametrize(
    ("maker", "text", "expected"),
    [
        ("Cisco", "C9200L-24P-4G", "switch"),
        ("HPE", "OfficeConnect 1920S 24G", "switch"),
        ("HPE", "Aruba 6100 24G", "switch"),
        ("Juniper", "EX2300-24T", "switch"),
        ("Netgear", "GS108", "switch"),
        ("Fortinet", "FortiSwitch 124F", "switch"),
        ("Fortinet", "FortiGate 100F", "router"),
        ("Cisco", "RV340", "router"),
        ("Orange", "Livebox 5", "router"),
        ("HPE", "Aruba AP-515", "wifi_ap"),
    ],
)
def test_network_gear_models_are_recognised(maker, text, expected):
    assert model(text, maker).category == expected


def test_a_network_maker_alone_suggests_network_gear_to_confirm():
    guess = model("XYZ-12", "Cisco")
    assert recognition.family(guess.category) == "network"
    assert guess.confidence < UNCERTAIN_BELOW


# --- things that are not devices ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["TONER HP 26A", "Cartouche d'encre noire", "Tambour DR-2400", "Papier A4", "HP CF259A"],
)
def test_consumables_are_left_out(text):
    assert model(text).category == CONSUMABLE
    assert model(text, type_text="Printer").category == CONSUMABLE


def test_an_inkjet_printer_is_not_ink():
    assert model("Imprimante jet d'encre", "Epson").category == "printer_small"


@pytest.mark.parametrize(
    "text",
    [
        "Logiciel de comptabilité",
        "Licence Windows 10 Pro",
        "Microsoft Office 2019",
        "Antivirus Kaspersky",
        "Abonnement Adobe Creative Cloud",
        "Extension de garantie 3 ans",
    ],
)
def test_software_and_licences_are_left_out(text):
    assert model(text).category == SOFTWARE


@pytest.mark.parametrize(
    "text",
    [
        "Clavier Logitech K120",
        "MX Keys keyboard",
        "Souris M185",
        "Casque Jabra Evolve 40",
        "Webcam C920",
        "Sacoche 15 pouces",
        "Câble HDMI 2m",
        "Adaptateur USB-C vers HDMI",
        "Samsung SSD 870 EVO",
    ],
)
def test_accessories_are_left_out(text):
    assert model(text).category == ACCESSORY


@pytest.mark.parametrize(
    "text", ["Total", "Sous-total", "Ordinateur portable : 3", "TOTAL GENERAL", "Grand total"]
)
def test_summary_rows_of_spreadsheets_are_left_out(text):
    assert kind(text).category == SUMMARY
    assert model(text).category == SUMMARY
    alone = infer_one(name_text=text)  # "Total" in the first column, nothing else on the row
    assert alone.category == SUMMARY and alone.confidence >= UNCERTAIN_BELOW


def test_a_summary_word_in_a_host_name_with_a_model_is_not_a_summary():
    assert infer_one(name_text="Total", model_text="Latitude 5420").category == "laptop"


@pytest.mark.parametrize(
    ("maker", "text"),
    [
        ("APC", "Smart-UPS 1500"),
        ("Eaton", "Ellipse PRO 650"),
        ("Axis", "Caméra IP M3045"),
        ("Fujitsu", "ScanSnap iX1600"),
        ("Sony", "PlayStation 5"),
        ("Zebra", "DS2208"),
    ],
)
def test_devices_outside_cap_nr_categories_are_not_covered(maker, text):
    assert model(text, maker).category == NOT_COVERED


def test_an_exclusion_typed_by_the_user_wins_when_surer_else_is_confirmed():
    assert model("Latitude 5420", "Dell", "Logiciel").category == SOFTWARE
    labelled = model("Toner", type_text="laptop")  # a category code as type: 1.0
    assert labelled.category == CONSUMABLE  # the model names the article


# --- honest confidence -------------------------------------------------------------------------


HOST_NAMES = {
    "name_summary": "Total",
    "name_windows_laptop": "LAPTOP-8KJ2H1",
    "name_windows_desktop": "DESKTOP-42ABC",
    "name_virtual": "VM-APP-01",
    "name_laptop": "LAP-0042",
    "name_desktop": "PC-00123",
    "name_server": "SRV-FILES-01",
    "name_mfp": "MFP-RDC-02",
    "name_printer": "PRN-COMPTA",
    "name_switch": "SW-CORE-1",
    "name_router": "APP-FW-01",
    "name_wifi": "AP-HALL-3",
    "name_nas": "NAS-01",
    "name_smartphone": "iPhone-de-Anna",
    "name_tablet": "iPad-Accueil",
    "name_macbook": "MacBook-Pro-de-Jean",
    "name_imac": "iMac-Compta",
}


def test_a_guess_from_a_host_name_alone_is_never_sure():
    name_rules = [rule for rule in category_rules() if rule.field == "name"]
    assert {rule.id for rule in name_rules} == set(HOST_NAMES)
    for rule in name_rules:
        assert rule.confidence < UNCERTAIN_BELOW, rule.id
        guess = infer_one(name_text=HOST_NAMES[rule.id], type_text="Divers")
        assert guess.rule_id == rule.id, (rule.id, guess)
        assert guess.confidence < UNCERTAIN_BELOW, (rule.id, guess)


def test_the_explicit_type_wins_over_the_host_name():
    guess = infer_one(type_text="Écran", name_text="LAP-0042")
    assert (guess.category, guess.rule_id) == ("monitor", "type_monitor")
    guess = infer_one(type_text="Imprimante", name_text="SRV-01")
    assert guess.category == "printer_small"
    columns = infer_categories(["Écran", ""], ["", ""], ["PC-1", "PC-2"], None)
    assert columns.categories == ["monitor", "desktop"]


# --- what a whole file lists -------------------------------------------------------------------

GLPI_MONITOR_HEADER = [
    "Nom",
    "Entité",
    "Statut",
    "Fabricant",
    "Lieu",
    "Modèle",
    "Numéro de série",
    "Taille",
]


def test_a_glpi_monitor_list_is_recognised_from_its_header():
    assert file_hint(GLPI_MONITOR_HEADER) == "monitor"
    assert file_hint(["Name", "Manufacturer", "Model", "Size"]) == "monitor"
    assert file_hint(["Nom", "Modèle", "Compteur de pages"]) == "printer_small"
    assert file_hint(["Nom", "Modèle", "IMEI"]) == "smartphone"


def test_a_computer_list_gets_no_hint_from_its_columns():
    header = ["Nom", "Modèle", "Système d'exploitation", "Taille"]
    assert file_hint(header, "ecrans.csv") is None


@pytest.mark.parametrize(
    ("file_name", "sheet_name", "expected"),
    [
        ("monitors.csv", "", "monitor"),
        ("ecrans.xlsx", "", "monitor"),
        ("export.xlsx", "Liste des moniteurs", "monitor"),
        ("printers.csv", "", "printer_small"),
        ("Imprimantes réseau.xlsx", "", "printer_small"),
        ("telephones.csv", "", "ip_phone"),
        ("flotte_mobile_2024.xlsx", "", "smartphone"),
        ("GLPI - Matériel réseau.csv", "", "switch"),
        ("networkequipment.csv", "", "switch"),
        ("serveurs.ods", "", "server_rack"),
        ("inventaire.xlsx", "Écrans", "monitor"),
        ("inventaire.xlsx", "Feuil1", None),
        ("ecrans_et_pc.xlsx", "", None),
        ("inventaire.csv", "", None),
    ],
)
def test_file_and_sheet_names_say_what_a_file_lists(file_name, sheet_name, expected):
    assert file_hint(["Nom", "Modèle"], file_name, sheet_name) == expected


def test_the_sheet_name_speaks_before_the_file_name():
    assert file_hint(["Nom"], "imprimantes.xlsx", "Écrans") == "monitor"


def test_an_untyped_row_the_model_says_nothing_about_gets_the_hint_uncertain():
    guesses = infer_categories(
        None,
        ["Modèle 42", "P2419H", "Latitude 5420", "Toner HP 26A", "display 22"],
        ["ECR-1", "ECR-2", "ECR-3", "ECR-4", "ECR-5"],
        ["Acme", "Dell", "Dell", "", ""],
        hint="monitor",
    )
    first, agreeing, other, toner, weak = zip(*guesses, strict=True)
    assert first == ("monitor", HINT_CONFIDENCE, FILE_HINT_RULE)
    assert HINT_CONFIDENCE < UNCERTAIN_BELOW
    assert agreeing[0] == "monitor" and agreeing[1] >= HINT_AGREES
    assert other[0] == "laptop" and other[1] <= CONFLICT_CONFIDENCE
    assert toner[0] == CONSUMABLE and toner[1] >= UNCERTAIN_BELOW
    assert weak[0] == "monitor" and weak[1] >= HINT_AGREES


def test_the_hint_leaves_typed_rows_and_host_names_alone():
    guesses = infer_categories(["Divers", ""], ["", ""], ["X", "LAP-01"], None, hint="monitor")
    assert guesses.categories == ["", "laptop"]
    with pytest.raises(ValueError, match="file hint"):
        infer_categories(None, ["x"], None, None, hint="toaster")


# --- the user's own rules ----------------------------------------------------------------------


def test_a_category_map_is_read_with_labels_reasons_and_regexes(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text(
        "motif;catégorie\n"
        "# our own words\n"
        "Grille-pain;exclude:not_covered\n"
        "Terminal Caisse;Ordinateur fixe\n"
        "\n"
        "^acme x\\d+$;Laptop\n"
        "ÉCRAN GÉANT;display\n"
        "VIRTUEL;-\n",
        encoding="utf-8",
    )
    rules = load_category_map(path)
    assert [rule.category for rule in rules] == [
        NOT_COVERED,
        "desktop",
        "laptop",
        "display",
        NOT_EQUIPMENT,
    ]
    assert all(rule.confidence == 1.0 for rule in rules)
    assert rules[3].pattern == "ecran geant"
    assert rules[0].source == "map.csv, line 3"


def test_user_rules_come_before_the_built_in_ones(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text(
        "pattern,category\nlatitude 5420,desktop\nacme x\\d+,laptop\ngrille,exclude:not_covered\n"
    )
    rules = load_category_map(path)
    guesses = infer_categories(
        ["Portable", "", "Grille-pain", "Écran"],
        ["Latitude 5420", "ACME X12", "", "P2419H"],
        None,
        ["Dell", "", "", "Dell"],
        extra_rules=rules,
    )
    assert guesses.categories == ["desktop", "laptop", NOT_COVERED, "monitor"]
    assert guesses.confidences[:3] == [1.0, 1.0, 1.0]
    assert rule_by_id(guesses.rule_ids[0], rules) == rules[0]
    # the row's own category cell still speaks first
    cell = infer_one(model_text="Latitude 5420", category_text="laptop", extra_rules=rules)
    assert cell.category == "laptop"


def test_every_bad_line_of_a_category_map_is_reported_at_once(tmp_path):
    path = tmp_path / "map.csv"
    path.write_bytes(
        "pattern;category\n"
        "toner;exclude:consumable\n"
        "C++(;laptop\n"
        "grille-pain;toaster\n"
        "only a pattern\n"
        "ok;exclude:nothing\n"
        "écran;Écran (jusqu'à 24 pouces)\n".encode("cp1252")
    )
    with pytest.raises(ValueError) as caught:
        load_category_map(path)
    message = str(caught.value)
    assert "4 bad lines" in message
    for line in ("line 3", "line 4", "line 5", "line 6"):
        assert line in message
    assert "line 2" not in message and "line 7" not in message
    assert "toaster" in message and "regular expression" in message


# --- speed and the prefilter -------------------------------------------------------------------


def _texts() -> list[str]:
    rng = random.Random(10)
    words = [rule.pattern for rule in category_rules()]
    samples = [
        "dell latitude e7470",
        "symbol ds4308",
        "app-fw-01",
        "alim 61w macbook pro",
        "hp zr2440w",
        "dell p1911",
        "synology ds920+",
        "zebra zd620",
        "lexmark mc3224adwe",
        "total",
        "ordinateur portable : 3",
        "",
        "modele 42",
    ]
    pieces = re.findall(r"[a-z]{2,}|\d+", " ".join(words))
    for _ in range(3000):
        samples.append(" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))))
        samples.append(
            f"{rng.choice(pieces)}{rng.randint(1, 9999)}{rng.choice(['', 'h', 'dn', '+'])}"
        )
    return samples


def test_the_prefilter_finds_the_same_rule_as_trying_every_rule():
    matchers = recognition._matchers()
    for text in _texts():
        folded = fold(text)
        for field, matcher in matchers.items():
            assert matcher.first(folded) == matcher.first_in_order(folded), (field, text)


def test_fifty_thousand_distinct_combinations_are_each_guessed_as_alone():
    """Many distinct models in one file are guessed as each would be on its own (the speed of
    this case is printed by `make bench`, never asserted here)."""
    rng = random.Random(1)
    bases = ["Latitude 54%d0", "OptiPlex 70%d0", "P24%d9H", "ProLiant DL3%d0", "XK-%d Pro"]
    n = 50_000
    models = [rng.choice(bases) % i for i in range(n)]
    types = [["Portable", "Écran", "", "Server", "Personal Computer"][i % 5] for i in range(n)]
    makers = [rng.choice(["Dell Inc.", "HP", "Lenovo", ""]) for _ in range(n)]
    recognition._model_guess.cache_clear()
    guesses = infer_categories(types, models, None, makers)
    assert len(guesses.categories) == n
    for i in rng.sample(range(n), 200):
        alone = infer_categories([types[i]], [models[i]], None, [makers[i]])
        assert alone.categories[0] == guesses.categories[i], (types[i], models[i], makers[i])
