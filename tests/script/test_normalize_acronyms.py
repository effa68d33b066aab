"""Acronyms and capitals (narrate.script.normalize.acronyms, and acronyms() of the pipeline)."""

from __future__ import annotations

from narrate.script.normalize import WORD_ACRONYMS, acronyms, normalize, read_acronyms


def test_acronyms_read_as_words_are_the_default_list() -> None:
    assert {"NATO", "NASA", "UNICEF", "UNESCO", "OPEC", "FEMA", "HUD", "AIDS", "COVID", "NAFTA", "ASEAN"} <= (
        WORD_ACRONYMS
    )
    assert all(word.isupper() and word.isalpha() for word in WORD_ACRONYMS)


def test_read_acronyms_spells_letters_and_writes_word_acronyms_as_words() -> None:
    assert read_acronyms("FCNL and NATO and the EPA's NGOs.") == "F C N L and Nato and the E.P.A's N G Os."


def test_read_acronyms_in_a_headline_spells_only_what_cannot_be_said() -> None:
    assert read_acronyms("FCNL URGES NATO RESTRAINT") == "F C N L URGES Nato RESTRAINT"
    assert read_acronyms("Marchers chanted STOP THE WAR outside FCNL.") == (
        "Marchers chanted STOP THE WAR outside F C N L."
    )


def test_a_lone_acronym_is_read_as_in_a_sentence() -> None:
    # The lexicon normalises its entries to find them in speech text: "EPA" alone must sound as in a sentence.
    assert [normalize(word) for word in ("EPA", "FCNL", "NATO", "NGOs")] == ["E.P.A", "F C N L", "Nato", "N G Os"]
    assert normalize("CLIMATE CHANGE") == "CLIMATE CHANGE"


def test_acronyms_lists_what_normalize_reads_as_an_acronym() -> None:
    text = (
        "FCNL and the EPA's NGOs met NATO in the U.S. during World War II.\n"
        "They will NOT build 1.5 GW plants.\n"
        "STOP THE WAR NOW\n"
        "FCNL thanks the FBI."
    )
    assert acronyms(text) == ["FCNL", "EPA", "NGO", "NATO", "FBI"]


def test_acronyms_is_empty_for_plain_text() -> None:
    assert acronyms("Peace is possible when people keep talking. I agree.") == []
