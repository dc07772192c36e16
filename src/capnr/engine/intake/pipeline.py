"""Check a whole inventory table at once: categories, quantities, dates, numbers, duplicates.

One pipeline for every door: the web import and the API (through ``capnr.inventory``),
``capnr import_inventory`` and ``capnr footprint`` all call ``check_table`` and so accept the same
files, recognise the same categories and report the same problems, in one pass: every problem of
every row, each once, in French or English.

Columnar: each column is dictionary-encoded (``table.EncodedColumn``), every check runs on a
column's distinct texts and is carried back to the rows with numpy indexing, so a million rows
cost about what their few thousand distinct values cost.

Outcome of a row:
- **kept**: it has a category (recognised, chosen by the user, or an uncertain guess to confirm);
- **excluded**: it is not a device of the fleet (virtual machine, software, consumable, accessory,
  summary row, a device Cap NR has no figures for, a retired device) — counted, never computed;
- **unrecognised**: nothing says what it is. ``unrecognised="ask"`` (web) keeps it in a group for
  the person to decide; ``"reject"`` makes each group a problem; ``"exclude"`` leaves it out.
Problems refuse the file; warnings (a purchase date in the future, an uncertain guess) do not."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt

from ..assets import (
    CASE_ALIASES,
    HEADER_ALIASES,
    OPTIONAL_NUMBERS,
    AssetTable,
    _number_check,
    _parse_number,
    normalise_name,
)
from ..reference import ReferenceData, reference_data
from . import messages
from .columns import mapping_from_suggestions, suggest_mapping
from .dates import DateReading, Order, read_dates
from .g4it import country_code
from .messages import Language
from .recognition import (
    EXCLUSION_REASONS,
    UNCERTAIN_BELOW,
    CategoryRule,
    exclusion_reason,
    file_hint,
    infer_categories,
)
from .table import ColumnTable, EncodedColumn, factor

Unrecognised = Literal["ask", "reject", "exclude"]
T = TypeVar("T", bound=np.generic)
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

# GLPI, OCS and Snipe-IT statuses, French and English, normalised -> our status codes.
STATUS_WORDS = {
    "en_service": "in_use",
    "in_use": "in_use",
    "actif": "in_use",
    "active": "in_use",
    "en_production": "in_use",
    "production": "in_use",
    "utilise": "in_use",
    "deployed": "in_use",
    "ready_to_deploy": "in_stock",
    "pending": "in_stock",
    "en_stock": "in_stock",
    "stock": "in_stock",
    "in_stock": "in_stock",
    "en_reserve": "in_stock",
    "en_reparation": "in_repair",
    "in_repair": "in_repair",
    "under_repair": "in_repair",
    "repair": "in_repair",
    "en_panne": "in_repair",
    "broken": "in_repair",
    "rebut": "retired",
    "reforme": "retired",
    "retired": "retired",
    "hors_service": "retired",
    "retire": "retired",
    "decommissioned": "retired",
    "au_rebut": "retired",
    "archived": "retired",
    "lost_stolen": "retired",
}
ENTITY_SEPARATOR = ">"
# The longest text each stored field holds (the inventory's and organisations' models say the
# same; a test compares them). A longer cell is a problem of its row, found at the check step:
# it would fail the store, or cost memory all the way to the footprint.
TEXT_LIMITS = {
    "name": 200,
    "manufacturer": 120,
    "model": 200,
    "serial_number": 120,
    "inventory_number": 120,
    "os_name": 120,
    "site": 200,
    "department": 200,  # a department's name; for a GLPI entity, each part of its path
    "entity": 200,
}
QUOTED_TEXT = 60  # how much of an over-long cell a problem quotes
# Fields that say what a device is: a row with none of them is a leftover, not a device.
IDENTITY_FIELDS = ("name", "category", "type", "manufacturer", "model", "serial_number",
                   "inventory_number")  # fmt: skip
# The engine's own columns (power and usage overrides, server configuration) a file may carry
# beside the inventory fields; read with the footprint command's names (``assets.HEADER_ALIASES``).
ENGINE_NUMBERS = tuple(name for name in OPTIONAL_NUMBERS if name not in {"lifetime_years"})
ENGINE_TEXTS = ("archetype", "case_type")
SERVER_SETTINGS = {
    "cpu_units",
    "cpu_core_units",
    "ram_units",
    "ram_capacity_gb",
    "ssd_units",
    "ssd_capacity_gb",
    "hdd_units",
    "psu_units",
    "time_workload_percent",
    "archetype",
    "case_type",
}
SERVER_CATEGORIES = {"server_rack", "server_tower"}
FIELD_ORDER = (
    "",
    "name",
    "category",
    "type",
    "model",
    "quantity",
    "purchase_date",
    "retirement_date",
    "lifetime_years",
    "country",
    "annual_kwh",
    "serial_number",
    "inventory_number",
)


@dataclass(frozen=True)
class Problem:
    """Something wrong (or worth knowing) about one cell; ``row`` 0 is about the whole file."""

    code: str
    row: int
    column: str
    value: str
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: Language = "fr") -> str:
        return messages.text(self.code, lang, **self.params)

    def as_dict(self, lang: Language = "fr") -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "message": self.message(lang),
        }


@dataclass
class Group:
    """Rows sharing a type and a model (how people confirm categories: a group at a time)."""

    key: str
    type: str
    model: str
    suggested: str  # a category code, "" when nothing was recognised
    confidence: float
    rule: str
    rows: int = 0
    devices: int = 0
    first_row: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "type": self.type,
            "model": self.model,
            "suggested": self.suggested,
            "confidence": self.confidence,
            "rule": self.rule,
            "count": self.rows,
            "devices": self.devices,
            "first_row": self.first_row,
        }


@dataclass
class Excluded:
    """Rows left out for one reason and one value (e.g. accessory · "ALIM 61W MACBOOK PRO")."""

    reason: str
    value: str
    rows: list[int]
    devices: int

    def as_dict(self, lang: Language = "fr") -> dict[str, object]:
        return {
            "reason": self.reason,
            "reason_text": messages.text(f"excluded.{self.reason}", lang),
            "value": self.value,
            "rows": self.rows,
            "devices": self.devices,
        }


@dataclass
class IntakeOptions:
    mapping: Mapping[int, str] | None = None  # column index -> field; None: suggested
    category_overrides: Mapping[str, str] = field(default_factory=dict)  # group key -> code
    extra_rules: Sequence[CategoryRule] = ()  # the user's rules (``--category-map``)
    unrecognised: Unrecognised = "ask"
    date_order: Order = "auto"
    as_of: date | None = None
    default_country: str = "FRA"
    file_name: str = ""
    sheet_name: str = ""
    exclude_retired: bool = False  # the footprint leaves retired devices out; imports keep them


@dataclass
class Intake:
    """The checked table: kept rows (``kept`` indexes ``table``'s rows) with their parsed
    columns, and everything said about the file. Per-row texts stay dictionary-encoded
    (``encoded``): the list properties below are for the few steps that need rows."""

    table: ColumnTable
    fields: dict[str, EncodedColumn]  # inventory field -> column (all rows of the table)
    engine_columns: dict[str, EncodedColumn]  # engine column -> column (all rows)
    kept: IntArray
    # Per kept row: "category" (a code, or "" for an unrecognised row still to decide),
    # "group_key", "purchase_date" and "retirement_date" (ISO or ""), "country" (ISO 3166-1
    # alpha-3), "status".
    encoded: dict[str, EncodedColumn]
    confidence: npt.NDArray[np.float64]  # per kept row
    quantity: npt.NDArray[np.int64]  # per kept row
    lifetime_years: npt.NDArray[np.float64]  # per kept row, NaN when not given
    annual_kwh: npt.NDArray[np.float64]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)  # uncertain or unrecognised, to confirm
    date_order: str = ""
    mapping: dict[int, str] = field(default_factory=dict)

    @property
    def row_numbers(self) -> npt.NDArray[np.int64]:
        return self.table.row_numbers[self.kept]

    @cached_property
    def category(self) -> list[str]:
        return self.encoded["category"].cells()

    @cached_property
    def group_key(self) -> list[str]:
        return self.encoded["group_key"].cells()

    @cached_property
    def purchase_date(self) -> list[str]:
        return self.encoded["purchase_date"].cells()

    @cached_property
    def retirement_date(self) -> list[str]:
        return self.encoded["retirement_date"].cells()

    @cached_property
    def country(self) -> list[str]:
        return self.encoded["country"].cells()

    @cached_property
    def status(self) -> list[str]:
        return self.encoded["status"].cells()

    def column(self, name: str) -> EncodedColumn:
        """A field's column restricted to the kept rows (the empty text when absent)."""
        column = self.fields.get(name)
        if column is None:
            return EncodedColumn.empty(len(self.kept))
        return column.take(self.kept)

    def text(self, name: str) -> list[str]:
        """A field's stripped text for every kept row ("" when the file has no such column)."""
        return self.column(name).cells()

    def categories(self) -> dict[str, int]:
        """Category code -> number of devices (quantities summed), kept rows with a category."""
        category = self.encoded["category"]
        devices = np.bincount(
            category.codes, weights=self.quantity, minlength=len(category.values)
        ).tolist()
        counts = {code: int(total) for code, total in zip(category.values, devices, strict=True)}
        return dict(sorted((code, total) for code, total in counts.items() if code and total))

    def sorted_problems(self) -> list[Problem]:
        order = {name: index for index, name in enumerate(FIELD_ORDER)}
        return sorted(self.problems, key=lambda p: (p.row, order.get(p.column, 99), p.column))


def department_path(entity: str, department: str) -> list[str]:
    """A department given directly, or the path of a GLPI entity without its root (the
    organisation itself): 'Org > Secrétariat général > SI' -> ['Secrétariat général', 'SI']."""
    if department:
        return [department.strip()]
    parts = [part.strip() for part in entity.split(ENTITY_SEPARATOR) if part.strip()]
    return parts[1:] if len(parts) > 1 else []


def group_key(type_text: str, model_text: str) -> str:
    return f"{type_text.strip()} | {model_text.strip()}"


class _Checker:
    """One run of ``check_table``: the table, its columns and the problems found so far."""

    def __init__(self, table: ColumnTable, options: IntakeOptions, data: ReferenceData) -> None:
        self.table = table
        self.options = options
        self.data = data
        self.n = len(table)
        mapping = options.mapping
        if mapping is None:
            mapping = mapping_from_suggestions(suggest_mapping(table.header))
        self.mapping = dict(mapping)
        self.fields = {field: table.columns[index] for index, field in self.mapping.items()}
        self.engine_columns = self._engine_columns()
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.lines = table.row_numbers

    def _engine_columns(self) -> dict[str, EncodedColumn]:
        """Columns the inventory vocabulary left unmapped but that name an engine override."""
        found: dict[str, EncodedColumn] = {}
        for index, raw in enumerate(self.table.header):
            if index in self.mapping:
                continue
            name = normalise_name(raw)
            canonical = (
                name if name in (*ENGINE_NUMBERS, *ENGINE_TEXTS) else HEADER_ALIASES.get(name)
            )
            if canonical in (*ENGINE_NUMBERS, *ENGINE_TEXTS) and canonical not in found:
                found[canonical] = self.table.columns[index]
        return found

    def column(self, name: str) -> EncodedColumn:
        return self.fields.get(name) or EncodedColumn.empty(self.n)

    def report(
        self,
        code: str,
        column_name: str,
        column: EncodedColumn,
        bad_values: Mapping[str, str] | set[str],
        rows: BoolArray | None = None,
        *,
        warning: bool = False,
        params: Mapping[str, object] | None = None,
    ) -> None:
        """A problem (or warning) for every row (among ``rows``) holding one of ``bad_values``;
        a mapping gives each value its own code."""
        if not bad_values:
            return
        per_value = np.array([value in bad_values for value in column.values], dtype=np.bool_)
        hit = per_value[column.codes]
        if rows is not None:
            hit &= rows
        target = self.warnings if warning else self.problems
        for index in np.flatnonzero(hit).tolist():
            value = column.values[column.codes[index]]
            this_code = bad_values[value] if isinstance(bad_values, Mapping) else code
            target.append(
                Problem(this_code, int(self.lines[index]), column_name, value, dict(params or {}))
            )

    # --- categories -------------------------------------------------------------------------

    def categories(
        self,
    ) -> tuple[EncodedColumn, npt.NDArray[np.float64], EncodedColumn, EncodedColumn]:
        """Per row: category (code, "exclude:<reason>" or ""), confidence, rule id, group key."""
        type_col, model_col = self.column("type"), self.column("model")
        maker_col, category_col = self.column("manufacturer"), self.column("category")
        name_col = self.column("name")
        # One key per distinct (type, manufacturer, model, category) combination: the four
        # codes packed in one integer (one 1-D unique is far cheaper than a unique of rows).
        parts = (type_col, maker_col, model_col, category_col)
        size = math.prod(max(len(part.values), 1) for part in parts)
        if size < 2**62:
            packed = np.zeros(self.n, dtype=np.int64)
            for part in parts:
                if len(part.values) > 1:  # a one-value column (often absent) adds nothing
                    packed = packed * len(part.values) + part.codes
            _, first, inverse = factor(packed, size)
        else:  # too many distinct texts to pack: unique of the rows of codes
            stacked = np.stack([part.codes for part in parts], axis=1)
            _, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        combos = np.stack([part.codes[first] for part in parts], axis=1).reshape(-1, 4)
        combo_types = [type_col.values[i] for i in combos[:, 0].tolist()]
        combo_makers = [maker_col.values[i] for i in combos[:, 1].tolist()]
        combo_models = [model_col.values[i] for i in combos[:, 2].tolist()]
        combo_categories = [category_col.values[i] for i in combos[:, 3].tolist()]
        hint = None
        if "type" not in self.fields and "category" not in self.fields:
            hint = file_hint(self.table.header, self.options.file_name, self.options.sheet_name)
        # A category cell naming one of ours wins; free text there is read as a device type,
        # and the model still speaks (recognition's own rule).
        guesses = infer_categories(
            combo_types,
            combo_models,
            None,
            combo_makers,
            category_texts=combo_categories,
            hint=hint,
            extra_rules=self.options.extra_rules,
        )
        confidence = np.asarray(guesses.confidences, dtype=np.float64)[inverse]
        category = EncodedColumn.recode(guesses.categories, inverse)
        rule = EncodedColumn.recode(guesses.rule_ids, inverse)
        unexplained = [i for i, code in enumerate(guesses.categories) if not code]
        if unexplained and "name" in self.fields:
            # Only the host name is left: weak guesses, per distinct name.
            rows = np.flatnonzero(np.isin(inverse, unexplained))
            names = name_col.take(rows)
            by_name = infer_categories(
                None, None, names.values, None, extra_rules=self.options.extra_rules
            )
            category = category.assign(rows, EncodedColumn.recode(by_name.categories, names.codes))
            rule = rule.assign(rows, EncodedColumn.recode(by_name.rule_ids, names.codes))
            confidence[rows] = np.asarray(by_name.confidences, dtype=np.float64)[names.codes]
        keys = EncodedColumn.recode(
            [
                group_key(combo_types[i] or combo_categories[i], combo_models[i])
                for i in range(len(combos))
            ],
            inverse,
        )
        overrides = self.options.category_overrides
        if overrides:
            rows = np.flatnonzero(keys.per_value(overrides.__contains__))
            chosen = [overrides.get(key, "") for key in keys.values]
            category = category.assign(rows, EncodedColumn.recode(chosen, keys.codes[rows]))
            rule = rule.fill(rows, "chosen")
            confidence[rows] = 1.0
        return category, confidence, rule, keys

    # --- cells ------------------------------------------------------------------------------

    def numbers(
        self,
        name: str,
        column: EncodedColumn,
        check: Callable[[float], str | None],
        rows: BoolArray,
    ) -> npt.NDArray[np.float64]:
        """Parse each distinct text once; report every bad cell among ``rows``."""
        values = np.full(len(column.values), math.nan)
        bad: dict[str, str] = {}
        for position, text in enumerate(column.values):
            if not text:
                continue
            try:
                number = _parse_number(_without_unit(text))
            except ValueError:
                bad[text] = _CODES_OF.get(name, "number_invalid")
                continue
            problem = check(number)
            if problem:
                bad[text] = problem
            else:
                values[position] = number
        self.report("", name, column, bad, rows)
        return column.map_values(values)

    def dates(self, name: str, column: EncodedColumn, rows: BoolArray) -> DateReading:
        """The column's distinct texts read as dates (``iso`` per value, "" when empty or bad);
        every bad cell among ``rows`` reported."""
        reading = read_dates(column.values, order=self.options.date_order)
        self.report("", name, column, dict(reading.problems), rows)
        return reading


_CODES_OF = {"quantity": "quantity_invalid", "lifetime_years": "lifetime_invalid"}
_UNITS = ("go", "gb", "to", "tb", "mo", "mb", "kwh", "w", "ans", "an", "years", "year", "%")


def _without_unit(text: str) -> str:
    """'32 Go' -> '32', '150 W' -> '150': a number followed by its unit is still that number."""
    lowered = text.strip().lower()
    for unit in _UNITS:
        if lowered.endswith(unit) and lowered[: -len(unit)].strip():
            head = lowered[: -len(unit)].strip()
            if head[-1:].isdigit():
                return head
    return text


def _quantity_check(value: float) -> str | None:
    return None if value >= 1 and float(value).is_integer() else "quantity_invalid"


def _lifetime_check(value: float) -> str | None:
    return None if value > 0 else "lifetime_invalid"


def _non_negative(value: float) -> str | None:
    return None if value >= 0 else "number_negative"


def _engine_check(name: str) -> Callable[[float], str | None]:
    def check(value: float) -> str | None:
        return "number_out_of_range" if _number_check(name, value) else None

    return check


def check_table(
    table: ColumnTable, options: IntakeOptions | None = None, data: ReferenceData | None = None
) -> Intake:
    """Check every row of ``table``; see the module docstring for what becomes of each row."""
    options = options or IntakeOptions()
    data = data or reference_data()
    checker = _Checker(table, options, data)
    n = checker.n
    category, confidence, rule, keys = checker.categories()
    status_col = checker.column("status")
    status = EncodedColumn.recode(
        [
            STATUS_WORDS.get(normalise_name(text), "in_use") if text else "in_use"
            for text in status_col.values
        ],
        status_col.codes,
    )
    if not any(name in checker.fields for name in IDENTITY_FIELDS):
        # Often a file without a header line: its first row was read as the column names.
        header = " | ".join(name for name in table.header if name)[:120]
        checker.problems.append(Problem("no_identity_column", 0, "", "", {"header": header}))
    out = _leave_out(checker, category, confidence, status)
    category, live, identity = out.category, ~out.excluded, out.identity

    quantities = checker.numbers("quantity", checker.column("quantity"), _quantity_check, live)
    quantity_all = np.where(np.isnan(quantities), 1, quantities).astype(np.int64)
    for index in np.flatnonzero(~identity & live).tolist():
        checker.problems.append(Problem("nothing_identifies", int(checker.lines[index]), "", ""))
    purchase_iso, retirement_iso, order = _dates(checker, live, options.as_of or date.today())
    lifetime = checker.numbers(
        "lifetime_years", checker.column("lifetime_years"), _lifetime_check, live
    )
    annual = checker.numbers("annual_kwh", checker.column("annual_kwh"), _non_negative, live)
    country_of = _countries(checker, live)
    _duplicates(checker, live)
    _lengths(checker, live)
    for line in getattr(table.detected, "legacy_lines", ()):
        checker.warnings.append(Problem("line_not_utf8", line, "", ""))
    _check_engine_columns(checker, category, live)
    groups = _groups(checker, live & (confidence < UNCERTAIN_BELOW) & identity,
                     category, confidence, rule, keys, quantity_all)  # fmt: skip
    _report_groups(checker, groups)

    kept = np.flatnonzero(live & identity)
    select = None if len(kept) == n else kept  # most files keep every row: no copies then

    def keep(array: npt.NDArray[T]) -> npt.NDArray[T]:
        return array if select is None else array[select]

    def recoded(name: str, answers: Sequence[str]) -> EncodedColumn:
        return EncodedColumn.recode(answers, keep(checker.column(name).codes))

    return Intake(
        table=table,
        fields=checker.fields,
        engine_columns=checker.engine_columns,
        kept=kept,
        encoded={
            "category": category.take_all(select),
            "group_key": keys.take_all(select),
            "purchase_date": recoded("purchase_date", purchase_iso),
            "retirement_date": recoded("retirement_date", retirement_iso),
            "country": recoded("country", country_of),
            "status": status.take_all(select),
        },
        confidence=keep(confidence),
        quantity=keep(quantity_all),
        lifetime_years=keep(lifetime),
        annual_kwh=keep(annual),
        problems=checker.problems,
        warnings=checker.warnings,
        excluded=_exclusions(checker, out.excluded, out.reason, out.reasons, keys, quantity_all),
        groups=groups,
        date_order=order,
        mapping=checker.mapping,
    )


@dataclass
class _LeftOut:
    """Which rows are left out and why (``reasons[reason[i]]``, 0 for a kept row); the
    categories once weak not-a-device guesses are cleared; which rows name a device."""

    category: EncodedColumn
    excluded: BoolArray
    reason: npt.NDArray[np.int8]
    reasons: list[str]
    identity: BoolArray


def _leave_out(
    checker: _Checker,
    category: EncodedColumn,
    confidence: npt.NDArray[np.float64],
    status: EncodedColumn,
) -> _LeftOut:
    """Exclusions come first: a charger's bad date is nobody's concern."""
    options = checker.options
    reasons = ["", *dict.fromkeys([*EXCLUSION_REASONS, "retired", "summary_row", "unrecognised"])]
    index = {reason: position for position, reason in enumerate(reasons)}
    reason = np.array(
        [index[exclusion_reason(code) or ""] if code else 0 for code in category.values],
        dtype=np.int8,
    )[category.codes]
    excluded = (reason > 0) & (confidence >= UNCERTAIN_BELOW)
    # A weak guess that a row is not a device (from a host name) is for the person to decide.
    category = category.fill(np.flatnonzero((reason > 0) & ~excluded), "")
    if options.exclude_retired:
        retired = status.per_value("retired".__eq__) & ~excluded
        reason[retired] = index["retired"]
        excluded |= retired
    identity = np.zeros(checker.n, dtype=np.bool_)
    described = np.zeros(checker.n, dtype=np.bool_)
    for name, column in checker.fields.items():
        if name in IDENTITY_FIELDS:
            identity |= column.nonempty()
        elif name != "quantity":
            described |= column.nonempty()
    # A row that says nothing of a device: a spreadsheet leftover (a total, a statistic beside
    # the table) when it holds nothing in the inventory's columns but numbers, else a problem.
    leftover = ~identity & ~described & ~excluded
    reason[leftover] = index["summary_row"]
    excluded |= leftover
    if options.unrecognised == "exclude":
        unknown = category.per_value(lambda code: not code) & ~excluded & identity
        reason[unknown] = index["unrecognised"]
        excluded |= unknown
    return _LeftOut(category, excluded, reason, reasons, identity)


def _dates(checker: _Checker, live: BoolArray, as_of: date) -> tuple[list[str], list[str], str]:
    """ISO purchase and retirement dates per distinct text, and the order the file's dates
    were read in. A file whose order cannot be told is a problem; a purchase in the future is
    a warning, and the date is then left out (the default age applies)."""
    purchase_col = checker.column("purchase_date")
    purchase = checker.dates("purchase_date", purchase_col, live)
    retirement = checker.dates("retirement_date", checker.column("retirement_date"), live)
    if (purchase.ambiguous or retirement.ambiguous) and checker.options.date_order == "auto":
        dated = [v for v in purchase_col.values if v]
        example = dated[0] if dated else ""
        checker.problems.append(
            Problem(
                "dates_ambiguous", 0, "purchase_date", example,
                {"count": len(dated), "example": example},
            )
        )  # fmt: skip
    today = as_of.isoformat()
    purchase_iso = list(purchase.iso)
    future_values = [i for i, iso in enumerate(purchase_iso) if iso and iso > today]
    if future_values:
        future = np.isin(purchase_col.codes, future_values) & live
        for index in np.flatnonzero(future).tolist():
            text = purchase_col.values[purchase_col.codes[index]]
            checker.warnings.append(
                Problem("date_in_future", int(checker.lines[index]), "purchase_date", text)
            )
        for value in future_values:
            purchase_iso[value] = ""
    return purchase_iso, list(retirement.iso), purchase.order or retirement.order


def _lengths(checker: _Checker, live: BoolArray) -> None:
    """A cell longer than its field holds is a problem of its row (quoted in part)."""
    for name, limit in TEXT_LIMITS.items():
        column = checker.fields.get(name)
        if column is None:
            continue
        if name == "entity":
            lengths = [
                max((len(part.strip()) for part in v.split(ENTITY_SEPARATOR)), default=0)
                for v in column.values
            ]
        else:
            lengths = [len(value) for value in column.values]
        too_long = [index for index, length in enumerate(lengths) if length > limit]
        if not too_long:
            continue
        for row in np.flatnonzero(np.isin(column.codes, too_long) & live).tolist():
            value = column.values[column.codes[row]]
            quoted = value if len(value) <= QUOTED_TEXT else value[:QUOTED_TEXT] + "…"
            checker.problems.append(
                Problem(
                    "text_too_long", int(checker.lines[row]), name, quoted,
                    {"length": lengths[column.codes[row]], "limit": limit},
                )
            )  # fmt: skip


def _countries(checker: _Checker, live: BoolArray) -> list[str]:
    """The alpha-3 code of each distinct country text (the default one when empty); a country
    the engine has no electricity figures for is a problem."""
    column, default = checker.column("country"), checker.options.default_country
    known = set(checker.data.countries)
    codes: list[str] = []
    bad: set[str] = set()
    for text in column.values:
        code = country_code(text) if text else default
        if code is None or (text and code not in known):
            bad.add(text)
            code = default
        codes.append(code)
    checker.report("country_unknown", "country", column, bad, live)
    return codes


def _duplicates(checker: _Checker, live: BoolArray) -> None:
    """A serial or inventory number given to two devices is a problem on each of their rows."""
    for name, code in (
        ("serial_number", "serial_duplicate"),
        ("inventory_number", "inventory_duplicate"),
    ):
        if name not in checker.fields:
            continue
        column = checker.fields[name]
        counts = np.bincount(column.codes[live], minlength=len(column.values))
        repeated = {v for v, c in zip(column.values, counts.tolist(), strict=True) if v and c > 1}
        checker.report(code, name, column, repeated, live)


def _report_groups(checker: _Checker, groups: Sequence[Group]) -> None:
    """On the command line (no one to ask): an unrecognised group is a problem unless such
    rows are left out, an uncertain guess a warning."""
    unrecognised = checker.options.unrecognised
    for group in groups:
        described = f"{group.type} {group.model}".strip()
        if not group.suggested and unrecognised == "reject":
            checker.problems.append(
                Problem(
                    "unrecognised", group.first_row, "category", described,
                    {"rows": group.rows, "devices": group.devices},
                )
            )  # fmt: skip
        elif group.suggested and unrecognised != "ask":
            checker.warnings.append(
                Problem(
                    "uncertain_category", group.first_row, "category", described,
                    {"category": group.suggested, "confidence": f"{group.confidence:.2f}"},
                )
            )  # fmt: skip


def _groups(
    checker: _Checker,
    unsure: BoolArray,
    category: EncodedColumn,
    confidence: npt.NDArray[np.float64],
    rule: EncodedColumn,
    keys: EncodedColumn,
    quantity: npt.NDArray[np.int64],
) -> list[Group]:
    """Groups to confirm: uncertain guesses and unrecognised rows, a (type, model) at a time,
    largest first; each described by its first row."""
    rows = np.flatnonzero(unsure)
    if len(rows) == 0:
        return []
    key_codes = keys.codes[rows]
    distinct, first, counts = np.unique(key_codes, return_index=True, return_counts=True)
    devices = np.bincount(key_codes, weights=quantity[rows], minlength=len(keys.values))
    type_col, model_col = checker.column("type"), checker.column("model")
    category_col, lines = checker.column("category"), checker.table.row_numbers
    groups = []
    for key, index, count in zip(
        distinct.tolist(), rows[first].tolist(), counts.tolist(), strict=True
    ):
        groups.append(
            Group(
                key=keys.values[key],
                type=type_col.values[type_col.codes[index]]
                or category_col.values[category_col.codes[index]],
                model=model_col.values[model_col.codes[index]],
                suggested=category.values[category.codes[index]],
                confidence=float(confidence[index]),
                rule=rule.values[rule.codes[index]],
                rows=count,
                devices=int(devices[key]),
                first_row=int(lines[index]),
            )
        )
    return sorted(groups, key=lambda g: (-g.rows, g.first_row))


def _exclusions(
    checker: _Checker,
    excluded: BoolArray,
    reason: npt.NDArray[np.int8],
    reasons: Sequence[str],
    keys: EncodedColumn,
    quantity: npt.NDArray[np.int64],
) -> list[Excluded]:
    """What was left out, a (reason, value) at a time: the group's type and model, the status
    of a retired device, the name of a summary row that has neither."""
    lines = checker.table.row_numbers
    status_col, name_col = checker.column("status"), checker.column("name")
    key_text = [key.strip(" |") for key in keys.values]
    found: dict[tuple[str, str], tuple[list[npt.NDArray[np.int64]], int]] = {}
    for code in np.unique(reason[excluded]).tolist():
        rows = np.flatnonzero(excluded & (reason == code))
        name = reasons[code] or "unrecognised"
        if name == "retired":
            parts = [(status_col.values, status_col.codes[rows], rows)]
        elif name == "summary_row":  # a leftover line often has only a name
            blank = np.array([not text for text in key_text], dtype=np.bool_)[keys.codes[rows]]
            parts = [
                (key_text, keys.codes[rows[~blank]], rows[~blank]),
                (name_col.values, name_col.codes[rows[blank]], rows[blank]),
            ]
        else:
            parts = [(key_text, keys.codes[rows], rows)]
        for values, codes, subset in parts:
            if len(subset) == 0:
                continue
            order = np.argsort(codes, kind="stable")
            distinct, starts = np.unique(codes[order], return_index=True)
            ends = [*starts[1:].tolist(), len(order)]
            for value, start, end in zip(distinct.tolist(), starts.tolist(), ends, strict=True):
                members = subset[order[start:end]]
                rows_of, devices = found.get((name, values[value]), ([], 0))
                rows_of.append(lines[members])
                found[(name, values[value])] = (rows_of, devices + int(quantity[members].sum()))
    items = [
        Excluded(name, value, np.sort(np.concatenate(parts)).tolist(), devices)
        for (name, value), (parts, devices) in found.items()
    ]
    return sorted(items, key=lambda e: (e.reason, -e.devices, e.value))


def _check_engine_columns(checker: _Checker, category: EncodedColumn, live: BoolArray) -> None:
    """Engine overrides: numbers in range; server settings only where the row is a server
    (a laptop's "RAM 32 Go" is not a server setting and never refuses the file)."""
    servers = category.per_value(SERVER_CATEGORIES.__contains__)
    for name, column in checker.engine_columns.items():
        rows = live & servers if name in SERVER_SETTINGS else live
        if name == "case_type":
            bad = {v for v in column.values if v and normalise_name(v) not in CASE_ALIASES}
            checker.report("case_type_invalid", name, column, bad, rows)
        elif name == "archetype":
            from ..boavizta_server import archetype_names

            known = set(archetype_names())
            bad = {v for v in column.values if v and v not in known}
            checker.report(
                "archetype_unknown",
                name,
                column,
                bad,
                rows,
                params={"known": ", ".join(sorted(known))},
            )
        else:
            checker.numbers(name, column, _engine_check(name), rows)


def asset_table(
    intake: Intake, data: ReferenceData | None = None, *, as_of: date | None = None
) -> AssetTable:
    """The kept rows that have a category, as the engine's asset table (for the footprint).
    Every per-row column is made from its distinct values with one numpy indexing; site and
    department also come as codes (``AssetTable.text_codes``) so that grouping by them needs no
    string work.

    A declared yearly consumption (G4IT's ``consoElecAnnuelle``) becomes a constant power over
    the year: ``avg_power_w = kWh × 1000 / 8760`` with ``use_time_ratio = 1``."""
    data = data or reference_data()
    as_of = as_of or date.today()
    index_of = {code: i for i, code in enumerate(data.category_codes)}
    category = intake.encoded["category"]
    engine_category = np.array([index_of.get(code, -1) for code in category.values], np.intp)[
        category.codes
    ]
    rows = np.flatnonzero(engine_category >= 0)
    n = len(rows)
    # Most fleets keep every row of the file: then no column is copied.
    select = None if n == len(intake.kept) else rows
    every_row = select is None and len(intake.kept) == len(intake.table)
    table_rows = None if every_row else intake.kept[rows]

    def keep(array: npt.NDArray[T]) -> npt.NDArray[T]:
        return array if select is None else array[select]

    def of_table(column: EncodedColumn) -> EncodedColumn:
        return column if table_rows is None else column.take(table_rows)

    numbers: dict[str, npt.NDArray[np.float64]] = {"lifetime_years": keep(intake.lifetime_years)}
    purchase = intake.encoded["purchase_date"]
    age = np.array(
        [
            (as_of - date.fromisoformat(text)).days / 365.25 if text else math.nan
            for text in purchase.values
        ],
        dtype=np.float64,
    )[keep(purchase.codes)]
    for name, column in intake.engine_columns.items():
        if name in ENGINE_NUMBERS:
            numbers[name] = _engine_number(name, column)[of_table(column).codes]
    servers = category.take_all(select).per_value(SERVER_CATEGORIES.__contains__)
    for name in SERVER_SETTINGS & set(numbers):
        numbers[name] = np.where(servers, numbers[name], math.nan)
    if "age_years" in numbers:
        numbers["age_years"] = np.where(np.isnan(numbers["age_years"]), age, numbers["age_years"])
    else:
        numbers["age_years"] = age
    annual = keep(intake.annual_kwh)
    declared = ~np.isnan(annual)
    if declared.any():
        power = numbers.get("avg_power_w", np.full(n, math.nan))
        ratio = numbers.get("use_time_ratio", np.full(n, math.nan))
        numbers["avg_power_w"] = np.where(declared, annual * 1000 / 8760, power)
        numbers["use_time_ratio"] = np.where(declared, 1.0, ratio)

    def field_column(name: str) -> EncodedColumn:
        return of_table(intake.fields.get(name) or EncodedColumn.empty(len(intake.table)))

    site = field_column("site")
    departments = _departments(field_column("entity"), field_column("department"))
    text_codes = {name: _sorted_codes(column) for name, column in
                  (("site", site), ("department", departments))}  # fmt: skip
    texts: dict[str, npt.NDArray[np.str_]] = {}  # site and department: from their codes
    for name, column in intake.engine_columns.items():
        if name in ENGINE_TEXTS:
            cells = of_table(column)
            values = cells.values
            if name == "case_type":
                values = [CASE_ALIASES.get(normalise_name(c), "") if c else "" for c in values]
            server_texts = np.array(values, dtype=np.str_)[cells.codes]
            texts[name] = np.where(servers, server_texts, "").astype(np.str_)
    countries = {code: i for i, code in enumerate(data.countries)}
    country = intake.encoded["country"]
    return AssetTable(
        category=keep(engine_category),
        country=np.array([countries[code] for code in country.values], dtype=np.intp)[
            keep(country.codes)
        ],
        quantity=keep(intake.quantity).astype(np.float64),
        numbers=numbers,
        texts=texts,
        source_rows=keep(intake.row_numbers).astype(np.intp),
        text_codes=text_codes,
    )


def _engine_number(name: str, column: EncodedColumn) -> npt.NDArray[np.float64]:
    """An engine override per distinct text: its number, NaN when empty or out of range (the
    check reported those)."""
    parsed = np.full(len(column.values), math.nan)
    for position, text in enumerate(column.values):
        if text:
            try:
                value = _parse_number(_without_unit(text))
            except ValueError:
                continue
            if not _number_check(name, value):
                parsed[position] = value
    return parsed


def _departments(entity: EncodedColumn, department: EncodedColumn) -> EncodedColumn:
    """Each row's department: the one given, else the last part of its GLPI entity; computed
    once per distinct (entity, department) pair, then carried to the rows."""
    width = len(department.values)
    pairs, _, pair_of_row = factor(
        entity.codes.astype(np.int64) * width + department.codes, len(entity.values) * width
    )
    return EncodedColumn.recode(
        [
            (department_path(entity.values[pair // width], department.values[pair % width])
             or [""])[-1]
            for pair in pairs.tolist()
        ],
        pair_of_row.reshape(-1),
    )  # fmt: skip


def _sorted_codes(column: EncodedColumn) -> tuple[IntArray, tuple[str, ...]]:
    """(codes, values) with the values in sorted order, so that code order is text order."""
    order = sorted(range(len(column.values)), key=column.values.__getitem__)
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order), dtype=np.intp)
    return rank[column.codes], tuple(column.values[i] for i in order)
