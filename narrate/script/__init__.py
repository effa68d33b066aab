"""The speech script: an Article becomes the exact words the voice speaks, segment by segment."""

from narrate.script.build import QUOTE_END, QUOTE_START, Script, ScriptOptions, Segment, build_script
from narrate.script.sentences import split_sentences
from narrate.script.tables import table_sentences

__all__ = [
    "QUOTE_END",
    "QUOTE_START",
    "Script",
    "ScriptOptions",
    "Segment",
    "build_script",
    "split_sentences",
    "table_sentences",
]
