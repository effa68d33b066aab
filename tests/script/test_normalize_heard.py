"""Readings found by listening back (bench/listen.py): what the voice said wrong, as general rules."""

from __future__ import annotations

import pytest

from narrate.script.normalize import (
    expand_abbreviations,
    expand_bill_numbers,
    expand_dashes,
    normalize,
    read_acronyms,
    read_fiscal_years,
    read_grade_ranges,
    read_road_numbers,
    spelled,
)

# A spaced "A" is said as the article ("G A O" is "gee uh oh"); letters with an A are written with full stops.
LETTERS = [
    ("GAO", "G.A.O"),
    ("NAACP", "N.A.A.C.P"),
    ("AM", "A.M"),
    ("FAA", "F.A.A"),
    ("EPA", "E.P.A"),
    ("FBI", "F B I"),
    ("NCHJ", "N C H J"),
    ("US", "U S"),
]
ACRONYMS = [
    ("The GAO found waste.", "The G.A.O found waste."),
    ("The GAO's report.", "The G.A.O's report."),
    ("ATMs and NGOs.", "A.T.Ms and N G Os."),
    ("The ACLU sued the FBI.", "The A.C.L.U sued the F B I."),
    ("The N.A.A.C.P. and the U.S.A.", "The N.A.A.C.P and the U.S.A."),
    ("Doors open at 9 a.m. and close at 5 p.m.", "Doors open at nine A.M and close at five P M."),
    ("See gao.gov today.", "See G.A.O dot gov today."),
]
FISCAL_YEARS = [
    ("The FY2025 budget.", "The fiscal year 2025 budget."),
    ("In FY25 and FY 26.", "In fiscal year twenty-five and fiscal year twenty-six."),
    ("FY 2025-26 and FY2024\u20132025.", "fiscal year 2025 to twenty-six and fiscal year 2024 to 2025."),
    ("FY24/25 and FY'09.", "fiscal year twenty-four to twenty-five and fiscal year oh-nine."),
    ("FYs 2024-26 ran long.", "fiscal years 2024 to twenty-six ran long."),
    # Not fiscal years: a word containing the letters, a longer code.
    ("FYI and FY123456.", "FYI and FY123456."),
]
GRADES = [
    ("K-3 classrooms", "K through 3 classrooms"),
    ("K\u201312 schools", "K through 12 schools"),
    ("pre-K, Pre-K, PreK and prek", "pre-K, pre-K, pre-K and prek"),
    ("PreK-5 and pre-K\u201312", "pre-K through 5 and pre-K through 12"),
    ("grades 4\u20138 and Grade 9-12", "grades 4 through 8 and Grade 9 through 12"),
    # Not grade ranges: falling numbers, a model number, a K with more digits.
    ("grades 8-4, K-9000 and AK-47", "grades 8-4, K-9000 and AK-47"),
]
SHORT_YEAR_RANGES = [
    (
        "From 2021\u201322 to 2023\u201324.",
        "From twenty twenty-one to twenty-two to twenty twenty-three to twenty-four.",
    ),
    ("The 2009-10 season.", "The two thousand and nine to ten season."),
    ("The 2000-01 term.", "The two thousand to oh-one term."),
    ("In 1939-45.", "In nineteen thirty-nine to forty-five."),
    # Not ranges: a falling second number is a month or a code; four digits are both years.
    ("On 2019-12 and 2019-2020.", "On twenty nineteen-twelve and twenty nineteen to twenty twenty."),
]
BILLS = [
    ("Senate Bill 412", "Senate Bill four twelve"),
    ("House Bill 1234 and Assembly Bill 5", "House Bill twelve thirty-four and Assembly Bill five"),
    (
        "SB 412, S.B. 1234, HB 2005 and AB 405",
        "S B four twelve, S B twelve thirty-four, H B two thousand and five and A.B four oh-five",
    ),
    ("House File 2 and Senate Joint Resolution 40", "House File two and Senate Joint Resolution forty"),
    ("H.R. 1234", "H R twelve thirty-four"),
    # Not bills: a number with a decimal part, a bill without a number.
    ("Senate Bill passed; SB 1.5", "Senate Bill passed; S B one point five"),
]
ROADS = [
    ("Route 66", "Route sixty-six"),
    ("Route 101 and Hwy. 1", "Route one oh-one and Highway one"),
    ("I-95 and I-405", "I ninety-five and I four oh-five"),
    ("Interstate 80, U.S. 1 and State Route 520", "Interstate eighty, U.S. one and State Route five twenty"),
    # Not roads: a year after US, a hyphenated word.
    ("the US 2024 vote and Wi-Fi", "the US 2024 vote and Wi-Fi"),
]
COMPOUNDS = [
    ("U.S.-North Korea talks", "U S North Korea talks"),
    ("a U.N.-backed force", "a U N backed force"),
    ("EPA-approved and FBI-led", "E.P.A approved and F B I led"),
    ("U.S.-led, not U.S.-2", "U S led, not U S two"),
    ("COVID-19 and AFL-CIO", "Covid-nineteen and A.F.L C I O"),
]


@pytest.mark.parametrize(("letters", "spoken"), LETTERS)
def test_letters_with_an_a_are_spelled_with_full_stops(letters: str, spoken: str) -> None:
    assert spelled(letters) == spoken


@pytest.mark.parametrize(("written", "spoken"), ACRONYMS)
def test_every_spelled_a_is_said_as_a_letter(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), FISCAL_YEARS)
def test_fiscal_years(written: str, spoken: str) -> None:
    assert read_fiscal_years(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), GRADES)
def test_grade_ranges(written: str, spoken: str) -> None:
    assert read_grade_ranges(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), SHORT_YEAR_RANGES)
def test_year_ranges_say_a_short_second_year_as_written(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), BILLS)
def test_bill_numbers_in_pairs(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), ROADS)
def test_road_numbers_in_pairs(written: str, spoken: str) -> None:
    assert read_road_numbers(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), COMPOUNDS)
def test_spelled_abbreviation_kept_apart_from_a_hyphenated_word(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_the_whole_chain_reads_each_class() -> None:
    written = "In FY2025, K-3 enrollment in 2021-22 fell, Senate Bill 412 said, on I-95 near U.S.-Canada posts."
    assert normalize(written) == (
        "In fiscal year twenty twenty-five, K through three enrollment in twenty twenty-one to twenty-two fell, "
        "Senate Bill four twelve said, on I ninety-five near U S Canada posts."
    )


def test_steps_leave_what_is_not_theirs() -> None:
    plain = "A 5-4 vote on May 6 in Room 12."
    assert read_fiscal_years(plain) == read_grade_ranges(plain) == read_road_numbers(plain) == plain
    assert expand_bill_numbers(plain) == plain
    assert expand_dashes(plain) == plain
    assert expand_abbreviations("Mr. A") == "Mister A"
    assert read_acronyms("A B") == "A B"  # single letters are no acronym
