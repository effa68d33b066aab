"""Choosing and checking an engine without loading a voice model (the service and `narrate script` do this)."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrate import engines
from narrate.errors import ConfigError
from narrate.settings import Settings


def test_checking_piper_reads_no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(home=tmp_path)
    monkeypatch.setattr(engines, "_engines", {})
    engines.check_engine("piper", settings)  # the bundled voice's files are there
    assert engines._engines == {}  # nothing was built, so no model was loaded
    with pytest.raises(ConfigError, match="cannot read voice file /nowhere/voice.onnx"):
        engines.check_engine("piper", settings, "/nowhere/voice.onnx")
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"not a model")
    with pytest.raises(ConfigError, match=r"voice\.onnx\.json"):
        engines.check_engine("piper", settings, str(model))


def test_engine_class_gives_limits_and_refuses_unknown_names() -> None:
    assert engines.engine_class("piper").max_chars == 400
    assert engines.engine_class(" GTTS ").max_chars == 200
    with pytest.raises(ConfigError, match="unknown engine 'klingon'"):
        engines.engine_class("klingon")
