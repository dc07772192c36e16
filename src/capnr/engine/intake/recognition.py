"""Guess each inventory row's Cap NR category from its type, model, manufacturer and name.

Pure Python (no Django). The rules are data (``data/category_rules.csv``: which pattern in which
text suggests which category, how surely); this module applies them to whole columns, once per
distinct (type, manufacturer, model) combination, since inventories repeat the same few values
over thousands of rows. A guess below ``UNCERTAIN_BELOW`` is for the user to confirm."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import repeat
from typing import NamedTuple

from capnr.engine.assets import category_lookup, normalise_name
from capnr.engine.reference import reference_data

UNCERTAIN_BELOW = 0.7
NOT_EQUIPMENT = "-"  # the category of a virtual machine: a row to leave out, not equipment
CONFLICT_CONFIDENCE = 0.6  # the type and the model point at different kinds of equipment
RULE_FIELDS = ("type", "model", "name")
CATEGORY_COLUMN_RULE = "category_column"  # the row's category cell names a category
CATEGORY_LABEL_RULE = "category_label"  # the type text is a category's code or label

# A general category the type gives, and a more precise one the model may give: the model's wins
# ("Écran" + "U2720Q" is a large monitor, "Serveur" + "PowerEdge T440" a tower server).
REFINEMENTS = {
    ("desktop", "workstation"),
    ("desktop", "thin_client"),
    ("monitor", "monitor_large"),
    ("monitor", "display"),
    ("printer_small", "printer_workgroup"),
    ("printer_small", "printer_mfp"),
    ("server_rack", "server_tower"),
    ("server_rack", "nas"),
    ("switch", "router"),
    ("switch", "wifi_ap"),
    ("ip_phone", "smartphone"),
}
# Categories of one kind: a type and a model that differ within one do not contradict each other
# (the surer wins); across kinds they do (the guess becomes uncertain).
FAMILIES = {
    "laptop": "computer",
    "desktop": "computer",
    "workstation": "computer",
    "thin_client": "computer",
    "monitor": "screen",
    "monitor_large": "screen",
    "display": "screen",
    "printer_small": "printer",
    "printer_workgroup": "printer",
    "printer_mfp": "printer",
    "server_rack": "server",
    "server_tower": "server",
    "nas": "server",
    "switch": "network",
    "router": "network",
    "wifi_ap": "network",
    "smartphone": "phone",
    "ip_phone": "phone",
}

_RULES = files("capnr.engine") / "data" / "intake" / "category_rules.csv"
_QUOTES = str.maketrans({"”": '"', "“": '"', "″": '"', "«": '"', "»": '"', "’": "'", "′": "'"})
_DIGITS = re.compile(r"[0-9]+")
_MAX_TEXT = 200  # longer texts are cut before matching (no inventory model name is longer)


@dataclass(frozen=True)
class CategoryRule:
    id: str
    field: str  # "type", "model" or "name"
    pattern: str
    category: str  # an engine category code, or NOT_EQUIPMENT
    confidence: float
    note: str


class Guess(NamedTuple):
    category: str  # "" when nothing matched
    confidence: float
    rule_id: str


class CategoryGuesses(NamedTuple):
    """One entry per row, in the rows' order (unpacks as a triple)."""

    categories: list[str]
    confidences: list[float]
    rule_ids: list[str]


UNKNOWN = Guess("", 0.0, "")


def fold(text: str) -> str:
    """The form the patterns see: 'Écran 27” Dell' -> 'ecran 27" dell'."""
    lowered = text.translate(_QUOTES).lower()
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())[:_MAX_TEXT]


@cache
def category_rules() -> tuple[CategoryRule, ...]:
    """The rules of ``data/category_rules.csv``, checked: known fields and categories, valid
    lower-case patterns without named groups, confidences in (0, 1], unique ids."""
    text = _RULES.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    codes = set(reference_data().category_codes) | {NOT_EQUIPMENT}
    rules = []
    seen: set[str] = set()
    for row in csv.DictReader(lines):
        where = f"category_rules.csv, rule {row['id']!r}"
        rule = CategoryRule(
            id=row["id"].strip(),
            field=row["field"].strip(),
            pattern=row["pattern"],
            category=row["category"].strip(),
            confidence=float(row["confidence"]),
            note=row.get("note") or "",
        )
        if not rule.id or rule.id in seen:
            raise ValueError(f"{where}: the id is empty or used twice")
        if rule.field not in RULE_FIELDS:
            raise ValueError(f"{where}: unknown field {rule.field!r}")
        if rule.category not in codes:
            raise ValueError(f"{where}: unknown category {rule.category!r}")
        if not 0 < rule.confidence <= 1:
            raise ValueError(f"{where}: the confidence must be above 0 and at most 1")
        try:
            compiled = re.compile(rule.pattern)
        except re.error as error:
            raise ValueError(f"{where}: invalid pattern ({error})") from error
        if compiled.groupindex:
            raise ValueError(f"{where}: named groups are not allowed")
        if re.search(r"[A-Z]", re.sub(r"\\.", "", rule.pattern)):
            raise ValueError(f"{where}: write the pattern in lower case (texts are folded)")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def rule_by_id(rule_id: str) -> CategoryRule | None:
    """The rule behind a guess (for "why this category?"), None for the built-in ids."""
    return next((rule for rule in category_rules() if rule.id == rule_id), None)


