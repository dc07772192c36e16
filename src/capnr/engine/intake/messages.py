"""What the reading pipeline says to people, in French (the default) and English.

The pipeline runs without Django (``capnr footprint``) and inside it (the web import, the API,
``import_inventory``), so its sentences live here rather than in Django's catalogue: a problem
carries a stable ``code`` and the figures it quotes, and is written out in one language at the
end. Every code has both languages (a test checks it)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")

MESSAGES: dict[str, dict[Language, str]] = {
    # Row problems: the row is refused until the file is corrected.
    "category_unknown": {
        "fr": "Catégorie inconnue : utilisez une catégorie de Cap NR ou un type d'équipement.",
        "en": "Unknown category: use one of Cap NR's categories or a device type.",
    },
    "quantity_invalid": {
        "fr": "Une quantité est un nombre entier de 1 ou plus.",
        "en": "A quantity is a whole number of 1 or more.",
    },
    "not_a_date": {
        "fr": "Ce n'est pas une date : écrivez-la jj/mm/aaaa ou aaaa-mm-jj.",
        "en": "Not a date: write it as dd/mm/yyyy or yyyy-mm-dd.",
    },
    "impossible_date": {
        "fr": "Cette date n'existe pas dans le calendrier.",
        "en": "This date does not exist in the calendar.",
    },
    "ambiguous_order": {
        "fr": "Cette date se lit dans un ordre (jour/mois ou mois/jour) différent des autres "
        "dates du fichier.",
        "en": "This date reads in another order (day/month or month/day) than the file's "
        "other dates.",
    },
    "dates_ambiguous": {
        "fr": "Les dates du fichier ({count} valeurs, par exemple {example}) peuvent se lire "
        "jour/mois ou mois/jour : précisez leur ordre (« Ordre des dates » dans l'application, "
        "--date-order en ligne de commande).",
        "en": "The file's dates ({count} values, e.g. {example}) read both as day/month and "
        "month/day: say which order they follow (“Order of the dates” in the application, "
        "--date-order on the command line).",
    },
    "lifetime_invalid": {
        "fr": "Une durée de vie est un nombre d'années supérieur à 0.",
        "en": "A lifetime is a number of years above 0.",
    },
    "number_invalid": {
        "fr": "Ce n'est pas un nombre.",
        "en": "Not a number.",
    },
    "number_negative": {
        "fr": "Ce nombre ne peut pas être négatif.",
        "en": "This number cannot be negative.",
    },
    "number_out_of_range": {
        "fr": "Valeur hors des limites acceptées ({low} à {high}).",
        "en": "Value outside the accepted range ({low} to {high}).",
    },
    "country_unknown": {
        "fr": "Pays inconnu : écrivez son nom ou son code ISO à trois lettres (FRA, DEU, BEL).",
        "en": "Unknown country: write its name or its three-letter ISO code (FRA, DEU, BEL).",
    },
    "text_too_long": {
        "fr": "Ce texte fait {length} caractères ; ce champ en contient {limit} au plus.",
        "en": "This text is {length} characters long; this field holds {limit} at most.",
    },
    "serial_duplicate": {
        "fr": "Ce numéro de série figure sur plusieurs lignes : un appareil par ligne.",
        "en": "This serial number appears on several rows: each device once, please.",
    },
    "inventory_duplicate": {
        "fr": "Ce numéro d'inventaire figure sur plusieurs lignes.",
        "en": "This inventory number appears on several rows.",
    },
    "no_identity_column": {
        "fr": "Aucune colonne ne dit ce qu'est chaque appareil (nom, type, modèle ou "
        "catégorie). La première ligne du fichier doit donner le nom des colonnes ; ici elle "
        "contient « {header} », qui ressemble à des données : ajoutez une ligne d'en-tête "
        "(par exemple Nom;Type;Modèle).",
        "en": "No column says what each device is (name, type, model or category). The file's "
        "first line must name the columns; here it holds “{header}”, which looks like data: add "
        "a header line (for example Name;Type;Model).",
    },
    "nothing_identifies": {
        "fr": "Rien sur cette ligne ne dit quel est l'appareil (ni nom, ni type, ni modèle, ni "
        "catégorie).",
        "en": "Nothing on this row says what the device is (no name, type, model or category).",
    },
    "case_type_invalid": {
        "fr": "Format de serveur : rack, lame ou tour.",
        "en": "Server case: rack, blade or tower.",
    },
    "archetype_unknown": {
        "fr": "Archétype de serveur inconnu ; connus : {known}.",
        "en": "Unknown server archetype; known: {known}.",
    },
    "hours_over_a_year": {
        "fr": "Les heures en marche, en veille et à l'arrêt dépassent une année.",
        "en": "Hours on, asleep and off add up to more than a year.",
    },
    "unrecognised": {
        "fr": "Catégorie non reconnue pour {rows} ligne(s) ({devices} appareil(s)) : ajoutez une "
        "colonne catégorie, une règle (--category-map) ou laissez-les de côté "
        "(--unrecognised exclude).",
        "en": "Category not recognised for {rows} row(s) ({devices} device(s)): add a category "
        "column, a rule (--category-map) or leave them out (--unrecognised exclude).",
    },
    # Warnings: the row is kept, the person is told.
    "line_not_utf8": {
        "fr": "Cette ligne n'est pas en UTF-8 comme le reste du fichier : elle a été lue en "
        "Windows-1252. Vérifiez ses accents.",
        "en": "This line is not UTF-8 like the rest of the file: it was read as Windows-1252. "
        "Check its accented letters.",
    },
    "date_in_future": {
        "fr": "Date d'achat dans le futur : l'âge de l'appareil n'est pas compté.",
        "en": "Purchase date in the future: the device's age is not counted.",
    },
    "uncertain_category": {
        "fr": "Catégorie devinée sans certitude ({category}, confiance {confidence}) : "
        "vérifiez-la.",
        "en": "Category guessed without certainty ({category}, confidence {confidence}): check it.",
    },
    "server_settings_ignored": {
        "fr": "Réglages de serveur ignorés : ils ne comptent que pour les serveurs.",
        "en": "Server settings ignored: they only count for servers.",
    },
    # Exclusion reasons: rows left out, counted, never given a footprint.
    "excluded.virtual_machine": {"fr": "machine virtuelle", "en": "virtual machine"},
    "excluded.software": {"fr": "logiciel ou licence", "en": "software or licence"},
    "excluded.consumable": {"fr": "consommable", "en": "consumable"},
    "excluded.accessory": {"fr": "accessoire", "en": "accessory"},
    "excluded.summary_row": {"fr": "ligne de total", "en": "summary row"},
    "excluded.not_covered": {
        "fr": "appareil hors des catégories de Cap NR",
        "en": "device outside Cap NR's categories",
    },
    "excluded.retired": {"fr": "appareil retiré du parc", "en": "device retired from the fleet"},
    "excluded.unrecognised": {"fr": "catégorie non reconnue", "en": "category not recognised"},
    "excluded.not_covered_by_method": {
        "fr": "hors du périmètre de la méthode",
        "en": "outside the method's scope",
    },
    # Files that cannot be read (codes of ``files.InventoryFileError``).
    "file.too_large": {
        "fr": "Le fichier dépasse la taille acceptée : découpez-le ou n'exportez que les colonnes "
        "utiles.",
        "en": "The file is larger than accepted: split it, or export only the columns you need.",
    },
    "file.empty": {"fr": "Le fichier est vide.", "en": "The file is empty."},
    "file.headers_only": {
        "fr": "Le fichier a une ligne d'en-tête mais aucune ligne de données.",
        "en": "The file has a header row but no data rows.",
    },
    "file.binary": {
        "fr": "Ce fichier n'est pas un tableau texte : enregistrez-le en CSV ou XLSX.",
        "en": "This file is not a text table: save it as CSV or XLSX.",
    },
    "file.corrupt_spreadsheet": {
        "fr": "Ce classeur est endommagé ou n'en est pas un : ouvrez-le, enregistrez-le de "
        "nouveau en XLSX et réessayez.",
        "en": "This spreadsheet is damaged or not really a spreadsheet: open it, save it again "
        "as XLSX, and try again.",
    },
    "file.zip_bomb": {
        "fr": "Ce classeur occuperait une taille déraisonnable une fois décompressé ; refusé "
        "par sécurité.",
        "en": "This spreadsheet would unpack to an unreasonable size; refused for safety.",
    },
    "file.external_entities": {
        "fr": "Ce classeur contient des déclarations d'entités XML, refusées par sécurité.",
        "en": "This spreadsheet contains XML entity declarations, refused for safety.",
    },
    "file.too_many_columns": {
        "fr": "Le fichier a trop de colonnes : n'exportez que les colonnes utiles.",
        "en": "The file has too many columns: export only the columns you need.",
    },
    "file.too_many_rows": {
        "fr": "Le fichier a trop de lignes : découpez-le.",
        "en": "The file has too many rows: split it.",
    },
    "file.sheet_too_large": {
        "fr": "La zone utilisée du classeur est bien plus grande que son contenu : copiez les "
        "cellules utiles dans une nouvelle feuille.",
        "en": "The spreadsheet's used area is far larger than its content: copy the useful "
        "cells into a new sheet.",
    },
    "file.encrypted": {
        "fr": "Ce classeur est protégé par un mot de passe : enregistrez-en une copie sans mot "
        "de passe.",
        "en": "This spreadsheet is protected by a password: save a copy without the password.",
    },
    "file.not_a_table": {
        "fr": "Ce fichier est une page web ou un document XML, pas un tableau : exportez "
        "l'inventaire en CSV ou XLSX.",
        "en": "This file is a web page or an XML document, not a table: export the inventory "
        "as CSV or XLSX.",
    },
    "file.unreadable": {
        "fr": "Le fichier n'a pas pu être lu.",
        "en": "The file could not be read.",
    },
    "file.missing": {"fr": "Fichier introuvable.", "en": "No such file."},
    "category_map_invalid": {
        "fr": "Fichier de règles de catégories invalide : {detail}",
        "en": "Invalid category rules file: {detail}",
    },
    "option_invalid": {"fr": "Option invalide : {detail}", "en": "Invalid option: {detail}"},
    # Command-line framing.
    "cli.refused": {
        "fr": "{count} problème(s) dans {file} ; rien n'a été calculé.",
        "en": "{count} problem(s) in {file}; nothing was computed.",
    },
    "cli.refused_import": {
        "fr": "{count} problème(s) dans {file} ; rien n'a été enregistré.",
        "en": "{count} problem(s) in {file}; nothing was stored.",
    },
    "cli.where": {
        "fr": "ligne {row}, colonne {column!r}, valeur {value!r} : ",
        "en": "row {row}, column {column!r}, value {value!r}: ",
    },
    "cli.warnings": {"fr": "À vérifier :", "en": "To check:"},
    "cli.excluded": {
        "fr": "Laissé de côté : {devices} appareil(s) sur {rows} ligne(s) — {reason} : {value}",
        "en": "Left out: {devices} device(s) on {rows} row(s) — {reason}: {value}",
    },
    "cli.categories": {"fr": "Appareils par catégorie :", "en": "Devices per category:"},
    "cli.header": {
        "fr": "Méthode {method} · moteur {engine} · données {data} · sur {span}",
        "en": "Method {method} · engine {engine} · data {data} · over {span}",
    },
    "cli.span_lifetime": {
        "fr": "la durée de vie de chaque appareil",
        "en": "each device's lifetime",
    },
    "cli.span_years": {"fr": "{years} an(s)", "en": "{years} year(s)"},
    "cli.embodied": {"fr": "fabrication [bas–haut]", "en": "embodied [low–high]"},
    "cli.use": {"fr": "utilisation [bas–haut]", "en": "use [low–high]"},
    "cli.per_row_table": {
        "fr": "--per-row détaille chaque ligne dans les formats json et csv seulement.",
        "en": "--per-row lists each row in the json and csv formats only.",
    },
    "cli.ignored_columns": {
        "fr": "Colonnes ignorées (noms inconnus) : {columns}.",
        "en": "Columns ignored (unknown names): {columns}.",
    },
}


def language(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Language:
    """``explicit`` when given ("fr"/"en", or a tag such as "en-GB"), else English when ``LANG``
    (or ``LC_ALL``/``LC_MESSAGES``) starts with "en", else French."""
    if explicit:
        return "en" if explicit.lower().startswith("en") else "fr"
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "fr"
    return "fr"


def text(code: str, lang: Language = "fr", **params: object) -> str:
    """The sentence of ``code`` in ``lang``, with its figures filled in."""
    try:
        template = MESSAGES[code][lang]
    except KeyError as error:
        raise KeyError(f"No {lang!r} message for {code!r}") from error
    return template.format(**params) if params else template
