"""Dates as inventory files write them, read into ISO 8601, with the day/month order decided
once per file from the evidence its dates give.

Pure Python (no Django). ``read_dates`` works on DISTINCT texts: the caller passes each distinct
cell text once (``table.EncodedColumn`` gives them) and carries the answers back to its rows.

Accepted:

- ISO 8601 and other year-first dates: ``2023-01-31``, ``2023/1/31``, ``2023.01.31``, with an
  optional time (``2023-01-31 10:22:00``, ``2023-01-31T10:22:00Z``); always year, month, day.
- ISO 8601 basic dates, ``20230131`` (G4IT's template asks for ``YYYYMMDD``), years 1900-2099.
- Day/month dates with the year last: ``31/01/2023``, ``31-01-2023``, ``31.01.2023``,
  ``1/23/23`` (Snipe-IT writes US month-first dates), leading zeros or not, the same separator
  twice, an optional time. Two-digit years pivot: 00-69 are 2000-2069, 70-99 are 1970-1999.
- Excel serial day numbers, as a spreadsheet cell formatted as a number gives them: a
  five-digit integer between 20000 and 80000 (1954-10-03 to 2119-01-11); "44927" is 2023-01-01.

Day-first or month-first (``order="auto"``), per file:

- a date whose first part is over 12 is evidence for day-first (``dmy``), one whose second part
  is over 12 for month-first (``mdy``); a date with both parts over 12 is an impossible date;
- evidence for one order only: that order;
- evidence for both: the order with more evidence wins (day-first on a tie, the French habit);
  the dates that can only be read the other way get the problem ``"ambiguous_order"`` (the file
  mixes two orders: which one a given date follows cannot be known) and no ISO text;
- no evidence at all (every day/month date has both parts at most 12, e.g. only "01/02/2023"),
  or evidence tied: ``ambiguous=True``. The dates are then read day-first, as a proposal the
  caller must have the user confirm (or re-read with an explicit ``order``): nothing is guessed
  silently, and these dates are not listed as problems.

``order="dmy"``/``"mdy"``/``"ymd"`` reads every day/month date in that order (``"ymd"``: short
dates such as ``23/01/31`` are year, month, day); a date that is not valid so read is an
impossible date. Year-first dates with a four-digit year are read year-first in any order.

Problems (``DateReading.problems``, text -> code): ``"not_a_date"`` (not a date at all),
``"impossible_date"`` (the shape of a date, but no such day: ``31/02/2023``, ``13/13/2023``,
``2023-02-30``), ``"ambiguous_order"`` (see above). Whether a date is in the future or too old
is the caller's business."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

Order = Literal["auto", "dmy", "mdy", "ymd"]

NOT_A_DATE = "not_a_date"
IMPOSSIBLE_DATE = "impossible_date"
AMBIGUOUS_ORDER = "ambiguous_order"

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug included)
EXCEL_SERIAL_MIN = 20000
EXCEL_SERIAL_MAX = 80000
TWO_DIGIT_PIVOT = 70  # 00-69 -> 20xx, 70-99 -> 19xx

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
_DAY_MONTH = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})" + _TIME)
_SERIAL = re.compile(r"\d{5}")
_BASIC = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})")


@dataclass(frozen=True)
class DateReading:
    iso: list[str]  # one per value: "YYYY-MM-DD", or "" (empty text or a problem)
    problems: dict[str, str] = field(default_factory=dict)  # text -> problem code
    order: str = ""  # "dmy", "mdy" or "ymd" used for day/month dates; "" when there were none
    ambiguous: bool = False  # auto order without deciding evidence: ask the user


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        return year + (2000 if year < TWO_DIGIT_PIVOT else 1900)
    return year


def _iso(year: int, month: int, day: int) -> str:
    """The ISO text of the date, or "" when there is no such day."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def _read_day_month(parts: tuple[str, str, str], order: str) -> str:
    first, second, third = parts
    if order == "ymd":
        if len(third) > 2:
            return ""
        return _iso(_year(first), int(second), int(third))
    day, month = (first, second) if order == "dmy" else (second, first)
    return _iso(_year(third), int(month), int(day))


def _decide(day_month: Sequence[tuple[str, str, str]]) -> tuple[str, bool]:
    """The order the evidence gives, and whether it fails to decide (see the module docstring)."""
    day_first = sum(1 for a, b, _ in day_month if int(a) > 12 >= int(b))
    month_first = sum(1 for a, b, _ in day_month if int(b) > 12 >= int(a))
    if month_first > day_first:
        return "mdy", False
    return "dmy", day_first == month_first


def read_dates(values: Sequence[str], *, order: Order = "auto") -> DateReading:
    """Each text read as a date (see the module docstring). ``values`` should be distinct."""
    if order not in ("auto", "dmy", "mdy", "ymd"):
        raise ValueError(f"unknown date order {order!r}")
    iso = [""] * len(values)
    problems: dict[str, str] = {}
    day_month: dict[int, tuple[str, str, str]] = {}
    for index, raw in enumerate(values):
        text = raw.strip()
        if not text:
            continue
        if match := _YEAR_FIRST.fullmatch(text):
            year, _sep, month, day = match.groups()
            iso[index] = _iso(int(year), int(month), int(day))
            if not iso[index]:
                problems[raw] = IMPOSSIBLE_DATE
        elif match := _DAY_MONTH.fullmatch(text):
            first, _sep, second, third = match.groups()
            day_month[index] = (first, second, third)
        elif match := _BASIC.fullmatch(text):
            iso[index] = _iso(*map(int, match.groups()))
            if not iso[index]:
                problems[raw] = IMPOSSIBLE_DATE
        elif _SERIAL.fullmatch(text) and EXCEL_SERIAL_MIN <= int(text) <= EXCEL_SERIAL_MAX:
            iso[index] = (EXCEL_EPOCH + timedelta(days=int(text))).isoformat()
        else:
            problems[raw] = NOT_A_DATE
    if not day_month:
        return DateReading(iso, problems, "", False)
    ambiguous = False
    used: str = order
    if order == "auto":
        used, ambiguous = _decide(list(day_month.values()))
    for index, parts in day_month.items():
        iso[index] = _read_day_month(parts, used)
        if iso[index]:
            continue
        other = "mdy" if used == "dmy" else "dmy"
        if order == "auto" and _read_day_month(parts, other):
            problems[values[index]] = AMBIGUOUS_ORDER
        else:
            problems[values[index]] = IMPOSSIBLE_DATE
    return DateReading(iso, problems, used, ambiguous)
