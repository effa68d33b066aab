"""Letters said one by one, as letter names, by every engine."""

from __future__ import annotations


def spelled(letters: str) -> str:
    """Letters said as letter names by every engine: "EPA" -> "E.P.A", "FBI" -> "F B I".

    Spaced letters are the plainest form, but a spaced "A" is read as the article ("G A O" is said
    "gee uh oh" by Piper); with full stops between the letters, and none after the last (which would
    end a sentence), every engine names each letter.
    """
    return ".".join(letters) if "A" in letters else " ".join(letters)
