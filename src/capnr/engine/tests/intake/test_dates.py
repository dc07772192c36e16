"""Dates of inventory files: ISO, day-first, month-first, two-digit years, Excel serials, and the
day/month order decided per file without ever guessing silently."""

from __future__ import annotations

import pytest

from capnr.engine.intake.dates import (
    AMBIGUOUS_ORDER,
    IMPOSSIBLE_DATE,
    NOT_A_DATE,
    read_dates,
)


def iso(*values: str, **options: str) -> list[str]:
    return read_dates(list(values), **options).iso  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-31", "2023-01-31"),
        ("2023-1-5", "2023-01-05"),
        ("2023/01/31", "2023-01-31"),
        ("2023.01.31", "2023-01-31"),
        ("2023-01-31 10:22:00", "2023-01-31"),
        ("2023-01-31T10:22:00Z", "2023-01-31"),
        ("2023-01-31T10:22:00.125+01:00", "2023-01-31"),
        ("  2023-01-31 ", "2023-01-31"),
        ("20200708", "2020-07-08"),  # G4IT's YYYYMMDD
    ],
)
def test_year_first_dates_are_read_with_or_without_a_time(text, expected):
    reading = read_dates([text])
    assert reading.iso == [expected]
    assert reading.problems == {}
    assert reading.order == ""  # no day/month date: no order to decide
    assert not reading.ambiguous


@pytest.mark.parametrize("text", ["31/01/2023", "31-01-2023", "31.01.2023", "31/1/2023"])
def test_day_first_separators_and_missing_leading_zeros_are_accepted(text):
    reading = read_dates([text])
    assert reading.iso == ["2023-01-31"]
    assert reading.order == "dmy"
    assert not reading.ambiguous


def test_a_time_after_a_day_first_date_is_ignored():
    assert iso("31-01-2023 10:22", "15/03/2021 08:00:00") == ["2023-01-31", "2021-03-15"]


def test_snipe_it_month_first_dates_with_two_digit_years_are_read_month_first():
    # The dates of Snipe-IT's sample asset export.
    reading = read_dates(["1/23/23", "11/14/22", "3/1/23", "10/26/22", "10/27/28"])
    assert reading.order == "mdy"
    assert not reading.ambiguous
    assert reading.iso == ["2023-01-23", "2022-11-14", "2023-03-01", "2022-10-26", "2028-10-27"]
    assert reading.problems == {}


def test_us_dates_with_four_digit_years_are_read_month_first():
    assert iso("12/31/2022", "1/2/2023") == ["2022-12-31", "2023-01-02"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/1/00", "2000-01-01"),
        ("1/1/69", "2069-01-01"),
        ("1/1/70", "1970-01-01"),
        ("31/12/99", "1999-12-31"),
    ],
)
def test_two_digit_years_pivot_at_70(text, expected):
    assert iso(text, order="dmy") == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("44927", "2023-01-01"),
        ("20000", "1954-10-03"),
        ("80000", "2119-01-11"),
        ("45291", "2023-12-31"),
    ],
)
def test_excel_serial_day_numbers_are_dates(text, expected):
    reading = read_dates([text])
    assert reading.iso == [expected] and reading.problems == {}


@pytest.mark.parametrize("text", ["19999", "80001", "4492", "449270", "44927.5", "-44927"])
def test_numbers_outside_the_excel_serial_range_are_not_dates(text):
    assert read_dates([text]).problems == {text: NOT_A_DATE}


@pytest.mark.parametrize(
    "text", ["hier", "N/A", "2023", "31/01", "31/01-2023", "2023-01-31x", "1.5", "12345678"]
)
def test_texts_that_are_not_dates_are_reported(text):
    reading = read_dates([text])
    assert reading.iso == [""]
    assert reading.problems == {text: NOT_A_DATE}


@pytest.mark.parametrize(
    "text", ["31/02/2023", "13/13/2023", "2023-02-30", "2023-13-01", "00/01/2023", "20230230"]
)
def test_impossible_dates_are_reported_not_corrected(text):
    reading = read_dates([text, "25/12/2022"])
    assert reading.iso[0] == ""
    assert reading.problems == {text: IMPOSSIBLE_DATE}


def test_empty_texts_are_neither_dates_nor_problems():
    reading = read_dates(["", "  ", "2023-01-31"])
    assert reading.iso == ["", "", "2023-01-31"]
    assert reading.problems == {}


def test_without_deciding_evidence_the_order_is_ambiguous_and_read_day_first():
    reading = read_dates(["01/02/2023", "03/04/2023", "2023-05-06"])
    assert reading.ambiguous
    assert reading.order == "dmy"  # the French habit, proposed to the user
    assert reading.iso == ["2023-02-01", "2023-04-03", "2023-05-06"]
    assert reading.problems == {}  # the caller asks; these are not errors


def test_one_day_over_12_decides_day_first_for_the_whole_file():
    reading = read_dates(["01/02/2023", "25/12/2022"])
    assert (reading.order, reading.ambiguous) == ("dmy", False)
    assert reading.iso == ["2023-02-01", "2022-12-25"]


def test_one_second_part_over_12_decides_month_first_for_the_whole_file():
    reading = read_dates(["01/02/2023", "12/25/2022"])
    assert (reading.order, reading.ambiguous) == ("mdy", False)
    assert reading.iso == ["2023-01-02", "2022-12-25"]


def test_a_file_mixing_both_orders_follows_the_majority_and_reports_the_others():
    reading = read_dates(["25/12/2022", "31/01/2023", "12/25/2022", "01/02/2023"])
    assert (reading.order, reading.ambiguous) == ("dmy", False)
    assert reading.iso == ["2022-12-25", "2023-01-31", "", "2023-02-01"]
    assert reading.problems == {"12/25/2022": AMBIGUOUS_ORDER}


def test_a_tie_between_both_orders_is_ambiguous():
    reading = read_dates(["25/12/2022", "12/25/2022"])
    assert reading.ambiguous
    assert reading.order == "dmy"
    assert reading.problems == {"12/25/2022": AMBIGUOUS_ORDER}


def test_an_explicit_order_is_applied_and_what_does_not_fit_is_impossible():
    reading = read_dates(["01/02/2023", "25/12/2022"], order="mdy")
    assert (reading.order, reading.ambiguous) == ("mdy", False)
    assert reading.iso == ["2023-01-02", ""]
    assert reading.problems == {"25/12/2022": IMPOSSIBLE_DATE}
    assert read_dates(["01/02/2023"], order="dmy").iso == ["2023-02-01"]


def test_year_first_order_reads_short_dates_as_year_month_day():
    reading = read_dates(["23/01/31", "2023-02-01", "31/01/2023"], order="ymd")
    assert reading.iso == ["2023-01-31", "2023-02-01", ""]
    assert reading.problems == {"31/01/2023": IMPOSSIBLE_DATE}


def test_year_first_dates_are_read_year_first_whatever_the_order():
    assert iso("2023/01/02", order="mdy") == ["2023-01-02"]
    assert iso("2023/01/02", order="dmy") == ["2023-01-02"]


def test_an_unknown_order_is_refused():
    with pytest.raises(ValueError, match="order"):
        read_dates(["01/02/2023"], order="myd")  # type: ignore[arg-type]


def test_future_and_old_dates_are_left_to_the_caller():
    assert iso("31/12/2099", "01/01/1971") == ["2099-12-31", "1971-01-01"]
