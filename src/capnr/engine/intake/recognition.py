"""Guess each inventory row's Cap NR category from its type, model, manufacturer and name.

Pure Python (no Django). The rules are data (``data/intake/category_rules.csv``: which pattern
in which text suggests which category, or that the row is no device to count, and how surely);
this module applies them to whole columns, once per distinct (type, manufacturer, model)
combination, since inventories repeat the same few values over thousands of rows. A guess below
``UNCERTAIN_BELOW`` is for the user to confirm.

Besides the engine's categories, a guess may be ``exclude:<reason>`` (see ``EXCLUSION_REASONS``):
a virtual machine, software, a consumable, an accessory, a spreadsheet's summary row or a device
Cap NR has no factor for; such rows are left out of the footprint, with their reason."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from capnr.engine.assets import category_lookup, normalise_name
from capnr.engine.reference import reference_data

UNCERTAIN_BELOW = 0.7
EXCLUDE_PREFIX = "exclude:"
EXCLUSION_REASONS = (
    "virtual_machine",  # not physical equipment
    "software",  # software, licences, subscriptions, warranties: no device
    "consumable",  # toner, ink, drums, paper
    "accessory",  # chargers, cables, keyboards, mice, headsets, webcams, bags, stands, parts
    "summary_row",  # a spreadsheet's "Total" or "Ordinateur portable : 3" line
    "not_covered",  # a device Cap NR has no factor for (barcode scanners, UPS, cameras...)
)
NOT_EQUIPMENT = EXCLUDE_PREFIX + "virtual_machine"  # a virtual machine: a row to leave out
LEGACY_NOT_EQUIPMENT = "-"  # the old spelling of NOT_EQUIPMENT, still read in rule files
SUMMARY_ROW = EXCLUDE_PREFIX + "summary_row"
SUMMARY_ROW_CONFIDENCE = 0.9  # "Total" alone on its row (see infer_categories)
# Exclusions that win whatever the other column says (a VM typed "Serveur" is still a VM).
OUTRIGHT_EXCLUSIONS = {NOT_EQUIPMENT, SUMMARY_ROW}
CONFLICT_CONFIDENCE = 0.6  # the type and the model point at different kinds of equipment
RULE_FIELDS = ("type", "model", "name")
USER_RULE_FIELD = "row"  # a --category-map rule: searched in "type manufacturer model"
CATEGORY_COLUMN_RULE = "category_column"  # the row's category cell names a category
CATEGORY_LABEL_RULE = "category_label"  # the type text is a category's code or label
FILE_HINT_RULE = "file_hint"  # nothing in the row: what the whole file lists (``file_hint``)
HINT_CONFIDENCE = 0.65  # a row guessed from the file alone: below UNCERTAIN_BELOW, to confirm
HINT_AGREES = 0.8  # the model's guess of the file's family: at least this sure
SPECIFIC_MODEL = 0.85  # a model rule this sure names a well-known range (a laptop beats "Desktop")

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
# Refinements only a specific model rule (confidence >= SPECIFIC_MODEL) makes: a Latitude E7470
# or an Alienware m15 is a laptop even when the type says "Desktop" or "Personal Computer" (G4IT
# and some OCS exports type every computer so); a vague "mostly laptops" rule does not.
SPECIFIC_REFINEMENTS = {("desktop", "laptop")}
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

_DATA = files("capnr.engine") / "data" / "intake"
_RULES = _DATA / "category_rules.csv"
_FILE_HINTS = _DATA / "type_file_hints.csv"
_QUOTES = str.maketrans({"”": '"', "“": '"', "″": '"', "«": '"', "»": '"', "’": "'", "′": "'"})
_DIGITS = re.compile(r"[0-9]+")
_MAX_TEXT = 200  # longer texts are cut before matching (no inventory model name is longer)


@dataclass(frozen=True)
class CategoryRule:
    id: str
    field: str  # "type", "model" or "name" (built-in rules); "row" (a --category-map rule)
    pattern: str
    category: str  # an engine category code, or exclude:<reason>
    confidence: float
    note: str
    source: str = ""


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


def exclusion_reason(category: str) -> str | None:
    """The reason a guess leaves its row out ("virtual_machine", "software", ...), None for a
    category of the engine (or nothing). The legacy "-" reads as a virtual machine."""
    if category == LEGACY_NOT_EQUIPMENT:
        return "virtual_machine"
    if category.startswith(EXCLUDE_PREFIX):
        reason = category[len(EXCLUDE_PREFIX) :]
        return reason if reason in EXCLUSION_REASONS else None
    return None


def _plain(text: str) -> str:
    lowered = text.lower()
    if lowered.isascii():  # most texts: no accent, no typographic quote
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_QUOTES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """The form the patterns see: 'Écran 27” Dell' -> 'ecran 27" dell'."""
    return " ".join(_plain(text).split())[:_MAX_TEXT]


def family(category: str) -> str:
    """The kind of equipment of a category (itself for a category alone in its kind)."""
    return FAMILIES.get(category, category)


# ---------------------------------------------------------------------------------------------
# Rule files


def _rule_category(category: str) -> str:
    return NOT_EQUIPMENT if category == LEGACY_NOT_EQUIPMENT else category


def parse_rules(text: str, where: str = "category_rules.csv") -> tuple[CategoryRule, ...]:
    """Rules from the text of a rule file, checked: known fields and categories, valid lower-case
    patterns without named groups, confidences in (0, 1], unique ids."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    codes = set(reference_data().category_codes)
    rules = []
    seen: set[str] = set()
    for row in csv.DictReader(lines):
        here = f"{where}, rule {row['id']!r}"
        rule = CategoryRule(
            id=row["id"].strip(),
            field=row["field"].strip(),
            pattern=row["pattern"],
            category=_rule_category(row["category"].strip()),
            confidence=float(row["confidence"]),
            note=row.get("note") or "",
            source=row.get("source") or "",
        )
        if not rule.id or rule.id in seen:
            raise ValueError(f"{here}: the id is empty or used twice")
        if rule.field not in RULE_FIELDS:
            raise ValueError(f"{here}: unknown field {rule.field!r}")
        if rule.category not in codes and exclusion_reason(rule.category) is None:
            raise ValueError(f"{here}: unknown category {rule.category!r}")
        if not 0 < rule.confidence <= 1:
            raise ValueError(f"{here}: the confidence must be above 0 and at most 1")
        try:
            compiled = re.compile(rule.pattern)
        except re.error as error:
            raise ValueError(f"{here}: invalid pattern ({error})") from error
        if compiled.groupindex:
            raise ValueError(f"{here}: named groups are not allowed")
        if re.search(r"[A-Z]", re.sub(r"\\.", "", rule.pattern)):
            raise ValueError(f"{here}: write the pattern in lower case (texts are folded)")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