class _Matcher:
    """The rules of one field, tried in file order on folded (lower-case) text: the first that
    matches wins. (One combined pattern of lookaheads is slower with Python's re; so is
    IGNORECASE, needless on folded text.)"""

    def __init__(self, rules: Sequence[CategoryRule]) -> None:
        self.rules = [(re.compile(rule.pattern), rule) for rule in rules]

    def first(self, folded: str) -> CategoryRule | None:
        if folded:
            for pattern, rule in self.rules:
                if pattern.search(folded):
                    return rule
        return None


@cache
def _matchers() -> dict[str, _Matcher]:
    rules = category_rules()
    return {field: _Matcher([r for r in rules if r.field == field]) for field in RULE_FIELDS}


@cache
def _category_of_label() -> dict[str, str]:
    """Normalised category code, French or English label -> code."""
    data = reference_data()
    return {name: data.category_codes[index] for name, index in category_lookup(data).items()}


def _rule_guess(rule: CategoryRule | None) -> Guess | None:
    return Guess(rule.category, rule.confidence, rule.id) if rule else None


def _combine(by_type: Guess | None, by_model: Guess | None) -> Guess | None:
    if by_type is None or by_model is None:
        return by_type or by_model
    for guess in (by_type, by_model):
        if guess.category == NOT_EQUIPMENT:  # a virtual machine, whatever else it claims
            return guess
    if by_type.category == by_model.category:
        winner = by_model if by_model.confidence > by_type.confidence else by_type
        return Guess(winner.category, winner.confidence, winner.rule_id)
    if (by_type.category, by_model.category) in REFINEMENTS:
        return by_model
    family = FAMILIES.get(by_type.category)
    if family and family == FAMILIES.get(by_model.category):
        return by_model if by_model.confidence > by_type.confidence else by_type
    winner = by_type if by_type.confidence >= by_model.confidence else by_model
    return Guess(winner.category, min(winner.confidence, CONFLICT_CONFIDENCE), winner.rule_id)


def infer_one(
    type_text: str = "",
    model_text: str = "",
    name_text: str = "",
    manufacturer_text: str = "",
    category_text: str = "",
) -> Guess:
    """The guess for one row (``infer_categories`` calls it once per distinct combination)."""
    guess = _infer_without_name(type_text, manufacturer_text, model_text, category_text)
    if guess is not None:
        return guess
    return _infer_from_name(name_text)


def _infer_without_name(
    type_text: str, manufacturer_text: str, model_text: str, category_text: str
) -> Guess | None:
    labels = _category_of_label()
    if category_text:
        code = labels.get(normalise_name(category_text))
        if code:
            return Guess(code, 1.0, CATEGORY_COLUMN_RULE)
        type_text = type_text or category_text  # free text in the category column: a type
    matchers = _matchers()
    by_type = None
    if type_text:
        code = labels.get(normalise_name(type_text))
        by_type = (
            Guess(code, 1.0, CATEGORY_LABEL_RULE)
            if code
            else _rule_guess(matchers["type"].first(fold(type_text)))
        )
    by_model = None
    if model_text or manufacturer_text:
        text = fold(f"{manufacturer_text} {model_text}")
        by_model = _rule_guess(matchers["model"].first(text))
    return _combine(by_type, by_model)


def _infer_from_name(name_text: str) -> Guess:
    if not name_text:
        return UNKNOWN
    folded = fold(_DIGITS.sub("0", name_text))
    return _rule_guess(_matchers()["name"].first(folded)) or UNKNOWN


def infer_categories(
    type_texts: Sequence[str] | None,
    model_texts: Sequence[str] | None,
    name_texts: Sequence[str] | None,
    manufacturer_texts: Sequence[str] | None,
    *,
    category_texts: Sequence[str] | None = None,
) -> CategoryGuesses:
    """Guess every row's category from its columns (None: the file has no such column).

    Returns (categories, confidences, rule_ids), one entry per row: the category is a code of
    the engine's categories, NOT_EQUIPMENT for a virtual machine, or "" when nothing matched
    (confidence 0). A category cell that names a category (code or label) wins outright;
    otherwise the type and the model are matched (see ``data/category_rules.csv``), and the
    name only when neither says anything."""
    columns = [type_texts, manufacturer_texts, model_texts, category_texts, name_texts]
    lengths = {len(column) for column in columns if column is not None}
    if len(lengths) > 1:
        raise ValueError(f"The columns differ in length: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0

    def column(texts: Sequence[str] | None) -> Sequence[str]:
        return texts if texts is not None else list(repeat("", n))

    keys = list(
        zip(
            column(type_texts),
            column(manufacturer_texts),
            column(model_texts),
            column(category_texts),
            strict=True,
        )
    )
    known = {key: _infer_without_name(*key) for key in dict.fromkeys(keys)}
    guesses = list(map(known.__getitem__, keys))
    if None in known.values():
        names = column(name_texts)
        by_name: dict[str, Guess] = {}
        for index, guess in enumerate(guesses):
            if guess is None:
                # Host names are unique but their patterns are few: "PC-00123" and "PC-00124"
                # are both "PC-0" for the rules, which see every run of digits as one 0.
                key = _DIGITS.sub("0", names[index])
                if key not in by_name:
                    by_name[key] = _infer_from_name(key)
                guesses[index] = by_name[key]
    if not guesses:
        return CategoryGuesses([], [], [])
    categories, confidences, rule_ids = zip(*guesses, strict=True)
    return CategoryGuesses(list(categories), list(confidences), list(rule_ids))


def uncertain(confidences: Sequence[float]) -> list[bool]:
    """Which guesses the user should confirm (below ``UNCERTAIN_BELOW``, unknown included)."""
    return [confidence < UNCERTAIN_BELOW for confidence in confidences]
