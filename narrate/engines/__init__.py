"""Text-to-speech engines, chosen by name; each is imported only when it is chosen.

Every engine class is built as ``EngineClass(settings, voice)`` and names the settings it reads in
``settings_used``, so one engine object per (name, voice, those settings) lives for the whole process.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from narrate.engines.base import Engine, Speech
from narrate.errors import ConfigError
from narrate.settings import Settings

__all__ = ["ENGINE_NAMES", "Engine", "Speech", "get_engine"]

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


def get_engine(name: str, settings: Settings, voice: str = "") -> Engine:
    """The engine ``name`` with ``voice`` (empty: the configured or default voice), built once per process."""
    name = name.strip().lower()
    if name not in _ENGINES:
        raise ConfigError(f"unknown engine {name!r}; known engines: {', '.join(ENGINE_NAMES)}")
    if not voice and name == settings.engine:
        # settings.voice belongs to the configured engine: a Piper model path means nothing to espeak.
        voice = settings.voice
    module_name, class_name = _ENGINES[name].split(":")
    engine_class = getattr(importlib.import_module(module_name), class_name)
    key = (name, voice, *(getattr(settings, field) for field in engine_class.settings_used))
    with _engines_lock:
        if key not in _engines:
            _engines[key] = engine_class(settings, voice)
        return _engines[key]