@cache
def category_rules() -> tuple[CategoryRule, ...]:
    """The rules of ``data/intake/category_rules.csv``, checked (see ``parse_rules``)."""
    return parse_rules(_RULES.read_text(encoding="utf-8"))


def rule_by_id(rule_id: str, extra_rules: Iterable[CategoryRule] = ()) -> CategoryRule | None:
    """The rule behind a guess (for "why this category?"), None for the built-in ids."""
    for rule in (*extra_rules, *category_rules()):
        if rule.id == rule_id:
            return rule
    return None


# ---------------------------------------------------------------------------------------------
# Matching: the first rule of a field that matches wins. Trying ~100 regular expressions on each
# of 50,000 distinct models takes seconds, so each rule gets a prefilter: literals one of which
# any match must contain (read from the pattern: "latitude|thinkpad" needs "latitude" or
# "thinkpad"), indexed by their first three characters. A text is searched only by the rules
# whose literal it contains, in file order, and by those whose pattern gives no literal.

_FINITE_LIMIT = 256  # the most strings a prefilter key may expand to ("p17".."u26")
_SMALL_CLASS = 10  # character classes up to this size expand ([pueacs], \d)
_QUANTIFIER = re.compile(r"\?|\*|\+|\{(\d*)(?:,(\d*))?\}")
_Key = frozenset[str] | None  # strings one of which any match contains; None: nothing known
_Token = tuple[str, _Key, int, int]  # kind ("set", "req", "zero"), strings, min, max (-1: many)


