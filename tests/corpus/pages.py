"""The corpus of article pages: their sources, reviewed files, and the script each one gets.

For each page NAME there is a source (NAME.html, NAME.txt or NAME.md) and three reviewed files:

    NAME.body.txt    the article's body sentences as a careful reader marks them, one a line, in order
                     (tables are left out: their rows are not sentences)
    NAME.junk.txt    phrases of page furniture that must never be spoken, one a line
    NAME.script.txt  the golden script: exactly what ``narrate script NAME.<suffix>`` prints
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from narrate import pipeline
from narrate.extract import extract, read_source
from narrate.script import Script
from narrate.settings import Settings

CORPUS = Path(__file__).resolve().parent
SOURCE_SUFFIXES = (".html", ".md", ".txt")
REVIEWED = (".body.txt", ".junk.txt", ".script.txt")


def page_names() -> list[str]:
    """Every page of the corpus, by name."""
    return sorted(
        path.name.removesuffix(path.suffix)
        for path in CORPUS.iterdir()
        if path.suffix in SOURCE_SUFFIXES and not path.name.endswith(REVIEWED)
    )


def source(name: str) -> Path:
    return next(CORPUS / (name + suffix) for suffix in SOURCE_SUFFIXES if (CORPUS / (name + suffix)).exists())


def reviewed(name: str, kind: str) -> Path:
    """NAME.body.txt, NAME.junk.txt or NAME.script.txt."""
    return CORPUS / f"{name}.{kind}.txt"


def build(name: str) -> Script:
    """The page's script as `narrate script` makes it with the "tone" engine and the built-in lexicon."""
    with tempfile.TemporaryDirectory() as home:
        # An empty home: no feed configuration or staff lexicon may change the golden scripts.
        settings = Settings(home=Path(home))
        article = extract(read_source(str(source(name)), settings))
        return pipeline.make_script(settings, article, "main", engine="tone")


def printed(script: Script) -> str:
    """The script as `narrate script` prints it: one segment a line, a blank line before each chapter."""
    lines: list[str] = []
    for segment in script.segments:
        if segment.chapter and segment.index:
            lines.append("")
        lines.append(segment.text)
    return "\n".join(lines) + "\n"
