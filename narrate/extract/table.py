"""A table of the article as one block: its caption, whether its first row names the columns, its cells."""

from __future__ import annotations

import re

from narrate.article import Block

_DIGIT = re.compile(r"\d")


def table_block(rows: list[list[str]], header: bool | None = None) -> Block | None:
    """The "table" block for ``rows`` of cell texts (see Block.text); None when no cell has words.

    A first row with one cell above wider rows is the caption. ``header`` says whether the next row
    names the columns; None: guess it from the cells (a row without figures above columns of figures).
    """
    rows = [[" ".join(cell.split()) for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return None
    caption = ""
    if len(rows) > 1 and sum(1 for cell in rows[0] if cell) == 1 and max(len(row) for row in rows[1:]) > 1:
        caption = next(cell for cell in rows[0] if cell)
        rows = rows[1:]
    if header is None:
        header = _looks_like_header(rows)
    lines = ([caption] if caption else []) + ["\t".join(row) for row in rows]
    return Block("table", "\n".join(lines), level=1 if header else 0)


def _looks_like_header(rows: list[list[str]]) -> bool:
    if len(rows) < 2 or any(_DIGIT.search(cell) for cell in rows[0]):
        return False
    for column in range(1, len(rows[0])):
        cells = [row[column] for row in rows[1:] if column < len(row) and row[column]]
        if cells and sum(1 for cell in cells if _DIGIT.search(cell)) * 2 >= len(cells):
            return True
    return False
