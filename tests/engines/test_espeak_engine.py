import shutil
from pathlib import Path

import numpy as np
import pytest

from narrate.engines.espeak import EspeakEngine
from narrate.errors import ConfigError
from narrate.settings import Settings

installed = pytest.mark.skipif(
    shutil.which("espeak-ng") is None and shutil.which("espeak") is None, reason="espeak-ng is not installed"
)


@installed
def test_speaks_a_sentence() -> None:
    engine = EspeakEngine(Settings())
    speech = engine.synthesize("Hello world, this is a test.")
    samples = np.frombuffer(speech.pcm, "<i2").astype(float)

    assert speech.sample_rate == engine.sample_rate == 22050
    assert 1.0 < speech.duration < 4.0
    assert 20 * np.log10(np.sqrt(np.mean(samples**2)) / 32768) > -40
    assert engine.voice_id.endswith(" voice=en")


@installed
def test_text_that_looks_like_an_option_is_spoken() -> None:
    assert EspeakEngine(Settings()).synthesize("-v --help").duration > 0.3


@installed
def test_unknown_voice_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"^espeak: voice 'nosuchvoice': .*does not exist"):
        EspeakEngine(Settings(), voice="nosuchvoice")


def test_missing_program_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConfigError, match=r"^espeak: espeak-ng is not installed"):
        EspeakEngine(Settings())
