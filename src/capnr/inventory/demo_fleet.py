"""The demo fleet: an invented GLPI export of the road agency of the demo coalition.

"Direction des routes du Haut-Vallon" (600 staff, about 500 workstations, 22 sites) exports its
assets from GLPI 10 the way GLPI does it in French: semicolon-separated, CRLF line endings,
UTF-8 with a byte-order mark, dates as dd/mm/yyyy, entities as paths ("A > B > C"). About 1,500
rows, deterministic for a given seed (pure Python, no Django: the importer's tests and the demo
seeding both use it).

The fleet is invented but meant to be plausible: models match their purchase year (older
generations before 2020), field sites keep the oldest devices (the age pyramid is the point), and
the export carries the small flaws a good importer must absorb: two empty purchase dates, a model
typed with a trailing space, a site name typed with another case on two rows, three rows without
serial number (they keep their inventory number). Serial numbers are otherwise unique: re-imports
match on them.

`EXPECTED_COUNTS` gives how many rows of each engine category the default seed produces, computed
from the rows through `MODEL_CATEGORIES`, so the importer's inference can be checked against it.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

DEMO_FLEET_VERSION = "1"
DEFAULT_SEED = 2025

# The organisation, as `capnr.web.demo` defines it (a test checks that they agree: that module
# imports Django models, so it cannot be imported from here).
AGENCY_NAME = "Direction des routes du Haut-Vallon"
AGENCY_SLUG = "routes-haut-vallon"
HEADQUARTERS_SITE = "Siège — Valmont"
SERVER_ROOM_SITES: tuple[str, ...] = (
    "Centre d'exploitation de Valmont",
    "Centre d'exploitation de Lorcy",
    "Centre d'exploitation du Pas-Rouge",
    "Centre d'exploitation de Briance",
)
OTHER_SITES: tuple[str, ...] = (
    "Centre d'entretien routier d'Aubrac-le-Bas",
    "Centre d'entretien routier de Bellegarde-sur-Lisse",
    "Centre d'entretien routier de Chantemerle",
    "Centre d'entretien routier de Dorval",
    "Centre d'entretien routier d'Escalle",
    "Centre d'entretien routier de Fontbelle",
    "Centre d'entretien routier de Gramont",
    "Centre d'entretien routier d'Hautrive",
    "Centre d'entretien routier d'Isserac",
    "Centre d'entretien routier de Jaunac",
    "Centre d'entretien routier de Kervilly",
    "Centre d'entretien routier de Lanterne",
    "Centre d'entretien routier de Montsauve",
    "Centre d'entretien routier de Noirval",
    "Parc matériel d'Orbize",
    "District nord — Pontcarré",
    "District sud — Quintal",
)
SITES: tuple[str, ...] = (HEADQUARTERS_SITE, *SERVER_ROOM_SITES, *OTHER_SITES)

DIRECTION = "Direction"
SECRETARIAT = "Secrétariat général"
IT = "Service des systèmes d'information"
PURCHASING = "Service achats et marchés"
HR = "Service ressources humaines et formation"
OPERATIONS = "Service exploitation et sécurité routière"
ENGINEERING = "Service ingénierie routière"
STRUCTURES = "Service patrimoine et ouvrages d'art"
DEPARTMENTS: tuple[tuple[str, str | None], ...] = (
    (DIRECTION, None),
    (SECRETARIAT, DIRECTION),
    (IT, SECRETARIAT),
    (PURCHASING, SECRETARIAT),
    (HR, SECRETARIAT),
    (OPERATIONS, DIRECTION),
    (ENGINEERING, DIRECTION),
    (STRUCTURES, DIRECTION),
)

HEADER: tuple[str, ...] = (
    "Nom",
    "Entité",
    "Lieu",
    "Type",
    "Fabricant",
    "Modèle",
    "Numéro de série",
    "Numéro d'inventaire",
    "Date d'achat",
    "Statut",
    "Système d'exploitation - Nom",
    "Utilisateur",
)

IN_SERVICE = "En service"
IN_STOCK = "En stock"
IN_REPAIR = "En réparation"

# GLPI "Type" as the agency's GLPI shows it, for each engine category.
TYPE_LABELS: dict[str, str] = {
    "laptop": "Ordinateur portable",
    "desktop": "Unité centrale",
    "workstation": "Station de travail",
    "monitor": "Moniteur",
    "monitor_large": "Moniteur",
    "smartphone": "Smartphone",
    "tablet": "Tablette",
    "ip_phone": "Téléphone IP",
    "printer_small": "Imprimante",
    "printer_workgroup": "Imprimante",
    "printer_mfp": "Imprimante multifonction",
    "server_rack": "Serveur",
    "server_tower": "Serveur",
    "switch": "Commutateur",
    "router": "Pare-feu",
    "wifi_ap": "Borne Wi-Fi",
    "nas": "NAS",
    "projector": "Vidéoprojecteur",
    "docking_station": "Station d'accueil",
}
CATEGORIES: tuple[str, ...] = tuple(TYPE_LABELS)

WINDOWS_11 = "Windows 11 Professionnel"
WINDOWS_10 = "Windows 10 Professionnel"
UBUNTU = "Ubuntu 22.04 LTS"
WINDOWS_SERVER_2019 = "Windows Server 2019 Standard"
WINDOWS_SERVER_2022 = "Windows Server 2022 Standard"
RHEL_8 = "Red Hat Enterprise Linux 8"

FIRST_YEAR = 2015
LAST_DATE = date(2025, 9, 30)  # the export is taken in the autumn of 2025


@dataclass(frozen=True)
class Model:
    """A model of the catalogue: sold (in this invented world) from `first` to `last` year."""

    manufacturer: str
    name: str
    category: str
    first: int
    last: int
    serial_style: str


MODELS: tuple[Model, ...] = (
    # Desktops: the 2020s models the agency buys now, and the generations they replaced.
    Model("Dell Inc.", "OptiPlex 7040", "desktop", 2015, 2016, "dell_tag"),
    Model("Dell Inc.", "OptiPlex 7050", "desktop", 2017, 2018, "dell_tag"),
    Model("HP", "EliteDesk 800 G4", "desktop", 2018, 2019, "hp_desktop"),
    Model("Dell Inc.", "OptiPlex 7070", "desktop", 2019, 2020, "dell_tag"),
    Model("HP", "EliteDesk 800 G6", "desktop", 2020, 2021, "hp_desktop"),
    Model("LENOVO", "ThinkCentre M70q", "desktop", 2020, 2022, "lenovo_desktop"),
    Model("Dell Inc.", "OptiPlex 7090", "desktop", 2021, 2022, "dell_tag"),
    Model("Dell Inc.", "OptiPlex 7010", "desktop", 2023, 2025, "dell_tag"),
    # Laptops.
    Model("Dell Inc.", "Latitude E5450", "laptop", 2015, 2015, "dell_tag"),
    Model("Dell Inc.", "Latitude E5470", "laptop", 2016, 2017, "dell_tag"),
    Model("Dell Inc.", "Latitude 5490", "laptop", 2018, 2019, "dell_tag"),
    Model("HP", "EliteBook 840 G5", "laptop", 2018, 2019, "hp_laptop"),
    Model("LENOVO", "ThinkPad T14", "laptop", 2020, 2025, "lenovo_laptop"),
    Model("Dell Inc.", "Latitude 5420", "laptop", 2021, 2022, "dell_tag"),
    Model("HP", "EliteBook 840 G8", "laptop", 2021, 2022, "hp_laptop"),
    Model("Dell Inc.", "Latitude 5430", "laptop", 2022, 2024, "dell_tag"),
    Model("Dell Inc.", "Precision 3660 Tower", "workstation", 2022, 2024, "dell_tag"),
    # Monitors (GLPI names them from their EDID: "DELL P2422H").
    Model("Dell Inc.", "E2216H", "monitor", 2015, 2016, "dell_ppid"),
    Model("Dell Inc.", "P2417H", "monitor", 2016, 2018, "dell_ppid"),
    Model("Dell Inc.", "P2419H", "monitor", 2018, 2021, "dell_ppid"),
    Model("Dell Inc.", "P2422H", "monitor", 2021, 2025, "dell_ppid"),
    Model("Dell Inc.", "U2720Q", "monitor_large", 2020, 2025, "dell_ppid"),
    # Mobiles.
    Model("Samsung", "Galaxy A40", "smartphone", 2019, 2020, "samsung"),
    Model("Samsung", "Galaxy A52", "smartphone", 2021, 2022, "samsung"),
    Model("Samsung", "Galaxy A54", "smartphone", 2023, 2025, "samsung"),
    Model("Apple", "iPhone SE", "smartphone", 2016, 2025, "apple"),
    Model("Apple", "iPad 9", "tablet", 2021, 2023, "apple"),
    # Desk phones.
    Model("Cisco", "IP Phone 8845", "ip_phone", 2015, 2019, "cisco_phone"),
    Model("Yealink", "T54W", "ip_phone", 2019, 2025, "yealink"),
    # Printers.
    Model("HP", "LaserJet Pro M402dn", "printer_small", 2015, 2018, "hp_printer"),
    Model("HP", "LaserJet Pro M404dn", "printer_small", 2019, 2025, "hp_printer"),
    Model("HP", "Color LaserJet Enterprise M555dn", "printer_workgroup", 2019, 2025, "hp_printer"),
    Model("Canon", "imageRUNNER ADVANCE C5550i", "printer_mfp", 2015, 2018, "canon"),
    Model("Canon", "imageRUNNER ADVANCE DX C5850i", "printer_mfp", 2021, 2025, "canon"),
    Model("Xerox", "AltaLink C8135", "printer_mfp", 2018, 2021, "xerox"),
    # Servers.
    Model("Dell Inc.", "PowerEdge R740", "server_rack", 2017, 2021, "dell_tag"),
    Model("HPE", "ProLiant DL380 Gen10", "server_rack", 2017, 2022, "hpe_server"),
    Model("Dell Inc.", "PowerEdge T340", "server_tower", 2018, 2022, "dell_tag"),
    # Network and storage.
    Model("Aruba", "2930F", "switch", 2016, 2023, "aruba_switch"),
    Model("Cisco", "Catalyst 9200", "switch", 2019, 2025, "cisco_switch"),
    Model("Fortinet", "FortiGate 60F", "router", 2019, 2025, "fortinet"),
    Model("Aruba", "AP-515", "wifi_ap", 2019, 2025, "aruba_ap"),
    Model("Synology", "RS1221+", "nas", 2021, 2025, "synology"),
    # Peripherals.
    Model("Epson", "EB-W51", "projector", 2020, 2025, "epson"),
    Model("Dell Inc.", "WD19S", "docking_station", 2021, 2025, "dell_tag"),
)

# The mapping the importer's tests check inference against: the model as GLPI shows it (trimmed)
# to the engine category.
MODEL_CATEGORIES: dict[str, str] = {model.name: model.category for model in MODELS}


def category_of(model_name: str) -> str:
    """The engine category of a "Modèle" cell of the export (surrounding spaces ignored)."""
    return MODEL_CATEGORIES[model_name.strip()]


def count_categories(rows: Sequence[Sequence[str]]) -> dict[str, int]:
    """How many rows of each engine category, every category listed (zero when absent)."""
    model_column = HEADER.index("Modèle")
    counts = Counter(category_of(row[model_column]) for row in rows)
    return {category: counts.get(category, 0) for category in CATEGORIES}


def entity_path(department: str) -> str:
    """The GLPI entity of a department: the agency is the root entity and stands for the
    "Direction" department; each service hangs below its parent."""
    parents = dict(DEPARTMENTS)
    chain: list[str] = []
    current: str | None = department
    while current is not None and parents[current] is not None:
        chain.append(current)
        current = parents[current]
    return " > ".join([AGENCY_NAME, *reversed(chain)])


# --- The sites: staff, office seats, shared computers ---------------------------------------


@dataclass(frozen=True)
class _SiteSpec:
    name: str
    code: str  # the site part of GLPI hostnames
    tier: str  # hq, centre (server room), district, field: drives the age of the devices
    office: dict[str, int]  # office staff (one personal computer each) by department
    field_staff: int  # agents without a personal computer
    shared_desktops: int
    managers: dict[str, int]  # the first n office staff of a department are its managers


_CER_CODES = ("AUB", "BEL", "CHA", "DOR", "ESC", "FON", "GRA", "HAU", "ISS", "JAU", "KER")
_CER_CODES += ("LAN", "MON", "NOI")

_SITE_SPECS: tuple[_SiteSpec, ...] = (
    _SiteSpec(
        HEADQUARTERS_SITE,
        "VAL",
        "hq",
        {
            DIRECTION: 8,
            SECRETARIAT: 12,
            IT: 22,
            PURCHASING: 18,
            HR: 20,
            OPERATIONS: 22,
            ENGINEERING: 40,
            STRUCTURES: 28,
        },
        0,
        16,
        {
            DIRECTION: 8,
            SECRETARIAT: 1,
            IT: 1,
            PURCHASING: 1,
            HR: 1,
            OPERATIONS: 1,
            ENGINEERING: 1,
            STRUCTURES: 1,
        },
    ),
    _SiteSpec(
        SERVER_ROOM_SITES[0],
        "CEV",
        "centre",
        {OPERATIONS: 24, STRUCTURES: 5, IT: 3},
        10,
        4,
        {OPERATIONS: 3, STRUCTURES: 1},
    ),
    _SiteSpec(
        SERVER_ROOM_SITES[1],
        "LOR",
        "centre",
        {OPERATIONS: 24, STRUCTURES: 6},
        10,
        4,
        {OPERATIONS: 3, STRUCTURES: 1},
    ),
    _SiteSpec(
        SERVER_ROOM_SITES[2],
        "PRG",
        "centre",
        {OPERATIONS: 22, STRUCTURES: 6},
        12,
        4,
        {OPERATIONS: 3, STRUCTURES: 1},
    ),
    _SiteSpec(
        SERVER_ROOM_SITES[3],
        "BRI",
        "centre",
        {OPERATIONS: 24, STRUCTURES: 6},
        12,
        4,
        {OPERATIONS: 3, STRUCTURES: 1},
    ),
    *(
        _SiteSpec(name, code, "field", {OPERATIONS: 5}, 9, 4, {OPERATIONS: 2})
        for name, code in zip(OTHER_SITES[:14], _CER_CODES, strict=True)
    ),
    _SiteSpec(OTHER_SITES[14], "ORB", "field", {OPERATIONS: 6}, 18, 2, {OPERATIONS: 2}),
    _SiteSpec(
        OTHER_SITES[15],
        "PON",
        "district",
        {OPERATIONS: 8, STRUCTURES: 6, ENGINEERING: 6},
        4,
        1,
        {OPERATIONS: 2, STRUCTURES: 1, ENGINEERING: 1},
    ),
    _SiteSpec(
        OTHER_SITES[16],
        "QUI",
        "district",
        {OPERATIONS: 8, STRUCTURES: 5, ENGINEERING: 5},
        4,
        1,
        {OPERATIONS: 2, STRUCTURES: 1, ENGINEERING: 1},
    ),
)
_SITE_BY_NAME: dict[str, _SiteSpec] = {spec.name: spec for spec in _SITE_SPECS}


# Purchase-year weights of end-user devices by tier: the headquarters are renewed first, the
# field sites inherit and keep.
def _years(first: int, *weights: float) -> dict[int, float]:
    return {first + offset: weight for offset, weight in enumerate(weights)}


_YEARS_BY_TIER: dict[str, dict[int, float]] = {
    "hq": _years(2017, 1, 3, 5, 12, 18, 20, 18, 15, 8),
    "centre": _years(2016, 3, 6, 10, 12, 14, 15, 14, 10, 8, 3),
    "district": _years(2015, 4, 6, 9, 12, 12, 12, 12, 12, 9, 6, 2),
    "field": _years(2015, 10, 12, 14, 14, 12, 10, 9, 8, 6, 4, 1),
}
_OLD_SHARED_YEARS = {2015: 14, 2016: 14, 2017: 12, 2018: 10, 2019: 8, 2020: 6, 2021: 4, 2022: 3}
_TRAINING_ROOM_YEARS = {2017: 2, 2018: 5, 2019: 3}
_PHONE_YEARS = {
    "hq": {2020: 1, 2021: 2, 2022: 3, 2023: 4, 2024: 3, 2025: 2},
    "other": {2019: 4, 2020: 3, 2021: 3, 2022: 3, 2023: 3, 2024: 2, 2025: 1},
}
# Second screens on personal desktops, by tier.
_DUAL_SCREEN_SHARE = {"hq": 0.7, "centre": 0.5, "district": 0.4, "field": 0.25}

_STOCK_LAPTOPS = 8
_STOCK_DESKTOPS = 6
_STOCK_SMARTPHONES = 4
_LAPTOPS = 200
_WORKSTATIONS = 10
_DOCKS = 60
_MONITORS = 560  # stock monitors top the fleet up to this count
_REPAIR_SHARE = 0.012

# The deliberate flaws of the export.
_EMPTY_DATES = 2
_TRAILING_SPACE_MODEL = "OptiPlex 7050"
_TRAILING_SPACE_ROWS = 4
_CASE_VARIANT_SITE = "Centre d'entretien routier de Dorval"
_CASE_VARIANT = "Centre d'Entretien Routier de Dorval"
_CASE_VARIANT_ROWS = 2
_NO_SERIAL_CATEGORIES = ("projector", "docking_station", "monitor")

# --- People ----------------------------------------------------------------------------------

_FIRST_NAMES_TEXT = (
    "Adrien Agnès Alain Alexandre Alice Amandine Anne Antoine Arnaud Aurélie Baptiste Benoît "
    "Bernard Brigitte Camille Caroline Catherine Cédric Céline Chantal Charlotte Christian "
    "Christine Claire Claude Corinne Damien Daniel David Delphine Denis Didier Dominique Élise "
    "Émilie Emmanuel Éric Estelle Fabien Fabrice Florence Franck François Frédéric Gaëlle Gérard "
    "Guillaume Hélène Hervé Isabelle Jacques Jean Jérôme Joël Julie Karine Laetitia Laurent Léa "
    "Lucas Ludovic Magali Marc Marie Martine Mathieu Maxime Michel Muriel Nathalie Nicolas "
    "Olivier Pascal Patrick Philippe Pierre Régis Rémi Sandrine Sébastien Serge Stéphane Sylvie "
    "Thierry Valérie Véronique Vincent Virginie Yannick Yves"
)
_SURNAMES_TEXT = (
    "Arnaud Aubert Barbier Baron Benard Berger Bernard Bertin Besson Blanc Blanchard Bonnet "
    "Bouchet Boucher Bourgeois Boyer Brun Brunet Carpentier Caron Chabert Charpentier Chauvin "
    "Chevallier Clément Colin Collet Cordier Courtois Da-Silva Daniel David Delmas Denis "
    "Deschamps Dubois Dufour Dumas Dumont Dupont Dupuis Durand Duval Étienne Fabre Faure "
    "Fernandez Fleury Fontaine Fournier François Gaillard Garcia Garnier Gautier Gauthier "
    "Gérard Girard Giraud Guérin Guillaume Guillot Henry Hubert Huet Jacob Jacquet Joly Julien "
    "Lacroix Lambert Laurent Leblanc Lebrun Leclerc Lefèvre Legrand Lemoine Leroux Leroy Lucas "
    "Maillard Marchand Marie Martin Martinez Masson Mathieu Mercier Meunier Meyer Michel Morin "
    "Moulin Muller Noël Olivier Paris Perrin Petit Picard Pierre Poirier Prévost Renard Renaud "
    "Rey Richard Rivière Robert Robin Roche Rolland Rousseau Roux Roy Schmitt Simon Tessier "
    "Thomas Vidal Vincent Weber"
)
_FIRST_NAMES = tuple(_FIRST_NAMES_TEXT.split())
_SURNAMES = tuple(_SURNAMES_TEXT.split())
# The demo accounts of `capnr.web.demo` work at the headquarters.
_DEMO_PEOPLE = (
    ("Julien", "Marquet", IT),
    ("Sophie", "Lemaire", IT),
    ("Karim", "Benali", PURCHASING),
)


@dataclass(frozen=True)
class _Person:
    login: str
    site: _SiteSpec
    department: str
    manager: bool
    office: bool


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if char.isascii() and char.isalnum()).lower()


class _People:
    """Invented staff with GLPI logins: first initial and surname ("jmarquet"), a digit when
    the login is taken ("jmarquet2")."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.logins: set[str] = set()
        self.names: set[tuple[str, str]] = set()
        self.reserved = list(_DEMO_PEOPLE)

    def login(self, department: str) -> str:
        for index, (first, last, reserved_department) in enumerate(self.reserved):
            if reserved_department == department:
                del self.reserved[index]
                return self._register(first, last)
        while True:
            first, last = self.rng.choice(_FIRST_NAMES), self.rng.choice(_SURNAMES)
            if (first, last) not in self.names:
                return self._register(first, last)

    def _register(self, first: str, last: str) -> str:
        self.names.add((first, last))
        base = _ascii(first)[0] + _ascii(last)
        login, suffix = base, 1
        while login in self.logins:
            suffix += 1
            login = f"{base}{suffix}"
        self.logins.add(login)
        return login