class _Unsupported(Exception):
    pass


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    """The index of the bracket closing the one at ``start``."""
    depth, index = 0, start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if opening == "(" and char == "[":
            index = _closing(text, index, "[", "]") + 1
            continue
        if opening == "[" and index > start:
            if char == "]" and not (index == start + 1 or text[start + 1 : index] == "^"):
                return index
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise _Unsupported(text)


def _alternatives(pattern: str) -> list[str]:
    parts, start, index = [], 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char in "([":
            index = _closing(pattern, index, char, ")" if char == "(" else "]") + 1
            continue
        if char == "|":
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    parts.append(pattern[start:])
    return parts


def _class_chars(body: str) -> _Key:
    if body.startswith("^"):
        return None
    chars: set[str] = set()
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            escaped = body[index + 1]
            if escaped == "d":
                chars.update("0123456789")
            elif escaped.isalnum():
                return None
            else:
                chars.add(escaped)
            index += 2
            continue
        if index + 2 < len(body) and body[index + 1] == "-":
            chars.update(chr(code) for code in range(ord(char), ord(body[index + 2]) + 1))
            index += 3
            continue
        chars.add(char)
        index += 1
    return frozenset(chars) if len(chars) <= _SMALL_CLASS else None


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        kind, key = "set", None
        if char == "\\":
            escaped = text[index + 1]
            if escaped in "bBAZ":
                kind = "zero"
            elif escaped == "d":
                key = frozenset("0123456789")
            elif escaped == "x":
                key = frozenset(chr(int(text[index + 2 : index + 4], 16)))
                index += 2
            elif escaped.isalnum():
                kind = "req"
            else:
                key = frozenset(escaped)
            index += 2
        elif char == "[":
            end = _closing(text, index, "[", "]")
            key = _class_chars(text[index + 1 : end])
            kind = "set" if key is not None else "req"
            index = end + 1
        elif char == "(":
            end = _closing(text, index, "(", ")")
            inner = text[index + 1 : end]
            index = end + 1
            if inner.startswith("?:"):
                kind, key = _group(inner[2:])
            elif inner.startswith("?="):
                kind, key = "zero", _pattern_key(inner[2:])
            elif inner.startswith(("?!", "?<=", "?<!")):
                kind = "zero"
            elif inner.startswith("?"):
                raise _Unsupported(text)
            else:
                kind, key = _group(inner)
        elif char in "^$":
            kind = "zero"
            index += 1
        elif char == ".":
            kind = "req"
            index += 1
        elif char in "*+?{|)]":
            raise _Unsupported(text)
        else:
            key = frozenset(char)
            index += 1
        low, high = 1, 1
        quantifier = _QUANTIFIER.match(text, index)
        if quantifier and kind != "zero":
            symbol = quantifier.group()
            if symbol == "?":
                low, high = 0, 1
            elif symbol == "*":
                low, high = 0, -1
            elif symbol == "+":
                low, high = 1, -1
            else:
                low = int(quantifier.group(1) or 0)
                upper = quantifier.group(2)
                high = low if upper is None and "," not in symbol else int(upper or -1)
            index = quantifier.end()
            if text[index : index + 1] in ("?", "+"):
                index += 1
        tokens.append((kind, key, low, high))
    return tokens


