"""Text-to-speech engines, chosen by name; each is imported only when it is chosen.

Every engine class is built as ``EngineClass(settings, voice)`` and names the settings it reads in
``settings_used``, so one engine object per (name, voice, those settings) lives for the whole process.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import Any

from narrate.engines.base import Engine, Speech
from narrate.engines.limit import engine_limits
from narrate.errors import ConfigError
from narrate.settings import Settings

__all__ = ["ENGINE_NAMES", "Engine", "Speech", "VoiceIdentity", "check_engine", "engine_class", "get_engine", "identify"]

# piper (onnxruntime) and gtts (requests) are slow to import: load a module only when its engine is chosen.
_ENGINES = {
    "piper": "narrate.engines.piper:PiperEngine",
    "gtts": "narrate.engines.gtts:GttsEngine",
    "espeak": "narrate.engines.espeak:EspeakEngine",
    "tone": "narrate.engines.tone:ToneEngine",
}
ENGINE_NAMES: tuple[str, ...] = tuple(_ENGINES)

_engines: dict[tuple[Any, ...], Engine] = {}
# Held while an engine is built, so threads asking at once load a Piper model only once.
_engines_lock = threading.Lock()


def engine_class(name: str) -> Any:
    """The class of engine ``name`` (its ``max_chars`` and checks need no voice loaded)."""
    name = name.strip().lower()
    if name not in _ENGINES:
        raise ConfigError(f"unknown engine {name!r}; known engines: {', '.join(ENGINE_NAMES)}")
    module_name, class_name = _ENGINES[name].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def check_engine(name: str, settings: Settings, voice: str = "") -> None:
    """Fail now on an unknown engine, a missing voice or an unreadable engine_concurrency, without loading a voice
    model where that is avoidable."""
    chosen = engine_class(name)
    unknown = sorted(set(engine_limits(settings)) - set(ENGINE_NAMES))
    if unknown:
        known = ", ".join(ENGINE_NAMES)
        raise ConfigError(f"engine_concurrency: unknown engine(s) {', '.join(unknown)}; known engines: {known}")
    voice = _voice(name, settings, voice)
    if hasattr(chosen, "check_voice"):
        chosen.check_voice(voice)
    else:  # building these is cheap: they load nothing
        get_engine(name, settings, voice)


def _voice(name: str, settings: Settings, voice: str) -> str:
    # settings.voice belongs to the configured engine: a Piper model path means nothing to espeak.
    return voice or (settings.voice if name.strip().lower() == settings.engine else "")


def get_engine(name: str, settings: Settings, voice: str = "") -> Engine:
    """The engine ``name`` with ``voice`` (empty: the configured or default voice), built once per process."""
    chosen = engine_class(name)
    name = name.strip().lower()
    voice = _voice(name, settings, voice)
    key = (name, voice, *(getattr(settings, field) for field in chosen.settings_used))
    with _engines_lock:
        if key not in _engines:
            _engines[key] = chosen(settings, voice)
        return _engines[key]


@dataclass(frozen=True)
class VoiceIdentity:
    """What planning a render needs of its engine: the cache key's parts and the script's limit, no loaded voice."""

    name: str
    voice_id: str
    max_chars: int


def identify(name: str, settings: Settings, voice: str = "") -> VoiceIdentity:
    """The identity of engine ``name`` with ``voice``. An engine that can tell it without loading its voice (Piper:
    ``identify``) does; the others are cheap to build and are asked."""
    chosen = engine_class(name)
    name = name.strip().lower()
    voice = _voice(name, settings, voice)
    if hasattr(chosen, "identify"):
        return VoiceIdentity(chosen.name, chosen.identify(settings, voice), chosen.max_chars)
    tts = get_engine(name, settings, voice)
    return VoiceIdentity(tts.name, tts.voice_id, tts.max_chars)
