"""Tables in the script: a sentence per row with the column names, "Table." and "End of table.", big ones announced."""

from __future__ import annotations

from narrate.article import Article, Block
from narrate.script import ScriptOptions, build_script, table_sentences
from narrate.script.tables import TABLE_MAX_COLUMNS, TABLE_MAX_ROWS

NO_FRAME = ScriptOptions(intro_template="", outro_template="")


def _article(*blocks: Block, **meta: object) -> Article:
    return Article(title=str(meta.pop("title", "Peace Now")), blocks=list(blocks), **meta)  # type: ignore[arg-type]


TABLE = "Cases by year\nYear\tCases filed\tWith a lawyer\n2022\t17,100\t2%\n2023\t18,400\t3%"


def test_a_small_table_is_read_row_by_row_with_the_column_names() -> None:
    assert table_sentences(Block("table", TABLE, level=1)) == [
        "Table.",
        "Cases by year",
        "2022: Cases filed, 17,100; With a lawyer, 2%.",
        "2023: Cases filed, 18,400; With a lawyer, 3%.",
        "End of table.",
    ]
    script = build_script(_article(Block("paragraph", "See below."), Block("table", TABLE, level=1)), NO_FRAME)
    texts = [s.text for s in script.segments]
    assert texts[1:3] == ["Table.", "Cases by year."]
    assert "seventeen thousand one hundred; With a lawyer, two percent." in texts[3]
    assert [s.pause_ms for s in script.segments] == [700, 300, 300, 300, 300, 0]


def test_a_table_without_column_names_and_with_empty_cells() -> None:
    assert table_sentences(Block("table", "Ash\t41\t\nBirch\t\u2014\t79", level=0)) == [
        "Table.",
        "Ash; 41.",
        "Birch; 79.",
        "End of table.",
    ]
    assert table_sentences(Block("table", "Year\tCases\n2022\t\n2023\t9", level=1))[1:3] == ["2022.", "2023: Cases, 9."]


def test_a_big_table_is_announced_not_read() -> None:
    rows = "\n".join(f"Town {n}\t{n}" for n in range(TABLE_MAX_ROWS + 1))
    assert table_sentences(Block("table", f"Name\tCount\n{rows}", level=1)) == [
        "Table.",
        f"This table, with {TABLE_MAX_ROWS + 1} rows, is not read aloud; see the article.",
    ]
    wide = "\t".join(["A"] * (TABLE_MAX_COLUMNS + 1))
    assert table_sentences(Block("table", f"{wide}\n{wide}", level=0))[-1] == (
        "This table, with 2 rows, is not read aloud; see the article."
    )