def _group(inner: str) -> tuple[str, _Key]:
    """A group: ("set", its strings) when it has a few fixed texts, else ("req", the literals
    one of which it needs)."""
    strings: set[str] = set()
    for alternative in _alternatives(inner):
        run = {""}
        for kind, key, low, high in _tokens(alternative):
            if kind == "zero" and key is None:
                continue
            if kind != "set" or key is None or (low, high) != (1, 1):
                return "req", _pattern_key(inner)
            run = {left + right for left in run for right in key}
            if len(run) > _FINITE_LIMIT:
                return "req", _pattern_key(inner)
        strings |= run
    if "" in strings or len(strings) > _FINITE_LIMIT:
        return "req", _pattern_key(inner)
    return "set", frozenset(strings)


def _alternative_key(alternative: str) -> _Key:
    elements: list[frozenset[str]] = []
    run = {""}

    def flush() -> None:
        nonlocal run
        if run != {""}:
            elements.append(frozenset(run))
        run = {""}

    for kind, key, low, high in _tokens(alternative):
        if kind == "zero":  # consumes nothing: the texts on either side stay adjacent
            if key:
                elements.append(key)
            continue
        if low == 0:
            flush()
            continue
        if kind == "set" and key is not None:
            if len(run) * len(key) > _FINITE_LIMIT:
                flush()
            run = {left + right for left in run for right in key}
            if high != 1:
                flush()
        else:
            flush()
            if key:
                elements.append(key)
    flush()
    if not elements:
        return None
    best = max(elements, key=lambda strings: (min(map(len, strings)), -len(strings)))
    return best if min(map(len, best)) > 0 else None


def _pattern_key(pattern: str) -> _Key:
    """Strings one of which every match of ``pattern`` contains (None when unknown)."""
    try:
        keys = [_alternative_key(alternative) for alternative in _alternatives(pattern)]
    except (_Unsupported, IndexError, ValueError):
        return None
    union: set[str] = set()
    for key in keys:
        if key is None:
            return None
        union |= key
    return frozenset(union)


_Trie = dict[str, "_Trie"]