def _staff(rng: random.Random) -> list[_Person]:
    people = _People(rng)
    staff: list[_Person] = []
    for site in _SITE_SPECS:
        for department, count in site.office.items():
            managers = site.managers.get(department, 0)
            staff.extend(
                _Person(people.login(department), site, department, index < managers, True)
                for index in range(count)
            )
        staff.extend(
            _Person(people.login(OPERATIONS), site, OPERATIONS, False, False)
            for _ in range(site.field_staff)
        )
    return staff


# --- Serial numbers, names, dates ------------------------------------------------------------

_DIGITS = string.digits
_UPPER = string.ascii_uppercase
_ALNUM = _DIGITS + _UPPER
_DELL_TAG = "0123456789BCDFGHJKLMNPQRSTVWXYZ"  # service tags avoid vowels
_APPLE = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O
_CISCO_OUIS = ("00AF1F", "0C1167", "2C3124", "5C5015", "7C69F6", "A0F849", "F87B20")


class _Serials:
    """Serial numbers in each manufacturer's style, never twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def pick(self, alphabet: str, length: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def new(self, style: str, year: int) -> str:
        while True:
            serial = self._draw(style, year)
            if serial not in self.seen:
                self.seen.add(serial)
                return serial

    def _draw(self, style: str, year: int) -> str:
        week = f"{year % 10}{self.rng.randint(1, 52):02d}"
        pick = self.pick
        if style == "dell_tag":
            return pick(_DELL_TAG, 6) + self.rng.choice("23")
        if style == "dell_ppid":
            plant = self.rng.choice(("74261", "QDC00", "FCC00", "WS200"))
            return f"CN-0{pick(_ALNUM, 5)}-{plant}-{week}-{pick(_ALNUM, 4)}"
        if style == "hp_desktop":
            return "CZC" + week + pick(_ALNUM, 4)
        if style == "hp_laptop":
            return "5CG" + week + pick(_ALNUM, 4)
        if style == "hp_printer":
            return self.rng.choice(("PHB", "VNB", "CNB")) + week + pick(_ALNUM, 4)
        if style == "hpe_server":
            return "CZJ" + week + pick(_ALNUM, 4)
        if style == "lenovo_laptop":
            return "PF" + pick(_ALNUM, 6)
        if style == "lenovo_desktop":
            return "MJ0" + pick(_ALNUM, 5)
        if style == "samsung":
            return "R58" + pick(_ALNUM, 8)
        if style == "apple":  # 12 characters until 2021, then randomised 10-character serials
            return pick(_APPLE, 12 if year < 2021 else 10)
        if style == "yealink":
            return "80" + pick(_DIGITS, 14)
        if style == "cisco_phone":
            return "FCH" + f"{year % 100:02d}{self.rng.randint(1, 52):02d}" + pick(_ALNUM, 4)
        if style == "cisco_switch":
            return "JAE" + f"{year % 100:02d}{self.rng.randint(1, 52):02d}" + pick(_ALNUM, 4)
        if style == "canon":
            return pick(_UPPER, 3) + pick(_DIGITS, 5)
        if style == "xerox":
            return pick(_ALNUM, 3) + pick(_DIGITS, 6)
        if style == "aruba_switch":
            return "SG" + week[1:] + pick(_ALNUM, 6)
        if style == "aruba_ap":
            return "CNL" + week + pick(_ALNUM, 4)
        if style == "fortinet":
            return "FGT60FTK" + f"{year % 100:02d}" + pick(_DIGITS, 6)
        if style == "synology":
            return f"{year % 100:02d}{self.rng.randint(1, 52):02d}SBR" + pick(_ALNUM, 6)
        if style == "epson":
            return "X4QF" + pick(_DIGITS, 6)
        raise ValueError(f"Unknown serial style {style!r}")

    def cisco_mac(self) -> str:
        while True:
            mac = self.rng.choice(_CISCO_OUIS) + self.pick("0123456789ABCDEF", 6)
            if mac not in self.seen:
                self.seen.add(mac)
                return mac


class _Hostnames:
    """GLPI hostnames such as PC-VAL-0042: numbered per prefix and site, with the gaps left by
    retired devices."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.last: dict[tuple[str, str], int] = {}

    def new(self, prefix: str, site: _SiteSpec, digits: int = 4) -> str:
        key = (prefix, site.code)
        number = self.last.get(key, 0) + 1
        if digits == 4 and self.rng.random() < 0.15:
            number += self.rng.randint(1, 3)
        self.last[key] = number
        return f"{prefix}-{site.code}-{number:0{digits}d}"


