"""Plain punctuation, emoji and the clean-up (narrate.script.normalize.punctuation)."""

from __future__ import annotations

from narrate.script.normalize import drop_emoji, normalize, plain_punctuation, tidy


def test_plain_punctuation() -> None:
    written = "\u201cA\u201d \u2018b\u2019 \u00abc\u00bb d\u00a0e \u2212 5\u2026"
    assert plain_punctuation(written) == "\"A\" 'b' \"c\" d e - 5..."


def test_drop_emoji_keeps_letters_and_accents() -> None:
    assert drop_emoji("Caf\u00e9 \U0001f1fa\U0001f1f8 na\u00efve \u2705 \u00a9") == "Caf\u00e9  na\u00efve  "


def test_tidy() -> None:
    assert tidy("  , Hello ,  world , ; there ( now )  , ") == "Hello, world; there (now)"


def test_multiplication_sign_glues_to_digits_never_to_letters() -> None:
    assert plain_punctuation("2\u00d74 lumber, 3\u00d7 faster") == "2x4 lumber, 3x faster"
    assert plain_punctuation("0\u00d7A and A\u00d7B") == "0 x A and A x B"


def test_a_symbol_outside_ascii_is_never_glued_to_a_word() -> None:
    # A digit after a symbol becomes a number word: the two are read apart, never as one made-up word.
    assert normalize("\u328a0") == "\u328a zero"
    assert normalize("\u21165 tickets") == "\u2116 five tickets"