def _trie(words: Iterable[str]) -> str:
    """A regular expression matching exactly ``words``, longest first, written as a trie."""
    root: _Trie = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: _Trie) -> str:
        branches = [re.escape(char) + pattern(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


def _split_rule(pattern: str) -> list[tuple[str, _Key]]:
    """A rule's top-level alternatives, each with its prefilter key (the rule matches when one
    of them does)."""
    try:
        alternatives = _alternatives(pattern)
    except _Unsupported:
        return [(pattern, None)]
    split = []
    for alternative in alternatives:
        try:
            key = _alternative_key(alternative)
        except (_Unsupported, IndexError, ValueError):
            key = None
        split.append((alternative, key))
    return split


class _Matcher:
    """The rules of one field, tried in file order on folded (lower-case) text: the first that
    matches wins. Each rule is split into its alternatives ("latitude|thinkpad|..."), and only
    the alternatives whose prefilter literal the text contains are searched (and those without
    a literal); see above. A literal is indexed by its first four characters only: finding the
    candidates stays a few set operations."""

    def __init__(self, rules: Sequence[CategoryRule]) -> None:
        self.rules = [(re.compile(rule.pattern), rule) for rule in rules]
        self.parts: list[tuple[re.Pattern[str], CategoryRule]] = []
        always: set[int] = set()
        index: dict[str, set[int]] = {}
        for rule in rules:
            for alternative, key in _split_rule(rule.pattern):
                part = len(self.parts)
                self.parts.append((re.compile(alternative), rule))
                if key is None:
                    always.add(part)
                for literal in key or ():
                    index.setdefault(literal[:4], set()).add(part)
        self.always = frozenset(always)
        # One regular expression finds, at every position, the longest indexed piece starting
        # there (a trie, so each position costs a few character tests); a piece also stands
        # for the shorter pieces it begins with.
        self.pieces = re.compile(f"(?=({_trie(index)}))") if index else None
        self.candidates = {
            piece: frozenset().union(
                *(index.get(piece[:size], ()) for size in range(1, len(piece) + 1))
            )
            for piece in index
        }

    def first(self, folded: str) -> CategoryRule | None:
        if not folded:
            return None
        candidates = set(self.always)
        if self.pieces is not None:
            for piece in self.pieces.findall(folded):
                candidates |= self.candidates[piece]
        parts = self.parts
        for part in sorted(candidates):
            pattern, rule = parts[part]
            if pattern.search(folded):
                return rule
        return None

    def first_in_order(self, folded: str) -> CategoryRule | None:
        """The same answer without the prefilter (the tests check they agree)."""
        if folded:
            for pattern, rule in self.rules:
                if pattern.search(folded):
                    return rule
        return None


@cache
def _matchers() -> dict[str, _Matcher]:
    rules = category_rules()
    return {field: _Matcher([r for r in rules if r.field == field]) for field in RULE_FIELDS}


@lru_cache(maxsize=16)
def _user_matcher(rules: tuple[CategoryRule, ...]) -> _Matcher:
    return _Matcher(rules)


@cache
def _category_of_label() -> dict[str, str]:
    """Normalised category code, French or English label -> code."""
    data = reference_data()
    return {name: data.category_codes[index] for name, index in category_lookup(data).items()}


# ---------------------------------------------------------------------------------------------
# Guessing


def _rule_guess(rule: CategoryRule | None) -> Guess | None:
    return Guess(rule.category, rule.confidence, rule.id) if rule else None


@lru_cache(maxsize=4096)
def _type_guess(type_text: str) -> Guess | None:
    code = _category_of_label().get(normalise_name(type_text))
    if code:
        return Guess(code, 1.0, CATEGORY_LABEL_RULE)
    return _rule_guess(_matchers()["type"].first(fold(type_text)))


@lru_cache(maxsize=65536)
def _model_guess(text: str) -> Guess | None:
    return _rule_guess(_matchers()["model"].first(fold(text)))


def _combine(by_type: Guess | None, by_model: Guess | None) -> Guess | None:
    if by_type is None or by_model is None:
        return by_type or by_model
    type_category, model_category = by_type.category, by_model.category
    if type_category == model_category:
        return by_model if by_model.confidence > by_type.confidence else by_type
    if type_category in OUTRIGHT_EXCLUSIONS:  # a virtual machine, whatever else it claims
        return by_type
    if model_category in OUTRIGHT_EXCLUSIONS:
        return by_model
    excluded_type = type_category.startswith(EXCLUDE_PREFIX)  # rule categories are normalised
    excluded_model = model_category.startswith(EXCLUDE_PREFIX)
    if excluded_model:
        # "ALIM 61W MACBOOK PRO" typed "Laptop": the model names the article, the type only the
        # family it serves (G4IT and many spreadsheets type a charger like its laptop).
        return by_model
    if excluded_type:  # typed "Logiciel" with a model we know: the surer wins, else confirm
        if by_type.confidence >= by_model.confidence:
            return by_type
        return Guess(by_type.category, CONFLICT_CONFIDENCE, by_type.rule_id)
    pair = (type_category, model_category)
    if pair in REFINEMENTS or (
        pair in SPECIFIC_REFINEMENTS and by_model.confidence >= SPECIFIC_MODEL
    ):
        return by_model
    kind = FAMILIES.get(type_category)
    if kind and kind == FAMILIES.get(model_category):
        return by_model if by_model.confidence > by_type.confidence else by_type
    winner = by_type if by_type.confidence >= by_model.confidence else by_model
    return Guess(winner.category, min(winner.confidence, CONFLICT_CONFIDENCE), winner.rule_id)


def _infer_without_name(
    type_text: str, manufacturer_text: str, model_text: str, category_text: str
) -> Guess | None:
    if category_text:
        code = _category_of_label().get(normalise_name(category_text))
        if code:
            return Guess(code, 1.0, CATEGORY_COLUMN_RULE)
        type_text = type_text or category_text  # free text in the category column: a type
    by_type = _type_guess(type_text) if type_text else None
    by_model = None
    if model_text or manufacturer_text:
        by_model = _model_guess(f"{manufacturer_text} {model_text}")
    return _combine(by_type, by_model)


def _infer_from_name(name_text: str) -> Guess:
    if not name_text:
        return UNKNOWN
    folded = fold(_DIGITS.sub("0", name_text))
    return _rule_guess(_matchers()["name"].first(folded)) or UNKNOWN


def _user_guess(
    matcher: _Matcher, type_text: str, manufacturer_text: str, model_text: str, category_text: str
) -> Guess | None:
    """A --category-map rule's answer: after a category cell that names a category (the row's
    own word), before every built-in rule."""
    if category_text and _category_of_label().get(normalise_name(category_text)):
        return None
    text = fold(f"{type_text or category_text} {manufacturer_text} {model_text}")
    return _rule_guess(matcher.first(text))


def _with_hint(guess: Guess | None, hint: str) -> Guess | None:
    """An untyped row's model guess, given what the file lists: agreeing (same family) makes it
    at least HINT_AGREES sure; disagreeing makes it uncertain; an exclusion stays as it is."""
    if guess is None or exclusion_reason(guess.category) is not None:
        return guess
    if family(guess.category) == family(hint):
        return Guess(guess.category, max(guess.confidence, HINT_AGREES), guess.rule_id)
    return Guess(guess.category, min(guess.confidence, CONFLICT_CONFIDENCE), guess.rule_id)


def infer_one(
    type_text: str = "",
    model_text: str = "",
    name_text: str = "",
    manufacturer_text: str = "",
    category_text: str = "",
    *,
    hint: str | None = None,
    extra_rules: Sequence[CategoryRule] = (),
) -> Guess:
    """The guess for one row (the same as ``infer_categories`` gives it)."""
    guesses = infer_categories(
        [type_text],
        [model_text],
        [name_text],
        [manufacturer_text],
        category_texts=[category_text],
        hint=hint,
        extra_rules=extra_rules,
    )
    return Guess(guesses.categories[0], guesses.confidences[0], guesses.rule_ids[0])


def infer_categories(
    type_texts: Sequence[str] | None,
    model_texts: Sequence[str] | None,
    name_texts: Sequence[str] | None,
    manufacturer_texts: Sequence[str] | None,
    *,
    category_texts: Sequence[str] | None = None,
    hint: str | None = None,
    extra_rules: Sequence[CategoryRule] = (),
) -> CategoryGuesses:
    """Guess every row's category from its columns (None: the file has no such column).

    Returns (categories, confidences, rule_ids), one entry per row: the category is a code of
    the engine's categories, ``exclude:<reason>`` for a row to leave out (NOT_EQUIPMENT for a
    virtual machine; see ``exclusion_reason``), or "" when nothing matched (confidence 0).

    In order: a category cell that names a category (code or label) wins outright; then the
    user's ``extra_rules`` (``load_category_map``), searched in "type manufacturer model"; then
    the type and the model are matched (see ``data/intake/category_rules.csv``), and the name
    only when neither says anything.

    ``hint`` (a category code, from ``file_hint``: "this file lists monitors") is for the rows
    without a type (nor category cell): when their model says nothing and neither does their
    name, they get the hint at HINT_CONFIDENCE (below UNCERTAIN_BELOW: the user confirms);
    a model guess of the same family is kept at least HINT_AGREES sure, one of another family
    is made uncertain (CONFLICT_CONFIDENCE at most), an exclusion stays as it is."""
    columns = [type_texts, manufacturer_texts, model_texts, category_texts, name_texts]
    lengths = {len(column) for column in columns if column is not None}
    if len(lengths) > 1:
        raise ValueError(f"The columns differ in length: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    if hint is not None and hint not in _category_of_label().values():
        raise ValueError(f"Unknown category for the file hint: {hint!r}")

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
    user = _user_matcher(tuple(extra_rules)) if extra_rules else None
    known: dict[tuple[str, str, str, str], Guess | None] = {}
    for key in dict.fromkeys(keys):
        guess = _user_guess(user, *key) if user else None
        if guess is None:
            guess = _infer_without_name(*key)
            if hint and not key[0] and not key[3]:
                guess = _with_hint(guess, hint)
        known[key] = guess
    guesses = list(map(known.__getitem__, keys))
    if None in known.values():
        names = column(name_texts)
        by_name: dict[str, Guess] = {}
        for index, guess in enumerate(guesses):
            if guess is None:
                # Host names are unique but their patterns are few: "PC-00123" and "PC-00124"
                # are both "PC-0" for the rules, which see every run of digits as one 0.
                shape = _DIGITS.sub("0", names[index])
                if shape not in by_name:
                    by_name[shape] = _infer_from_name(shape)
                found = by_name[shape]
                if found.category == SUMMARY_ROW and not any(keys[index]):
                    # "Total" with nothing else on the row: a spreadsheet's total, not a host
                    # name (a name guess otherwise stays below UNCERTAIN_BELOW).
                    found = Guess(SUMMARY_ROW, SUMMARY_ROW_CONFIDENCE, found.rule_id)
                elif hint and found is UNKNOWN and not keys[index][0] and not keys[index][3]:
                    found = Guess(hint, HINT_CONFIDENCE, FILE_HINT_RULE)
                guesses[index] = found
    if not guesses:
        return CategoryGuesses([], [], [])
    categories, confidences, rule_ids = zip(*guesses, strict=True)
    return CategoryGuesses(list(categories), list(confidences), list(rule_ids))


def uncertain(confidences: Sequence[float]) -> list[bool]:
    """Which guesses the user should confirm (below ``UNCERTAIN_BELOW``, unknown included)."""
    return [confidence < UNCERTAIN_BELOW for confidence in confidences]


# ---------------------------------------------------------------------------------------------
# What a whole file lists


class _FileHint(NamedTuple):
    id: str
    where: str  # "header" or "name"
    pattern: re.Pattern[str]
    category: str  # "" for a header cell that cancels the header's hint


@cache
def _file_hints() -> tuple[_FileHint, ...]:
    text = _FILE_HINTS.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    codes = set(reference_data().category_codes)
    hints = []
    for row in csv.DictReader(lines):
        where, category = row["where"].strip(), row["category"].strip()
        if where not in ("header", "name") or (category and category not in codes):
            raise ValueError(f"type_file_hints.csv, hint {row['id']!r}: bad where or category")
        pattern = row["pattern"]
        compiled = re.compile(f"^(?:{pattern})$" if where == "header" else pattern)
        hints.append(_FileHint(row["id"].strip(), where, compiled, category))
    return tuple(hints)


def _single_kind(categories: Sequence[str]) -> str | None:
    """The first category when all are of one family, else None."""
    if categories and len({family(category) for category in categories}) == 1:
        return categories[0]
    return None


def file_hint(header: Sequence[str], file_name: str = "", sheet_name: str = "") -> str | None:
    """What the file lists, when it lists one kind of device: a category code ("monitor" for
    GLPI's monitor list, with its "Taille" column, or for ecrans.xlsx, a sheet "Liste des
    moniteurs"), else None. The header speaks first (a column only monitor lists have; an
    operating system column says "computers or mixed": no hint), then the sheet name, then the
    file name; signals of several families ("ecrans et pc.xlsx") give no hint. For
    ``infer_categories(..., hint=...)``."""
    hints = _file_hints()
    cells = [fold(str(cell)) for cell in header if str(cell).strip()]
    found = [h.category for h in hints if h.where == "header" for c in cells if h.pattern.match(c)]
    if "" in found:
        return None
    if found:
        return _single_kind(found)
    for name in (sheet_name, Path(file_name).stem if file_name else ""):
        text = fold(re.sub(r"[_.\-]+", " ", name))
        if not text:
            continue
        found = [h.category for h in hints if h.where == "name" and h.pattern.search(text)]
        if found:
            return _single_kind(found)
    return None


# ---------------------------------------------------------------------------------------------
# The user's own rules (capnr footprint --category-map)

_MAP_HEADER_PATTERN = {"pattern", "motif", "texte", "text", "regex", "expression", "modele"}
_MAP_HEADER_CATEGORY = {"category", "categorie", "cat", "code", "categorie cap nr"}


def _fold_pattern(pattern: str) -> str:
    """A user's pattern in the form the texts have: lower case, no accents, spaces collapsed;
    escapes ("\\D", "\\S") kept as written."""
    parts = re.split(r"(\\.)", pattern.strip())
    folded = [part if part.startswith("\\") else _plain(part) for part in parts]
    return re.sub(r" +", " ", "".join(folded))


def _map_category(text: str) -> str | None:
    category = text.strip()
    if category == LEGACY_NOT_EQUIPMENT:
        return NOT_EQUIPMENT
    if category.lower().startswith(EXCLUDE_PREFIX):
        category = category.lower()
        return category if exclusion_reason(category) else None
    return _category_of_label().get(normalise_name(category))


def load_category_map(path: Path) -> tuple[CategoryRule, ...]:
    """The user's rules from a two-column CSV file, ``pattern,category`` (or ``;``-separated;
    a header line, blank lines and lines starting with # are skipped; a third column is read as
    a note). A pattern is searched, case and accents ignored, in "type manufacturer model": a
    plain word matches as a substring, a regular expression is allowed (quote a pattern holding
    the separator). The category is a Cap NR code, its French or English label, or
    ``exclude:<reason>`` (reasons: EXCLUSION_REASONS). The rules come before the built-in ones,
    with confidence 1.0 (``infer_categories(..., extra_rules=...)``). Raises ValueError listing
    every bad line at once."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # Excel's "CSV" in a French Windows
    lines = text.splitlines()
    content = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    delimiter = ";" if content and content[0].count(";") > content[0].count(",") else ","
    rules: list[CategoryRule] = []
    errors: list[str] = []
    reasons = ", ".join(EXCLUSION_REASONS)
    first = True
    for number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if first:
            first = False
            header = [fold(cell) for cell in cells[:2]] + [""]
            if header[0] in _MAP_HEADER_PATTERN and header[1] in _MAP_HEADER_CATEGORY:
                continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            errors.append(f"line {number}: expected a pattern and a category")
            continue
        pattern = _fold_pattern(cells[0])
        category = _map_category(cells[1])
        problems = []
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(
                f"the pattern {cells[0]!r} is not a valid regular expression ({error}); "
                "put a backslash before special characters such as + ( ) [ ] ?"
            )
        if category is None:
            problems.append(
                f"unknown category {cells[1]!r}: use a Cap NR category code, its French or "
                f"English label, or exclude:<reason> with a reason among {reasons}"
            )
        if problems:
            errors.append(f"line {number}: " + "; ".join(problems))
            continue
        assert category is not None
        rules.append(
            CategoryRule(
                id=f"category_map:{path.name}:{number}",
                field=USER_RULE_FIELD,
                pattern=pattern,
                category=category,
                confidence=1.0,
                note=cells[2] if len(cells) > 2 else "",
                source=f"{path.name}, line {number}",
            )
        )
    if errors:
        count = f"{len(errors)} bad line{'s' if len(errors) > 1 else ''}"
        raise ValueError(f"{path.name}: {count}:\n" + "\n".join(errors))
    return tuple(rules)