# Public buyers order more in the last quarter, when the year's budget must be spent.
_MONTH_WEIGHTS = (6, 7, 8, 8, 8, 9, 6, 3, 9, 10, 13, 13)


def _purchase_date(rng: random.Random, year: int) -> date:
    months = 12 if year < LAST_DATE.year else LAST_DATE.month
    month = rng.choices(range(1, months + 1), weights=_MONTH_WEIGHTS[:months])[0]
    day = date(year, month, rng.randint(1, 28))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return min(day, LAST_DATE)


def _year(rng: random.Random, weights: dict[int, float]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _model(rng: random.Random, category: str, year: int, names: Sequence[str] = ()) -> Model:
    candidates = [
        model
        for model in MODELS
        if model.category == category
        and model.first <= year <= model.last
        and (not names or model.name in names)
    ]
    if not candidates:
        raise ValueError(f"No {category} model sold in {year} among {names or 'all'}")
    return rng.choice(candidates)


def _weighted_sample(rng: random.Random, items: Sequence, weights: Sequence[float], k: int) -> list:
    """k items without replacement, each drawn with probability proportional to its weight
    (Efraimidis-Spirakis keys), returned in their original order."""
    keys = sorted(
        ((rng.random() ** (1.0 / weight), index) for index, weight in enumerate(weights)),
        reverse=True,
    )
    chosen = sorted(index for _key, index in keys[:k])
    return [items[index] for index in chosen]


# --- The generator ---------------------------------------------------------------------------


@dataclass
class _Asset:
    name: str
    department: str
    site: str
    model: Model
    year: int
    purchase: date | None
    serial: str
    user: str = ""
    status: str = IN_SERVICE
    os_name: str = ""
    inventory: str = ""
    model_text: str = ""

    def row(self) -> list[str]:
        return [
            self.name,
            entity_path(self.department),
            self.site,
            TYPE_LABELS[self.model.category],
            self.model.manufacturer,
            self.model_text or self.model.name,
            self.serial,
            self.inventory,
            self.purchase.strftime("%d/%m/%Y") if self.purchase else "",
            self.status,
            self.os_name,
            self.user,
        ]


class _Fleet:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serials = _Serials(self.rng)
        self.hostnames = _Hostnames(self.rng)
        self.assets: list[_Asset] = []

    def add(
        self,
        category: str,
        site: _SiteSpec,
        department: str,
        year: int,
        *,
        name: str | None = None,
        prefix: str = "",
        digits: int = 4,
        models: Sequence[str] = (),
        user: str = "",
        status: str = IN_SERVICE,
        os_name: str = "",
    ) -> _Asset:
        model = _model(self.rng, category, year, models)
        if name is None:
            name = self.hostnames.new(prefix, site, digits)
        asset = _Asset(
            name=name,
            department=department,
            site=site.name,
            model=model,
            year=year,
            purchase=_purchase_date(self.rng, year),
            serial=self.serials.new(model.serial_style, year),
            user=user,
            status=status,
            os_name=os_name,
        )
        self.assets.append(asset)
        return asset

    def client_os(self, model: Model, year: int) -> str:
        """Windows 11 needs an 8th-generation processor (2018 models onwards); the older ones
        stay on Windows 10, and the capable ones were upgraded a few at a time."""
        if model.first < 2018:
            return WINDOWS_10
        if year >= 2022:
            return WINDOWS_11
        upgraded = {2018: 0.2, 2019: 0.3, 2020: 0.5, 2021: 0.75}[year]
        return WINDOWS_11 if self.rng.random() < upgraded else WINDOWS_10


def _computers(fleet: _Fleet, staff: list[_Person]) -> list[tuple[_Asset, _Person | None]]:
    rng = fleet.rng
    office = [person for person in staff if person.office]
    engineers = [
        person
        for person in office
        if person.site.tier == "hq" and person.department == ENGINEERING and not person.manager
    ]
    workstation_users = rng.sample(engineers, _WORKSTATIONS)
    others = [person for person in office if person not in workstation_users]
    laptop_weights = {
        DIRECTION: 10.0,
        SECRETARIAT: 4.0,
        IT: 8.0,
        PURCHASING: 3.0,
        HR: 3.0,
        OPERATIONS: 2.0,
        ENGINEERING: 3.0,
        STRUCTURES: 4.0,
    }

    def weight(person: _Person) -> float:
        if person.site.tier == "hq":
            return laptop_weights[person.department]
        if person.site.tier == "field":
            return 1.5 if person.manager else 0.3
        return 3.0 if person.manager else 0.8

    laptop_users = _weighted_sample(
        rng, others, [weight(person) for person in others], _LAPTOPS - _STOCK_LAPTOPS
    )
    chosen = set(map(id, laptop_users))
    workstations = set(map(id, workstation_users))
    computers: list[tuple[_Asset, _Person | None]] = []
    for person in office:
        site = person.site
        year = _year(rng, _YEARS_BY_TIER[site.tier])
        if id(person) in workstations:
            category, prefix, year = "workstation", "WKS", rng.choice((2022, 2023, 2024))
        elif id(person) in chosen:
            category, prefix = "laptop", "LAP"
        else:
            category, prefix = "desktop", "PC"
        asset = fleet.add(category, site, person.department, year, prefix=prefix)
        asset.user = person.login
        asset.os_name = fleet.client_os(asset.model, year)
        computers.append((asset, person))

    for site in _SITE_SPECS:
        for index in range(site.shared_desktops):
            department = OPERATIONS
            years = _YEARS_BY_TIER[site.tier]
            if site.tier == "hq":  # reception, meeting rooms, then the training room
                department = SECRETARIAT if index < 6 else HR
                years = _YEARS_BY_TIER["hq"] if index < 6 else _TRAINING_ROOM_YEARS
            elif site.tier == "field":
                years = _OLD_SHARED_YEARS
            year = _year(rng, years)
            asset = fleet.add("desktop", site, department, year, prefix="PC")
            asset.os_name = fleet.client_os(asset.model, year)
            computers.append((asset, None))

    headquarters = _SITE_SPECS[0]
    for category, prefix, count in (
        ("laptop", "LAP", _STOCK_LAPTOPS),
        ("desktop", "PC", _STOCK_DESKTOPS),
    ):
        for _ in range(count):
            year = rng.choice((2024, 2025, 2025))
            asset = fleet.add(category, headquarters, IT, year, prefix=prefix, status=IN_STOCK)
            asset.os_name = WINDOWS_11

    # A few Linux machines: two engineering workstations and three laptops in the IT service.
    precisions = [asset for asset, _person in computers if asset.model.category == "workstation"]
    for asset in precisions[:2]:
        asset.os_name = UBUNTU
    it_laptops = [
        asset
        for asset, person in computers
        if person and person.department == IT and asset.model.category == "laptop"
    ]
    for asset in rng.sample(it_laptops, min(3, len(it_laptops))):
        asset.os_name = UBUNTU
    return computers


def _monitor_year(rng: random.Random, year: int) -> int:
    """Screens outlive computers: often bought with them, often kept from the one before."""
    if rng.random() < 0.6:
        return year
    return max(FIRST_YEAR, year - rng.randint(1, 4))


def _screens_and_docks(fleet: _Fleet, computers: list[tuple[_Asset, _Person | None]]) -> None:
    rng = fleet.rng

    def monitor(computer: _Asset, person: _Person | None, *, large: bool = False) -> None:
        site = _SITE_BY_NAME[computer.site]
        category = "monitor_large" if large else "monitor"
        year = max(2020, computer.year) if large else _monitor_year(rng, computer.year)
        asset = fleet.add(category, site, computer.department, year, name="")
        asset.name = f"DELL {asset.model.name}"
        asset.user = person.login if person else ""

    recent_laptops = [
        (asset, person)
        for asset, person in computers
        if person and asset.model.category == "laptop" and asset.year >= 2021
    ]
    docked = _weighted_sample(
        rng,
        recent_laptops,
        [3.0 if person and person.site.tier == "hq" else 1.0 for _asset, person in recent_laptops],
        _DOCKS,
    )
    docked_ids = set(id(asset) for asset, _person in docked)
    large_screen_owners = [
        asset
        for asset, person in docked
        if person and person.department in (IT, ENGINEERING, DIRECTION)
    ][:6]
    large_ids = set(map(id, large_screen_owners))

    for asset, person in computers:
        site = _SITE_BY_NAME[asset.site]
        category = asset.model.category
        if category == "workstation":
            monitor(asset, person, large=True)
            monitor(asset, person)
        elif category == "desktop":
            monitor(asset, person)
            control_room = person is None and site.tier == "centre"
            if control_room or (person and rng.random() < _DUAL_SCREEN_SHARE[site.tier]):
                monitor(asset, person)
        elif id(asset) in docked_ids:
            dock_year = min(LAST_DATE.year, max(2021, asset.year + rng.choice((0, 0, 1))))
            dock = fleet.add("docking_station", site, asset.department, dock_year, name="")
            dock.name = "Dell Dock WD19S"
            dock.user = asset.user
            monitor(asset, person, large=id(asset) in large_ids)
            if rng.random() < 0.5:
                monitor(asset, person)
        elif site.tier != "field" and rng.random() < 0.3:
            monitor(asset, person)

    headquarters = _SITE_SPECS[0]
    monitors = sum(asset.model.category.startswith("monitor") for asset in fleet.assets)
    for _ in range(max(4, _MONITORS - monitors)):
        asset = fleet.add(
            "monitor", headquarters, IT, rng.choice((2024, 2025)), name="", status=IN_STOCK
        )
        asset.name = f"DELL {asset.model.name}"


def _mobiles(fleet: _Fleet, staff: list[_Person]) -> None:
    rng = fleet.rng
    office = [person for person in staff if person.office]

    def at_hq(department: str) -> list[_Person]:
        return [
            person
            for person in office
            if person.site.tier == "hq" and person.department == department and not person.manager
        ]

    phone_users = [person for person in office if person.manager]
    phone_users += rng.sample(at_hq(IT), 8) + rng.sample(at_hq(STRUCTURES), 9)
    phone_users += rng.sample(at_hq(OPERATIONS), 8)
    for person in phone_users:
        site = person.site
        years = _PHONE_YEARS["hq" if site.tier == "hq" else "other"]
        year = _year(rng, years)
        senior = site.tier == "hq" and person.manager
        models = ("iPhone SE",) if senior else ("Galaxy A40", "Galaxy A52", "Galaxy A54")
        asset = fleet.add("smartphone", site, person.department, year, prefix="MOB", models=models)
        asset.user = person.login
    # On-call phones, passed from hand to hand: two per operations centre, one per field centre.
    for site in _SITE_SPECS:
        count = {"centre": 2, "field": 1}.get(site.tier, 0) if site.code != "ORB" else 0
        for _ in range(count):
            year = _year(rng, _PHONE_YEARS["other"])
            fleet.add(
                "smartphone",
                site,
                OPERATIONS,
                year,
                prefix="MOB",
                models=("Galaxy A40", "Galaxy A52", "Galaxy A54"),
            )
    headquarters = _SITE_SPECS[0]
    for _ in range(_STOCK_SMARTPHONES):
        fleet.add("smartphone", headquarters, IT, 2025, prefix="MOB", status=IN_STOCK)

    # Tablets for the inspection of bridges and walls, and two per operations centre.
    inspectors = rng.sample(at_hq(STRUCTURES), 6) + [
        person
        for person in office
        if person.site.tier in ("centre", "district")
        and person.department == STRUCTURES
        and person.manager
    ]
    for person in inspectors:
        asset = fleet.add("tablet", person.site, STRUCTURES, rng.choice((2021, 2022)), prefix="TAB")
        asset.user = person.login
    for site in _SITE_SPECS:
        if site.tier == "centre":
            for _ in range(2):
                fleet.add("tablet", site, OPERATIONS, rng.choice((2021, 2022)), prefix="TAB")


def _desk_phones(fleet: _Fleet, staff: list[_Person]) -> None:
    """Yealink at the headquarters (2020 migration) and the districts, the older Cisco phones
    (named SEP + MAC address, as Cisco does) at the operations centres."""
    rng = fleet.rng
    plan = {"hq": (96, 4, (2020, 2021)), "centre": (9, 1, (2016, 2017, 2018))}
    plan["district"] = (5, 0, (2022, 2023))
    for site in _SITE_SPECS:
        if site.tier not in plan:
            continue
        personal, shared, years = plan[site.tier]
        people = [person for person in staff if person.site is site and person.office]
        owners: list[_Person | None] = [*rng.sample(people, personal), *([None] * shared)]
        for person in owners:
            department = person.department if person else _main_department(site)
            year = rng.choice(years)
            asset = fleet.add("ip_phone", site, department, year, prefix="TIP")
            if asset.model.name == "IP Phone 8845":
                asset.name = "SEP" + fleet.serials.cisco_mac()
            asset.user = person.login if person else ""


def _main_department(site: _SiteSpec) -> str:
    return SECRETARIAT if site.tier == "hq" else OPERATIONS


def _shared_equipment(fleet: _Fleet) -> None:
    rng = fleet.rng
    headquarters, centres = _SITE_SPECS[0], _SITE_SPECS[1:5]
    field_centres = [site for site in _SITE_SPECS if site.name in OTHER_SITES[:14]]
    parc = _SITE_BY_NAME[OTHER_SITES[14]]
    districts = [_SITE_BY_NAME[OTHER_SITES[15]], _SITE_BY_NAME[OTHER_SITES[16]]]

    def printer(
        site: _SiteSpec, category: str, years: Sequence[int], models: Sequence[str] = ()
    ) -> None:
        year = rng.choice(years)
        department = _main_department(site)
        fleet.add(category, site, department, year, prefix="IMP", digits=2, models=models)

    old_mfp_sites = rng.sample(field_centres, 3)
    for site in field_centres:
        printer(site, "printer_small", range(2015, 2022))
        if site in old_mfp_sites:
            printer(site, "printer_mfp", (2016, 2017, 2018), ("imageRUNNER ADVANCE C5550i",))
    for site in [headquarters] * 4 + list(centres) + districts:
        printer(site, "printer_workgroup", range(2019, 2024))
    for site in [headquarters] * 6 + districts:
        printer(site, "printer_mfp", range(2021, 2025), ("imageRUNNER ADVANCE DX C5850i",))
    for site in [*centres, parc]:
        printer(site, "printer_mfp", (2019, 2020, 2021), ("AltaLink C8135",))

    def infra(
        site: _SiteSpec, category: str, prefix: str, year: int, models: Sequence[str] = ()
    ) -> _Asset:
        return fleet.add(category, site, IT, year, prefix=prefix, digits=2, models=models)

    # Servers: the main room at Valmont, two per other operations centre, two towers.
    server_plan = [
        (centres[0], "PowerEdge R740", (2019, 2020, 2021), (WINDOWS_SERVER_2019, RHEL_8)),
        (centres[0], "PowerEdge R740", (2019, 2020, 2021), (WINDOWS_SERVER_2022, RHEL_8)),
        (centres[0], "PowerEdge R740", (2019, 2020, 2021), (WINDOWS_SERVER_2019,)),
        (centres[0], "PowerEdge R740", (2019, 2020, 2021), (WINDOWS_SERVER_2022,)),
        (centres[0], "ProLiant DL380 Gen10", (2020, 2021), (WINDOWS_SERVER_2022,)),
        (centres[0], "ProLiant DL380 Gen10", (2020, 2021), (WINDOWS_SERVER_2019,)),
        (centres[1], "ProLiant DL380 Gen10", (2018, 2019), (WINDOWS_SERVER_2019,)),
        (centres[1], "ProLiant DL380 Gen10", (2018, 2019), (WINDOWS_SERVER_2019,)),
        (centres[2], "PowerEdge R740", (2017, 2018), (WINDOWS_SERVER_2019,)),
        (centres[2], "PowerEdge R740", (2017, 2018), (WINDOWS_SERVER_2019,)),
        (centres[3], "ProLiant DL380 Gen10", (2018, 2019, 2020), (WINDOWS_SERVER_2019,)),
        (centres[3], "ProLiant DL380 Gen10", (2018, 2019, 2020), (RHEL_8,)),
    ]
    for site, model, years, systems in server_plan:
        server = infra(site, "server_rack", "SRV", rng.choice(years), (model,))
        server.os_name = rng.choice(systems)
    for site in (parc, districts[1]):
        server = infra(site, "server_tower", "SRV", rng.choice((2019, 2020)))
        server.os_name = WINDOWS_SERVER_2019

    # Switches: Cisco cores at the headquarters and Valmont, Aruba elsewhere.
    switch_plan = [(headquarters, 4, "Catalyst 9200"), (centres[0], 2, "Catalyst 9200")]
    switch_plan += [(centres[0], 1, "2930F")] + [(site, 2, "2930F") for site in centres[1:]]
    switch_plan += [(site, 1, "2930F") for site in [*field_centres, parc, *districts]]
    for site, count, model in switch_plan:
        for _ in range(count):
            years = _YEARS_BY_TIER[site.tier] if model == "2930F" else {2020: 1, 2021: 1}
            years = {year: weight for year, weight in years.items() if 2016 <= year <= 2023}
            infra(site, "switch", "SW", _year(rng, years), (model,))

    for site in [headquarters, *centres, parc, *districts]:
        infra(site, "router", "FW", rng.choice((2020, 2021, 2022)))
    access_points = [(headquarters, 16)] + [(site, 4) for site in centres]
    access_points += [(site, 3) for site in districts] + [(parc, 2)]
    for site, count in access_points:
        year = rng.choice((2020, 2021, 2022, 2023))
        for _ in range(count):
            infra(site, "wifi_ap", "AP", year)
    for site in (centres[0], centres[3]):
        infra(site, "nas", "NAS", rng.choice((2021, 2022)))

    for site in [headquarters] * 6 + list(centres):
        fleet.add(
            "projector",
            site,
            _main_department(site),
            rng.choice((2020, 2021, 2022, 2023)),
            prefix="VP",
            digits=2,
        )


def _repairs(fleet: _Fleet) -> None:
    repairable = ("laptop", "desktop", "smartphone", "tablet", "printer_small", "printer_mfp")
    for asset in fleet.assets:
        if (
            asset.status == IN_SERVICE
            and asset.model.category in repairable
            and fleet.rng.random() < _REPAIR_SHARE
        ):
            asset.status = IN_REPAIR


def _inventory_numbers(fleet: _Fleet) -> None:
    """DRHV-<year>-<number>: numbered in order of purchase within each year, with the gaps of
    assets since retired."""
    by_year: dict[int, list[_Asset]] = {}
    for asset in fleet.assets:
        by_year.setdefault(asset.year, []).append(asset)
    for year in sorted(by_year):
        number = fleet.rng.randint(0, 3)
        for asset in sorted(by_year[year], key=lambda item: item.purchase or LAST_DATE):
            number += 1 if fleet.rng.random() < 0.9 else fleet.rng.randint(2, 6)
            asset.inventory = f"DRHV-{year}-{number:05d}"


def _flaws(fleet: _Fleet) -> None:
    rng = fleet.rng
    old_field_desktops = [
        asset
        for asset in fleet.assets
        if asset.model.category == "desktop"
        and _SITE_BY_NAME[asset.site].tier == "field"
        and asset.year <= 2017
    ]
    for asset in rng.sample(old_field_desktops, _EMPTY_DATES):
        asset.purchase = None  # the inventory number still tells the year
    typed = [asset for asset in fleet.assets if asset.model.name == _TRAILING_SPACE_MODEL]
    for asset in rng.sample(typed, min(_TRAILING_SPACE_ROWS, len(typed))):
        asset.model_text = asset.model.name + " "
    at_site = [asset for asset in fleet.assets if asset.site == _CASE_VARIANT_SITE]
    for asset in rng.sample(at_site, _CASE_VARIANT_ROWS):
        asset.site = _CASE_VARIANT
    for category in _NO_SERIAL_CATEGORIES:
        typed_by_hand = [asset for asset in fleet.assets if asset.model.category == category]
        rng.choice(typed_by_hand).serial = ""  # the inventory number remains


def generate_glpi_rows(seed: int = DEFAULT_SEED) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the export, sorted by name as GLPI sorts a search result."""
    fleet = _Fleet(seed)
    staff = _staff(fleet.rng)
    computers = _computers(fleet, staff)
    _screens_and_docks(fleet, computers)
    _mobiles(fleet, staff)
    _desk_phones(fleet, staff)
    _shared_equipment(fleet)
    _repairs(fleet)
    _inventory_numbers(fleet)
    _flaws(fleet)
    rows = sorted((asset.row() for asset in fleet.assets), key=lambda row: (row[0].lower(), row[7]))
    return list(HEADER), rows


def render_glpi_csv(seed: int = DEFAULT_SEED) -> bytes:
    """The export as GLPI writes it: UTF-8 with BOM, ";" between cells, CRLF line endings."""
    return _render(*generate_glpi_rows(seed))


def _render(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def write_glpi_csv(path: Path, seed: int = DEFAULT_SEED, moved: timedelta = timedelta(0)) -> int:
    """Write the export to `path`; returns the number of rows (header excluded). `moved`
    carries the purchase dates forward (the demo, seeded later than its story, keeps the same
    ages)."""
    header, rows = generate_glpi_rows(seed)
    if moved:
        column = header.index("Date d'achat")
        for row in rows:
            if row[column]:
                bought = datetime.strptime(row[column], "%d/%m/%Y").date() + moved
                row[column] = bought.strftime("%d/%m/%Y")
    Path(path).write_bytes(_render(header, rows))
    return len(rows)


EXPECTED_COUNTS: dict[str, int] = count_categories(generate_glpi_rows()[1])
