"""The pronunciation lexicon: whole words, case-aware, longest entry first."""

from __future__ import annotations

import pytest

from narrate.errors import ConfigError
from narrate.script.lexicon import DEFAULT_LEXICON, apply_lexicon, lexicon_replacer


def test_capitalised_entry_matches_the_word_and_its_possessive_only() -> None:
    lexicon = {"FCNL": "F C N L"}
    assert apply_lexicon("FCNL and FCNL's staff, not fcnl or FCNLX or XFCNL.", lexicon) == (
        "F C N L and F C N L's staff, not fcnl or FCNLX or XFCNL."
    )


def test_lowercase_entry_matches_any_case_and_keeps_a_leading_capital() -> None:
    lexicon = {"nguyen": "win"}
    assert apply_lexicon("Nguyen met nguyen and NGUYEN.", lexicon) == "Win met win and Win."


def test_longest_entry_wins() -> None:
    lexicon = {"New York": "Noo York", "New York Times": "the Times paper", "York": "Yawk"}
    assert apply_lexicon("The New York Times in New York, not York.", lexicon) == (
        "The the Times paper in Noo York, not Yawk."
    )


def test_exact_entry_beats_any_case_entry_of_the_same_word() -> None:
    lexicon = {"US": "U S", "us": "us"}
    assert apply_lexicon("US aid helps us. Us too.", lexicon) == "U S aid helps us. Us too."


def test_entries_with_punctuation_are_literal_not_patterns() -> None:
    assert apply_lexicon("C++ and C.A.T. and CxxAT", {"C++": "C plus plus", "C.A.T": "cat"}) == (
        "C plus plus and cat. and CxxAT"
    )


def test_empty_lexicon_changes_nothing() -> None:
    assert apply_lexicon("Anything at all.", {}) == "Anything at all."


def test_empty_entry_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="empty"):
        lexicon_replacer({"  ": "nothing"})


def test_default_lexicon_is_small_and_read_only() -> None:
    assert 0 < len(DEFAULT_LEXICON) <= 12
    assert apply_lexicon("NATO and FCNL's work", DEFAULT_LEXICON) == "Nato and F C N L's work"
    with pytest.raises(TypeError):
        DEFAULT_LEXICON["X"] = "y"  # type: ignore[index]
