"""Tables read aloud: a sentence per row with its column names, or only announced when too big to read."""

from __future__ import annotations

from narrate.article import Block
from narrate.script.sentences import _SPEAKABLE, _TERMINAL

TABLE_START = "Table."
TABLE_END = "End of table."
TABLE_MAX_ROWS = 8
"""Tables with more rows (not counting the header) are announced, not read: nobody follows 12 rows by ear."""
TABLE_MAX_COLUMNS = 4


def table_sentences(block: Block) -> list[str]:
    """What is said for a table block, sentence by sentence (see the docstring of narrate.script.build)."""
    lines = block.text.split("\n")
    caption = ""
    if len(lines) > 1 and "\t" not in lines[0] and any("\t" in line for line in lines[1:]):
        caption, lines = lines[0], lines[1:]
    rows = [line.split("\t") for line in lines]
    header = rows.pop(0) if block.level and len(rows) > 1 else []
    said = [TABLE_START] + ([caption] if caption else [])
    if len(rows) > TABLE_MAX_ROWS or max(len(row) for row in rows) > TABLE_MAX_COLUMNS:
        noun = "row" if len(rows) == 1 else "rows"
        return said + [f"This table, with {len(rows)} {noun}, is not read aloud; see the article."]
    sentences = [_row_sentence(row, header) for row in rows]
    return said + [sentence for sentence in sentences if sentence] + [TABLE_END]


def _row_sentence(cells: list[str], header: list[str]) -> str:
    """ "2023: Cases filed, 18,400; With a lawyer, 3%." with column names, "A; B; C." without."""
    cells = [cell.strip() for cell in cells]
    if header:
        label = cells[0]
        pairs = [
            f"{name.strip()}, {cell}" if name.strip() else cell
            for name, cell in zip(header[1:] + [""] * len(cells), cells[1:])
            if _SPEAKABLE.search(cell)
        ]
        sentence = "; ".join(pairs)
        if label:
            sentence = f"{label}: {sentence}" if sentence else label
    else:
        sentence = "; ".join(cell for cell in cells if _SPEAKABLE.search(cell))
    if sentence and not _TERMINAL.search(sentence):
        sentence += "."
    return sentence
