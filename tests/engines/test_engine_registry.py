import subprocess
import sys
from pathlib import Path

import pytest

from narrate.engines import ENGINE_NAMES, get_engine
from narrate.errors import ConfigError
from narrate.settings import Settings


def test_known_engine_names() -> None:
    assert ENGINE_NAMES == ("piper", "gtts", "espeak", "tone")


def test_unknown_engine_is_a_config_error_listing_the_known_ones() -> None:
    with pytest.raises(ConfigError) as failure:
        get_engine("festival", Settings())
    assert str(failure.value) == "unknown engine 'festival'; known engines: piper, gtts, espeak, tone"


def test_engines_are_cached_by_name_and_voice() -> None:
    settings = Settings(engine="tone")
    engine = get_engine("tone", settings)

    assert get_engine(" Tone ", settings) is engine
    assert get_engine("tone", settings, voice="other") is not engine


def test_configured_voice_applies_only_to_the_configured_engine(tmp_path: Path) -> None:
    missing_model = str(tmp_path / "missing.onnx")
    settings = Settings(engine="piper", voice=missing_model)

    with pytest.raises(ConfigError, match="missing.onnx"):
        get_engine("piper", settings)
    assert get_engine("tone", settings) is get_engine("tone", Settings())


def test_heavy_engines_are_imported_only_when_chosen() -> None:
    code = (
        "import sys; from narrate.engines import get_engine; from narrate.settings import Settings; "
        "get_engine('tone', Settings()); print(sorted({'piper', 'onnxruntime', 'gtts'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
