"""Sentence splitting: where a careful reader stops, and where they do not."""

from __future__ import annotations

import pytest

from narrate.script import split_sentences

CASES = [
    ("One. Two! Three? Four.", ["One.", "Two!", "Three?", "Four."]),
    ("The U.S. Senate voted. The House did not.", ["The U.S. Senate voted.", "The House did not."]),
    ("They met in the U.S. Then they left.", ["They met in the U.S. Then they left."]),
    ("Dr. Ruiz met Sen. Warren today. It went well.", ["Dr. Ruiz met Sen. Warren today.", "It went well."]),
    ("Mr. and Mrs. Smith came. Ms. Jones did not.", ["Mr. and Mrs. Smith came.", "Ms. Jones did not."]),
    ("Bring tools, e.g. Hammers and saws. Then start.", ["Bring tools, e.g. Hammers and saws.", "Then start."]),
    ("Some, i.e. Most, agreed. Good.", ["Some, i.e. Most, agreed.", "Good."]),
    ("See No. 5 on the list. It matters.", ["See No. 5 on the list.", "It matters."]),
    ("Growth was 2.5 percent. Prices rose 3.1 percent.", ["Growth was 2.5 percent.", "Prices rose 3.1 percent."]),
    ("J. R. R. Tolkien wrote it. C. S. Lewis did too.", ["J. R. R. Tolkien wrote it.", "C. S. Lewis did too."]),
    ("Wait... What now? Nothing\u2026 Then more.", ["Wait... What now?", "Nothing\u2026 Then more."]),
    ('He said "Go home." Then he left.', ['He said "Go home."', "Then he left."]),
    ("She asked \u201cWhy?\u201d Nobody answered.", ["She asked \u201cWhy?\u201d", "Nobody answered."]),
    ('"Why?" she asked. "Because."', ['"Why?" she asked.', '"Because."']),
    ("(See the report.) The rest follows.", ["(See the report.)", "The rest follows."]),
    ("The vote is on Jan. 15 at noon. Be there.", ["The vote is on Jan. 15 at noon.", "Be there."]),
    ("It ended at 5 p.m. The crowd left.", ["It ended at 5 p.m.", "The crowd left."]),
    ("Pens, paper, etc. are needed.", ["Pens, paper, etc. are needed."]),
    ("Pens, paper, etc. Bring them.", ["Pens, paper, etc.", "Bring them."]),
    ("Roe v. Wade and Smith vs. Jones. Both matter.", ["Roe v. Wade and Smith vs. Jones.", "Both matter."]),
    ("He scored 5. Then he rested.", ["He scored 5.", "Then he rested."]),
    ("Visit fcnl.org today. Or call.", ["Visit fcnl.org today.", "Or call."]),
    ("St. Louis is big. Main St. is short.", ["St. Louis is big.", "Main St. is short."]),
    ("No full stop at the end", ["No full stop at the end"]),
    ("  Spaces   around.   ", ["Spaces   around."]),
    ("", []),
]


@pytest.mark.parametrize(("text", "sentences"), CASES, ids=[c[0][:40] or "empty" for c in CASES])
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_splitting_keeps_every_character_but_the_spaces_between() -> None:
    text = 'Dr. A. B. Cole said "No." Then, at 5 p.m. He left\u2026 U.S. aid rose 2.5%! Why? Nobody knows.'
    sentences = split_sentences(text)
    assert len(sentences) == 5
    assert " ".join(sentences) == text
