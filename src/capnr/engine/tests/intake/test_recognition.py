"""Category inference: the rules (data) give the right category for the models, types and names
found in real GLPI and OCS exports, with honest confidences."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from capnr.engine.intake import recognition as inference
from capnr.engine.intake.recognition import (
    CATEGORY_COLUMN_RULE,
    CATEGORY_LABEL_RULE,
    CONFLICT_CONFIDENCE,
    EXCLUDE_PREFIX,
    EXCLUSION_REASONS,
    NOT_EQUIPMENT,
    UNCERTAIN_BELOW,
    category_rules,
    fold,
    infer_categories,
    infer_one,
    rule_by_id,
    uncertain,
)
from capnr.engine.reference import reference_data

# (manufacturer, model, expected category): model texts as GLPI and OCS show them.
MODELS = [
    ("Dell Inc.", "Latitude 5420", "laptop"),
    ("Dell Inc.", "Latitude", "laptop"),
    ("LENOVO", "ThinkPad T14 Gen 2", "laptop"),
    ("HP", "HP EliteBook 840 G8 Notebook PC", "laptop"),
    ("HP", "HP ProBook 450 G7", "laptop"),
    ("Apple Inc.", "MacBookPro18,1", "laptop"),
    ("", "PC Portable 15 pouces", "laptop"),
    ("", "Laptop", "laptop"),
    ("", "Notebook", "laptop"),
    ("LENOVO", "20N2S0DK00", "laptop"),  # OCS gives Lenovo machine types
    ("Dell Inc.", "OptiPlex 7090", "desktop"),
    ("LENOVO", "ThinkCentre M720q", "desktop"),
    ("HP", "HP EliteDesk 800 G6 Small Form Factor PC", "desktop"),
    ("HP", "HP ProDesk 400 G7 Microtower PC", "desktop"),
    ("Dell Inc.", "Vostro 3910 Desktop", "desktop"),
    ("", "Unité centrale", "desktop"),
    ("", "Desktop", "desktop"),
    ("", "Tour", "desktop"),
    ("", "Mini PC", "desktop"),
    ("", "All-in-one", "desktop"),
    ("Dell Inc.", "Precision 3660 Tower", "workstation"),
    ("HP", "HP Z4 G4 Workstation", "workstation"),
    ("HP", "Z4", "workstation"),
    ("", "Workstation", "workstation"),
    ("", "Station de travail", "workstation"),
    ("Dell", "Wyse 5070 Thin Client", "thin_client"),
    ("", "Thin client", "thin_client"),
    ("", "Client léger", "thin_client"),
    ("Dell", "P2422H", "monitor"),
    ("Dell", "P2419H", "monitor"),
    ("Dell", "U2720Q", "monitor_large"),
    ("Dell", "E2216H", "monitor"),
    ("Dell", "P3421W", "monitor_large"),
    ("", "Moniteur", "monitor"),
    ("", "Monitor", "monitor"),
    ("", "Écran", "monitor"),
    ("", "Écran 27”", "monitor_large"),
    ("", 'Moniteur 32"', "monitor_large"),
    ("", "Écran 24 pouces", "monitor"),
    ("LG Electronics", "27UL850-W", "monitor_large"),
    ("LG Electronics", "24MK430H-B", "monitor"),
    ("Samsung", "S24F350FHU", "monitor"),
    ("Samsung", "C27F390", "monitor_large"),
    ("iiyama", "ProLite XU2493HS", "monitor"),
    ("iiyama", "ProLite XUB2792QSU", "monitor_large"),
    ("Lenovo", "ThinkVision T24i-20", "monitor"),
    ("HP", "HP E27 G4", "monitor_large"),
    ("Lenovo", "ThinkSystem SR650", "server_rack"),
    ("Dell Inc.", "PowerEdge R740", "server_rack"),
    ("HPE", "ProLiant DL380 Gen10", "server_rack"),
    ("", "Serveur", "server_rack"),
    ("", "Server", "server_rack"),
    ("Dell Inc.", "PowerEdge T440", "server_tower"),
    ("HPE", "ProLiant ML350 Gen10", "server_tower"),
    ("Lenovo", "ThinkSystem ST250", "server_tower"),
    ("Cisco", "Catalyst 2960-X 48", "switch"),
    ("Aruba", "2930F", "switch"),
    ("HPE", "Aruba 2930F 48G", "switch"),
    ("", "Switch 24 ports", "switch"),
    ("", "Commutateur", "switch"),
    ("Fortinet", "FortiGate 60F", "router"),
    ("", "Firewall", "router"),
    ("", "Pare-feu", "router"),
    ("", "Router", "router"),
    ("", "Routeur", "router"),
    ("Cisco", "ISR 4331", "router"),
    ("HPE", "Aruba AP-515", "wifi_ap"),
    ("Ubiquiti", "UniFi AP AC Pro", "wifi_ap"),
    ("", "Borne WiFi", "wifi_ap"),
    ("", "Access point", "wifi_ap"),
    ("Synology", "DS920+", "nas"),
    ("QNAP", "TS-453D", "nas"),
    ("", "NAS", "nas"),
    ("Apple", "iPhone 13", "smartphone"),
    ("Samsung", "Galaxy S21", "smartphone"),
    ("", "Smartphone", "smartphone"),
    ("", "Téléphone mobile", "smartphone"),
    ("Apple", "iPad Air", "tablet"),
    ("Samsung", "Galaxy Tab S7", "tablet"),
    ("", "Tablette", "tablet"),
    ("Cisco", "Cisco IP Phone 8841", "ip_phone"),
    ("Yealink", "T46S", "ip_phone"),
    ("Polycom", "VVX 411", "ip_phone"),
    ("", "Téléphone IP", "ip_phone"),
    ("HP", "LaserJet Pro M404dn", "printer_small"),
    ("", "Imprimante", "printer_small"),
    ("HP", "Color LaserJet Enterprise M555dn", "printer_workgroup"),
    ("", "Imprimante réseau", "printer_workgroup"),
    ("HP", "Color LaserJet Enterprise MFP M578", "printer_mfp"),
    ("", "MFP", "printer_mfp"),
    ("", "Multifonction", "printer_mfp"),
    ("", "Copieur", "printer_mfp"),
    ("Canon", "imageRUNNER ADVANCE C5535i", "printer_mfp"),
    ("Konica Minolta", "bizhub C258", "printer_mfp"),
    ("Xerox", "WorkCentre 7845", "printer_mfp"),
    ("Xerox", "AltaLink C8135", "printer_mfp"),
    ("", "Vidéoprojecteur", "projector"),
    ("", "Projector", "projector"),
    ("Epson", "EB-W51", "projector"),
    ("", "Dock", "docking_station"),
    ("Dell Inc.", "WD19S", "docking_station"),
    ("Dell", "Dell Dock WD19", "docking_station"),
    ("", "Station d'accueil", "docking_station"),
    ("Lenovo", "ThinkPad Thunderbolt 3 Dock", "docking_station"),
    ("", "TV", "display"),
    ("", "Téléviseur 55 pouces", "display"),
    ("", "Écran d'affichage", "display"),
    ("VMware, Inc.", "VMware Virtual Platform", NOT_EQUIPMENT),
    ("Microsoft Corporation", "Virtual Machine", NOT_EQUIPMENT),
    ("QEMU", "Standard PC (i440FX + PIIX, 1996)", NOT_EQUIPMENT),
]

# (GLPI "Type" / OCS TYPE, expected category)
TYPES = [
    ("Ordinateur portable", "laptop"),
    ("Portable", "laptop"),
    ("Laptop", "laptop"),
    ("Notebook", "laptop"),  # SMBIOS chassis types, as OCS reports them
    ("Sub Notebook", "laptop"),
    ("Convertible", "laptop"),
    ("Desktop", "desktop"),
    ("Tour", "desktop"),
    ("Mini Tower", "desktop"),
    ("Low Profile Desktop", "desktop"),
    ("Space-saving", "desktop"),
    ("All in One", "desktop"),
    ("Unité centrale", "desktop"),
    ("Station de travail", "workstation"),
    ("Serveur", "server_rack"),
    ("Rack Mount Chassis", "server_rack"),
    ("Main Server Chassis", "server_tower"),
    ("Écran", "monitor"),
    ("Moniteur", "monitor"),
    ("Imprimante", "printer_small"),
    ("Imprimante multifonction", "printer_mfp"),
    ("Téléphone IP", "ip_phone"),
    ("Smartphone", "smartphone"),
    ("Tablet", "tablet"),
    ("Commutateur", "switch"),
    ("Borne Wi-Fi", "wifi_ap"),
    ("Pare-feu", "router"),
    ("Docking Station", "docking_station"),
    ("Vidéoprojecteur", "projector"),
    ("Machine virtuelle", NOT_EQUIPMENT),
]


@pytest.mark.parametrize(("manufacturer", "model", "expected"), MODELS)
def test_models_give_their_category(manufacturer, model, expected):
    guess = infer_one(model_text=model, manufacturer_text=manufacturer)
    assert guess.category == expected, guess
    assert guess.confidence >= 0.6
    assert guess.rule_id


@pytest.mark.parametrize(("type_text", "expected"), TYPES)
def test_glpi_and_ocs_types_give_their_category(type_text, expected):
    guess = infer_one(type_text=type_text)
    assert guess.category == expected, guess


def test_type_rules_are_surer_than_model_rules_and_names_surest_of_nothing():
    by_type = infer_one(type_text="Portable")
    by_model = infer_one(model_text="Latitude 5420", manufacturer_text="Dell")
    by_name = infer_one(name_text="LAP-0042")
    assert by_type.confidence > by_model.confidence >= UNCERTAIN_BELOW
    assert by_name.category == "laptop"
    assert by_name.confidence <= 0.5 < UNCERTAIN_BELOW
    assert infer_one(name_text="PC-00123") == ("desktop", 0.4, "name_desktop")
    assert infer_one(name_text="PORT-DSI-01").category == "laptop"


def test_the_type_wins_over_the_model_when_both_match():
    guess = infer_one(type_text="Portable", model_text="OptiPlex 7090")
    assert (guess.category, guess.rule_id) == ("laptop", "type_laptop")
    assert guess.confidence == 0.95


def test_a_precise_model_refines_a_general_type_of_the_same_family():
    assert infer_one(type_text="Écran", model_text="U2720Q").category == "monitor_large"
    assert infer_one(type_text="Serveur", model_text="PowerEdge T440").category == "server_tower"
    mfp = infer_one(type_text="Imprimante", model_text="imageRUNNER ADVANCE C5535i")
    assert (mfp.category, mfp.confidence) == ("printer_mfp", 0.9)
    workstation = infer_one(type_text="Desktop", model_text="Precision 3660 Tower")
    assert workstation.category == "workstation"


def test_a_type_and_a_model_that_disagree_make_an_uncertain_guess():
    guess = infer_one(type_text="Écran", model_text="Latitude 5420")
    assert guess.confidence == CONFLICT_CONFIDENCE < UNCERTAIN_BELOW
    assert guess.category == "laptop"  # the surer of the two, to be confirmed


def test_the_name_is_used_only_when_the_type_and_model_say_nothing():
    assert infer_one(model_text="OptiPlex 7090", name_text="LAP-01").category == "desktop"
    assert infer_one(model_text="XK-42 Pro", name_text="LAP-01").category == "laptop"


def test_nothing_known_gives_an_empty_category_with_no_confidence():
    assert infer_one() == ("", 0.0, "")
    assert infer_one(model_text="Modèle 42", name_text="MAIRIE-ACCUEIL") == ("", 0.0, "")


def test_a_category_cell_naming_a_category_wins_outright():
    guesses = infer_categories(
        ["Écran", "", "Portable"],
        ["Latitude 5420", "", ""],
        ["", "", ""],
        ["", "", ""],
        category_texts=["Grand écran (27 pouces et plus)", "tablet", "Appareil mobile"],
    )
    assert guesses.categories == ["monitor_large", "tablet", "laptop"]
    assert guesses.rule_ids[:2] == [CATEGORY_COLUMN_RULE] * 2
    assert guesses.confidences[:2] == [1.0, 1.0]


def test_a_type_that_is_a_category_code_or_label_is_taken_as_such():
    assert infer_one(type_text="printer_workgroup") == (
        "printer_workgroup",
        1.0,
        CATEGORY_LABEL_RULE,
    )
    assert infer_one(type_text="Imprimante de service").category == "printer_workgroup"
    # a label that is also a general word still lets a precise model refine it
    assert infer_one(type_text="Desktop", model_text="Wyse 5070").category == "thin_client"


def test_whole_columns_are_inferred_once_per_distinct_combination(monkeypatch):
    calls = Counter()
    real = inference._infer_without_name

    def counting(*key):
        calls[key] += 1
        return real(*key)

    monkeypatch.setattr(inference, "_infer_without_name", counting)
    n = 3000
    types = ["Portable", "Écran", ""] * (n // 3)
    models = ["Latitude 5420", "P2422H", "Modèle 42"] * (n // 3)
    names = [f"LAP-{i}" if i % 2 else f"SRV-{i}" for i in range(n)]
    makers = ["Dell Inc."] * n
    categories, confidences, rule_ids = infer_categories(types, models, names, makers)
    assert len(calls) == 3 and set(calls.values()) == {1}
    assert categories[:6] == ["laptop", "monitor", "server_rack", "laptop", "monitor", "laptop"]
    assert (rule_ids[2], rule_ids[5]) == ("name_server", "name_laptop")
    assert uncertain(confidences)[:3] == [False, False, True]
    for index in range(0, n, 101):  # the same as one row at a time
        assert (categories[index], confidences[index], rule_ids[index]) == tuple(
            infer_one(types[index], models[index], names[index], makers[index])
        )


def test_absent_columns_may_be_none_and_lengths_must_agree():
    assert infer_categories(None, ["iPad Air"], None, None).categories == ["tablet"]
    assert infer_categories(None, None, None, None) == ([], [], [])
    with pytest.raises(ValueError, match="differ in length"):
        infer_categories(["Portable"], ["a", "b"], None, None)


def test_uncertain_is_below_seven_tenths():
    assert UNCERTAIN_BELOW == 0.7
    assert uncertain([0.0, 0.4, 0.69, 0.7, 1.0]) == [True, True, True, False, False]


def test_every_rule_names_a_category_of_the_engine():
    codes = set(reference_data().category_codes)
    rules = category_rules()
    assert len(rules) > 50
    assert {rule.category for rule in rules} <= codes | {
        EXCLUDE_PREFIX + reason for reason in EXCLUSION_REASONS
    }
    assert len({rule.id for rule in rules}) == len(rules)
    assert {rule.field for rule in rules} == {"type", "model", "name"}
    assert all(0 < rule.confidence <= 1 for rule in rules)
    assert max(r.confidence for r in rules if r.field == "name") <= 0.5
    # every category of the engine can be reached by some rule
    assert codes <= {rule.category for rule in rules}


def test_the_first_matching_rule_in_file_order_wins():
    # "Color LaserJet Enterprise MFP" matches the copier, workgroup and small printer rules
    guess = infer_one(model_text="Color LaserJet Enterprise MFP M578")
    order = [rule.id for rule in category_rules()]
    matching = [
        rule.id
        for rule in category_rules()
        if rule.field == "model" and re.search(rule.pattern, fold("color laserjet enterprise mfp"))
    ]
    assert len(matching) >= 3
    assert guess.rule_id == matching[0] == min(matching, key=order.index)


def test_rules_explain_their_guesses():
    guess = infer_one(model_text="U2720Q", manufacturer_text="Dell")
    rule = rule_by_id(guess.rule_id)
    assert rule is not None and rule.field == "model" and "27" in rule.note
    assert rule_by_id(CATEGORY_COLUMN_RULE) is None


def test_texts_are_folded_before_matching():
    assert fold("  Écran  27” DELL\u00a0U2720Q ") == 'ecran 27" dell u2720q'
