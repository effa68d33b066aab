"""A table as one block: caption, header, cells."""

from __future__ import annotations

from narrate.article import Block
from narrate.extract.table import table_block


def test_a_first_row_with_one_cell_is_the_caption() -> None:
    rows = [["Closures by county", "", ""], ["County", "Closed", "Open"], ["Ash", "41", "12"]]
    assert table_block(rows, header=True) == Block("table", "Closures by county\nCounty\tClosed\tOpen\nAsh\t41\t12", 1)


def test_header_guessed_from_words_above_figures() -> None:
    assert table_block([["Party", "Yes", "No"], ["Democrats", "48", "1"], ["Republicans", "3", "45"]]).level == 1
    assert table_block([["Ash", "41"], ["Birch", "79"]]).level == 0
    assert table_block([["Name", "Role"], ["Ann Lee", "Chair"], ["Sam Roe", "Clerk"]]).level == 0


def test_whitespace_collapsed_and_empty_rows_and_tables_dropped() -> None:
    assert table_block([["  Ash \n county", "41"], ["", ""], ["Birch", " 79 "]], header=False) == Block(
        "table", "Ash county\t41\nBirch\t79", 0
    )
    assert table_block([["", ""], [" "]]) is None
